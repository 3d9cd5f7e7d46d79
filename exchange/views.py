"""Work plan workbooks in the browser: download, and upload with a preview before anything
is written. Every view checks the user's role on the server."""

from io import BytesIO

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.cells import XLSX_CONTENT_TYPE
from exchange.forms import WorkPlanImportForm
from exchange.import_plan import CHANGED, CREATED, UNCHANGED, ImportPlan
from exchange.pending_uploads import PendingUploads, UploadNoLongerWaiting
from exchange.services import ImportRefused, import_work_plan
from exchange.workplan_export import export_work_plan
from exchange.workplan_import import plan_work_plan_import
from workplan.filters import ActivityFilter
from workplan.models import Activity, WorkPlan
from workplan.permissions import require_export, require_import

UPLOAD_FOLDER = "work-plan-imports"
pending_imports = PendingUploads(folder=UPLOAD_FOLDER, session_key="work_plan_imports")


def workbook_filename(work_plan: WorkPlan) -> str:
    return f"work-plan-{work_plan.programme.code}-year-{work_plan.year}.xlsx"


@require_GET
def export_workbook(request: HttpRequest, year: int) -> HttpResponse:
    """The work plan's workbook: with the work plan page's filters in the query string, only the
    activities they show (workplan.filters.ActivityFilter, as the page applies it)."""
    require_export(request)
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    filters = ActivityFilter(
        request.GET or None, queryset=Activity.objects.filter(work_plan=work_plan), programme=request.programme
    )
    activities = None
    if filters.query_string_data():
        if not filters.is_valid():
            return HttpResponseBadRequest(_("These filters are not valid: download the work plan from its page."))
        activities = filters.qs
    stream = BytesIO()
    export_work_plan(work_plan=work_plan, stream=stream, activities=activities)
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=workbook_filename(work_plan), content_type=XLSX_CONTENT_TYPE
    )


def _work_plans(request: HttpRequest):
    return WorkPlan.objects.filter(programme=request.programme).select_related("programme").order_by("year")


def import_workbook(request: HttpRequest) -> HttpResponse:
    """The upload form; on upload, the preview of what the import would do."""
    require_import(request)
    form = WorkPlanImportForm(request.POST or None, request.FILES or None, work_plans=_work_plans(request))
    if request.method == "POST" and form.is_valid():
        work_plan = form.cleaned_data["work_plan"]
        data = form.cleaned_data["workbook"].read()
        plan = plan_work_plan_import(work_plan=work_plan, data=data, user=request.user)
        token = None
        if plan.is_valid and (plan.with_action(CREATED) or plan.with_action(CHANGED)):
            # Every activity the file matches, not only those it changes: one saved by someone
            # else before the confirmation must not be overwritten, whatever the preview showed.
            seen = {
                str(planned.existing.pk): planned.existing.version
                for planned in [*plan.with_action(CHANGED), *plan.with_action(UNCHANGED)]
            }
            token = pending_imports.keep(request, data, {"work_plan": work_plan.pk, "versions": seen})
        return _preview(request, plan, token)
    return render(request, "exchange/import.html", {"form": form, "work_plans": _work_plans(request)})


@require_POST
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Read the kept upload again, against the database as it is now, and import it."""
    require_import(request)
    try:
        data, pending = pending_imports.take(request, request.POST.get("token", ""))
    except UploadNoLongerWaiting as gone:
        messages.error(request, str(gone))
        return redirect("exchange:import", programme=request.programme.mptf_project_id)
    work_plan = get_object_or_404(_work_plans(request), pk=pending["work_plan"])
    seen_versions = {int(pk): version for pk, version in pending["versions"].items()}
    plan = plan_work_plan_import(work_plan=work_plan, data=data, user=request.user)
    try:
        summary = import_work_plan(plan=plan, user=request.user, seen_versions=seen_versions)
    except ImportRefused as error:
        messages.error(request, str(error))
        return _preview(request, plan, None)
    messages.success(
        request,
        _("Imported into %(work_plan)s: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.")
        % {
            "work_plan": work_plan,
            "created": summary.created,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
        },
    )
    return redirect("exchange:import", programme=request.programme.mptf_project_id)


def _preview(request: HttpRequest, plan: ImportPlan, token: str | None) -> HttpResponse:
    return render(
        request,
        "exchange/import_preview.html",
        {
            "plan": plan,
            "token": token,
            "created": plan.with_action(CREATED),
            "changed": plan.with_action(CHANGED),
            "unchanged_count": len(plan.with_action(UNCHANGED)),
        },
        status=200 if plan.is_valid else 422,
    )
