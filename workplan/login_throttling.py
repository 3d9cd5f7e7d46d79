"""What django-axes counts a failed login against: the username typed and the client's address.

Settings point axes at these two functions (`AXES_USERNAME_CALLABLE`, `AXES_CLIENT_IP_CALLABLE`),
so that the lockout of one username from one address is the same whether the request came
straight to the app or through the proxies in front of it.
"""

import ipaddress

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


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    With no trusted proxy (`TRUSTED_PROXY_COUNT` 0, the default) it is the address the
    connection came from, and any X-Forwarded-For header is ignored: anyone can write one.
    Behind N trusted proxies, each appending the address it received the request from, the
    client's address is the Nth entry from the right of X-Forwarded-For: entries further left
    were written by the client and are not believed. A request with fewer entries than that
    did not come through all the proxies, and an entry that is not an IP address is not one a
    proxy wrote: for those the connection's address is used.
    """
    remote_address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_address
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < proxies:
        return remote_address
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_address
