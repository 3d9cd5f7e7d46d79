import os
import time
from io import BytesIO

import pytest
import tablib
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetLine
from budgets.resources import BudgetLineResource
from outcomes.models import IndicatorResult
from outcomes.resources import IndicatorResultResource
from tests.factories import make_member
from tests.workbooks import zip_of
from workplan.admin_import_export import SafeCSV, SafeImportExportMixin, SafeXLSX
from workplan.models import Activity
from workplan.permissions import Role
from workplan.resources import ActivityResource
from workplan.spreadsheet_safety import escape_for_csv


def test_csv_export_escapes_every_value_a_spreadsheet_would_run(cisp):
    for value in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert escape_for_csv(value) == "'" + value
    assert escape_for_csv("A plain comment") == "A plain comment"
    Activity.objects.filter(code="1.1.1").update(implementation_comment='=HYPERLINK("http://x","y")')
    csv = SafeCSV().export_data(ActivityResource().export(Activity.objects.filter(code="1.1.1")))
    assert "'=HYPERLINK" in csv


def test_xlsx_export_keeps_text_as_text(cisp):
    Activity.objects.filter(code="1.1.1").update(implementation_comment="=1+1")
    data = SafeXLSX().export_data(ActivityResource().export(Activity.objects.filter(code="1.1.1")))
    sheet = load_workbook(BytesIO(data)).active
    comment = sheet.cell(2, [cell.value for cell in sheet[1]].index("implementation_comment") + 1)
    assert (comment.value, comment.data_type) == ("=1+1", "s")


def test_foreign_keys_are_written_and_read_by_code(cisp):
    dataset = BudgetLineResource().export(BudgetLine.objects.filter(activity__code="1.1.1"))
    assert dataset.dict[0] == {
        "work_plan": "MDGF-1838-G-KHM/1", "activity": "1.1.1", "category": "int-personnel", "source": "MDG-F",
        "amount": "500.00",
    }  # fmt: skip
    result = BudgetLineResource().import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["skip", "skip"]


def test_foreign_keys_are_looked_up_once_per_import_not_per_row(cisp):
    dataset = BudgetLineResource().export(BudgetLine.objects.filter(activity__work_plan=cisp))
    assert len(dataset) > 150
    with CaptureQueriesContext(connection) as queries:
        result = BudgetLineResource().import_data(dataset, dry_run=True)
    assert not result.has_errors()
    for table in ["budgets_budgetcategory", "budgets_fundingsource", "workplan_workplan"]:
        assert sum(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries) <= 1, table


def test_a_row_with_a_validation_error_rolls_back_the_whole_file(cisp):
    dataset = IndicatorResultResource().export(IndicatorResult.objects.order_by("pk")[:2])
    first, second = dataset.dict
    first["narrative"] = "Changed by the import"
    second["women"], second["men"] = "1", "1"  # does not add up to the total
    rows = tablib.Dataset(headers=dataset.headers)
    rows.append(list(first.values()))
    rows.append(list(second.values()))
    result = IndicatorResultResource().import_data(rows, dry_run=False)
    assert result.has_validation_errors()
    assert not IndicatorResult.objects.filter(narrative="Changed by the import").exists()


def test_admin_import_records_history_with_the_user_and_bumps_the_version(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin_user = User.objects.get(username="admin")
    activity = Activity.objects.get(code="2.1.1")
    dataset = ActivityResource().export(Activity.objects.filter(pk=activity.pk))
    dataset.dict = [{**dataset.dict[0], "title": "Renamed in the admin", "status": "completed"}]
    upload = SimpleUploadedFile("activities.csv", dataset.export("csv").encode())
    preview = admin_client.post(
        reverse("admin:workplan_activity_import"), {"resource": 0, "format": 0, "import_file": upload}
    )
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"].initial
    assert list((tmp_path / "django-import-export").iterdir())  # kept in MEDIA_ROOT, not /tmp
    done = admin_client.post(reverse("admin:workplan_activity_process_import"), confirm)
    assert done.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed in the admin"
    assert activity.status == "planned"  # exported to read: only the quarterly progress sets it
    assert activity.version == 2
    latest = activity.history.first()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, "Imported in the admin")


def test_an_admin_upload_is_checked_like_a_work_plan_upload_before_it_is_parsed(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = list(Activity.objects.values_list("pk", "title", "version"))
    xlsx = next(number for number, format in enumerate(SafeImportExportMixin.formats) if format is SafeXLSX)
    bomb = zip_of({"[Content_Types].xml": b"", "xl/workbook.xml": b" " * 5_000_000})
    page = admin_client.post(
        reverse("admin:workplan_activity_import"),
        {"resource": 0, "format": xlsx, "import_file": SimpleUploadedFile("activities.xlsx", bomb)},
    )
    assert page.status_code == 200
    assert "compressed more than 100 to 1" in page.context["form"].errors["import_file"][0]
    assert list(Activity.objects.values_list("pk", "title", "version")) == before
    assert not any((tmp_path / "django-import-export").iterdir())  # the refused upload is not kept

    settings.WORKBOOK_MAX_UPLOAD_BYTES = 100
    dataset = ActivityResource().export(Activity.objects.all())
    page = admin_client.post(
        reverse("admin:workplan_activity_import"),
        {"resource": 0, "format": 0, "import_file": SimpleUploadedFile("activities.csv", dataset.csv.encode())},
    )
    assert "the largest accepted is 100" in page.context["form"].errors["import_file"][0]
    assert not any((tmp_path / "django-import-export").iterdir())  # refused before it was stored


def test_admin_uploads_previewed_and_abandoned_for_a_day_are_removed_at_the_next_upload(
    cisp, admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    dataset = ActivityResource().export(Activity.objects.filter(code="2.1.1"))

    def preview(title):
        dataset.dict = [{**dataset.dict[0], "title": title}]
        upload = SimpleUploadedFile("activities.csv", dataset.export("csv").encode())
        page = admin_client.post(
            reverse("admin:workplan_activity_import"), {"resource": 0, "format": 0, "import_file": upload}
        )
        assert page.status_code == 200

    preview("Previewed, never confirmed")
    (abandoned,) = (tmp_path / "django-import-export").iterdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))

    preview("Previewed again")

    remaining = list((tmp_path / "django-import-export").iterdir())
    assert len(remaining) == 1 and abandoned not in remaining


def test_admin_import_needs_the_import_permission(cisp, client):
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_budgetline", "change_budgetline"]))
    client.force_login(staff)
    assert client.get(reverse("admin:budgets_budgetline_import")).status_code == 403
    assert client.get(reverse("admin:budgets_budgetline_changelist")).status_code == 200
    staff.user_permissions.add(Permission.objects.get(codename="import_budgetline"))
    assert client.get(reverse("admin:budgets_budgetline_import")).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_no_role_holds_the_admin_import_permissions(cisp, role):
    # An admin import checks no agency: the roles import through the work plan workbook instead.
    admin_imports = ["import_activity", "import_budgetline", "import_indicator", "import_indicatorresult"]
    assert Permission.objects.filter(codename__in=admin_imports).count() == 4
    programme = None if role == Role.FUND_SECRETARIAT else "00067193"
    user = make_member("member", programme, role, "UNESCO" if role == Role.FOCAL_POINT else None)
    user.is_staff = True
    assert not any(
        user.has_perm(f"{app}.{codename}") for app in ("workplan", "budgets", "outcomes") for codename in admin_imports
    )


def test_the_admin_work_plan_list_links_to_the_workbook(cisp, admin_client):
    page = admin_client.get(reverse("admin:workplan_workplan_changelist")).content.decode()
    assert reverse("exchange:export", args=["00067193", cisp.year]) in page


def test_an_admin_upload_refused_for_its_rows_is_not_kept(cisp, admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dataset = IndicatorResultResource().export(IndicatorResult.objects.order_by("pk")[:1])
    row = {**dataset.dict[0], "women": "1", "men": "1"}  # does not add up to the total
    rows = tablib.Dataset(list(row.values()), headers=dataset.headers)
    before = list(IndicatorResult.objects.values_list("pk", "women", "men"))

    page = admin_client.post(
        reverse("admin:outcomes_indicatorresult_import"),
        {"resource": 0, "format": 0, "import_file": SimpleUploadedFile("results.csv", rows.export("csv").encode())},
    )

    assert page.status_code == 200
    assert page.context["result"].has_validation_errors()
    assert "confirm_form" not in page.context
    assert not any((tmp_path / "django-import-export").iterdir())
    assert list(IndicatorResult.objects.values_list("pk", "women", "men")) == before
