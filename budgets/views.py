from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from budgets.forms import BudgetEntryForm, BudgetRevisionForm, NextYearForm
from budgets.models import BudgetCategory, BudgetLine, BudgetRevision, FundingSource
from budgets.selectors import activities_to_carry_over, budget_comparison, lines_changed_since
from budgets.services import (
    BudgetRevisionError,
    NextYearError,
    approve_budget_revision,
    approve_work_plan,
    create_next_year,
    record_budget_revision,
    set_activity_budget,
)
from workplan.models import WorkPlan
from workplan.permissions import (
    can_approve_budget,
    can_revise_budget,
    get_activity_for_budget,
    require_budget_approval,
    require_budget_revision,
    require_next_year_planning,
)
from workplan.services import StaleActivityError


@require_http_methods(["GET", "POST"])
def budget_entry(request, pk):
    activity = get_activity_for_budget(request, pk)
    categories = list(BudgetCategory.objects.filter(programme=request.programme))
    sources = list(FundingSource.objects.all())
    form_options = {"categories": categories, "sources": sources}
    stale = False
    if request.method == "POST":
        form = BudgetEntryForm(request.POST, **form_options)
        if form.is_valid():
            try:
                set_activity_budget(
                    activity=activity,
                    source=form.cleaned_data["source"],
                    amounts=form.amounts(),
                    user=request.user,
                    seen_version=form.cleaned_data["seen_version"],
                )
            except StaleActivityError:
                stale = True
                form.add_error(
                    None,
                    _(
                        "Not saved: someone else changed this activity after you opened the form. "
                        "Its saved budget is shown on the activity page; reload this form to start from it."
                    ),
                )
            else:
                messages.success(request, _("Budget of %(activity)s saved.") % {"activity": activity})
                return redirect(activity)
    else:
        source = _chosen_source(request, sources)
        saved = {line.category_id: line.amount for line in BudgetLine.objects.filter(activity=activity, source=source)}
        initial = {"seen_version": activity.version, "source": source}
        initial.update({BudgetEntryForm.field_name(c): saved.get(c.pk) for c in categories})
        form = BudgetEntryForm(initial=initial, **form_options)
    return render(
        request,
        "budgets/budget_entry.html",
        {
            "activity": activity,
            "form": form,
            "rate": activity.work_plan.programme.indirect_cost_rate,
            "rate_percent": activity.work_plan.programme.indirect_cost_rate * 100,
        },
        status=409 if stale else (400 if form.errors else 200),
    )


def _chosen_source(request, sources: list[FundingSource]) -> FundingSource | None:
    chosen = request.GET.get("source")
    return next((source for source in sources if source.code == chosen), sources[0] if sources else None)


def _work_plan_of(request, year: int) -> WorkPlan:
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    return work_plan


@require_http_methods(["GET", "POST"])
def budget_revisions(request, year):
    """A work plan's original budget and revisions, the original against the current budget by output
    and agency; coordinators record a revision here, the PMC approves the plan and the revisions that need it."""
    work_plan = _work_plan_of(request, year)
    may_revise = can_revise_budget(request.user, request.programme)
    may_approve = can_approve_budget(request.user, request.programme)
    revisions = list(work_plan.budget_revisions.select_related("recorded_by", "pmc_approved_by"))
    approved = bool(revisions)
    # The page's one form approves a draft plan (the PMC) or revises an approved one (coordinators).
    may_record = may_revise if approved else may_approve
    form = None
    if request.method == "POST":
        if approved:
            require_budget_revision(request)
        else:
            require_budget_approval(request)
        form = BudgetRevisionForm(request.POST)
        if form.is_valid():
            try:
                if approved:
                    revision = record_budget_revision(work_plan=work_plan, user=request.user, **form.cleaned_data)
                else:
                    revision = approve_work_plan(work_plan=work_plan, user=request.user, **form.cleaned_data)
            except BudgetRevisionError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("%(revision)s recorded.") % {"revision": revision})
                return redirect("budgets:revisions", request.programme.mptf_project_id, work_plan.year)
    elif may_record:
        form = BudgetRevisionForm(initial={"date": timezone.localdate()})
    comparison = budget_comparison(work_plan)
    return render(
        request,
        "budgets/budget_revisions.html",
        {
            "work_plan": work_plan,
            "revisions": revisions,
            "comparison": comparison,
            "unrecorded_changes": approved and lines_changed_since(revisions[-1]),
            "pmc_share_percent": settings.BUDGET_REVISION_PMC_SHARE_PERCENT,
            "form": form,
            "may_approve": may_approve,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def approve_revision(request, year, number):
    require_budget_approval(request)
    work_plan = _work_plan_of(request, year)
    revision = get_object_or_404(BudgetRevision, work_plan=work_plan, number=number)
    try:
        approve_budget_revision(revision=revision, user=request.user)
    except BudgetRevisionError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(revision)s approved by the PMC.") % {"revision": revision})
    return redirect("budgets:revisions", request.programme.mptf_project_id, work_plan.year)


@require_http_methods(["GET", "POST"])
def next_year(request, year):
    """A coordinator picks the activities of a year that the next year's work plan continues."""
    require_next_year_planning(request)
    work_plan = _work_plan_of(request, year)
    existing = WorkPlan.objects.filter(programme=request.programme, year=work_plan.year + 1).exists()
    if request.method == "POST":
        form = NextYearForm(request.POST, work_plan=work_plan)
        if form.is_valid():
            try:
                created = create_next_year(
                    work_plan=work_plan,
                    activities=form.cleaned_data["activities"],
                    with_budget_lines=form.cleaned_data["with_budget_lines"],
                    user=request.user,
                )
            except NextYearError as refusal:
                form.add_error(None, str(refusal))
            else:
                carried = created.activities.count()
                messages.success(
                    request,
                    ngettext(
                        "Work plan year %(year)s created, in draft, with %(count)s activity carried over.",
                        "Work plan year %(year)s created, in draft, with %(count)s activities carried over.",
                        carried,
                    )
                    % {"year": created.year, "count": carried},
                )
                return redirect("workplan:work_plan", request.programme.mptf_project_id, created.year)
    else:
        form = NextYearForm(
            work_plan=work_plan,
            initial={"activities": list(activities_to_carry_over(work_plan).values_list("pk", flat=True))},
        )
    return render(
        request,
        "budgets/next_year.html",
        {"work_plan": work_plan, "next_year": work_plan.year + 1, "existing": existing, "form": form},
        status=400 if form.errors else 200,
    )
