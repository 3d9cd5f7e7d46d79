"""Writes to budgets that span several records, each in one transaction."""

from decimal import Decimal

from django.db import transaction

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from workplan.change_reasons import ChangeReason, change_reason, record_change
from workplan.models import Activity
from workplan.services import raise_versions


@transaction.atomic
def set_activity_budget(
    *,
    activity: Activity,
    source: FundingSource,
    amounts: dict[BudgetCategory, Decimal | None],
    user,
    seen_version: int,
) -> Activity:
    """Replace an activity's lines from one source of funds: an amount per category, None for
    no line. Refused with StaleActivityError when the activity changed since `seen_version`."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    raise_versions([locked], seen_versions={locked.pk: seen_version})

    reason = change_reason(ChangeReason.BUDGET_REVISED)
    existing = {line.category_id: line for line in BudgetLine.objects.filter(activity=locked, source=source)}
    for category, amount in amounts.items():
        line = existing.get(category.pk)
        if amount is None:
            if line is not None:
                record_change(line, user=user, reason=reason)
                line.delete()
            continue
        if line is None:
            line = BudgetLine(activity=locked, category=category, source=source)
        elif line.amount == amount:
            continue
        line.amount = amount
        line.full_clean()
        record_change(line, user=user, reason=reason)
        line.save()

    record_change(locked, user=user, reason=reason)
    locked.save(update_fields=["version"])
    return locked
