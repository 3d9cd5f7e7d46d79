"""Small builders for records the tests need beyond the CISP data."""

from datetime import date
from decimal import Decimal
from itertools import count

from budgets.models import BudgetCategory, BudgetLine, FundingSource
from workplan.models import Activity, Agency, Outcome, Output, Partner, Programme, WorkPlan

_serial = count(1)


def make_programme(**fields) -> Programme:
    n = next(_serial)
    defaults = {
        "mptf_project_id": f"TEST{n:04d}",
        "code": f"TEST-{n}",
        "title": f"Test programme {n}",
        "country": "Cambodia",
        "start_date": date(2009, 1, 1),
        "end_date": date(2011, 12, 31),
        "net_funded_amount": Decimal("1000000.00"),
    }
    return Programme.objects.create(**{**defaults, **fields})


def make_work_plan(programme: Programme | None = None, year: int = 1) -> WorkPlan:
    return WorkPlan.objects.create(programme=programme or make_programme(), year=year)


def make_output(programme: Programme, code: str = "1.1") -> Output:
    outcome, _ = Outcome.objects.get_or_create(
        programme=programme, number=int(code.split(".")[0]), defaults={"statement": "An outcome"}
    )
    return Output.objects.create(outcome=outcome, code=code, title=f"Output {code}")


def make_agency(code: str = "UNESCO") -> Agency:
    return Agency.objects.get_or_create(code=code, defaults={"name": code})[0]


def make_partner(code: str = "MoCFA") -> Partner:
    return Partner.objects.get_or_create(code=code, defaults={"name": code})[0]


def make_activity(work_plan: WorkPlan, code: str, output: Output | None = None, **fields) -> Activity:
    if output is None and code:
        prefix = code.rsplit(".", 1)[0]
        output = Output.objects.filter(outcome__programme=work_plan.programme, code=prefix).first() or make_output(
            work_plan.programme, prefix
        )
    defaults = {"title": f"Activity {code}", "agency": make_agency()}
    return Activity.objects.create(work_plan=work_plan, output=output, code=code, **{**defaults, **fields})


def make_category(
    programme: Programme, code: str = "contracts", name: str = "Contracts", position: int = 3
) -> BudgetCategory:
    return BudgetCategory.objects.get_or_create(
        programme=programme, code=code, defaults={"name": name, "position": position}
    )[0]


def make_source(code: str = "MDG-F") -> FundingSource:
    return FundingSource.objects.get_or_create(code=code, defaults={"name": "MDG Achievement Fund"})[0]


def make_budget_line(activity: Activity, amount: str, category: BudgetCategory | None = None) -> BudgetLine:
    return BudgetLine.objects.create(
        activity=activity,
        category=category or make_category(activity.work_plan.programme),
        source=make_source(),
        amount=Decimal(amount),
    )


def make_user(username: str, role=None, agency_code: str | None = None, programme: Programme | None = None):
    """A user with a role (workplan.models.Membership.Role) in a programme, CISP by default; a
    focal point of an agency."""
    from django.contrib.auth.models import User

    user = User.objects.create_user(username=username, password=f"{username}-Passw0rd!")
    if role is not None:
        make_member(user, programme or Programme.objects.get(mptf_project_id="00067193"), role, agency_code)
    return user


def make_member(user, programme, role, agency_code: str | None = None):
    """Give `user` (a User or a new username) a role in `programme` (a Programme, an MPTF project
    ID, or None for the fund secretariat); returns the user."""
    from django.contrib.auth.models import User

    from workplan.models import Membership

    if isinstance(user, str):
        user = User.objects.create_user(username=user, password=f"{user}-Passw0rd!")
    if isinstance(programme, str):
        programme = Programme.objects.get(mptf_project_id=programme)
    Membership.objects.create(
        user=user, programme=programme, role=role, agency=make_agency(agency_code) if agency_code else None
    )
    return user


def report_quarter(work_plan: WorkPlan, agency: Agency, quarter: int, *, user, comment: str = "Under way.") -> None:
    """Give each activity the agency has still to report in the quarter a status, as its focal point
    `user` does on the activity's page."""
    from workplan.reporting import missing_reports
    from workplan.services import report_progress

    for activity in missing_reports(work_plan, agency.pk, quarter):
        report_progress(
            activity=activity,
            quarter=quarter,
            status=Activity.Status.ONGOING,
            comment=comment,
            user=user,
            seen_version=activity.version,
        )


def accept_quarter(work_plan: WorkPlan, agency: Agency, quarter: int, *, focal_point, coordinator):
    """The agency's quarter reported and submitted by `focal_point`, accepted by `coordinator`."""
    from workplan.reporting import accept_submission, submit_quarter

    report_quarter(work_plan, agency, quarter, user=focal_point)
    submission = submit_quarter(
        programme=work_plan.programme, agency=agency, year=work_plan.year, quarter=quarter, user=focal_point
    )
    return accept_submission(submission=submission, user=coordinator)
