"""Two confirmed imports at once: the second is told what changed meanwhile, never a 500."""

import threading

import pytest
from django.db import connection, connections

from exchange.services import ImportRefused, import_work_plan
from exchange.workplan_import import plan_work_plan_import
from tests.factories import make_activity, make_work_plan
from tests.workbooks import database_dump, exported
from workplan.models import Activity


def test_an_activity_created_by_someone_else_between_reading_and_writing_refuses_the_import(cisp):
    empty_year = make_work_plan(cisp.programme, year=7)
    plan = plan_work_plan_import(work_plan=empty_year, data=exported(cisp))
    assert plan.is_valid and len(plan.activities) == 35
    # Another import of the same file, confirmed a moment earlier, created 1.1.2 and an uncoded one.
    make_activity(empty_year, "1.1.2", title="Created meanwhile")
    make_activity(empty_year, "", title="Baseline survey")
    before = database_dump()

    with pytest.raises(ImportRefused, match="changed by someone else meanwhile") as refusal:
        import_work_plan(plan=plan)

    assert "1.1.2 " in str(refusal.value) and "Baseline survey" in str(refusal.value)
    assert "1.1.3" not in str(refusal.value)
    assert database_dump() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_activities_at_the_same_moment_one_is_refused(cisp):
    empty_year = make_work_plan(cisp.programme, year=7)
    data = exported(cisp)
    start = threading.Barrier(2)
    outcomes = []

    def confirm():
        try:
            plan = plan_work_plan_import(work_plan=empty_year, data=data)
            start.wait(timeout=30)
            outcomes.append(import_work_plan(plan=plan, seen_versions={}))
        except Exception as error:  # the test reports whatever happened
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    assert isinstance(refused[0], ImportRefused), repr(refused[0])
    assert "changed by someone else meanwhile" in str(refused[0])
    assert Activity.objects.filter(work_plan=empty_year).count() == 35
