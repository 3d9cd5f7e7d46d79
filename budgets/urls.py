from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("<int:pk>/workbook.xlsx", views.export_workbook, name="export"),
    path("import/", views.import_workbook, name="import"),
    path("import/confirm/", views.confirm_import, name="import_confirm"),
]
