from django.urls import path

from budgets import views

app_name = "budgets"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("activities/<int:pk>/budget/", views.budget_entry, name="entry"),
    path("work-plans/<int:year>/budget-revisions/", views.budget_revisions, name="revisions"),
    path(
        "work-plans/<int:year>/budget-revisions/<int:number>/pmc-approval/",
        views.approve_revision,
        name="approve_revision",
    ),
    path("work-plans/<int:year>/next-year/", views.next_year, name="next_year"),
]
