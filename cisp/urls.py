from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

urlpatterns = [
    # Choosing a language must work before logging in: the login page offers it.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("workplan.urls")),
    path("", include("budgets.urls")),
    path("", include("outcomes.urls")),
    path("", RedirectView.as_view(pattern_name="workplan:work_plan_latest", permanent=False)),
]
