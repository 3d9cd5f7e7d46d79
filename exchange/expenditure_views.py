"""Expenditure workbooks in the browser: download a work plan year's, and upload it back with a
preview before anything is written (the upload checks, reading and waiting of the work plan import)."""

from io import BytesIO

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange.cells import XLSX_CONTENT_TYPE
from exchange.expenditure_import import ExpenditurePlan, plan_expenditure_import
from exchange.expenditure_workbook import export_expenditure, workbook_filename
from exchange.forms import WorkPlanImportForm
from exchange.pending_uploads import PendingUploads, UploadNoLongerWaiting
from finance.selectors import expenditure_rows
from finance.services import record_expenditure
from workplan.change_reasons import ChangeReason, change_reason
from workplan.models import WorkPlan
from workplan.permissions import expenditure_agencies, require_expenditure_import, require_export
from workplan.reporting import PeriodLocked
from workplan.services import StaleActivityError

pending_imports = PendingUploads(folder="expenditure-imports", session_key="expenditure_imports")


def _work_plans(request: HttpRequest):
    return WorkPlan.objects.filter(programme=request.programme).select_related("programme").order_by("year")


@require_GET
def export_workbook(request: HttpRequest, year: int) -> HttpResponse:
    """A work plan year's expenditure workbook: a focal point's holds their agency's activities, the
    only rows they may upload; anyone else's every activity."""
    require_export(request)
    work_plan = get_object_or_404(WorkPlan, programme=request.programme, year=year)
    work_plan.programme = request.programme
    agency_ids = expenditure_agencies(request.user, request.programme) or None
    stream = BytesIO()
    export_expenditure(work_plan=work_plan, rows=expenditure_rows(work_plan, agency_ids=agency_ids), stream=stream)
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=workbook_filename(work_plan), content_type=XLSX_CONTENT_TYPE
    )


@require_http_methods(["GET", "POST"])
def import_workbook(request: HttpRequest) -> HttpResponse:
    """The page of the expenditure workbooks: their downloads, and the upload form; on upload, the
    preview of what the import would change."""
    require_export(request)
    may_import = expenditure_agencies(request.user, request.programme) != set()
    form = WorkPlanImportForm(request.POST or None, request.FILES or None, work_plans=_work_plans(request))
    if request.method == "POST":
        require_expenditure_import(request)
        if form.is_valid():
            work_plan = form.cleaned_data["work_plan"]
            data = form.cleaned_data["workbook"].read()
            plan = plan_expenditure_import(work_plan=work_plan, data=data, user=request.user)
            token = None
            if plan.is_valid and plan.changed:
                details = {
                    "work_plan": work_plan.pk,
                    "versions": {str(pk): v for pk, v in plan.seen_versions().items()},
                }
                token = pending_imports.keep(request, data, details)
            return _preview(request, plan, token)
    return render(
        request,
        "exchange/expenditure_import.html",
        {"form": form, "work_plans": _work_plans(request), "may_import": may_import},
        status=400 if form.errors else 200,
    )


@require_POST
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Read the kept upload again, against the database as it is now, and record it."""
    require_expenditure_import(request)
    try:
        data, pending = pending_imports.take(request, request.POST.get("token", ""))
    except UploadNoLongerWaiting as gone:
        messages.error(request, str(gone))
        return redirect("exchange:expenditure_import", programme=request.programme.mptf_project_id)
    work_plan = get_object_or_404(_work_plans(request), pk=pending["work_plan"])
    plan = plan_expenditure_import(work_plan=work_plan, data=data, user=request.user)
    if not plan.is_valid:
        return _preview(request, plan, None)
    seen_versions = {int(pk): version for pk, version in pending["versions"].items()}
    try:
        changed = record_expenditure(
            figures=plan.figures(),
            user=request.user,
            seen_versions=seen_versions,
            reason=change_reason(ChangeReason.IMPORTED),
        )
    except StaleActivityError as stale:
        messages.error(
            request,
            _("%(activity)s was changed by someone else meanwhile; nothing was imported: upload the file again.")
            % {"activity": stale.current},
        )
        return _preview(request, plan, None)
    except PeriodLocked as locked:
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": locked})
        return _preview(request, plan, None)
    messages.success(
        request,
        _("Expenditure of %(work_plan)s imported: %(count)s quarterly figures changed.")
        % {"work_plan": work_plan, "count": changed},
    )
    return redirect("exchange:expenditure_import", programme=request.programme.mptf_project_id)


def _preview(request: HttpRequest, plan: ExpenditurePlan, token: str | None) -> HttpResponse:
    return render(
        request,
        "exchange/expenditure_import_preview.html",
        {"plan": plan, "token": token, "unchanged_count": len(plan.rows) - len(plan.changed)},
        status=200 if plan.is_valid else 422,
    )
