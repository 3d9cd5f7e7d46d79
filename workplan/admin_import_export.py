"""django-import-export in the admin, for every app's resources: foreign keys by code from
one query per import, formula-safe formats, uploads checked like a work plan workbook, and
all-or-nothing imports recorded in the history."""

from io import BytesIO

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.widgets import ForeignKeyWidget
from openpyxl import Workbook, load_workbook

from workplan.change_reasons import ChangeReason, change_reason
from workplan.spreadsheet_contents import check_xlsx_upload
from workplan.spreadsheet_safety import (
    NOT_CSV,
    ZIP_SIGNATURE,
    RefusedUpload,
    check_csv_size,
    check_upload_size,
    escape_for_csv,
    remove_abandoned_uploads,
    text_cell,
    validate_not_macro_enabled,
    validate_upload_size,
)

# Where django-import-export's MediaStorage keeps admin uploads in the default storage.
ADMIN_UPLOAD_FOLDER = "django-import-export"


class SafeCSV(base_formats.CSV):
    """Reads a file only after the size and row checks; writes values a spreadsheet would run
    as formulas with a leading apostrophe."""

    def create_dataset(self, in_stream):
        data = in_stream.encode() if isinstance(in_stream, str) else in_stream
        if data.startswith(ZIP_SIGNATURE):
            # A workbook named .csv, or CSV picked for a workbook: read as what it is.
            return SafeXLSX().create_dataset(data)
        check_upload_size(len(data))
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError:
                raise RefusedUpload(NOT_CSV) from None
        check_csv_size(in_stream, max_rows=settings.ADMIN_IMPORT_MAX_ROWS)
        return super().create_dataset(in_stream)

    def export_data(self, dataset, **kwargs):
        escaped = dataset.__class__(headers=dataset.headers)
        for row in dataset:
            escaped.append([escape_for_csv(value) for value in row])
        return super().export_data(escaped, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """Writes text as string cells: a value such as "=1+1" stays that text, never a formula.
    Reads a file only after the checks the work plan import makes (size, zip bomb)."""

    def create_dataset(self, in_stream):
        checked = check_xlsx_upload(in_stream, max_rows=settings.ADMIN_IMPORT_MAX_ROWS)
        # The sheet checked (the active one), every row as wide as the header row: a row whose
        # last cells are empty is shorter in the file, and tablib refuses rows of unequal width.
        workbook = load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = workbook[checked.sheet]
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            headers = list(next(rows, ()))
            while headers and headers[-1] is None:
                headers.pop()
            dataset = tablib.Dataset(headers=headers)
            width = len(headers)
            skip_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
            for row in rows:
                values = [*row[:width], *[None] * (width - len(row))]
                if not (skip_blank and all(value is None for value in values)):
                    dataset.append(values)
        finally:
            workbook.close()
        return dataset

    def export_data(self, dataset, **kwargs):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset.title or "Export")
        sheet.append(list(dataset.headers or []))
        for row in dataset:
            sheet.append([text_cell(sheet, value) if isinstance(value, str) else value for value in row])
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()


SAFE_FORMATS = [SafeCSV, SafeXLSX]


class CachedForeignKeyWidget(ForeignKeyWidget):
    """A foreign key by code (or any key), looked up in records loaded once per import
    rather than by one query per row. `key(record)` gives the text a cell holds."""

    def __init__(self, model, field="code", *, key=None, queryset=None, **kwargs):
        super().__init__(model, field, **kwargs)
        self.key = key or (lambda record: str(getattr(record, field)))
        self.queryset = queryset
        self.cache = None

    def lookup(self, text: str, row=None):
        if self.cache is None:
            queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
            self.cache = {}
            for record in queryset:
                self.cache.setdefault(self.key(record).casefold(), record)
        return self.cache.get(text.casefold())

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        record = self.lookup(text, row)
        if record is None:
            raise ValueError(
                _("Unknown %(model)s “%(value)s”.") % {"model": self.model._meta.verbose_name, "value": text}
            )
        return record

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.key(value)


class HistoryModelResource(resources.ModelResource):
    """Rows saved one by one through save(), so django-simple-history records each with the
    admin user (its middleware) and a reason; a row that fails validation rolls back the file."""

    def import_data(self, *args, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(*args, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = change_reason(ChangeReason.IMPORTED_IN_ADMIN)
        super().before_save_instance(instance, row, **kwargs)

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        # use_bulk would skip save() and with it the history.
        use_bulk = False


class SizeLimitedImportForm(ImportForm):
    """Refuses a file over the upload limit, or named as a macro-enabled workbook, before
    django-import-export reads it into memory and keeps a copy of it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].validators += [validate_upload_size, validate_not_macro_enabled]


class SafeImportExportMixin(ImportExportMixin):
    """Admin import and export in formula-safe formats only, of files checked like a work plan upload."""

    formats = SAFE_FORMATS
    import_form_class = SizeLimitedImportForm

    def write_to_tmp_storage(self, import_file, input_format):
        # django-import-export keeps each upload until it is confirmed, and a preview left
        # unconfirmed forever: clear those older than a day first.
        remove_abandoned_uploads(ADMIN_UPLOAD_FOLDER)
        return super().write_to_tmp_storage(import_file, input_format)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # django-import-export stores an upload before reading it, and keeps it for the
        # confirmation: one that cannot be confirmed (unreadable, refused, rows with errors) is not kept.
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if form is not None and "confirm_form" not in context:
            # The uploaded file itself: a field with an error is no longer in cleaned_data.
            stored_as = getattr(form.files.get("import_file"), "tmp_storage_name", None)
            if stored_as:
                self.get_tmp_storage_class()(name=stored_as, **self.get_tmp_storage_class_kwargs()).remove()
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, RefusedUpload):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
