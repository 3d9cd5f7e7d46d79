from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.views.i18n import set_language as django_set_language

from accounts.middleware import SESSION_KEY
from accounts.services import remember_language


@login_not_required  # the login page offers the choice too, for the browser only
def set_language(request):
    """Django's set_language (the cookie, then back to the page), and for a logged-in person their
    profile too, so that the choice follows them to their other devices."""
    response = django_set_language(request)
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    # Django sets the cookie for any language it has a catalogue of; the app has two.
    if cookie is not None and cookie.value in dict(settings.LANGUAGES) and request.user.is_authenticated:
        remember_language(user=request.user, language=cookie.value)
        request.session[SESSION_KEY] = cookie.value
    return response
