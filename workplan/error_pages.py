"""The server error page, in the site's layout when the request can still be read."""

import logging

from django.http import HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request):
    """Django's own handler draws 500.html with no context at all. Here the page keeps the person's
    header and menu (drawn from the request, as every page) unless that fails too: with the database
    down, reading the session or the person's roles raises, and the page is drawn from the request
    alone, with the language switch and the links that need nothing stored."""
    template = loader.get_template("500.html")
    try:
        content = template.render({}, request)
    except Exception:
        logger.exception("The error page could not be drawn with the request's context")
        content = template.render({"request": request, "csrf_token": get_token(request)})
    return HttpResponseServerError(content)
