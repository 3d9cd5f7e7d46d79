"""The PMC's approval of the joint quarterly report: allowed once every agency's quarter is accepted,
and kept with the report's figures as approved."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.selectors import quarterly_report
from reports.snapshot import report_to_json
from workplan.models import ReportApproval, WorkPlan
from workplan.periods import report_period
from workplan.reporting import CycleError, unaccepted_agencies


@transaction.atomic
def approve_report(*, work_plan: WorkPlan, quarter: int, user) -> ReportApproval:
    """`work_plan` comes with its programme."""
    WorkPlan.objects.select_for_update().get(pk=work_plan.pk)
    if ReportApproval.objects.filter(work_plan=work_plan, quarter=quarter).exists():
        raise CycleError(_("This report was already approved."))
    waiting = unaccepted_agencies(work_plan, quarter)
    if waiting:
        raise CycleError(
            _("The report can be approved once every agency's quarter is accepted. Not accepted yet: %(agencies)s.")
            % {"agencies": ", ".join(agency.code for agency in waiting)}
        )
    report = quarterly_report(work_plan, report_period(work_plan, quarter))
    return ReportApproval.objects.create(
        work_plan=work_plan,
        quarter=quarter,
        approved_by=user,
        approved_at=timezone.now(),
        snapshot=report_to_json(report),
    )
