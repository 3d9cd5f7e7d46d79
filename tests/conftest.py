import pytest
from django.core.management import call_command

from workplan.models import WorkPlan


@pytest.fixture
def cisp(db):
    """The CISP programme as `make run` loads it."""
    call_command("load_cisp", verbosity=0)
    return WorkPlan.objects.select_related("programme").get(programme__mptf_project_id="00067193", year=1)
