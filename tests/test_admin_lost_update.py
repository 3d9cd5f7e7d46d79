"""The admin's activity and budget line forms check the activity's version as the app's forms do:
a save made through the app after the admin opened the form is never overwritten."""

from decimal import Decimal

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from workplan.models import Activity


@pytest.fixture
def activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="1.1.1")  # UNESCO: Int personnel 500, Nat personnel 434


def opened_form(client, url) -> dict:
    """What the browser would post back from the admin page at `url`, untouched: every field of
    the form and of its inlines with the value it was shown with."""
    page = client.get(url)
    assert page.status_code == 200
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context.get("inline_admin_formsets") or []:  # none on the history's revert page
        data.update({field.html_name: field.value() for field in inline.formset.management_form})
        forms.extend(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    return data


def report_progress_in_the_app(client, activity, comment):
    activity.refresh_from_db()
    response = client.post(
        reverse("workplan:report_progress", args=["00067193", activity.pk]),
        {"quarter": 1, "status": "ongoing", "comment": comment, "seen_version": activity.version},
    )
    assert response.status_code == 302


def test_an_admin_edit_of_an_activity_saved_meanwhile_in_the_app_is_refused_and_nothing_is_lost(
    admin_client, client_for, users, activity
):
    url = reverse("admin:workplan_activity_change", args=[activity.pk])
    opened = opened_form(admin_client, url)  # the administrator opens the activity, then a PMC member saves it:
    report_progress_in_the_app(client_for(users["pmc"]), activity, "Training held in Siem Reap.")

    refused = admin_client.post(url, {**opened, "annual_target": "A new target typed by the administrator"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Not saved: someone else changed this activity after you opened this form." in page
    assert "pmc, " in page  # who, then when
    assert "status: Planned → Ongoing" in page
    assert "state of implementation: The PMC has been established since May 2008." in page
    assert "→ Training held in Siem Reap." in page
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.status, saved.implementation_comment) == ("ongoing", "Training held in Siem Reap.")
    assert saved.annual_target == activity.annual_target

    # Reloaded, the form starts from the PMC member's save: the administrator's change goes through.
    reopened = opened_form(admin_client, url)
    accepted = admin_client.post(url, {**reopened, "annual_target": "A new target typed by the administrator"})

    assert accepted.status_code == 302
    saved = Activity.objects.get(pk=activity.pk)
    assert saved.annual_target == "A new target typed by the administrator"
    assert (saved.status, saved.implementation_comment) == ("ongoing", "Training held in Siem Reap.")
    assert saved.version == reopened["seen_version"] + 1


def test_an_admin_edit_of_a_budget_line_changed_meanwhile_on_the_budget_page_is_refused(
    admin_client, client_for, users, activity
):
    line = activity.budget_lines.get(category__code="int-personnel")
    url = reverse("admin:budgets_budgetline_change", args=[line.pk])
    opened = opened_form(admin_client, url)
    budget_page = client_for(users["unesco"]).post(
        reverse("budgets:entry", args=["00067193", activity.pk]),
        {
            "seen_version": activity.version,
            "source": FundingSource.objects.get(code="MDG-F").pk,
            "amount_int-personnel": "550",
            "amount_nat-personnel": "434",
        },
    )
    assert budget_page.status_code == 302

    refused = admin_client.post(url, {**opened, "amount": "600.00"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Not saved: someone else changed this activity after you opened this form." in page
    assert "alice, " in page
    assert f"{line.category} ({line.source}): 500.00 → 550.00" in page
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("550.00")

    reopened = opened_form(admin_client, url)
    assert admin_client.post(url, {**reopened, "amount": "600.00"}).status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("600.00")
    assert Activity.objects.get(pk=activity.pk).version == reopened["seen_version"] + 1


def test_the_activity_page_of_the_admin_names_budget_lines_changed_meanwhile(admin_client, client_for, users, activity):
    url = reverse("admin:workplan_activity_change", args=[activity.pk])
    opened = opened_form(admin_client, url)  # its budget lines are on the same page, as an inline
    client_for(users["unesco"]).post(
        reverse("budgets:entry", args=["00067193", activity.pk]),
        {"seen_version": activity.version, "source": FundingSource.objects.get(code="MDG-F").pk,
         "amount_int-personnel": "500", "amount_nat-personnel": "400"},
    )  # fmt: skip

    refused = admin_client.post(url, opened)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Not saved: someone else changed this activity" in page
    assert "Nat personnel (MDG-F): 434.00 → 400.00" in page
    assert activity.budget_lines.get(category__code="nat-personnel").amount == Decimal("400.00")


def test_a_missing_or_altered_hidden_version_is_refused_with_a_message(admin_client, activity):
    url = reverse("admin:workplan_activity_change", args=[activity.pk])
    opened = opened_form(admin_client, url)

    for seen_version in ("", "not a number"):
        refused = admin_client.post(url, {**opened, "seen_version": seen_version, "annual_target": "Changed"})
        assert refused.status_code == 200
        assert "Reload the page and enter your changes again." in refused.content.decode()
    assert Activity.objects.get(pk=activity.pk).annual_target == activity.annual_target


def test_reverting_to_an_old_record_in_the_history_raises_the_version_and_checks_it(
    admin_client, client_for, users, activity
):
    original = activity.history.earliest("history_date")
    report_progress_in_the_app(client_for(users["pmc"]), activity, "First report.")
    url = reverse("admin:workplan_activity_simple_history", args=[activity.pk, original.history_id])
    opened = opened_form(admin_client, url)
    report_progress_in_the_app(client_for(users["pmc"]), activity, "Second report.")

    assert admin_client.post(url, opened).status_code == 200  # opened before the second report: refused
    assert Activity.objects.get(pk=activity.pk).implementation_comment == "Second report."

    reopened = opened_form(admin_client, url)
    assert admin_client.post(url, reopened).status_code == 302
    reverted = Activity.objects.get(pk=activity.pk)
    assert reverted.implementation_comment == original.implementation_comment
    assert reverted.version == reopened["seen_version"] + 1  # up, never back to the old record's version


def test_only_changes_made_after_the_form_was_opened_are_named(admin_client, client_for, users, activity):
    client_for(users["unesco"]).post(
        reverse("budgets:entry", args=["00067193", activity.pk]),
        {"seen_version": activity.version, "source": FundingSource.objects.get(code="MDG-F").pk,
         "amount_int-personnel": "510", "amount_nat-personnel": "434"},
    )  # fmt: skip
    url = reverse("admin:workplan_activity_change", args=[activity.pk])
    opened = opened_form(admin_client, url)
    report_progress_in_the_app(client_for(users["pmc"]), activity, "Training held in Siem Reap.")

    page = admin_client.post(url, opened).content.decode()

    assert "status: Planned → Ongoing" in page
    assert "500.00 → 510.00" not in page  # saved before the administrator opened the form


def test_adding_a_budget_line_in_the_admin_needs_no_version_and_raises_the_activitys(admin_client, activity):
    url = reverse("admin:budgets_budgetline_add")
    assert admin_client.get(reverse("admin:workplan_activity_add")).status_code == 200
    travel = BudgetCategory.objects.get(code="travel")
    opened = activity.version

    response = admin_client.post(
        url,
        {
            "activity": activity.pk,
            "category": travel.pk,
            "source": FundingSource.objects.get(code="MDG-F").pk,
            "amount": "75.00",
        },
    )

    assert response.status_code == 302
    assert activity.budget_lines.get(category=travel).amount == Decimal("75.00")
    assert Activity.objects.get(pk=activity.pk).version == opened + 1
