"""An accepted quarter is locked for every way of writing: the progress form (test_reporting_pages),
the workbook import, indicator results; and only accepted results are public."""

from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from exchange.services import ImportRefused, import_work_plan
from exchange.workplan_import import plan_work_plan_import
from outcomes.models import Indicator, IndicatorResult
from outcomes.resources import IndicatorResultResource
from tests.factories import accept_quarter
from tests.test_admin_lost_update import opened_form
from tests.workbooks import Q1, editable, row_of, saved
from workplan.models import Activity, Agency

CISP = "00067193"


def accept_unesco_q1(cisp, users):
    unesco = Agency.objects.get(code="UNESCO")
    return accept_quarter(cisp, unesco, 1, focal_point=users["unesco"], coordinator=users["coordinator"])


@pytest.fixture
def indicator(cisp):
    return Indicator.objects.get(code="I1.5")  # outcome 1: UNESCO


def test_a_result_dated_in_an_accepted_quarter_is_refused(client_for, users, cisp, indicator):
    accept_unesco_q1(cisp, users)  # CISP Year 1 Q1: 10 Sep to 9 Dec 2008
    client = client_for(users["unesco"])
    response = client.post(
        reverse("outcomes:result_add", args=[CISP, indicator.pk]),
        {"as_of": "2008-11-30", "period_label": "Year 1 Q1", "value": "10"},
    )
    assert response.status_code == 400
    assert "Q1 of year 1 for UNESCO was accepted on" in response.content.decode()
    assert not IndicatorResult.objects.filter(indicator=indicator, as_of="2008-11-30").exists()
    response = client.post(
        reverse("outcomes:result_add", args=[CISP, indicator.pk]),
        {"as_of": "2009-06-30", "period_label": "Year 1 Q4", "value": "10"},
    )
    assert response.status_code == 302


def test_a_result_may_not_be_moved_out_of_an_accepted_quarter(client_for, users, cisp, indicator):
    result = IndicatorResult.objects.create(indicator=indicator, as_of="2008-11-30", period_label="Q1", value=5)
    accept_unesco_q1(cisp, users)
    response = client_for(users["unesco"]).post(
        reverse("outcomes:result_edit", args=[CISP, indicator.pk, result.pk]),
        {"as_of": "2009-06-30", "period_label": "Q4", "value": "7"},
    )
    assert response.status_code == 400
    result.refresh_from_db()
    assert result.value == Decimal("5.00")


def test_the_workbook_import_may_not_change_the_timeframe_of_an_accepted_quarter(users, cisp, cisp_workbook):
    accept_unesco_q1(cisp, users)
    activity = Activity.objects.filter(work_plan=cisp, agency__code="UNESCO", planned_q1=True).first()
    workbook = editable(cisp_workbook)
    sheet = workbook["Work plan"]
    sheet[f"{Q1}{row_of(sheet, activity.code)}"] = None
    plan = plan_work_plan_import(work_plan=cisp, data=saved(workbook), user=users["coordinator"])
    with pytest.raises(ImportRefused, match="Q1 of year 1 for UNESCO was accepted on"):
        import_work_plan(plan=plan, user=users["coordinator"])
    activity.refresh_from_db()
    assert activity.planned_q1


def test_the_factsheet_shows_a_result_only_once_its_quarter_is_accepted(client, users, cisp, indicator):
    indicator.results.all().delete()  # its end-of-programme result would be the latest shown
    IndicatorResult.objects.create(indicator=indicator, as_of="2008-11-30", period_label="Year 1 Q1", value=4321)
    factsheet = reverse("outcomes:public_factsheet", args=[CISP])
    assert "Year 1 Q1" not in client.get(factsheet).content.decode()
    accept_unesco_q1(cisp, users)
    assert "Year 1 Q1" in client.get(factsheet).content.decode()


@pytest.fixture
def unesco_q1_accepted_in_the_admin(cisp, users):
    """UNESCO's Q1 accepted; the admin's change page of 1.1.1 (UNESCO, planned in Q1) and the form it
    sends back with Q1 unticked."""
    accept_unesco_q1(cisp, users)
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    url = reverse("admin:workplan_activity_change", args=[activity.pk])
    return activity, url


def without_q1(client, url) -> dict:
    return {key: value for key, value in opened_form(client, url).items() if key != "planned_q1"}


def test_a_superuser_must_give_a_reason_to_change_an_accepted_quarter(admin_client, unesco_q1_accepted_in_the_admin):
    activity, url = unesco_q1_accepted_in_the_admin

    refused = admin_client.post(url, without_q1(admin_client, url))

    assert refused.status_code == 200
    assert "Q1 of year 1 for UNESCO was accepted on" in refused.content.decode()
    assert "give the reason here" in str(refused.context["adminform"].form.errors["change_reason"])
    activity.refresh_from_db()
    assert activity.planned_q1
    changed_target = admin_client.post(url, {**opened_form(admin_client, url), "annual_target": "Revised"})
    assert changed_target.status_code == 302  # what the agency reported on is not touched
    assert activity.history.latest().history_change_reason == "Changed in the admin"


def test_a_superusers_reason_lets_the_change_through_and_stays_in_the_history(
    admin_client, unesco_q1_accepted_in_the_admin
):
    activity, url = unesco_q1_accepted_in_the_admin
    reason = "The PMC met in Q2, not Q1: minutes of 12 May 2009."

    saved = admin_client.post(url, {**without_q1(admin_client, url), "change_reason": reason})

    assert saved.status_code == 302
    activity.refresh_from_db()
    assert not activity.planned_q1
    latest = activity.history.latest()
    assert latest.history_change_reason == f"Accepted quarter changed by an administrator: {reason}"
    page = admin_client.get(activity.get_absolute_url()).content.decode()
    assert f"(Accepted quarter changed by an administrator: {reason})" in page


def test_other_staff_may_not_change_an_accepted_quarter_whatever_the_reason(client, unesco_q1_accepted_in_the_admin):
    activity, url = unesco_q1_accepted_in_the_admin
    staff = User.objects.create_user("steward", password="steward-Passw0rd!", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_activity", "change_activity"]))
    client.force_login(staff)

    refused = client.post(url, {**without_q1(client, url), "change_reason": "Because."})

    assert refused.status_code == 200
    assert "Q1 of year 1 for UNESCO was accepted on" in refused.content.decode()
    activity.refresh_from_db()
    assert activity.planned_q1


@pytest.fixture
def locked_result(cisp, users, indicator):
    """A UNESCO result dated in Q1, accepted; its admin page."""
    result = IndicatorResult.objects.create(indicator=indicator, as_of="2008-11-30", period_label="Q1", value=5)
    accept_unesco_q1(cisp, users)
    return result, reverse("admin:outcomes_indicatorresult_change", args=[result.pk])


def test_a_result_of_an_accepted_quarter_changes_in_the_admin_only_with_a_superusers_reason(
    admin_client, locked_result
):
    result, url = locked_result

    refused = admin_client.post(url, {**opened_form(admin_client, url), "value": "7"})
    assert refused.status_code == 200
    assert "I1.5: Q1 of year 1 for UNESCO was accepted on" in refused.content.decode()
    result.refresh_from_db()
    assert result.value == Decimal("5.00")

    reason = "The survey's final count, received after the acceptance."
    saved = admin_client.post(url, {**opened_form(admin_client, url), "value": "7", "change_reason": reason})
    assert saved.status_code == 302
    result.refresh_from_db()
    assert result.value == Decimal("7.00")
    recorded = result.history.latest().history_change_reason
    # The results' history keeps 100 characters of a reason.
    assert recorded.startswith(f"Accepted quarter changed by an administrator: {reason[:40]}") and len(recorded) == 100


def test_other_staff_may_not_change_an_accepted_result_in_the_admin(client, locked_result, indicator):
    result, url = locked_result
    staff = User.objects.create_user("steward", password="steward-Passw0rd!", is_staff=True)
    codenames = ["view_indicatorresult", "change_indicatorresult", "view_indicator", "change_indicator"]
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)

    refused = client.post(url, {**opened_form(client, url), "value": "7", "change_reason": "Because."})
    assert refused.status_code == 200 and "was accepted on" in refused.content.decode()
    indicator_url = reverse("admin:outcomes_indicator_change", args=[indicator.pk])
    form = opened_form(client, indicator_url)
    row = next(key.removesuffix("-id") for key, value in form.items() if key.endswith("-id") and value == result.pk)
    refused = client.post(indicator_url, {**form, f"{row}-value": "7"})
    assert refused.status_code == 200 and "was accepted on" in refused.content.decode()
    result.refresh_from_db()
    assert result.value == Decimal("5.00")


def test_the_admin_import_may_not_change_a_result_of_an_accepted_quarter(locked_result):
    result, _url = locked_result
    dataset = IndicatorResultResource().export(IndicatorResult.objects.filter(pk=result.pk))
    rows = tablib.Dataset(headers=dataset.headers)
    rows.append(list({**dataset.dict[0], "value": "7"}.values()))

    imported = IndicatorResultResource().import_data(rows, dry_run=False)

    assert imported.has_validation_errors()
    assert "I1.5: Q1 of year 1 for UNESCO was accepted on" in str(imported.invalid_rows[0].error)
    result.refresh_from_db()
    assert result.value == Decimal("5.00")
