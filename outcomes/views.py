from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from finance.key_figures import key_figures
from outcomes.forms import IndicatorResultForm
from outcomes.models import Indicator, IndicatorResult
from outcomes.selectors import IndicatorProgress, agencies_reporting_on, indicator_progress
from workplan.models import Agency, Partner, Programme
from workplan.permissions import agencies_in, can_enter_results
from workplan.reporting import PeriodLocked, is_published, refuse_locked_result


def indicator_list(request):
    programme = request.programme
    editable = set()
    # Whether the user may enter the results of any indicator their agencies work toward: only then is it
    # worth reading which agencies work toward each (a pass over every activity of the programme).
    own_agencies = {agency.pk for agency in agencies_in(request.user, programme)}
    if can_enter_results(request.user, programme, own_agencies):
        reporting = agencies_reporting_on(programme)
        editable = {pk for pk, agencies in reporting.items() if can_enter_results(request.user, programme, agencies)}
    return render(
        request,
        "outcomes/indicator_list.html",
        {"rows": indicator_progress(programme), "editable": editable},
    )


def get_indicator_for_results(request, pk) -> Indicator:
    """An indicator of the page's programme (404 otherwise) whose results the user may enter (403)."""
    programme = request.programme
    indicator = get_object_or_404(Indicator.objects.of_programme(programme), pk=pk)
    if not can_enter_results(request.user, programme, agencies_reporting_on(programme)[indicator.pk]):
        raise PermissionDenied(_("Only focal points of the agencies working toward this result may report it."))
    return indicator


@require_http_methods(["GET", "POST"])
def result_entry(request, pk, result_pk=None):
    indicator = get_indicator_for_results(request, pk)
    result = get_object_or_404(IndicatorResult, pk=result_pk, indicator=indicator) if result_pk else None
    saved_as_of = result.as_of if result else None
    form = IndicatorResultForm(request.POST or None, instance=result, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # An accepted quarter's results are locked: neither changed nor moved in or out of it.
                refuse_locked_result(
                    request.programme,
                    agencies_reporting_on(request.programme)[indicator.pk],
                    saved_as_of,
                    form.cleaned_data["as_of"],
                    what=indicator.code,
                )
                form.save()
        except PeriodLocked as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Result of %(indicator)s saved.") % {"indicator": indicator.code})
            return redirect("outcomes:indicators", programme=request.programme.mptf_project_id)
    return render(
        request,
        "outcomes/result_entry.html",
        {"indicator": indicator, "form": form, "results": indicator.results.all()},
        status=400 if form.errors else 200,
    )


@login_not_required
def public_factsheets(request):
    """Every programme's factsheet, for anyone."""
    return render(request, "outcomes/factsheets.html", {"programmes": Programme.objects.order_by("code")})


@login_not_required
def public_factsheet(request):
    """The programme's key figures and results for anyone, like the MPTF Office factsheet."""
    programme = request.programme
    results_by_outcome = {}
    reporting = agencies_reporting_on(programme)
    rows = indicator_progress(programme)
    prefetch_related_objects([row.indicator for row in rows], "results")
    for row in rows:
        # Only results the coordinator accepted (or dated outside the reporting cycle) are public.
        latest = next(
            (
                result
                for result in sorted(row.indicator.results.all(), key=lambda result: result.as_of, reverse=True)
                if is_published(programme, reporting[row.indicator.pk], result.as_of)
            ),
            None,
        )
        if latest is not None:
            outcome = row.indicator.outcome or row.indicator.output.outcome
            results_by_outcome.setdefault(outcome, []).append(IndicatorProgress(row.indicator, latest))
    return render(
        request,
        "outcomes/factsheet.html",
        {
            "programme": programme,
            "outcomes": programme.outcomes.all(),
            "results_by_outcome": results_by_outcome,
            "agencies": Agency.objects.filter(activities__work_plan__programme=programme).distinct(),
            "partners": Partner.objects.filter(activities__work_plan__programme=programme).distinct(),
            "key_figures": key_figures(programme, timezone.localdate()),
        },
    )
