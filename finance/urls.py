from django.urls import path

from finance import views

app_name = "finance"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/", views.transfers, name="transfer"),
    path("transfers/<int:pk>/delete/", views.transfer_delete, name="transfer_delete"),
    path("expenditure/", views.expenditure, name="expenditure"),
    path("expenditure/<int:year>/q<int:quarter>/<str:agency>/", views.agency_expenditure, name="agency_expenditure"),
    path("activities/<int:pk>/expenditure/", views.activity_expenditure, name="activity_expenditure"),
]
