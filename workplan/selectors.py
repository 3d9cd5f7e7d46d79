"""Reads of the work plan that pages of every app share."""

from django.http import Http404
from django.utils.translation import gettext as _

from workplan.models import Programme


def programme_for(request) -> Programme | None:
    """The programme a page shows: `?programme=<MPTF project ID>` where several are loaded,
    otherwise the first by code. The same rule on every page, so links between them agree."""
    programmes = Programme.objects.order_by("code")
    if chosen := request.GET.get("programme"):
        programme = programmes.filter(mptf_project_id=chosen).first()
        if programme is None:
            raise Http404(_("There is no programme with this MPTF project ID."))
        return programme
    return programmes.first()
