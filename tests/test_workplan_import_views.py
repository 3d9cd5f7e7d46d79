from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import BudgetLine
from tests.factories import make_member
from tests.workbooks import AGENCY, CONTRACTS, database_dump, editable, row_of, saved
from workplan.models import Activity
from workplan.permissions import Role


def user_with_role(username: str, role: Role, agency: str | None = None) -> User:
    return make_member(username, "00067193", role, agency)


def upload(client, work_plan, data: bytes):
    workbook = SimpleUploadedFile("plan.xlsx", data, content_type="application/octet-stream")
    return client.post(reverse("exchange:import", args=["00067193"]), {"work_plan": work_plan.pk, "workbook": workbook})


def edited(data: bytes, code: str, column: str, value) -> bytes:
    workbook = editable(data)
    sheet = workbook["Work plan"]
    sheet[f"{column}{row_of(sheet, code)}"] = value
    return saved(workbook)


@pytest.mark.parametrize("name", ["exchange:import", "exchange:import_confirm"])
def test_anonymous_users_are_sent_to_login(client, cisp, name):
    response = client.get(reverse(name, args=["00067193"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_users_cannot_download(client, cisp):
    response = client.get(reverse("exchange:export", args=["00067193", cisp.year]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_pmc_member_may_download_but_not_import(client, cisp, cisp_workbook):
    client.force_login(user_with_role("pmc", Role.PMC_MEMBER))
    download = client.get(reverse("exchange:export", args=["00067193", cisp.year]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="work-plan-MDGF-1838-G-KHM-year-1.xlsx"'
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert client.get(reverse("exchange:import", args=["00067193"])).status_code == 403
    assert upload(client, cisp, cisp_workbook).status_code == 403
    assert client.post(reverse("exchange:import_confirm", args=["00067193"]), {"token": "x"}).status_code == 403


def test_a_coordinator_previews_then_confirms(client, cisp, cisp_workbook, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coordinator = user_with_role("coordinator", Role.COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("exchange:import", args=["00067193"]))
    assert reverse("exchange:export", args=["00067193", cisp.year]) in page.content.decode()

    preview = upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, "3,000"))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "To change" in text and "2.1.1" in text
    assert "<td>Contracts</td><td><del>2,000.00</del></td><td><ins>3,000.00</ins></td>" in text
    line = BudgetLine.objects.get(activity__code="2.1.1", category__code="contracts")
    assert line.amount == Decimal("2000.00")  # nothing written yet

    token = preview.context["token"]
    done = client.post(reverse("exchange:import_confirm", args=["00067193"]), {"token": token}, follow=True)
    assert "1 changed" in done.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("3000.00")
    assert line.history.first().history_user == coordinator
    assert not list((tmp_path / "work-plan-imports").iterdir())
    # The same confirmation cannot be replayed.
    again = client.post(reverse("exchange:import_confirm", args=["00067193"]), {"token": token}, follow=True)
    assert "no longer waiting" in again.content.decode()


def test_a_broken_workbook_lists_its_problems_and_writes_nothing(client, cisp, cisp_workbook):
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    before = database_dump()
    response = upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, -1))
    assert response.status_code == 422
    text = response.content.decode()
    assert "A budget amount cannot be negative." in text and "M (Contracts)" in text
    assert response.context["token"] is None
    assert database_dump() == before


def test_a_focal_point_of_another_agency_is_refused(client, cisp, cisp_workbook):
    client.force_login(user_with_role("fao", Role.FOCAL_POINT, agency="FAO"))
    before = database_dump()
    response = upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, 1))  # an ILO activity
    assert response.status_code == 422
    assert "You may import only activities of FAO" in response.content.decode()
    assert database_dump() == before


def test_a_focal_point_imports_their_own_agency_rows(client, cisp, cisp_workbook):
    client.force_login(user_with_role("ilo", Role.FOCAL_POINT, agency="ILO"))
    preview = upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, 1))
    assert preview.status_code == 200
    client.post(reverse("exchange:import_confirm", args=["00067193"]), {"token": preview.context["token"]})
    activity = Activity.objects.get(work_plan=cisp, code="2.1.1")
    assert activity.budget_lines.get(category__code="contracts").amount == Decimal("1.00")
    assert activity.version == 2


def test_an_activity_saved_meanwhile_is_not_overwritten(client, cisp, cisp_workbook):
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    preview = upload(client, cisp, edited(cisp_workbook, "2.1.1", AGENCY, "FAO"))
    Activity.objects.filter(work_plan=cisp, code="2.1.1").update(version=5)  # saved in the browser
    response = client.post(
        reverse("exchange:import_confirm", args=["00067193"]), {"token": preview.context["token"]}, follow=True
    )
    assert "changed by someone else meanwhile" in response.content.decode()
    assert Activity.objects.get(work_plan=cisp, code="2.1.1").agency.code == "ILO"


def test_an_activity_the_preview_left_alone_but_someone_saved_meanwhile_is_not_reverted(client, cisp, cisp_workbook):
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    preview = upload(client, cisp, edited(cisp_workbook, "2.1.1", AGENCY, "FAO"))  # 1.1.1 unchanged in the file
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    activity.annual_target = "Saved in the admin after the preview"
    activity.version += 1
    activity.save()

    response = client.post(
        reverse("exchange:import_confirm", args=["00067193"]), {"token": preview.context["token"]}, follow=True
    )

    assert "changed by someone else meanwhile" in response.content.decode()
    activity.refresh_from_db()
    assert activity.annual_target == "Saved in the admin after the preview"
    assert Activity.objects.get(work_plan=cisp, code="2.1.1").agency.code == "ILO"  # all or nothing


def test_an_account_without_a_role_may_neither_download_nor_import(client, cisp):
    client.force_login(User.objects.create_user("nobody", password="x"))
    assert client.get(reverse("exchange:export", args=["00067193", cisp.year])).status_code == 404
    assert client.get(reverse("exchange:import", args=["00067193"])).status_code == 404
    assert client.get(reverse("reports:quarter_xlsx", args=["00067193", 1, 2])).status_code == 404


def test_uploads_abandoned_for_a_day_are_removed_at_the_next_upload(client, cisp, cisp_workbook, settings, tmp_path):
    import os
    import time

    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))
    upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, "3,000"))  # previewed, never confirmed
    (abandoned,) = (tmp_path / "work-plan-imports").iterdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))

    upload(client, cisp, edited(cisp_workbook, "2.1.2", CONTRACTS, "4,000"))

    remaining = list((tmp_path / "work-plan-imports").iterdir())
    assert len(remaining) == 1 and abandoned not in remaining


def test_a_workbook_over_the_size_limit_is_refused_by_the_form_and_not_kept(
    client, cisp, cisp_workbook, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.WORKBOOK_MAX_UPLOAD_BYTES = 1000
    client.force_login(user_with_role("coordinator", Role.COORDINATOR))

    page = upload(client, cisp, edited(cisp_workbook, "2.1.1", CONTRACTS, "3,000"))

    assert page.status_code == 200
    assert "the largest accepted is 1000" in page.context["form"].errors["workbook"][0]
    assert not (tmp_path / "work-plan-imports").exists()
