from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgets.forms import BudgetEntryForm
from budgets.models import BudgetCategory, BudgetLine, FundingSource
from budgets.services import set_activity_budget
from workplan.permissions import get_activity_for_budget
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
