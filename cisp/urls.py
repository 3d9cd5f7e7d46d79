from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import set_language
from outcomes.views import public_factsheets
from reports.dashboard import dashboard
from reports.portfolio import home, portfolio
from workplan.forms import LoginForm
from workplan.views import offline, service_worker

# Every page of a programme: workplan.middleware.ProgrammeMiddleware resolves <programme> into
# request.programme, and answers 404 to a person with no role in it.
programme_urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("", include("workplan.urls")),
    path("", include("budgets.urls")),
    path("", include("exchange.urls")),
    path("", include("outcomes.urls")),
    path("", include("finance.urls")),
    path("reports/", include("reports.urls")),
    path("reporting/", include("reports.cycle_urls")),
]

urlpatterns = [
    # Choosing a language works before logging in too (the login page offers it); once logged in,
    # the choice is also kept with the person's account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Only these account views: password reset by e-mail would be a public page, and
    # administrators reset passwords in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", home, name="home"),
    # Offline reading: the service worker answers for the whole site, so it is served from its root.
    path("sw.js", service_worker, name="service_worker"),
    path("offline/", offline, name="offline"),
    path("programmes/", portfolio, name="portfolio"),
    path("factsheets/", public_factsheets, name="public_factsheets"),
    path("p/<str:programme>/", include(programme_urlpatterns)),
]

handler500 = "workplan.error_pages.server_error"
