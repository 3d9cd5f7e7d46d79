from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("<int:year>/q<int:quarter>/", views.QuarterlyReportView.as_view(), name="quarter"),
    path("<int:year>/q<int:quarter>.xlsx", views.QuarterlyReportWorkbookView.as_view(), name="quarter_xlsx"),
    path("<int:year>/q<int:quarter>/approve/", views.approve_quarterly_report, name="approve"),
    path("<int:year>/ytd/", views.QuarterlyReportView.as_view(year_to_date=True), name="year_to_date"),
    path("<int:year>/ytd.xlsx", views.QuarterlyReportWorkbookView.as_view(year_to_date=True), name="year_to_date_xlsx"),
]
