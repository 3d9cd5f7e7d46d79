"""Transfers from the fund to the agencies: recorded by a coordinator on their page, or imported from a
workbook with `import_transfers`, all or nothing."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from finance.models import Transfer
from tests.factories import make_member, make_user
from workplan.models import Agency, Membership, WorkPlan

CISP = "00067193"
Role = Membership.Role


def transfers_workbook(rows: list[list], header=("Voucher", "Notes", "amount", "DATE", "Agency")) -> bytes:
    """A first sheet with a title row, then the header (columns in any order and case, one extra)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tranches"
    sheet.append(["Transfers to the participating agencies"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def run_import(tmp_path, data: bytes, *options: str) -> tuple[str, str]:
    path = tmp_path / "transfers.xlsx"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    call_command("import_transfers", str(path), "--programme", CISP, *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refusal(tmp_path, data: bytes, *options: str) -> str:
    """The problems the command lists, once it has refused the file and recorded nothing."""
    before = Transfer.objects.count()
    path = tmp_path / "transfers.xlsx"
    path.write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was recorded"):
        call_command("import_transfers", str(path), "--programme", CISP, *options, stdout=StringIO(), stderr=err)
    assert Transfer.objects.count() == before
    return err.getvalue()


def test_import_transfers_records_every_row_with_its_tranche(cisp, tmp_path):
    data = transfers_workbook(
        [
            ["V-001", "first tranche", 250000, datetime(2008, 10, 15), "unesco"],
            ["V-002", "", "1,234.50", "2009-02-01", "International Labour Organization"],
            [None, None, None, None, None],
            ["", "no voucher yet", 4234.56, "15/03/2009", " FAO "],
        ]
    )
    out, _err = run_import(tmp_path, data)
    assert "Recorded 3 transfer(s)." in out
    recorded = list(Transfer.objects.filter(programme=cisp.programme).order_by("date"))
    assert [(t.date, t.agency.code, t.amount, t.voucher, t.work_plan_id) for t in recorded] == [
        (date(2008, 10, 15), "UNESCO", Decimal("250000.00"), "V-001", cisp.pk),
        (date(2009, 2, 1), "ILO", Decimal("1234.50"), "V-002", cisp.pk),
        (date(2009, 3, 15), "FAO", Decimal("4234.56"), "", cisp.pk),
    ]
    assert all(not t.illustrative and t.recorded_by is None for t in recorded)


def test_a_dry_run_lists_the_transfers_and_records_none(cisp, tmp_path):
    out, _err = run_import(tmp_path, transfers_workbook([["V-1", "", 100, "2008-12-01", "UNDP"]]), "--dry-run")
    assert "2008-12-01 UNDP 100.00" in out and "nothing written" in out
    assert not Transfer.objects.filter(programme=cisp.programme).exists()


def test_a_date_outside_every_work_plan_year_is_refused_unless_the_year_is_named(cisp, tmp_path):
    data = transfers_workbook([["V-9", "", 100, "2010-06-01", "UNDP"]])
    problems = refusal(tmp_path, data)
    assert 'sheet "Tranches", row 3, column D (DATE)' in problems
    assert "No work plan year of the programme contains this date" in problems
    run_import(tmp_path, data, "--year", "1")
    assert Transfer.objects.get(voucher="V-9").work_plan == cisp


def test_a_year_column_names_the_tranche(cisp, tmp_path):
    WorkPlan.objects.create(programme=cisp.programme, year=2)
    data = transfers_workbook(
        [["V-1", 2, 100, "2008-12-01", "UNDP"]], header=("Voucher", "Year", "Amount", "Date", "Agency")
    )
    run_import(tmp_path, data)
    assert Transfer.objects.get(voucher="V-1").work_plan.year == 2
    unknown = transfers_workbook(
        [["V-2", 7, 100, "2008-12-01", "UNDP"]], header=("Voucher", "Year", "Amount", "Date", "Agency")
    )
    assert "row 3, column B (Year), value “7”: The programme has no work plan for year 7." in refusal(tmp_path, unknown)


def test_a_file_with_problems_is_refused_whole_naming_each(cisp, tmp_path):
    data = transfers_workbook(
        [
            ["V-1", "", 100, "2008-12-01", "UNDP"],  # fine, but not recorded: the file is refused
            ["V-2", "", -5, "2008-12-01", "UNDP"],
            ["V-3", "", "a lot", "2008-12-01", "UNDP"],
            ["V-4", "", 0, "2008-12-01", "UNDP"],
            ["V-5", "", 100, "2008-12-01", "WHO"],
            ["V-6", "", 100, "next week", "UNDP"],
            ["V-7", "", 100.555, "2008-12-01", "UNDP"],
        ]
    )
    problems = refusal(tmp_path, data)
    assert 'sheet "Tranches", row 4, column C (amount), value “-5”' in problems
    assert "row 5, column C (amount), value “a lot”: Not an amount" in problems
    assert "row 6, column C (amount), value “0”: A transfer must be more than zero." in problems
    assert (
        "row 7, column E (Agency), value “WHO”: Unknown UN agency of this programme (known: FAO, ILO, UNDP, UNESCO)"
        in problems
    )
    assert "row 8, column D (DATE), value “next week”: Not a date" in problems
    assert "row 9, column C (amount), value “100.555”: An amount has at most two decimals" in problems


def test_a_sheet_without_the_required_columns_or_not_a_workbook_is_refused(cisp, tmp_path):
    no_amount = transfers_workbook(
        [["V-1", "", 100, "2008-12-01", "UNDP"]], header=("Voucher", "Notes", "Sum", "Date", "Agency")
    )
    assert 'No header row found: it needs the columns "Date", "Agency" and "Amount".' in refusal(tmp_path, no_amount)
    assert "not a readable Excel workbook" in refusal(tmp_path, b"Date,Agency,Amount\n2008-12-01,UNDP,100\n")


def test_only_coordinators_may_be_named_as_recording_transfers(cisp, users, tmp_path):
    path = tmp_path / "transfers.xlsx"
    path.write_bytes(transfers_workbook([["V-1", "", 100, "2008-12-01", "UNDP"]]))
    with pytest.raises(CommandError, match="alice may not record transfers"):
        call_command("import_transfers", str(path), "--programme", CISP, "--user", "alice", stdout=StringIO())
    call_command("import_transfers", str(path), "--programme", CISP, "--user", "carol", stdout=StringIO())
    assert Transfer.objects.get(voucher="V-1").recorded_by == users["coordinator"]


# The page


def transfer_form(**fields) -> dict:
    return {
        "date": "2008-11-03",
        "agency": Agency.objects.get(code="UNESCO").pk,
        "work_plan": WorkPlan.objects.get(programme__mptf_project_id=CISP, year=1).pk,
        "amount": "120,000.00",
        "voucher": "MDTF-2008-17",
        **fields,
    }


def test_a_coordinator_records_and_corrects_a_transfer(client_for, users, cisp):
    client = client_for(users["coordinator"])
    url = reverse("finance:transfers", args=[CISP])
    assert client.post(url, transfer_form()).status_code == 302
    transfer = Transfer.objects.get(programme=cisp.programme)
    assert (transfer.amount, transfer.recorded_by, transfer.work_plan) == (
        Decimal("120000.00"),
        users["coordinator"],
        cisp,
    )
    page = client.get(url).content.decode()
    assert "MDTF-2008-17" in page and "120,000.00" in page
    correct = reverse("finance:transfer", args=[CISP, transfer.pk])
    assert client.post(correct, transfer_form(amount="119500")).status_code == 302
    transfer.refresh_from_db()
    assert transfer.amount == Decimal("119500.00")
    assert transfer.history.count() == 2


def test_the_transfer_form_refuses_a_zero_amount_and_another_programmes_work_plan(client_for, users, cisp, demo):
    client = client_for(users["coordinator"])
    url = reverse("finance:transfers", args=[CISP])
    zero = client.post(url, transfer_form(amount="0"))
    assert zero.status_code == 400 and "A transfer must be more than zero." in zero.content.decode()
    assert client.post(url, transfer_form(work_plan=demo.pk)).status_code == 400
    assert not Transfer.objects.exists()


def test_focal_points_and_pmc_members_read_transfers_but_may_not_record_them(client_for, users, cisp):
    transfer = Transfer.objects.create(
        programme=cisp.programme, work_plan=cisp, agency=Agency.objects.get(code="ILO"), date=date(2008, 11, 3),
        amount=Decimal("5000.00"),
    )  # fmt: skip
    for user in (users["unesco"], users["pmc"]):
        client = client_for(user)
        page = client.get(reverse("finance:transfers", args=[CISP]))
        assert page.status_code == 200 and "5,000.00" in page.content.decode()
        assert "Record a transfer" not in page.content.decode()
        assert client.post(reverse("finance:transfers", args=[CISP]), transfer_form()).status_code == 403
        assert client.get(reverse("finance:transfer", args=[CISP, transfer.pk])).status_code == 403
    assert Transfer.objects.count() == 1


def test_transfers_of_another_programme_are_not_found(client_for, users, cisp, demo):
    demo_transfer = Transfer.objects.create(
        programme=demo.programme, work_plan=demo, agency=Agency.objects.get(code="ILO"), date=date(2013, 3, 1),
        amount=Decimal("5000.00"),
    )  # fmt: skip
    client = client_for(users["coordinator"])  # a coordinator of CISP only
    assert client.get(reverse("finance:transfer", args=[CISP, demo_transfer.pk])).status_code == 404
    assert client.post(reverse("finance:transfer", args=[CISP, demo_transfer.pk]), transfer_form()).status_code == 404
    assert client.get(reverse("finance:transfers", args=["DEMO0001"])).status_code == 404
    assert client.post(reverse("finance:transfers", args=["DEMO0001"]), transfer_form()).status_code == 404
    demo_transfer.refresh_from_db()
    assert demo_transfer.amount == Decimal("5000.00")


def test_the_transfers_page_runs_a_constant_number_of_queries(client_for, cisp, django_assert_max_num_queries):
    coordinator = make_user("coordinator-q", Role.COORDINATOR)
    make_member(coordinator, CISP, Role.PMC_MEMBER)
    client = client_for(coordinator)
    url = reverse("finance:transfers", args=[CISP])
    agencies = list(Agency.objects.filter(code__in=["FAO", "ILO", "UNDP", "UNESCO"]))

    def add(count):
        Transfer.objects.bulk_create(
            Transfer(programme=cisp.programme, work_plan=cisp, agency=agencies[n % 4], date=date(2008, 10, 1),
                     amount=Decimal("10.00"), recorded_by=coordinator)
            for n in range(count)
        )  # fmt: skip

    add(1)
    client.get(url)
    with django_assert_max_num_queries(15) as one:
        assert client.get(url).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_administrator_records_a_transfer_in_the_admin(client, cisp):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "root-Passw0rd!")
    client.force_login(admin)
    response = client.post(
        reverse("admin:finance_transfer_add"),
        {**transfer_form(), "programme": cisp.programme.pk, "amount": "2500.00"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(programme=cisp.programme)
    assert (transfer.amount, transfer.recorded_by) == (Decimal("2500.00"), admin)
    assert client.get(reverse("admin:finance_transfer_changelist")).status_code == 200


def test_a_coordinator_deletes_a_transfer_recorded_by_mistake(client_for, users, cisp, demo):
    ilo = Agency.objects.get(code="ILO")
    mistake = Transfer.objects.create(
        programme=cisp.programme, work_plan=cisp, agency=ilo, date=date(2008, 11, 3), amount=Decimal("5000.00")
    )
    delete = reverse("finance:transfer_delete", args=[CISP, mistake.pk])
    assert client_for(users["unesco"]).post(delete).status_code == 403
    assert client_for(users["coordinator"]).get(delete).status_code == 405  # a link cannot delete

    editing = client_for(users["coordinator"]).get(reverse("finance:transfer", args=[CISP, mistake.pk]))
    assert "Delete this transfer" in editing.content.decode()
    deleted = client_for(users["coordinator"]).post(delete, follow=True)
    assert "The transfer of 3 November 2008 to ILO was deleted." in deleted.content.decode()
    assert not Transfer.objects.filter(pk=mistake.pk).exists()
    removal = Transfer.history.filter(id=mistake.pk).latest("history_date")
    assert (removal.history_type, removal.history_user, removal.amount) == (
        "-",
        users["coordinator"],
        Decimal("5000.00"),
    )

    demo_transfer = Transfer.objects.create(
        programme=demo.programme, work_plan=demo, agency=ilo, date=date(2013, 3, 1), amount=Decimal("5000.00")
    )
    assert (
        client_for(users["coordinator"])
        .post(reverse("finance:transfer_delete", args=[CISP, demo_transfer.pk]))
        .status_code
        == 404
    )
    assert Transfer.objects.filter(pk=demo_transfer.pk).exists()
