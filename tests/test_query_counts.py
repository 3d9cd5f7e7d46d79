"""List pages run a constant number of queries, whatever the number of activities."""

from django.urls import reverse

from workplan.models import Activity, Agency, Output


def add_activities(work_plan, count):
    outputs = list(Output.objects.filter(outcome__programme=work_plan.programme))
    agencies = list(Agency.objects.all())
    Activity.objects.bulk_create(
        Activity(
            work_plan=work_plan,
            output=outputs[n % len(outputs)],
            code=f"{outputs[n % len(outputs)].code}.{100 + n}",
            title=f"Synthetic activity {n}",
            agency=agencies[n % len(agencies)],
            planned_q3=True,
        )
        for n in range(count)
    )


def test_the_work_plan_page_runs_the_same_queries_at_35_and_2000_activities(
    client_for, users, cisp, django_assert_max_num_queries
):
    client = client_for(users["coordinator"])
    url = reverse("workplan:work_plan", args=["00067193", 1]) + "?quarter=3"
    with django_assert_max_num_queries(20) as at_35:
        assert client.get(url).status_code == 200

    add_activities(cisp, 2000 - Activity.objects.filter(work_plan=cisp).count())
    assert Activity.objects.filter(work_plan=cisp).count() == 2000

    with django_assert_max_num_queries(len(at_35.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_indicator_page_runs_a_constant_number_of_queries(client_for, users, cisp, django_assert_max_num_queries):
    client = client_for(users["coordinator"])
    with django_assert_max_num_queries(20) as before:
        client.get(reverse("outcomes:indicators", args=["00067193"]))
    add_activities(cisp, 500)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("outcomes:indicators", args=["00067193"]))
