"""Several programmes in one instance: each person sees and changes only what their role in each
programme allows. CISP and the made-up demo programme are loaded side by side."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from outcomes.models import Indicator
from tests.factories import make_member
from tests.workbooks import AGENCY, editable, exported, row_of, saved
from workplan.models import Activity, Membership, Programme

Role = Membership.Role
CISP = "00067193"
DEMO = "DEMO0001"


@pytest.fixture
def sokha(cisp, demo):
    """A PMC member of CISP who is ILO's focal point in the demo programme."""
    user = make_member("sokha", CISP, Role.PMC_MEMBER)
    make_member(user, DEMO, Role.FOCAL_POINT, "ILO")
    return user


@pytest.fixture
def secretariat(db):
    return make_member("fund", None, Role.FUND_SECRETARIAT)


def activity(mptf_project_id, code):
    return Activity.objects.select_related("work_plan__programme").get(
        work_plan__programme__mptf_project_id=mptf_project_id, code=code
    )


def budget_post(client, target, amount="123.45"):
    return client.post(
        reverse("budgets:entry", args=[target.work_plan.programme.mptf_project_id, target.pk]),
        {"seen_version": target.version, "source": FundingSource.objects.get(code="MDG-F").pk, "amount_travel": amount},
    )


def progress_post(client, target, programme=None):
    return client.post(
        reverse("workplan:report_progress", args=[programme or target.work_plan.programme.mptf_project_id, target.pk]),
        {"quarter": 1, "status": "completed", "comment": "done", "seen_version": target.version},
    )


def test_a_person_without_a_role_in_a_programme_gets_404_on_all_its_pages(client_for, users, demo):
    client = client_for(users["unesco"])  # UNESCO's focal point in CISP only
    demo_activity = activity(DEMO, "1.1.1")
    for url in [
        reverse("dashboard", args=[DEMO]),
        reverse("workplan:work_plan", args=[DEMO, 1]),
        reverse("workplan:activity", args=[DEMO, demo_activity.pk]),
        reverse("outcomes:indicators", args=[DEMO]),
        reverse("reports:quarter", args=[DEMO, 1, 2]),
        reverse("reports:quarter_xlsx", args=[DEMO, 1, 2]),
        reverse("exchange:export", args=[DEMO, 1]),
        reverse("exchange:import", args=[DEMO]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("dashboard", args=[CISP])).status_code == 200
    assert client.get(reverse("dashboard", args=["NO-SUCH-ID"])).status_code == 404


def test_an_activity_is_found_only_under_its_own_programme(client_for, sokha):
    client = client_for(sokha)
    cisp_activity = activity(CISP, "2.1.1")
    # Sokha may see both programmes; a CISP activity does not exist under the demo programme's URL.
    assert client.get(reverse("workplan:activity", args=[DEMO, cisp_activity.pk])).status_code == 404
    assert progress_post(client, cisp_activity, programme=DEMO).status_code == 404
    assert client.get(reverse("workplan:activity", args=[CISP, cisp_activity.pk])).status_code == 200


def test_a_focal_point_in_one_programme_cannot_write_for_their_agency_in_another(client_for, sokha):
    client = client_for(sokha)
    cisp_ilo = activity(CISP, "2.1.1")  # an ILO activity of CISP, where Sokha is a PMC member only
    demo_ilo = activity(DEMO, "1.1.1")
    lines_before = BudgetLine.objects.filter(activity=cisp_ilo).count()

    assert budget_post(client, cisp_ilo).status_code == 403
    assert BudgetLine.objects.filter(activity=cisp_ilo).count() == lines_before
    cisp_indicator = Indicator.objects.get(code="I2.2", outcome__programme__mptf_project_id=CISP)
    result = client.post(
        reverse("outcomes:result_add", args=[CISP, cisp_indicator.pk]),
        {"as_of": "2010-12-31", "period_label": "Year 2", "value": "1"},
    )
    assert result.status_code == 403
    assert cisp_indicator.results.count() == 1

    # In the demo programme Sokha is ILO's focal point: ILO's budget, yes.
    assert budget_post(client, demo_ilo).status_code == 302
    assert BudgetLine.objects.get(activity=demo_ilo, category__code="travel").amount == Decimal("123.45")


def test_a_focal_point_writes_only_for_their_agency_within_their_programme(client_for, sokha):
    client = client_for(sokha)
    demo_fao = activity(DEMO, "1.2.1")
    assert budget_post(client, demo_fao).status_code == 403
    assert progress_post(client, demo_fao).status_code == 403
    demo_fao.refresh_from_db()
    assert demo_fao.progress_reports.count() == 0


def test_roles_differ_per_programme(client_for, sokha):
    client = client_for(sokha)
    # PMC member of CISP: reports progress on any CISP activity, imports nothing there.
    assert progress_post(client, activity(CISP, "3.1.1")).status_code == 302
    assert client.get(reverse("exchange:import", args=[CISP])).status_code == 403
    # ILO's focal point in the demo: may import there (their agency's rows only).
    assert client.get(reverse("exchange:import", args=[DEMO])).status_code == 200


def test_the_fund_secretariat_sees_every_programme_and_changes_nothing(client_for, secretariat, cisp, demo):
    client = client_for(secretariat)
    for mptf_project_id in (CISP, DEMO):
        assert client.get(reverse("dashboard", args=[mptf_project_id])).status_code == 200
        assert client.get(reverse("reports:quarter_xlsx", args=[mptf_project_id, 1, 2])).status_code == 200
        assert client.get(reverse("exchange:import", args=[mptf_project_id])).status_code == 403
    target = activity(DEMO, "1.1.1")
    assert budget_post(client, target).status_code == 403
    assert progress_post(client, target).status_code == 403
    assert client.post(reverse("exchange:import_confirm", args=[DEMO]), {"token": "x"}).status_code == 403


def test_the_home_page_goes_to_the_only_programme_or_to_the_portfolio(client_for, users, sokha):
    assert client_for(users["unesco"]).get("/")["Location"] == reverse("dashboard", args=[CISP])
    assert client_for(sokha).get("/")["Location"] == reverse("portfolio")


def test_the_switcher_lists_the_persons_programmes(client_for, users, sokha):
    page = client_for(sokha).get(reverse("dashboard", args=[CISP])).content.decode()
    assert 'class="switcher"' in page
    assert reverse("dashboard", args=[DEMO]) in page
    only_cisp = client_for(users["unesco"]).get(reverse("dashboard", args=[CISP])).content.decode()
    assert 'class="switcher"' not in only_cisp


def test_the_switcher_costs_no_query_to_someone_in_one_programme(client_for, users, sokha):
    def programme_lists(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:index", args=[CISP])).status_code == 200
        return [
            query["sql"]
            for query in queries
            if 'FROM "workplan_programme" WHERE "workplan_programme"."id" IN' in query["sql"]
        ]

    assert programme_lists(client_for(sokha))  # two programmes: the switcher lists them
    assert not programme_lists(client_for(users["unesco"]))


def test_the_demo_programme_says_on_every_page_that_it_is_made_up(client_for, sokha):
    client = client_for(sokha)
    assert "none of its figures are real" in client.get(reverse("dashboard", args=[DEMO])).content.decode()
    assert "none of its figures are real" not in client.get(reverse("dashboard", args=[CISP])).content.decode()
    assert Programme.objects.get(mptf_project_id=DEMO).is_demo


def test_the_portfolio_shows_each_programmes_key_figures(client_for, secretariat, cisp, demo):
    page = client_for(secretariat).get(reverse("portfolio")).content.decode()
    assert "MDGF-1838-G-KHM" in page and "DEMO-YEM" in page
    assert "931,852.30 USD" in page  # CISP Year 1, listed activities with Mgt support
    assert "made-up demo" in page


def test_a_person_sees_only_their_programmes_in_the_portfolio(client_for, users, demo):
    page = client_for(users["unesco"]).get(reverse("portfolio")).content.decode()
    assert "MDGF-1838-G-KHM" in page
    assert "DEMO-YEM" not in page


def test_each_programme_has_its_own_budget_categories(client_for, users, sokha):
    demo_workbook = client_for(sokha).get(reverse("exchange:export", args=[DEMO, 1]))
    sheet = load_workbook(BytesIO(b"".join(demo_workbook.streaming_content)), read_only=True)["Work plan"]
    headers = {str(cell) for row in sheet.iter_rows(max_row=5, values_only=True) for cell in row if cell}
    assert "Contractual services" in headers
    assert "Int personnel" not in headers


def test_a_budget_line_may_not_use_another_programmes_category(cisp, demo):
    cisp_contracts = BudgetCategory.objects.get(programme=cisp.programme, code="contracts")
    line = BudgetLine(
        activity=activity(DEMO, "1.1.1"), category=cisp_contracts, source=FundingSource.objects.get(), amount=10
    )
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "another programme's budget format" in str(refused.value)


def test_an_upload_cannot_be_aimed_at_another_programmes_work_plan(client_for, sokha, cisp):
    """Sokha may import in the demo programme (ILO's rows): a CISP work plan is not one of its choices."""
    workbook = editable(exported(cisp))
    sheet = workbook["Work plan"]
    sheet[f"{AGENCY}{row_of(sheet, '2.1.1')}"] = "FAO"
    upload = SimpleUploadedFile("plan.xlsx", saved(workbook), content_type="application/octet-stream")

    response = client_for(sokha).post(
        reverse("exchange:import", args=[DEMO]), {"work_plan": cisp.pk, "workbook": upload}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert activity(CISP, "2.1.1").agency.code == "ILO"
