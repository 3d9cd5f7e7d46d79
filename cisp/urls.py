from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("work-plans/", include("budgets.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
