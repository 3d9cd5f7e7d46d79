from django.urls import path

from workplan import views

app_name = "workplan"

# Under /p/<programme>/ (cisp/urls.py): views find the programme in request.programme.
urlpatterns = [
    path("work-plans/", views.latest_work_plan, name="work_plan_latest"),
    path("work-plans/<int:year>/", views.WorkPlanView.as_view(), name="work_plan"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/progress/", views.report_activity_progress, name="report_progress"),
]
