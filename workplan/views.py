from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.paginator import InvalidPage
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from workplan.filters import ActivityFilter
from workplan.forms import ProgressForm
from workplan.models import Activity, WorkPlan
from workplan.periods import QUARTERS
from workplan.permissions import agencies_in, can_report_progress, get_activity, get_activity_for_progress
from workplan.reporting import PeriodLocked
from workplan.selectors import activity_history
from workplan.services import StaleActivityError, report_progress
from workplan.tables import ActivityTable


def latest_work_plan(request):
    work_plan = WorkPlan.objects.filter(programme=request.programme).order_by("-year").first()
    if work_plan is None:
        return render(request, "workplan/no_work_plan.html")
    return redirect("workplan:work_plan", programme=request.programme.mptf_project_id, year=work_plan.year)


class WorkPlanView(SingleTableMixin, FilterView):
    """The year's activities by output, with filters and the Q1-Q4 timeframe."""

    table_class = ActivityTable
    filterset_class = ActivityFilter
    template_name = "workplan/work_plan.html"
    # The table pages the activities (Django's paginator beside it would count them a second time).
    table_pagination = {"per_page": 200, "silent": False}

    def dispatch(self, request, *args, **kwargs):
        # Every year of the programme in one query: the page links to the others.
        self.work_plans = list(WorkPlan.objects.filter(programme=request.programme).order_by("year"))
        self.work_plan = next((plan for plan in self.work_plans if plan.year == kwargs["year"]), None)
        if self.work_plan is None:
            raise Http404(_("There is no work plan for this year."))
        self.work_plan.programme = request.programme
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Activity.objects.filter(work_plan=self.work_plan)
            .select_related("output", "agency", "responsible_party")
            .order_by(F("output__sort_key").asc(nulls_last=True), "sort_key")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = {**super().get_filterset_kwargs(filterset_class), "programme": self.work_plan.programme}
        # A focal point's list opens on their own agency; choosing "All" (agency=) shows every agency.
        self.own_agency = None
        own = agencies_in(self.request.user, self.work_plan.programme)
        if own and not any(name in self.request.GET for name in filterset_class.base_filters):
            self.own_agency = own[0]
            kwargs["data"] = {**self.request.GET.dict(), "agency": str(self.own_agency.pk)}
        return kwargs

    def get_table(self, **kwargs):
        # As in Django's list views, a page that is not a number, or past the last, is not found (django-tables2
        # would show the first page, or the last).
        try:
            int(self.request.GET.get("page") or 1)
        except ValueError as error:
            raise Http404("The page is not a number.") from error
        try:
            return super().get_table(**kwargs)
        except InvalidPage as error:
            raise Http404(str(error)) from error

    def get_context_data(self, **kwargs):
        filters = self.filterset.query_string_data()
        return super().get_context_data(
            work_plan=self.work_plan,
            years=[plan.year for plan in self.work_plans],
            own_agency=self.own_agency,
            export_query=urlencode(filters),
            filtered=bool(filters),
            **kwargs,
        )


def activity_detail(request, pk):
    activity = get_activity(request, pk)
    progress_reports = activity.progress_reports.select_related("reported_by").order_by("quarter")
    in_programme = Activity.objects.filter(work_plan__programme=request.programme).select_related("work_plan")
    return render(
        request,
        "workplan/activity_detail.html",
        {
            "activity": activity,
            "progress_reports": progress_reports,
            "history": activity_history(activity),
            "may_report_progress": can_report_progress(request.user, activity),
            # The same activity in the years before and after this one (carried over by create_next_year).
            "continues": in_programme.filter(pk=activity.continues_id).first() if activity.continues_id else None,
            "continued_by": in_programme.filter(continues=activity).order_by("work_plan__year"),
        },
    )


@require_http_methods(["GET", "POST"])
def report_activity_progress(request, pk):
    activity = get_activity_for_progress(request, pk)
    conflict = None
    locked = False
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                report_progress(
                    activity=activity,
                    quarter=form.cleaned_data["quarter"],
                    status=form.cleaned_data["status"],
                    comment=form.cleaned_data["comment"],
                    user=request.user,
                    seen_version=form.cleaned_data["seen_version"],
                )
            except PeriodLocked as refusal:
                form.add_error(None, str(refusal))
                locked = True
            except StaleActivityError as stale:
                conflict = _conflict(stale.current)
                # Keep what the user typed; resubmitting it is now a deliberate choice over theirs.
                form = ProgressForm(initial={**form.cleaned_data, "seen_version": stale.current.version})
            else:
                messages.success(
                    request,
                    _("Progress of %(activity)s for Q%(quarter)s saved.")
                    % {"activity": activity.code or activity.title, "quarter": form.cleaned_data["quarter"]},
                )
                return redirect(activity)
    else:
        quarter = _requested_quarter(request, activity)
        saved = activity.progress_reports.filter(quarter=quarter).first()
        form = ProgressForm(
            initial={
                "quarter": quarter,
                "status": saved.status if saved else activity.status,
                "comment": saved.comment if saved else "",
                "seen_version": activity.version,
            }
        )
    status = 409 if conflict or locked else 200
    return render(
        request,
        "workplan/report_progress.html",
        {"activity": activity, "form": form, "conflict": conflict},
        status=status,
    )


def _requested_quarter(request, activity) -> int:
    try:
        quarter = int(request.GET.get("quarter", ""))
    except ValueError:
        quarter = 0
    if quarter in QUARTERS:
        return quarter
    latest = activity.progress_reports.order_by("-quarter").values_list("quarter", flat=True).first()
    return latest or (activity.planned_quarters or [1])[0]


def _conflict(current: Activity) -> dict:
    last_change = current.history.select_related("history_user").order_by("-history_date").first()
    return {
        "status": current.get_status_display(),
        "comment": current.implementation_comment,
        "by": last_change.history_user if last_change else None,
        "at": last_change.history_date if last_change else None,
    }


def locked_out(request, response=None, credentials=None):
    """django-axes' lockout page, telling the user why and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_not_required
@require_GET
def service_worker(request):
    """static/js/sw.js, served at the site's root: a service worker answers only for the pages under
    the path it is served from. Checked for a new version at every visit (no-cache)."""
    with open(finders.find("js/sw.js"), "rb") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def offline(request):
    """What the service worker shows for a page not kept on the device, when there is no connection. It is
    kept on the device whoever logs in or out, so it names no one: drawn as for a visitor not logged in."""
    return render(request, "workplan/offline.html", {"user": AnonymousUser(), "switchable_programmes": []})
