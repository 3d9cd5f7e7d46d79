"""Every page of a programme has the programme in its URL (`/p/<MPTF project ID>/...`)."""

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
