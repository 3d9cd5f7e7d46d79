from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outcomes.forms import IndicatorResultForm
from outcomes.models import Indicator, IndicatorResult
from outcomes.selectors import agencies_reporting_on, indicator_progress
from workplan.models import Agency, Partner
from workplan.roles import agency_of
from workplan.selectors import programme_for


def indicator_list(request):
    programme = programme_for(request)
    rows = indicator_progress(programme) if programme else []
    reporting = agencies_reporting_on(programme) if programme else {}
    agency = agency_of(request.user)
    may_add = request.user.has_perm("outcomes.add_indicatorresult")
    editable = {
        pk
        for pk, agencies in reporting.items()
        if may_add and (request.user.is_superuser or (agency and agency.pk in agencies))
    }
    return render(request, "outcomes/indicator_list.html", {"programme": programme, "rows": rows, "editable": editable})


def get_indicator_for_results(request, pk) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("outcome__programme", "output__outcome__programme"), pk=pk
    )
    programme = indicator.outcome.programme if indicator.outcome_id else indicator.output.outcome.programme
    agency = agency_of(request.user)
    allowed = request.user.has_perm("outcomes.add_indicatorresult") and (
        request.user.is_superuser
        or (agency is not None and agency.pk in agencies_reporting_on(programme)[indicator.pk])
    )
    if not allowed:
        raise PermissionDenied(_("Only focal points of the agencies working toward this result may report it."))
    return indicator


@require_http_methods(["GET", "POST"])
def result_entry(request, pk, result_pk=None):
    indicator = get_indicator_for_results(request, pk)
    result = get_object_or_404(IndicatorResult, pk=result_pk, indicator=indicator) if result_pk else None
    form = IndicatorResultForm(request.POST or None, instance=result, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Result of %(indicator)s saved.") % {"indicator": indicator.code})
        return redirect("outcomes:indicators")
    return render(
        request,
        "outcomes/result_entry.html",
        {"indicator": indicator, "form": form, "results": indicator.results.all()},
        status=400 if form.errors else 200,
    )


@login_not_required
def public_factsheet(request):
    """The programme's key figures and results for anyone, like the MPTF Office factsheet."""
    programme = programme_for(request)
    results_by_outcome = {}
    if programme:
        for row in indicator_progress(programme):
            if row.latest is not None:
                outcome = row.indicator.outcome or row.indicator.output.outcome
                results_by_outcome.setdefault(outcome, []).append(row)
    return render(
        request,
        "outcomes/factsheet.html",
        {
            "programme": programme,
            "outcomes": programme.outcomes.all() if programme else [],
            "results_by_outcome": results_by_outcome,
            "agencies": Agency.objects.all(),
            "partners": Partner.objects.all(),
        },
    )
