"""What every app's spreadsheets share: for django-import-export resources, foreign keys by
code from one query per import, formula-safe export formats, all-or-nothing imports recorded in
the history; for the workbooks the apps write, rows sized to their wrapped text."""

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.widgets import ForeignKeyWidget
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ADMIN_IMPORT_REASON = gettext_lazy("Imported in the admin")


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
    def export_data(self, dataset, **kwargs):
        escaped = dataset.__class__(headers=dataset.headers)
        for row in dataset:
            escaped.append([escape_for_csv(value) for value in row])
        return super().export_data(escaped, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """Writes text as string cells: a value such as "=1+1" stays that text, never a formula."""

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


class SafeImportExportMixin(ImportExportMixin):
    """Admin import and export in formula-safe formats only."""

    formats = SAFE_FORMATS
