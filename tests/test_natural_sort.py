import pytest

from outcomes.models import Indicator
from tests.factories import make_activity, make_output, make_work_plan
from workplan.models import Activity, Output
from workplan.natural_sort import natural_sort_key


def test_numbers_inside_codes_compare_as_numbers():
    codes = ["2.1.10", "1.1.10", "2.1.9", "1.1.2", "10.1", "1.2", "1.1"]
    assert sorted(codes, key=natural_sort_key) == ["1.1", "1.1.2", "1.1.10", "1.2", "2.1.9", "2.1.10", "10.1"]


def test_records_without_a_code_come_after_the_coded_ones():
    assert natural_sort_key("", fallback="Baseline survey") > natural_sort_key("99.99.99")


@pytest.mark.django_db
def test_activities_outputs_and_indicators_sort_naturally_in_the_database():
    work_plan = make_work_plan()
    for code in ["2.1.10", "1.1.10", "2.1.9", "1.1.2"]:
        make_activity(work_plan, code)
    make_activity(work_plan, "", output=None, title="Baseline survey")
    make_output(work_plan.programme, "1.10")
    outputs = Output.objects.filter(outcome__programme=work_plan.programme)
    outcome = outputs.get(code="1.1").outcome
    for code in ["I1.10", "I1.9"]:
        Indicator.objects.create(outcome=outcome, code=code, statement=code)

    activities = Activity.objects.filter(work_plan=work_plan)
    assert list(activities.values_list("code", flat=True)) == ["1.1.2", "1.1.10", "2.1.9", "2.1.10", ""]
    assert list(outputs.values_list("code", flat=True)) == ["1.1", "1.10", "2.1"]
    assert list(Indicator.objects.filter(outcome=outcome).values_list("code", flat=True)) == ["I1.9", "I1.10"]


@pytest.mark.django_db
def test_sort_key_follows_a_changed_code():
    activity = make_activity(make_work_plan(), "1.1.2")
    activity.code = "1.1.10"
    activity.save()
    assert Activity.objects.get(pk=activity.pk).sort_key == natural_sort_key("1.1.10")
