"""Expenditure entered on its pages: an activity's four quarters, or an agency's activities in one
quarter, by the focal point of the activity's agency only, all or nothing, through the activity's
version and the reporting cycle's locks."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import BudgetLine, FundingSource
from finance.models import Expenditure
from finance.selectors import expenditure_rows
from tests.factories import make_activity, make_category
from tests.test_period_locks import accept_unesco_q1
from workplan.models import Activity, Agency

CISP = "00067193"


@pytest.fixture
def unesco_activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="1.1.1")


@pytest.fixture
def ilo_activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="2.1.1")


def fields_of(activity: Activity, quarter: int, committed: str = "", disbursed: str = "", source=None) -> dict:
    source = source or FundingSource.objects.get(code="MDG-F")
    suffix = f"{activity.pk}_{source.pk}_q{quarter}"
    return {f"committed_{suffix}": committed, f"disbursed_{suffix}": disbursed}


def activity_form(activity: Activity, figures: dict[int, tuple[str, str]], version: int | None = None) -> dict:
    data = {f"version_{activity.pk}": activity.version if version is None else version}
    for quarter in (1, 2, 3, 4):
        data.update(fields_of(activity, quarter, *figures.get(quarter, ("", ""))))
    return data


def recorded(activity: Activity) -> dict[int, tuple[Decimal, Decimal]]:
    return {e.quarter: (e.committed, e.disbursed) for e in Expenditure.objects.filter(activity=activity)}


def test_the_focal_point_enters_an_activitys_expenditure_quarter_by_quarter(client_for, users, unesco_activity):
    client = client_for(users["unesco"])
    url = reverse("finance:activity_expenditure", args=[CISP, unesco_activity.pk])
    assert 'href="' + url + '"' in client.get(unesco_activity.get_absolute_url()).content.decode()
    response = client.post(url, activity_form(unesco_activity, {1: ("1,500.00", "1200"), 2: ("", "300.5")}))
    assert response.status_code == 302
    assert recorded(unesco_activity) == {
        1: (Decimal("1500.00"), Decimal("1200.00")),
        2: (Decimal("0.00"), Decimal("300.50")),
    }
    record = Expenditure.objects.get(activity=unesco_activity, quarter=1)
    assert record.reported_by == users["unesco"] and record.history.get().history_user == users["unesco"]
    version = unesco_activity.version
    unesco_activity.refresh_from_db()
    assert unesco_activity.version > version
    page = client.get(url).content.decode()
    assert 'value="1500.00"' in page and 'value="300.50"' in page

    # Figures saved are replaced, made-up ones too; an emptied quarter is zero; an empty one records nothing.
    Expenditure.objects.filter(activity=unesco_activity).update(illustrative=True)
    assert "made up for the demo" in client.get(url).content.decode()
    unesco_activity.refresh_from_db()
    response = client.post(url, activity_form(unesco_activity, {1: ("1500", "1500")}))
    assert response.status_code == 302
    assert recorded(unesco_activity) == {
        1: (Decimal("1500.00"), Decimal("1500.00")),
        2: (Decimal("0.00"), Decimal("0.00")),
    }
    assert not Expenditure.objects.filter(activity=unesco_activity, illustrative=True).exists()


def test_a_negative_or_unreadable_amount_saves_nothing(client_for, users, unesco_activity):
    client = client_for(users["unesco"])
    url = reverse("finance:activity_expenditure", args=[CISP, unesco_activity.pk])
    response = client.post(url, activity_form(unesco_activity, {1: ("100", "-5"), 2: ("ten", "")}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "An amount spent cannot be negative." in page and "Enter a number." in page
    assert recorded(unesco_activity) == {}


def test_another_agencys_focal_point_coordinators_and_pmc_members_may_not_enter_it(client_for, users, ilo_activity):
    url = reverse("finance:activity_expenditure", args=[CISP, ilo_activity.pk])
    for role in ("unesco", "coordinator", "pmc"):
        client = client_for(users[role])
        assert client.get(url).status_code == 403
        assert client.post(url, activity_form(ilo_activity, {1: ("1", "1")})).status_code == 403
        assert "Enter expenditure" not in client.get(ilo_activity.get_absolute_url()).content.decode()
    assert recorded(ilo_activity) == {}


def test_an_activity_of_another_programme_is_not_found(client_for, users, demo):
    from tests.factories import make_member
    from workplan.models import Membership

    demo_activity = (
        Activity.objects.filter(work_plan=demo, agency__code="UNESCO").first()
        or Activity.objects.filter(work_plan=demo).first()
    )
    client = client_for(users["unesco"])  # UNESCO's focal point in CISP, no role in the demo programme
    data = activity_form(demo_activity, {1: ("1", "1")})
    assert client.post(reverse("finance:activity_expenditure", args=[CISP, demo_activity.pk]), data).status_code == 404
    assert (
        client.post(reverse("finance:activity_expenditure", args=["DEMO0001", demo_activity.pk]), data).status_code
        == 404
    )
    make_member(users["unesco"], demo.programme, Membership.Role.PMC_MEMBER)
    assert (
        client.post(reverse("finance:activity_expenditure", args=["DEMO0001", demo_activity.pk]), data).status_code
        == 403
    )
    assert recorded(demo_activity) == {}


def test_a_save_over_someone_elses_is_refused(client_for, users, unesco_activity):
    client = client_for(users["unesco"])
    url = reverse("finance:activity_expenditure", args=[CISP, unesco_activity.pk])
    opened = unesco_activity.version
    assert client.post(url, activity_form(unesco_activity, {1: ("100", "100")}, version=opened)).status_code == 302
    stale = client.post(url, activity_form(unesco_activity, {1: ("999", "999")}, version=opened))
    assert stale.status_code == 409
    assert "someone else changed 1.1.1" in stale.content.decode()
    assert recorded(unesco_activity) == {1: (Decimal("100.00"), Decimal("100.00"))}


def test_an_accepted_quarter_is_locked_and_the_others_stay_open(client_for, users, cisp, unesco_activity):
    accept_unesco_q1(cisp, users)
    unesco_activity.refresh_from_db()
    client = client_for(users["unesco"])
    url = reverse("finance:activity_expenditure", args=[CISP, unesco_activity.pk])
    locked = client.post(url, activity_form(unesco_activity, {1: ("10", "10"), 2: ("20", "20")}))
    assert locked.status_code == 409
    assert "Q1 of year 1 for UNESCO was accepted on" in locked.content.decode()
    assert recorded(unesco_activity) == {}
    assert client.post(url, activity_form(unesco_activity, {2: ("20", "20")})).status_code == 302
    assert recorded(unesco_activity) == {2: (Decimal("20.00"), Decimal("20.00"))}


def test_an_activity_funded_from_two_sources_has_a_row_for_each(client_for, users, cisp, unesco_activity):
    government = FundingSource.objects.create(code="RGC", name="Royal Government of Cambodia")
    BudgetLine.objects.create(
        activity=unesco_activity, category=make_category(cisp.programme), source=government, amount=Decimal("900")
    )
    client = client_for(users["unesco"])
    url = reverse("finance:activity_expenditure", args=[CISP, unesco_activity.pk])
    data = activity_form(unesco_activity, {3: ("50", "40")})
    data.update(fields_of(unesco_activity, 3, "7", "6", source=government))
    assert client.post(url, data).status_code == 302
    assert {(e.source.code, e.committed) for e in Expenditure.objects.filter(activity=unesco_activity)} == {
        ("MDG-F", Decimal("50.00")),
        ("RGC", Decimal("7.00")),
    }


# An agency's quarter


def grid_url(agency: str = "UNESCO", quarter: int = 2) -> str:
    return reverse("finance:agency_expenditure", args=[CISP, 1, quarter, agency])


def grid_form(cisp, quarter: int, figures: dict[str, tuple[str, str]]) -> dict:
    data = {}
    for row in expenditure_rows(cisp, agency_ids=[Agency.objects.get(code="UNESCO").pk]):
        data[f"version_{row.activity.pk}"] = row.activity.version
        data.update(fields_of(row.activity, quarter, *figures.get(row.activity.code, ("", ""))))
    return data


def test_the_focal_point_enters_the_agencys_quarter_in_one_form(client_for, users, cisp, unesco_activity):
    client = client_for(users["unesco"])
    page = client.get(grid_url()).content.decode()
    assert "1.1.1" in page and "2.1.1" not in page  # UNESCO's activities only
    response = client.post(grid_url(), grid_form(cisp, 2, {"1.1.1": ("100", "50"), "1.1.2": ("30", "")}))
    assert response.status_code == 302
    assert set(
        Expenditure.objects.filter(activity__work_plan=cisp).values_list("activity__code", "quarter", "disbursed")
    ) == {
        ("1.1.1", 2, Decimal("50.00")),
        ("1.1.2", 2, Decimal("0.00")),
    }


def test_one_bad_figure_in_the_agency_form_saves_nothing(client_for, users, cisp):
    client = client_for(users["unesco"])
    response = client.post(grid_url(), grid_form(cisp, 2, {"1.1.1": ("100", "50"), "1.1.2": ("-30", "")}))
    assert response.status_code == 400
    assert not Expenditure.objects.filter(activity__work_plan=cisp).exists()


def test_another_agencys_quarter_is_refused_and_an_unknown_agency_not_found(client_for, users, cisp):
    client = client_for(users["ilo"])
    assert client.get(grid_url("UNESCO")).status_code == 403
    assert client.post(grid_url("UNESCO"), grid_form(cisp, 2, {"1.1.1": ("1", "1")})).status_code == 403
    assert client.get(grid_url("WHO")).status_code == 404
    assert client.get(grid_url("ILO", quarter=5)).status_code == 404
    assert client_for(users["coordinator"]).get(grid_url("UNESCO")).status_code == 403
    assert not Expenditure.objects.exists()


def test_the_expenditure_pages_list_the_right_quarters(client_for, users):
    page = client_for(users["unesco"]).get(reverse("finance:expenditure", args=[CISP])).content.decode()
    assert grid_url("UNESCO", 3) in page and grid_url("ILO", 3) not in page
    page = client_for(users["coordinator"]).get(reverse("finance:expenditure", args=[CISP])).content.decode()
    assert "/expenditure/1/q" not in page


def test_the_agency_form_runs_a_constant_number_of_queries(client_for, users, cisp, django_assert_max_num_queries):
    client = client_for(users["unesco"])
    with django_assert_max_num_queries(20) as before:
        assert client.get(grid_url()).status_code == 200
    unesco = Agency.objects.get(code="UNESCO")
    for n in range(20):
        activity = make_activity(cisp, f"1.1.{50 + n}", agency=unesco)
        Expenditure.objects.create(
            activity=activity, quarter=2, source=FundingSource.objects.get(code="MDG-F"), committed=Decimal("1")
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(grid_url()).status_code == 200


def test_another_programmes_quarter_and_workbook_are_refused(client_for, users, demo):
    from tests.factories import make_member
    from workplan.models import Membership

    client = client_for(users["unesco"])  # UNESCO's focal point in CISP, no role in the demo programme
    demo_quarter = reverse("finance:agency_expenditure", args=["DEMO0001", 1, 1, "ILO"])
    assert client.get(demo_quarter).status_code == 404
    assert client.post(demo_quarter, {}).status_code == 404
    assert client.get(reverse("exchange:expenditure_export", args=["DEMO0001", 1])).status_code == 404
    assert client.post(reverse("exchange:expenditure_import", args=["DEMO0001"]), {}).status_code == 404
    make_member(users["unesco"], demo.programme, Membership.Role.PMC_MEMBER)
    assert client.post(demo_quarter, {}).status_code == 403
    assert client.post(reverse("exchange:expenditure_import", args=["DEMO0001"]), {}).status_code == 403
    assert not Expenditure.objects.exists()
