from django.urls import path

from budgets import views, workbook_views

app_name = "budgets"

# Under /p/<programme>/ (cisp/urls.py).
urlpatterns = [
    path("activities/<int:pk>/budget/", views.budget_entry, name="entry"),
    path("work-plans/<int:year>/workbook.xlsx", workbook_views.export_workbook, name="export"),
    path("work-plans/import/", workbook_views.import_workbook, name="import"),
    path("work-plans/import/confirm/", workbook_views.confirm_import, name="import_confirm"),
]
