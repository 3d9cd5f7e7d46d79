from django.urls import path

from exchange import views

app_name = "exchange"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("work-plans/<int:year>/workbook.xlsx", views.export_workbook, name="export"),
    path("work-plans/import/", views.import_workbook, name="import"),
    path("work-plans/import/confirm/", views.confirm_import, name="import_confirm"),
]
