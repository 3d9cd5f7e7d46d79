"""The expenditure workbook: written by `export_expenditure` and the page, read back by
`import_expenditure` and the upload page (preview, then confirm), all or nothing."""

import shutil
import subprocess
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from budgets.models import FundingSource
from exchange.expenditure_import import plan_expenditure_import
from exchange.expenditure_workbook import export_expenditure
from finance.models import Expenditure
from finance.selectors import expenditure_rows
from finance.services import QuarterFigures, record_expenditure
from tests.test_period_locks import accept_unesco_q1
from tests.workbooks import editable, saved, zip_of
from workplan.models import Activity

CISP = "00067193"
# Columns of the Expenditure sheet.
CODE, AGENCY, SOURCE, PLANNED, Q1_COMMITTED, Q1_DISBURSED, Q2_COMMITTED, Q4_DISBURSED = (
    "A", "C", "D", "E", "F", "G", "H", "M",
)  # fmt: skip


def spend(activity: Activity, quarter: int, committed: str, disbursed: str) -> None:
    source = FundingSource.objects.get(code="MDG-F")
    figures = QuarterFigures(
        activity=activity, source=source, quarter=quarter, committed=Decimal(committed), disbursed=Decimal(disbursed)
    )
    record_expenditure(figures=[figures], user=None)


@pytest.fixture
def spent(cisp):
    """Some expenditure of UNESCO and ILO in CISP Year 1, with an amount whose float is not exact."""
    unesco = Activity.objects.get(work_plan=cisp, code="1.1.1")
    ilo = Activity.objects.get(work_plan=cisp, code="2.1.1")
    spend(unesco, 1, "4234.56", "1000.10")
    spend(unesco, 2, "0.00", "3234.46")
    spend(ilo, 1, "150.50", "0.00")
    return cisp


def exported(work_plan, agency_ids=None) -> bytes:
    stream = BytesIO()
    export_expenditure(work_plan=work_plan, rows=expenditure_rows(work_plan, agency_ids=agency_ids), stream=stream)
    return stream.getvalue()


def row_of(sheet, code: str) -> int:
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == code:
            return row[0].row
    raise LookupError(code)


def edited(data: bytes, changes: dict[tuple[str, str], object]) -> bytes:
    workbook = editable(data)
    sheet = workbook["Expenditure"]
    for (code, column), value in changes.items():
        sheet[f"{column}{row_of(sheet, code)}"] = value
    return saved(workbook)


def recorded_figures() -> set[tuple]:
    return set(Expenditure.objects.values_list("activity__code", "quarter", "source__code", "committed", "disbursed"))


def test_the_sheet_has_a_row_per_activity_and_the_quarters_figures(spent):
    sheet = load_workbook(BytesIO(exported(spent)))["Expenditure"]
    headers = [cell.value for cell in sheet[3]]
    assert headers == [
        "Activity code", "Activity", "UN agency", "Source of funds", "Planned (direct)",
        "Q1 committed", "Q1 disbursed", "Q2 committed", "Q2 disbursed",
        "Q3 committed", "Q3 disbursed", "Q4 committed", "Q4 disbursed",
    ]  # fmt: skip
    assert sheet.max_row == 3 + Activity.objects.filter(work_plan=spent).count() + 1
    row = row_of(sheet, "1.1.1")
    assert [sheet[f"{column}{row}"].value for column in (AGENCY, SOURCE, Q1_COMMITTED, Q1_DISBURSED, Q4_DISBURSED)] == [
        "UNESCO", "MDG-F", 4234.56, 1000.1, None,
    ]  # fmt: skip
    totals = [cell.value for cell in sheet[sheet.max_row]]
    assert totals[0] == "TOTAL" and totals[4] == f"=SUM(E4:E{sheet.max_row - 1})"


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed, so the totals' formulas cannot be recalculated: "
    "install it with `apt-get install -y libreoffice-calc-nogui` (Debian/Ubuntu) to run this test.",
)
def test_the_totals_recalculated_give_the_recorded_sums_to_the_cent(spent, tmp_path):
    source = tmp_path / "expenditure.xlsx"
    source.write_bytes(exported(spent))
    out = tmp_path / "calculated"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sheet = load_workbook(out / "expenditure.xlsx", data_only=True)["Expenditure"]
    totals = [cell.value for cell in sheet[sheet.max_row]]

    def cents(value) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    records = Expenditure.objects.filter(activity__work_plan=spent)
    assert cents(totals[5]) == sum(r.committed for r in records if r.quarter == 1) == Decimal("4385.06")
    assert cents(totals[6]) == Decimal("1000.10")
    assert cents(totals[8]) == Decimal("3234.46")
    assert cents(totals[12]) == Decimal("0.00")
    planned = sum(row.planned for row in expenditure_rows(spent))
    assert cents(totals[4]) == planned


def test_the_workbook_round_trip_changes_nothing(spent, tmp_path):
    before = recorded_figures()
    versions = dict(Activity.objects.filter(work_plan=spent).values_list("pk", "version"))
    history = Expenditure.history.count()
    path = tmp_path / "expenditure.xlsx"
    call_command("export_expenditure", "--programme", CISP, "--year", "1", "-o", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", stdout=out)
    assert "Imported: 0 row(s) changed" in out.getvalue()
    assert recorded_figures() == before
    assert dict(Activity.objects.filter(work_plan=spent).values_list("pk", "version")) == versions
    assert Expenditure.history.count() == history


def test_figures_in_the_file_replace_those_recorded_and_an_empty_cell_is_zero(spent, tmp_path):
    data = edited(exported(spent), {("1.1.1", Q1_COMMITTED): None, ("1.1.1", Q2_COMMITTED): "2,000.25"})
    plan = plan_expenditure_import(work_plan=spent, data=data)
    assert plan.problems == []
    assert [(p.activity.code, p.changes) for p in plan.changed] == [
        ("1.1.1", [("Q1 committed", "4,234.56", "0.00"), ("Q2 committed", "0.00", "2,000.25")])
    ]
    path = tmp_path / "expenditure.xlsx"
    path.write_bytes(data)
    call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", "--dry-run", stdout=StringIO())
    assert ("1.1.1", 1, "MDG-F", Decimal("4234.56"), Decimal("1000.10")) in recorded_figures()
    call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", stdout=StringIO())
    assert {figures for figures in recorded_figures() if figures[0] == "1.1.1"} == {
        ("1.1.1", 1, "MDG-F", Decimal("0.00"), Decimal("1000.10")),
        ("1.1.1", 2, "MDG-F", Decimal("2000.25"), Decimal("3234.46")),
    }


def test_a_workbook_in_khmer_reads_back_unchanged_in_english(spent):
    with translation.override("km"):
        data = exported(spent)
    assert load_workbook(BytesIO(data)).sheetnames == ["ការចំណាយ"]
    with translation.override("en"):
        plan = plan_expenditure_import(work_plan=spent, data=data)
    assert plan.problems == [] and plan.warnings == [] and plan.changed == []
    assert len(plan.rows) == Activity.objects.filter(work_plan=spent).count()


def without_column(data: bytes, letter: str) -> bytes:
    workbook = editable(data)
    workbook["Expenditure"].delete_cols(ord(letter) - ord("A") + 1)
    return saved(workbook)


BROKEN = {
    "unknown activity": (
        lambda data: edited(data, {("1.1.1", CODE): "9.9.9"}),
        'sheet "Expenditure", row 4, column A (Activity code), value “9.9.9”: '
        "No activity of work plan year 1 has this code.",
    ),
    "negative": (
        lambda data: edited(data, {("1.1.1", Q2_COMMITTED): -5}),
        "row 4, column H (Q2 committed), value “-5”: A budget amount cannot be negative.",
    ),
    "text": (
        lambda data: edited(data, {("1.1.1", Q1_DISBURSED): "about 100"}),
        "row 4, column G (Q1 disbursed), value “about 100”: Not an amount",
    ),
    "formula": (
        lambda data: edited(data, {("1.1.1", Q1_DISBURSED): "=F4/2"}),
        "row 4, column G (Q1 disbursed), value “=F4/2”: A formula",
    ),
    "a quarter column missing": (
        lambda data: without_column(data, "H"),
        'row 3: The required column "Q2 committed" is missing.',
    ),
    "unknown source": (
        lambda data: edited(data, {("1.1.1", SOURCE): "World Bank"}),
        "row 4, column D (Source of funds), value “World Bank”: Unknown source of funds (known: MDG-F).",
    ),
    "no such sheet": (
        lambda data: zip_of({"[Content_Types].xml": b"", "xl/workbook.xml": b""}),
        "not a readable Excel workbook",
    ),
    "not a workbook": (lambda data: b"Activity code,Q1 committed\n1.1.1,5\n", "not a readable Excel workbook"),
}


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_a_broken_workbook_is_refused_naming_the_place_and_changes_nothing(spent, tmp_path, breakage):
    breaking, message = BROKEN[breakage]
    data = breaking(edited(exported(spent), {("2.1.1", Q2_COMMITTED): 10}))  # a change the refusal must not write
    before = recorded_figures()
    path = tmp_path / "expenditure.xlsx"
    path.write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert recorded_figures() == before


def test_an_accepted_quarter_refuses_the_file_but_its_unchanged_figures_may_stay(spent, users, tmp_path):
    accept_unesco_q1(spent, users)
    path = tmp_path / "expenditure.xlsx"
    path.write_bytes(edited(exported(spent), {("1.1.1", Q2_COMMITTED): 10}))
    call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", stdout=StringIO())
    assert ("1.1.1", 2, "MDG-F", Decimal("10.00"), Decimal("3234.46")) in recorded_figures()
    before = recorded_figures()
    path.write_bytes(edited(exported(spent), {("1.1.1", Q1_COMMITTED): 10}))
    with pytest.raises(CommandError, match="Q1 of year 1 for UNESCO was accepted on"):
        call_command("import_expenditure", str(path), "--programme", CISP, "--year", "1", stdout=StringIO())
    assert recorded_figures() == before


# The page


def upload(client, work_plan, data: bytes, name: str = "expenditure.xlsx"):
    workbook = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(
        reverse("exchange:expenditure_import", args=[CISP]), {"work_plan": work_plan.pk, "workbook": workbook}
    )


def download(client, year: int = 1) -> bytes:
    response = client.get(reverse("exchange:expenditure_export", args=[CISP, year]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_focal_point_downloads_their_agencys_rows_previews_and_confirms(client_for, users, spent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users["unesco"])
    data = download(client)
    codes = [row[0] for row in load_workbook(BytesIO(data))["Expenditure"].iter_rows(min_row=4, values_only=True)]
    assert "1.1.1" in codes and "2.1.1" not in codes
    preview = upload(client, spent, edited(data, {("1.1.1", Q4_DISBURSED): "75.25"}))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Q4 disbursed" in page and "75.25" in page
    assert ("1.1.1", 4, "MDG-F", Decimal("0.00"), Decimal("75.25")) not in recorded_figures()
    confirmed = client.post(
        reverse("exchange:expenditure_import_confirm", args=[CISP]), {"token": preview.context["token"]}
    )
    assert confirmed.status_code == 302
    assert ("1.1.1", 4, "MDG-F", Decimal("0.00"), Decimal("75.25")) in recorded_figures()
    record = Expenditure.objects.get(activity__code="1.1.1", activity__work_plan=spent, quarter=4)
    assert record.reported_by == users["unesco"]
    change = record.history.get()
    assert (change.history_user, change.history_change_reason) == (users["unesco"], "Imported from Excel")


def test_another_agencys_row_in_a_focal_points_file_is_refused_naming_it(client_for, users, spent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coordinator_file = download(client_for(users["coordinator"]))
    before = recorded_figures()
    preview = upload(client_for(users["unesco"]), spent, coordinator_file)
    assert preview.status_code == 422
    problems = [str(problem) for problem in preview.context["plan"].problems]
    ilo_row = row_of(load_workbook(BytesIO(coordinator_file))["Expenditure"], "2.1.1")
    assert (
        f'sheet "Expenditure", row {ilo_row}, column C (UN agency), value “ILO”: This is an activity of ILO: '
        "you may enter only the expenditure of UNESCO." in problems
    )
    assert preview.context["token"] is None and recorded_figures() == before


def test_coordinators_download_every_row_but_may_not_import(client_for, users, spent):
    client = client_for(users["coordinator"])
    codes = [
        row[0] for row in load_workbook(BytesIO(download(client)))["Expenditure"].iter_rows(min_row=4, values_only=True)
    ]
    assert "1.1.1" in codes and "2.1.1" in codes
    page = client.get(reverse("exchange:expenditure_import", args=[CISP]))
    assert page.status_code == 200 and "Check the workbook" not in page.content.decode()
    assert upload(client, spent, exported(spent)).status_code == 403
    assert client.post(reverse("exchange:expenditure_import_confirm", args=[CISP]), {"token": "x"}).status_code == 403


def test_a_file_too_big_or_not_a_workbook_is_refused_and_not_kept(client_for, users, spent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users["unesco"])
    before = recorded_figures()
    not_a_workbook = upload(client, spent, b"this is not a workbook")
    assert not_a_workbook.status_code == 422
    assert "not a readable Excel workbook" in not_a_workbook.content.decode()
    settings.WORKBOOK_MAX_UPLOAD_BYTES = 1000
    too_big = upload(client, spent, exported(spent))
    assert too_big.status_code == 400
    assert "the largest accepted is 1000" in too_big.context["form"].errors["workbook"][0]
    macros = upload(client, spent, b"PK", name="expenditure.xlsm")
    assert macros.status_code == 400
    assert recorded_figures() == before
    assert not (tmp_path / "expenditure-imports").exists()


def test_a_confirmation_over_someone_elses_save_is_refused(client_for, users, spent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users["unesco"])
    preview = upload(client, spent, edited(download(client), {("1.1.1", Q4_DISBURSED): 80}))
    spend(Activity.objects.get(work_plan=spent, code="1.1.1"), 3, "5", "5")  # someone else, meanwhile
    confirmed = client.post(
        reverse("exchange:expenditure_import_confirm", args=[CISP]), {"token": preview.context["token"]}
    )
    assert confirmed.status_code == 200
    assert "changed by someone else meanwhile" in confirmed.content.decode()
    assert ("1.1.1", 4, "MDG-F", Decimal("0.00"), Decimal("80.00")) not in recorded_figures()


def test_a_workbook_of_thousands_of_figures_is_written_in_a_few_statements(cisp, django_assert_max_num_queries):
    from tests.test_query_counts import add_activities

    add_activities(cisp, 300)

    def every_quarter(value) -> list[QuarterFigures]:
        workbook = editable(exported(cisp))
        sheet = workbook["Expenditure"]
        for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1):
            for cell in row[5:13]:
                cell.value = value
        plan = plan_expenditure_import(work_plan=cisp, data=saved(workbook))
        assert plan.is_valid
        return plan.figures()

    figures = every_quarter(5)
    with django_assert_max_num_queries(30):
        assert record_expenditure(figures=figures, user=None) == 335 * 4
    figures = every_quarter(6)
    with django_assert_max_num_queries(30):
        assert record_expenditure(figures=figures, user=None) == 335 * 4
    assert set(Expenditure.objects.filter(activity__work_plan=cisp).values_list("committed", "disbursed")) == {
        (Decimal("6.00"), Decimal("6.00"))
    }
