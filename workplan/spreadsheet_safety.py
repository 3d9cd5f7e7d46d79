"""What every app's spreadsheets share: the checks an upload passes before it is parsed; for
django-import-export resources, foreign keys by code from one query per import, formula-safe
formats, all-or-nothing imports recorded in the history; for the workbooks the apps write, rows
sized to their wrapped text."""

import zipfile
from datetime import timedelta
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.widgets import ForeignKeyWidget
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ADMIN_IMPORT_REASON = gettext_lazy("Imported in the admin")
# Where django-import-export's MediaStorage keeps admin uploads in the default storage.
ADMIN_UPLOAD_FOLDER = "django-import-export"
NOT_XLSX = gettext_lazy("The file is not a readable Excel workbook (.xlsx). Save it from Excel as .xlsx and retry.")


# An upload kept between preview and confirm and not confirmed within a day is abandoned.
ABANDONED_AFTER = timedelta(days=1)


def remove_abandoned_uploads(folder: str) -> None:
    """Remove the files of `folder` in the default storage that were left there over a day ago."""
    if not default_storage.exists(folder):
        return
    cutoff = timezone.now() - ABANDONED_AFTER
    for name in default_storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


class RefusedUpload(ValueError):
    """An upload refused before it is parsed; the message tells the user why."""


def check_upload_size(size: int) -> None:
    limit = settings.WORKBOOK_MAX_UPLOAD_BYTES
    if size > limit:
        raise RefusedUpload(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def validate_upload_size(upload) -> None:
    """For a form's file field: the size limit, checked before the file is read."""
    try:
        check_upload_size(upload.size)
    except RefusedUpload as refusal:
        raise forms.ValidationError(str(refusal)) from None


def check_xlsx_archive(data: bytes) -> None:
    """Refuse an .xlsx whose archive is not a workbook's, or would unpack to far more than it
    weighs (a zip bomb), from its directory alone: before anything is unpacked."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise RefusedUpload(NOT_XLSX) from None
    if len(entries) > settings.WORKBOOK_MAX_ZIP_ENTRIES:
        raise RefusedUpload(
            _("The workbook holds %(count)s parts; at most %(limit)s are accepted.")
            % {"count": len(entries), "limit": settings.WORKBOOK_MAX_ZIP_ENTRIES}
        )
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES:
        raise RefusedUpload(
            _("The workbook unpacks to %(size)s; at most %(limit)s is accepted.")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES)}
        )
    ratio_limit = settings.WORKBOOK_MAX_COMPRESSION_RATIO
    if any(entry.file_size > ratio_limit * max(entry.compress_size, 1) for entry in entries) or (
        unpacked > ratio_limit * max(packed, 1)
    ):
        raise RefusedUpload(
            _("The workbook is compressed more than %(ratio)s to 1, which no real work plan is: refused.")
            % {"ratio": ratio_limit}
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise RefusedUpload(NOT_XLSX)


def spreadsheet_text(value: str) -> str:
    """Text a workbook can hold: control characters (pasted from Word, say) that the file format
    forbids become the replacement character instead of failing the whole export."""
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)


# Height of one line of 11-point text, in points; a column's width counts about one character.
LINE_HEIGHT = 15


def wrapped_row_height(texts_and_widths) -> int:
    """Enough height for the longest wrapped text of a row: spreadsheet programs do not all
    size rows to their wrapped text when opening a file (LibreOffice does not), so a long title
    would otherwise print over the next row."""

    def lines(text: str, width: int) -> int:
        # Words wrap whole, so a line holds a little less than the column's width in characters.
        per_line = max(width - 3, 1)
        return sum(max(-(-len(paragraph) // per_line), 1) for paragraph in (text or "").splitlines() or [""])

    return max((lines(text, width) for text, width in texts_and_widths), default=1) * LINE_HEIGHT


def escape_for_csv(value):
    """A text value that a spreadsheet program would run as a formula, made inert with a
    leading apostrophe (shown by spreadsheets as plain text). Other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCSV(base_formats.CSV):
    def create_dataset(self, in_stream):
        check_upload_size(len(in_stream.encode() if isinstance(in_stream, str) else in_stream))
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
        check_upload_size(len(in_stream))
        check_xlsx_archive(in_stream)
        return super().create_dataset(in_stream)

    def export_data(self, dataset, **kwargs):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset.title or "Export")
        sheet.append(list(dataset.headers or []))
        for row in dataset:
            sheet.append([self._cell(sheet, value) for value in row])
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    @staticmethod
    def _cell(sheet, value):
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(sheet, value=spreadsheet_text(value))
        cell.data_type = "s"
        return cell


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
        instance._change_reason = str(ADMIN_IMPORT_REASON)
        super().before_save_instance(instance, row, **kwargs)

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        # use_bulk would skip save() and with it the history.
        use_bulk = False


class SizeLimitedImportForm(ImportForm):
    """Refuses a file over the upload limit before django-import-export reads it into memory
    and keeps a copy of it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].validators.append(validate_upload_size)


class SafeImportExportMixin(ImportExportMixin):
    """Admin import and export in formula-safe formats only, of files checked like a work plan upload."""

    formats = SAFE_FORMATS
    import_form_class = SizeLimitedImportForm

    def write_to_tmp_storage(self, import_file, input_format):
        # django-import-export keeps each upload until it is confirmed, and a preview left
        # unconfirmed forever: clear those older than a day first.
        remove_abandoned_uploads(ADMIN_UPLOAD_FOLDER)
        return super().write_to_tmp_storage(import_file, input_format)

    def add_data_read_fail_error_to_form(self, form, e):
        # The upload was stored before it was read: a file that cannot be read is not kept.
        stored_as = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if stored_as:
            self.get_tmp_storage_class()(name=stored_as, **self.get_tmp_storage_class_kwargs()).remove()
        if isinstance(e, RefusedUpload):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
