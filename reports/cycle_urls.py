from django.urls import path

from reports import cycle_views

app_name = "reporting"

# Under /p/<programme>/reporting/ (cisp/urls.py).
urlpatterns = [
    path("", cycle_views.reporting_overview, name="overview"),
    path("<int:year>/", cycle_views.reporting_overview, name="overview_year"),
    path("<int:year>/q<int:quarter>/<str:agency>/", cycle_views.submission_page, name="submission"),
    path("<int:year>/q<int:quarter>/<str:agency>/submit/", cycle_views.submit, name="submit"),
    path("<int:year>/q<int:quarter>/<str:agency>/accept/", cycle_views.accept, name="accept"),
    path("<int:year>/q<int:quarter>/<str:agency>/send-back/", cycle_views.send_back_view, name="send_back"),
    path("<int:year>/q<int:quarter>/<str:agency>/reopen/", cycle_views.reopen_view, name="reopen"),
]
