from django.urls import path

from exchange import expenditure_views, views

app_name = "exchange"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("work-plans/<int:year>/workbook.xlsx", views.export_workbook, name="export"),
    path("work-plans/import/", views.import_workbook, name="import"),
    path("work-plans/import/confirm/", views.confirm_import, name="import_confirm"),
    path("expenditure/<int:year>/workbook.xlsx", expenditure_views.export_workbook, name="expenditure_export"),
    path("expenditure/workbooks/", expenditure_views.import_workbook, name="expenditure_import"),
    path("expenditure/workbooks/confirm/", expenditure_views.confirm_import, name="expenditure_import_confirm"),
]
