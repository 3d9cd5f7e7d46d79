"""PMC members and focal points report an activity's status per quarter; no update is lost."""

import pytest
from django.urls import reverse

from workplan.models import Activity, ActivityProgress


@pytest.fixture
def activity(cisp):
    return Activity.objects.get(work_plan=cisp, code="2.1.1")


def post_progress(client, activity, **fields):
    data = {"quarter": 2, "status": "ongoing", "comment": "Shortlists agreed.", "seen_version": activity.version}
    return client.post(reverse("workplan:report_progress", args=["00067193", activity.pk]), {**data, **fields})


def test_a_pmc_member_updates_status_and_comment_for_a_quarter(client_for, users, activity):
    response = post_progress(client_for(users["pmc"]), activity)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.implementation_comment) == ("ongoing", "Shortlists agreed.")
    progress = ActivityProgress.objects.get(activity=activity, quarter=2)
    assert (progress.status, progress.comment, progress.reported_by) == ("ongoing", "Shortlists agreed.", users["pmc"])
    page = client_for(users["pmc"]).get(activity.get_absolute_url()).content.decode()
    assert "Shortlists agreed." in page and "pmc" in page


def test_each_quarter_keeps_what_was_said_then(client_for, users, activity):
    client = client_for(users["ilo"])
    post_progress(client, activity, quarter=1, status="ongoing", comment="Started.")
    activity.refresh_from_db()
    post_progress(client, activity, quarter=2, status="completed", comment="Done.")

    said = dict(ActivityProgress.objects.filter(activity=activity).values_list("quarter", "comment"))
    assert said == {1: "Started.", 2: "Done."}
    activity.refresh_from_db()
    assert activity.status == "completed"


def test_a_late_report_on_an_earlier_quarter_does_not_undo_the_current_status(client_for, users, activity):
    client = client_for(users["ilo"])
    post_progress(client, activity, quarter=2, status="completed", comment="Done in Q2.")
    activity.refresh_from_db()
    post_progress(client, activity, quarter=1, status="ongoing", comment="Q1, reported late.")

    activity.refresh_from_db()
    assert (activity.status, activity.implementation_comment) == ("completed", "Done in Q2.")
    assert ActivityProgress.objects.get(activity=activity, quarter=1).comment == "Q1, reported late."


def test_the_change_is_in_the_history_with_who_and_what(client_for, users, activity):
    post_progress(client_for(users["pmc"]), activity, status="completed", comment="All done")

    latest = activity.history.latest()
    assert latest.history_user == users["pmc"]
    assert latest.status == "completed"
    page = client_for(users["pmc"]).get(activity.get_absolute_url()).content.decode()
    assert "status" in page and "completed" in page


def test_a_save_based_on_an_older_version_is_refused_and_both_versions_are_shown(client_for, users, activity):
    opened_version = activity.version
    post_progress(client_for(users["pmc"]), activity, comment="PMC's words", seen_version=opened_version)

    late = post_progress(client_for(users["ilo"]), activity, comment="ILO's words", seen_version=opened_version)

    assert late.status_code == 409
    page = late.content.decode()
    assert "someone else saved this activity" in page
    assert "PMC&#x27;s words" in page  # theirs
    assert "ILO&#x27;s words" in page  # yours, kept in the form
    activity.refresh_from_db()
    assert activity.implementation_comment == "PMC's words"

    # Saving again, now knowing what the other person said, goes through.
    resubmitted = post_progress(client_for(users["ilo"]), activity, comment="ILO's words")
    assert resubmitted.status_code == 302
    activity.refresh_from_db()
    assert activity.implementation_comment == "ILO's words"


def test_a_quarter_outside_1_to_4_is_refused(client_for, users, activity):
    response = post_progress(client_for(users["pmc"]), activity, quarter=5)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ActivityProgress.objects.exists()


@pytest.mark.parametrize(
    ("seen_version", "message"),
    [
        ("", "This form has lost the version of the activity"),
        ("abc", "record of the version of the activity it was opened on has been altered"),
        ("-1", "record of the version of the activity it was opened on has been altered"),
    ],
)
def test_a_missing_or_altered_hidden_version_is_refused_with_a_message(
    client_for, users, activity, seen_version, message
):
    response = post_progress(client_for(users["pmc"]), activity, seen_version=seen_version)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Reload the page and enter your changes again." in page
    assert "Shortlists agreed." in page  # what was typed is kept
    assert not ActivityProgress.objects.exists()


def test_the_form_opens_on_the_quarter_asked_with_what_was_saved_for_it(client_for, users, activity):
    client = client_for(users["pmc"])
    post_progress(client, activity, quarter=1, status="ongoing", comment="Started in Q1.")
    activity.refresh_from_db()
    post_progress(client, activity, quarter=2, status="completed", comment="Done in Q2.")
    url = reverse("workplan:report_progress", args=["00067193", activity.pk])

    def shown(query):
        form = client.get(url, query).context["form"]
        return form["quarter"].value(), form["status"].value(), form["comment"].value()

    assert shown({}) == (2, "completed", "Done in Q2.")  # the latest quarter reported
    assert shown({"quarter": "1"}) == (1, "ongoing", "Started in Q1.")
    assert shown({"quarter": "3"}) == (3, "completed", "")  # nothing saved yet: the current status, no comment
    page = client.get(url).content.decode()
    assert 'class="progress-form"' in page and "data-confirm-switch=" in page
    assert '<script src="/static/js/progress-form.js" defer></script>' in page
