"""The language a logged-in person chose, on every device they use."""

from django.conf import settings
from django.utils import translation

from accounts.services import chosen_language

# The person's language, read from their profile at login (accounts.signals) rather than on every request.
SESSION_KEY = "accounts_language"


def session_language(request) -> str:
    """The logged-in person's chosen language ("" for none), as their session holds it."""
    if SESSION_KEY not in request.session:  # a session opened before the profile was read at login
        request.session[SESSION_KEY] = chosen_language(request.user)
    return request.session[SESSION_KEY]


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's set_language sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """For a logged-in person, the language of their profile wins over the browser's cookie and
    its Accept-Language: the pages (and the workbooks they download) are in it from the first
    page after logging in, on any device. The browser's cookie is brought in line, so the login
    page after logging out stays in that language. Placed after LocaleMiddleware, whose choice it
    overrides, and AuthenticationMiddleware, which gives the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            language = session_language(request)
            if language and language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # Again after the view: logging in or choosing a language may have changed it.
        if request.user.is_authenticated:
            language = session_language(request)
            cookie_set = settings.LANGUAGE_COOKIE_NAME in response.cookies
            if language and not cookie_set and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
                set_language_cookie(response, language)
        return response
