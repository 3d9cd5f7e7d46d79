"""Every page of a programme has the programme in its URL (`/p/<MPTF project ID>/...`); and a
session's idle clock restarts with each request."""

import time

from workplan.models import Programme
from workplan.permissions import get_programme_for_user


class ProgrammeMiddleware:
    """Resolves the URL's programme once, for every view under `/p/<programme>/`, and sets
    `request.programme`: a person with no role in it gets 404 whatever the view, so no view can
    forget the check. Public pages (`@login_not_required`) get the programme without the check.
    Placed after LoginRequiredMiddleware, so that an anonymous visitor is sent to log in first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.programme = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        mptf_project_id = view_kwargs.pop("programme", None)
        if mptf_project_id is None:
            return None
        if getattr(view_func, "login_required", True):
            request.programme = get_programme_for_user(request.user, mptf_project_id)
        else:
            request.programme = Programme.objects.get_public(mptf_project_id)
        return None


class SessionRenewalMiddleware:
    """Restarts the idle clock of a session (`SESSION_COOKIE_AGE`, `SESSION_IDLE_TIMEOUT_SECONDS`)
    on a request only when it was last written more than `RENEWAL_INTERVAL` seconds ago, instead of
    writing the session on every request (`SESSION_SAVE_EVERY_REQUEST`): a page then reads its session
    without a write to the database, and a session still ends after the idle timeout, give or take
    a minute. Placed just after SessionMiddleware, so that the session is saved after this marks it."""

    RENEWAL_INTERVAL = 60
    RENEWED_AT = "_renewed_at"  # when the session was last written, in seconds since the epoch

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        # Read first: a session that has expired or was never saved is empty once loaded, and gets no new row.
        renewed_at = session.get(self.RENEWED_AT, 0)
        if session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - renewed_at >= self.RENEWAL_INTERVAL:
            session[self.RENEWED_AT] = now  # marks the session modified: SessionMiddleware saves it
        return response
