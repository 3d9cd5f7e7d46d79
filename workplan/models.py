from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.natural_sort import NaturalSortKeyField
from workplan.periods import QUARTERS, planned_field, planned_in


class ProgrammeManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id):
        return self.get(mptf_project_id=mptf_project_id)

    def get_public(self, mptf_project_id):
        """For the pages anyone may see (the factsheet): 404 for an unknown ID."""
        return get_object_or_404(self.get_queryset(), mptf_project_id=mptf_project_id)


class Programme(models.Model):
    """A joint programme: several UN agencies and national partners, one budget."""

    mptf_project_id = models.CharField(_("MPTF project ID"), max_length=20, unique=True)
    code = models.CharField(_("programme code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=255)
    country = models.CharField(_("country"), max_length=100)
    thematic_window = models.CharField(_("thematic window"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    net_funded_amount = models.DecimalField(
        _("net funded amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    indirect_cost_rate = models.DecimalField(
        _("indirect cost rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.07"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of an activity's direct budget added as indirect cost (Mgt support): 0.07 is 7%."),
    )

    is_demo = models.BooleanField(
        _("made-up demonstration data"),
        default=False,
        help_text=_("Shown on every page of the programme, so that nobody takes its figures for real ones."),
    )

    objects = ProgrammeManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(indirect_cost_rate__gte=0, indirect_cost_rate__lte=1), name="programme_rate_is_a_share"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.mptf_project_id,)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must not be before the start date.")})


class CodedManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Agency(models.Model):
    """A participating UN organisation."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = CodedManager()

    class Meta:
        verbose_name = _("UN agency")
        verbose_name_plural = _("UN agencies")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class Partner(models.Model):
    """A national responsible party, such as a ministry."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = CodedManager()

    class Meta:
        verbose_name = _("national partner")
        verbose_name_plural = _("national partners")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class OutcomeManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, number):
        return self.get(programme__mptf_project_id=mptf_project_id, number=number)


class Outcome(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    statement = models.TextField(_("statement"))

    objects = OutcomeManager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="outcome_number_unique")]

    def __str__(self):
        return _("Outcome %(number)s") % {"number": self.number}

    def natural_key(self):
        return (self.programme.mptf_project_id, self.number)

    natural_key.dependencies = ["workplan.programme"]


class OutputManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, code):
        return self.get(outcome__programme__mptf_project_id=mptf_project_id, code=code)


class Output(models.Model):
    """A JP output, such as "1.1", under one outcome."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="outputs")
    code = models.CharField(_("code"), max_length=20)
    title = models.TextField(
        _("title"), blank=True, help_text=_("Leave empty when the source documents do not give the title.")
    )
    sort_key = NaturalSortKeyField(source="code")

    objects = OutputManager()

    class Meta:
        verbose_name = _("JP output")
        verbose_name_plural = _("JP outputs")
        ordering = ["sort_key"]
        constraints = [models.UniqueConstraint(fields=["outcome", "code"], name="output_code_unique")]

    def __str__(self):
        return _("JP Output %(code)s") % {"code": self.code}

    def natural_key(self):
        return (self.outcome.programme.mptf_project_id, self.code)

    natural_key.dependencies = ["workplan.outcome"]

    @property
    def display_title(self) -> str:
        return self.title or str(_("Title unknown: not given in the source documents"))

    def clean(self):
        if self.outcome_id and self.code.split(".")[0] != str(self.outcome.number):
            raise ValidationError(
                {
                    "code": _("Output %(code)s cannot belong to outcome %(number)s.")
                    % {"code": self.code, "number": self.outcome.number}
                }
            )


class WorkPlanManager(models.Manager):
    def get_by_natural_key(self, mptf_project_id, year):
        return self.get(programme__mptf_project_id=mptf_project_id, year=year)


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="work_plans")
    year = models.PositiveSmallIntegerField(_("programme year"), validators=[MinValueValidator(1)])
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    objects = WorkPlanManager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="work_plan_year_unique"),
            models.CheckConstraint(condition=Q(year__gte=1), name="work_plan_year_positive"),
        ]

    def __str__(self):
        return _("Work plan year %(year)s") % {"year": self.year}

    def natural_key(self):
        return (self.programme.mptf_project_id, self.year)

    natural_key.dependencies = ["workplan.programme"]

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period must not end before it starts.")})


class ActivityQuerySet(models.QuerySet):
    def planned_in_quarter(self, quarter: int):
        return self.filter(planned_in(quarter))


class ActivityManager(models.Manager.from_queryset(ActivityQuerySet)):
    def get_by_natural_key(self, mptf_project_id, year, code_or_title):
        """Coded activities are found by code; the few with no code (under "Other") by title."""
        return self.get(
            Q(code=code_or_title) | Q(code="", title=code_or_title),
            work_plan__programme__mptf_project_id=mptf_project_id,
            work_plan__year=year,
        )


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities")
    output = models.ForeignKey(
        Output,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("JP output"),
        help_text=_('Empty for activities outside any output, listed under "Other".'),
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        blank=True,
        help_text=_('Such as "2.1.10". Only activities under "Other" may have none.'),
    )
    title = models.TextField(_("activity"))
    annual_target = models.TextField(_("annual target"), blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="activities", verbose_name=_("UN agency"))
    responsible_party = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("responsible party"),
    )
    planned_q1 = models.BooleanField(_("Q1"), default=False)
    planned_q2 = models.BooleanField(_("Q2"), default=False)
    planned_q3 = models.BooleanField(_("Q3"), default=False)
    planned_q4 = models.BooleanField(_("Q4"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    implementation_comment = models.TextField(_("state of implementation"), blank=True)
    sort_key = NaturalSortKeyField(source="code", fallback="title")
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
        help_text=_("The activity of an earlier year's work plan that this one carries over."),
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_(
            "Raised by every change made through the app, so that an edit based on an older version is refused."
        ),
    )

    objects = ActivityManager()
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["work_plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "code"],
                condition=~Q(code=""),
                name="activity_code_unique_in_work_plan",
                violation_error_message=_("Another activity of this work plan already has this code."),
            ),
            models.UniqueConstraint(
                fields=["work_plan", "title"],
                condition=Q(code=""),
                name="uncoded_activity_title_unique_in_work_plan",
                violation_error_message=_("Another activity of this work plan without a code has this title."),
            ),
            models.CheckConstraint(condition=~Q(code="") | Q(output__isnull=True), name="activity_in_output_has_code"),
        ]
        # The dashboard counts a year's activities by status and the reporting grid lists the agencies with
        # activities in it: read from these indexes alone, at any number of activities.
        indexes = [
            models.Index(fields=["work_plan", "status"], name="activity_plan_status_idx"),
            models.Index(fields=["work_plan", "agency"], name="activity_plan_agency_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}" if self.code else self.title

    def get_absolute_url(self):
        return reverse("workplan:activity", args=[self.work_plan.programme.mptf_project_id, self.pk])

    def natural_key(self):
        return (self.work_plan.programme.mptf_project_id, self.work_plan.year, self.code or self.title)

    natural_key.dependencies = ["workplan.workplan", "workplan.output"]

    @property
    def planned_quarters(self) -> list[int]:
        return [quarter for quarter in QUARTERS if getattr(self, planned_field(quarter))]

    def clean(self):
        errors = {}
        if self.output_id and not self.code.strip():
            errors["code"] = _("An activity under a JP output needs a code.")
        if self.output_id and self.code and not self.code.startswith(f"{self.output.code}."):
            errors["code"] = _("Activity %(code)s does not belong to JP Output %(output)s.") % {
                "code": self.code,
                "output": self.output.code,
            }
        if self.output_id and self.work_plan_id and self.output.outcome.programme_id != self.work_plan.programme_id:
            errors["output"] = _("The output belongs to another programme.")
        if errors:
            raise ValidationError(errors)


class ActivityProgress(models.Model):
    """The status and state of implementation reported for an activity in one quarter of its
    work plan year, kept per quarter so that reports show what was said when."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress_reports")
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=20, choices=Activity.Status.choices)
    comment = models.TextField(_("state of implementation"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("quarterly progress")
        verbose_name_plural = _("quarterly progress")
        ordering = ["activity__sort_key", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "quarter"],
                name="one_progress_report_per_quarter",
                violation_error_message=_("This activity already has a progress report for this quarter."),
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="progress_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.activity} Q{self.quarter}: {self.get_status_display()}"


class Membership(models.Model):
    """A person's role in a programme: what they see and may change there. The one source of
    truth for roles; `workplan.permissions` reads it. The fund secretariat follows every
    programme, read-only, so its memberships name no programme."""

    class Role(models.TextChoices):
        PMC_MEMBER = "pmc_member", _("PMC member")
        FOCAL_POINT = "focal_point", _("Agency focal point")
        COORDINATOR = "coordinator", _("Coordinator")
        FUND_SECRETARIAT = "fund_secretariat", _("Fund secretariat")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("programme"),
        help_text=_("Empty for the fund secretariat, which follows every programme."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="focal_points",
        null=True,
        blank=True,
        verbose_name=_("UN agency"),
        help_text=_("The agency whose activities, budget lines and results an agency focal point enters."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["programme__code", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"],
                name="one_membership_per_role_in_programme",
                violation_error_message=_("This person already has this role in this programme."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(programme__isnull=True),
                name="one_fund_secretariat_membership",
                violation_error_message=_("This person is already in the fund secretariat."),
            ),
            models.CheckConstraint(
                condition=Q(role="focal_point", agency__isnull=False)
                | (~Q(role="focal_point") & Q(agency__isnull=True)),
                name="focal_point_has_an_agency",
                violation_error_message=_("An agency focal point needs an agency, and only a focal point has one."),
            ),
            models.CheckConstraint(
                condition=Q(role="fund_secretariat", programme__isnull=True)
                | (~Q(role="fund_secretariat") & Q(programme__isnull=False)),
                name="only_fund_secretariat_spans_programmes",
                violation_error_message=_("The fund secretariat follows every programme; every other role is in one."),
            ),
        ]

    def __str__(self):
        where = self.programme.code if self.programme_id else _("all programmes")
        role = f"{self.get_role_display()} ({self.agency})" if self.agency_id else self.get_role_display()
        return f"{self.user}: {role}, {where}"

    def clean(self):
        errors = {}
        if self.role == self.Role.FOCAL_POINT and not self.agency_id:
            errors["agency"] = _("An agency focal point needs an agency.")
        if self.role != self.Role.FOCAL_POINT and self.agency_id:
            errors["agency"] = _("Only an agency focal point has an agency.")
        if self.role == self.Role.FUND_SECRETARIAT and self.programme_id:
            errors["programme"] = _("The fund secretariat follows every programme: leave the programme empty.")
        if self.role and self.role != self.Role.FUND_SECRETARIAT and not self.programme_id:
            errors["programme"] = _("Choose the programme this role is in.")
        if errors:
            raise ValidationError(errors)


class Submission(models.Model):
    """An agency's report for one quarter of a work plan year: its activities' quarterly status and
    state of implementation, and its indicator results dated in the quarter. The stored status is
    what people did (submitted, sent back, accepted); before the first submission the status is
    computed from the due date (`workplan.reporting.submission_status`)."""

    class Status(models.TextChoices):
        NOT_YET_DUE = "not_yet_due", _("Not yet due")
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        SUBMITTED = "submitted", _("Submitted")
        SENT_BACK = "sent_back", _("Sent back")
        ACCEPTED = "accepted", _("Accepted")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="submissions")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("UN agency")
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_YET_DUE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("Why it was sent back or reopened, for the agency to act on.")
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("quarterly submission")
        verbose_name_plural = _("quarterly submissions")
        ordering = ["work_plan", "quarter", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "agency", "quarter"], name="one_submission_per_agency_quarter"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="submission_quarter_1_to_4"),
        ]

    def __str__(self):
        return _("%(agency)s, year %(year)s Q%(quarter)s") % {
            "agency": self.agency,
            "year": self.work_plan.year,
            "quarter": self.quarter,
        }


class ReportApproval(models.Model):
    """The PMC's approval of the joint quarterly report, with the report's figures as approved: the
    report's page and workbook are drawn from `snapshot` from then on."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="report_approvals")
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"))
    snapshot = models.JSONField(_("report as approved"), editable=False)

    class Meta:
        verbose_name = _("report approval")
        verbose_name_plural = _("report approvals")
        ordering = ["work_plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "quarter"], name="one_approval_per_report"),
        ]

    def __str__(self):
        return _("Year %(year)s Q%(quarter)s report, approved") % {"year": self.work_plan.year, "quarter": self.quarter}


class SentReminder(models.Model):
    """A reminder e-mailed to a person on a day, so that `send_reminders` sends each one once a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    subject_key = models.CharField(max_length=200, help_text=_("What the reminder was about."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "subject_key"], name="one_reminder_per_day"),
        ]

    def __str__(self):
        return f"{self.user} {self.day}: {self.subject_key}"
