"""A focal point enters all category lines of an activity; Mgt support is recomputed by the server."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import BudgetLine, FundingSource
from budgets.selectors import activity_budget
from workplan.models import Activity


@pytest.fixture
def activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="1.1.1")  # UNESCO: Int 500, Nat 434


def post_budget(client, activity, **amounts):
    data = {"seen_version": activity.version, "source": FundingSource.objects.get(code="MDG-F").pk}
    data.update({f"amount_{code}": value for code, value in amounts.items()})
    return client.post(reverse("budgets:entry", args=["00067193", activity.pk]), data)


def lines(activity):
    return {line.category.code: line.amount for line in BudgetLine.objects.filter(activity=activity)}


def test_the_focal_point_replaces_the_lines_and_the_total_follows_the_7_percent_rule(client_for, users, activity):
    response = post_budget(
        client_for(users["unesco"]), activity, **{"int-personnel": "500", "nat-personnel": "", "travel": "1,234.50"}
    )

    assert response.status_code == 302
    assert lines(activity) == {"int-personnel": Decimal("500.00"), "travel": Decimal("1234.50")}
    figures = activity_budget(Activity.objects.get(pk=activity.pk))
    assert figures.indirect == Decimal("121.42")  # 7% of 1,734.50 = 121.415, half-up
    assert figures.total == Decimal("1855.92")
    page = client_for(users["unesco"]).get(activity.get_absolute_url()).content.decode()
    assert "121.42" in page and "1,855.92" in page


def test_every_line_change_is_in_the_history_with_the_user(client_for, users, activity):
    post_budget(client_for(users["unesco"]), activity, **{"int-personnel": "600", "nat-personnel": "434"})

    changed = BudgetLine.history.filter(activity_id=activity.pk, history_type="~").get()
    assert (changed.amount, changed.history_user) == (Decimal("600.00"), users["unesco"])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "A budget amount cannot be negative."),
        ("abc", "Enter a number."),
        ("1.005", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_bad_amounts_are_refused_beside_the_field_and_nothing_changes(client_for, users, activity, typed, message):
    before = lines(activity)

    response = post_budget(client_for(users["unesco"]), activity, **{"int-personnel": "500", "travel": typed})

    assert response.status_code == 400
    page = response.content.decode()
    # The field names its error for screen readers, and the error carries that id.
    assert 'aria-describedby="id_amount_travel_error"' in page and 'id="id_amount_travel_error"' in page
    assert message in page
    assert lines(activity) == before


def test_a_stale_form_is_refused(client_for, users, activity):
    opened = activity.version
    client = client_for(users["unesco"])
    post_budget(client, activity, **{"int-personnel": "1"})
    activity.version = opened

    response = post_budget(client, activity, **{"int-personnel": "2"})

    assert response.status_code == 409
    assert lines(activity)["int-personnel"] == Decimal("1.00")


@pytest.mark.parametrize(
    ("seen_version", "message"),
    [
        ("", "This form has lost the version of the activity"),
        ("1e3", "record of the version of the activity it was opened on has been altered"),
    ],
)
def test_a_missing_or_altered_hidden_version_is_refused_with_a_message(
    client_for, users, activity, seen_version, message
):
    before = lines(activity)
    activity.version = seen_version

    response = post_budget(client_for(users["unesco"]), activity, **{"int-personnel": "2"})

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Reload the page and enter your changes again." in page
    assert lines(activity) == before
