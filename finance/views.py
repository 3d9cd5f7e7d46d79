"""Transfers and expenditure in the browser. Every view asks workplan.permissions on the server."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.money import ZERO
from finance.forms import ExpenditureForm, TransferForm
from finance.models import Transfer
from finance.selectors import ExpenditureRow, expenditure_rows, transfers_of
from finance.services import delete_transfer, record_expenditure, record_transfers
from workplan.models import Agency, WorkPlan
from workplan.periods import QUARTERS, report_period
from workplan.permissions import (
    agencies_in,
    can_record_transfers,
    expenditure_agencies,
    get_activity_for_expenditure,
    get_agency_of_programme,
    require_expenditure_entry,
    require_transfer_recording,
)
from workplan.reporting import PeriodLocked
from workplan.services import StaleActivityError


@require_http_methods(["GET", "POST"])
def transfers(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The programme's transfers, which everyone with a role may read; its coordinators record a
    transfer here, or correct one (`pk`)."""
    transfer = get_object_or_404(Transfer, pk=pk, programme=request.programme) if pk is not None else None
    may_record = can_record_transfers(request.user, request.programme)
    if request.method == "POST" or transfer is not None:
        require_transfer_recording(request)
    form = TransferForm(request.POST or None, instance=transfer, programme=request.programme) if may_record else None
    if request.method == "POST" and form.is_valid():
        saved = record_transfers(programme=request.programme, transfers=[form.save(commit=False)], user=request.user)
        messages.success(request, _("Transfer to %(agency)s recorded.") % {"agency": saved[0].agency})
        return redirect("finance:transfers", programme=request.programme.mptf_project_id)
    rows = list(transfers_of(request.programme))
    return render(
        request,
        "finance/transfers.html",
        {
            "transfers": rows,
            "total": sum((row.amount for row in rows), ZERO),
            "any_illustrative": any(row.illustrative for row in rows),
            "form": form,
            "editing": transfer,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def transfer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator removes a transfer recorded by mistake."""
    transfer = get_object_or_404(Transfer.objects.select_related("agency"), pk=pk, programme=request.programme)
    require_transfer_recording(request)
    delete_transfer(transfer=transfer, user=request.user)
    messages.success(
        request,
        _("The transfer of %(date)s to %(agency)s was deleted.")
        % {"date": date_format(transfer.date), "agency": transfer.agency.code},
    )
    return redirect("finance:transfers", programme=request.programme.mptf_project_id)


@require_GET
def expenditure(request: HttpRequest) -> HttpResponse:
    """Where expenditure is entered: each work plan year's quarters for the agencies the user
    enters expenditure for, and the workbooks."""
    programme = request.programme
    work_plans = list(WorkPlan.objects.filter(programme=programme).order_by("year"))
    if expenditure_agencies(request.user, programme) is None:
        agencies = list(Agency.objects.filter(activities__work_plan__programme=programme).distinct())
    else:
        agencies = agencies_in(request.user, programme)
    years = []
    for work_plan in work_plans:
        work_plan.programme = programme
        years.append((work_plan, [report_period(work_plan, quarter) for quarter in QUARTERS]))
    return render(request, "finance/expenditure.html", {"years": years, "agencies": agencies})


@require_http_methods(["GET", "POST"])
def activity_expenditure(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity's committed and disbursed amounts for each quarter of its work plan year."""
    activity = get_activity_for_expenditure(request, pk)
    rows = expenditure_rows(activity.work_plan, activity_ids=[activity.pk])
    return _expenditure_form(
        request,
        rows=rows,
        quarters=list(QUARTERS),
        template="finance/activity_expenditure.html",
        context={"activity": activity},
        saved_message=_("Expenditure of %(activity)s saved.") % {"activity": activity.code or activity.title},
        next_url=activity.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def agency_expenditure(request: HttpRequest, year: int, quarter: int, agency: str) -> HttpResponse:
    """An agency's activities of a work plan year, their committed and disbursed amounts in one
    quarter, saved together or not at all."""
    agency = get_agency_of_programme(request, agency)
    require_expenditure_entry(request, agency)
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    if quarter not in QUARTERS:
        raise Http404(_("A work plan year has four quarters."))
    rows = expenditure_rows(work_plan, agency_ids=[agency.pk])
    return _expenditure_form(
        request,
        rows=rows,
        quarters=[quarter],
        template="finance/agency_expenditure.html",
        context={
            "agency": agency,
            "work_plan": work_plan,
            "period": report_period(work_plan, quarter),
            "quarters": QUARTERS,
        },
        saved_message=_("Expenditure of %(agency)s for Q%(quarter)s of year %(year)s saved.")
        % {"agency": agency, "quarter": quarter, "year": year},
        next_url=reverse("finance:expenditure", args=[request.programme.mptf_project_id]),
    )


def _expenditure_form(
    request: HttpRequest,
    *,
    rows: list[ExpenditureRow],
    quarters: list[int],
    template: str,
    context: dict,
    saved_message: str,
    next_url: str,
) -> HttpResponse:
    refused = False
    form = ExpenditureForm(request.POST or None, rows=rows, quarters=quarters)
    if request.method == "POST" and form.is_valid():
        try:
            record_expenditure(figures=form.figures(), user=request.user, seen_versions=form.seen_versions())
        except StaleActivityError as stale:
            refused = True
            form.add_error(
                None,
                _(
                    "Not saved: someone else changed %(activity)s after you opened the form. "
                    "Reload this page to start from what is saved now."
                )
                % {"activity": stale.current.code or stale.current.title},
            )
        except PeriodLocked as locked:
            refused = True
            form.add_error(None, _("Not saved: %(reason)s") % {"reason": locked})
        else:
            messages.success(request, saved_message)
            return redirect(next_url)
    totals = {
        quarter: (
            sum((row.committed(quarter) for row in rows), ZERO),
            sum((row.disbursed(quarter) for row in rows), ZERO),
        )
        for quarter in quarters
    }
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "several_sources": len({row.source.pk for row in rows}) > 1,
            "planned": sum((row.planned for row in rows), ZERO),
            "totals": [(quarter, *totals[quarter]) for quarter in quarters],
            "illustrative": any(record.illustrative for row in rows for record in row.recorded.values()),
        },
        status=409 if refused else (400 if form.errors else 200),
    )
