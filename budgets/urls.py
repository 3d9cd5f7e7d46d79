from django.urls import path

from budgets import views

app_name = "budgets"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("activities/<int:pk>/budget/", views.budget_entry, name="entry"),
]
