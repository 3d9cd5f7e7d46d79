"""What django-axes counts a failed login against: the username typed and the client's address.

Settings point axes at these two functions (`AXES_USERNAME_CALLABLE`, `AXES_CLIENT_IP_CALLABLE`),
so that the lockout of one username from one address is the same whether the request came
straight to the app or through the proxies in front of it.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username as typed, cut to the width of axes' username column.

    No account has a name that long (Django's are at most 150 characters), so cutting changes
    no real user's count; without it a very long name failed to save in the failed-login handler
    (a 500 on PostgreSQL) instead of counting as a failed login like any other.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
