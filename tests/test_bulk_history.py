"""The bulk writers record the same history simple_history records row by row."""

from decimal import Decimal

import pytest
from django.test import override_settings

from budgets.models import BudgetLine
from tests.factories import make_activity, make_category, make_source, make_user, make_work_plan
from workplan.bulk_history import create_with_history, delete_with_history, update_with_history
from workplan.models import Activity

pytestmark = pytest.mark.django_db


def recorded(history_rows):
    """What a history row says, apart from its own id and date."""
    return [
        {
            **{field.attname: getattr(row, field.attname) for field in row.tracked_fields},
            "history_user_id": row.history_user_id,
            "history_type": row.history_type,
            "history_change_reason": row.history_change_reason,
        }
        for row in history_rows
    ]


def lines_for(activity, amounts):
    source = make_source()
    return [
        BudgetLine(
            activity=activity,
            category=make_category(activity.work_plan.programme, code, code.title(), position),
            source=source,
            amount=amount,
        )
        for position, (code, amount) in enumerate(amounts.items())
    ]


def test_created_rows_have_the_history_simple_history_would_write():
    coordinator = make_user("carol")
    work_plan = make_work_plan()
    by_hand = make_activity(work_plan, "1.1.1")
    in_bulk = make_activity(work_plan, "1.1.2")

    for line in lines_for(by_hand, {"travel": Decimal("10.05"), "contracts": Decimal("1234567.89")}):
        line._history_user = coordinator
        line._change_reason = "Imported from Excel"
        line.save()
    created = create_with_history(
        BudgetLine,
        lines_for(in_bulk, {"travel": Decimal("10.05"), "contracts": Decimal("1234567.89")}),
        user=coordinator,
        reason="Imported from Excel",
    )

    def without_activity(rows):
        return [{**row, "id": None, "activity_id": None} for row in recorded(rows)]

    by_hand_history = BudgetLine.history.filter(activity_id=by_hand.pk).order_by("history_id")
    in_bulk_history = BudgetLine.history.filter(activity_id=in_bulk.pk).order_by("history_id")
    assert without_activity(in_bulk_history) == without_activity(by_hand_history)
    assert [row.id for row in in_bulk_history] == [line.pk for line in created]
    assert [row.instance.amount for row in in_bulk_history] == [Decimal("10.05"), Decimal("1234567.89")]


def test_updated_rows_are_recorded_as_changed_with_their_new_values_and_no_user_from_a_command():
    work_plan = make_work_plan()
    activities = [make_activity(work_plan, f"1.1.{number}") for number in (1, 2, 3)]
    for activity in activities[:2]:
        activity.title = f"Renamed {activity.code}"
        activity.version += 1
        activity.planned_q2 = True
    # A column of NULLs (no responsible party) is written too: PostgreSQL needs its type.
    fields = ["title", "version", "planned_q2", "responsible_party"]
    update_with_history(Activity, activities[:2], fields, user=None, reason="Imported from Excel")

    assert list(Activity.objects.filter(work_plan=work_plan).order_by("pk").values_list("title", "version")) == [
        ("Renamed 1.1.1", 2),
        ("Renamed 1.1.2", 2),
        ("Activity 1.1.3", 1),
    ]
    latest = [activity.history.first() for activity in activities]
    assert [(row.history_type, row.title, row.planned_q2, row.history_user_id) for row in latest[:2]] == [
        ("~", "Renamed 1.1.1", True, None),
        ("~", "Renamed 1.1.2", True, None),
    ]
    assert latest[2].history_type == "+"


def test_history_is_written_in_batches_the_database_accepts():
    work_plan = make_work_plan()
    activity = make_activity(work_plan, "1.1.1")
    categories = [
        make_category(work_plan.programme, f"category-{number}", f"Category {number}", number) for number in range(1200)
    ]
    source = make_source()

    create_with_history(
        BudgetLine,
        [
            BudgetLine(activity=activity, category=category, source=source, amount=Decimal("1.00"))
            for category in categories
        ],
        user=None,
        reason="",
    )

    assert BudgetLine.history.filter(activity_id=activity.pk, history_type="+").count() == 1200

    lines = list(BudgetLine.objects.filter(activity=activity).order_by("pk"))
    for number, line in enumerate(lines):
        line.amount = Decimal(number) + Decimal("0.05")
    update_with_history(BudgetLine, lines, ["amount"], user=None, reason="Imported from Excel")

    changed = BudgetLine.history.filter(activity_id=activity.pk, history_type="~").order_by("id")
    assert [row.amount for row in changed] == [Decimal(number) + Decimal("0.05") for number in range(1200)]
    assert {row.history_change_reason for row in changed} == {"Imported from Excel"}
    assert list(BudgetLine.objects.filter(activity=activity).order_by("pk").values_list("amount", flat=True)) == [
        Decimal(number) + Decimal("0.05") for number in range(1200)
    ]


def test_unsaved_rows_are_refused_rather_than_left_without_history():
    activity = make_activity(make_work_plan(), "1.1.1")

    with pytest.raises(ValueError, match="saved"):
        update_with_history(Activity, [Activity(pk=None, code="x")], ["code"], user=None, reason="")

    assert activity.history.count() == 1


@override_settings(SIMPLE_HISTORY_ENABLED=False)
def test_no_history_is_written_when_history_is_switched_off():
    activity = make_activity(make_work_plan(), "1.1.1")
    activity.title = "Renamed"

    update_with_history(Activity, [activity], ["title"], user=None, reason="")

    assert activity.history.count() == 0


def test_deleted_rows_are_recorded_once_with_their_last_values_the_user_and_the_reason():
    coordinator = make_user("carol")
    activity = make_activity(make_work_plan(), "1.1.1")
    lines = create_with_history(
        BudgetLine,
        lines_for(activity, {"travel": Decimal("10.05"), "contracts": Decimal("20.00")}),
        user=None,
        reason="",
    )

    delete_with_history(BudgetLine, lines[:1], user=coordinator, reason="Imported from Excel")

    assert list(BudgetLine.objects.filter(activity=activity).values_list("amount", flat=True)) == [Decimal("20.00")]
    deleted = BudgetLine.history.filter(history_type="-")
    assert [(row.id, row.amount, row.history_user, row.history_change_reason) for row in deleted] == [
        (lines[0].pk, Decimal("10.05"), coordinator, "Imported from Excel")
    ]


def test_rows_other_rows_depend_on_are_not_deleted_in_bulk():
    activity = make_activity(make_work_plan(), "1.1.1")

    with pytest.raises(ValueError, match="dependent rows"):
        delete_with_history(Activity, [activity], user=None, reason="")

    assert Activity.objects.filter(pk=activity.pk).exists()
