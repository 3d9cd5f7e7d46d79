"""What every app's spreadsheets share, kept here because the admin's import and export
(workplan, budgets, outcomes) need it too: the checks an upload passes before it is parsed,
the clean-up of uploads left unconfirmed, and user text written so that no spreadsheet program
runs it as a formula."""

import re
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
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from workplan.numbers import format_count

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_XLSX = gettext_lazy("The file is not a readable Excel workbook (.xlsx). Save it from Excel as .xlsx and retry.")
NOT_CSV = gettext_lazy(
    'The file is not CSV text in UTF-8. Save it from Excel as "CSV UTF-8", or as an Excel workbook (.xlsx), and retry.'
)
MACROS = gettext_lazy(
    "The workbook contains macros (a macro-enabled workbook, .xlsm), which are not accepted: save it as "
    '"Excel Workbook (.xlsx)" and upload that.'
)
MACRO_ENABLED_EXTENSIONS = (".xlsm", ".xltm", ".xlam")
# Every .xlsx, like every zip archive, starts so.
ZIP_SIGNATURE = b"PK\x03\x04"
# A quoted CSV field, which may hold commas and line breaks; possessive, so it never backtracks.
QUOTED_CSV_FIELD = re.compile(r'"(?:[^"]|"")*+"')


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
    """An upload refused before it is parsed; the message tells the user why, and where when
    it is about one row or cell."""

    def __init__(self, message, *, sheet: str = "", row: int | None = None, column: str = "", value: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.sheet, self.row, self.column, self.value = sheet, row, column, value

    def __str__(self) -> str:
        return located(self.message, sheet=self.sheet, row=self.row, column=self.column, value=self.value)


def located(message: str, *, sheet: str = "", row: int | None = None, column: str = "", value: str = "") -> str:
    """A message about one place of a file as users read it:
    'sheet "Work plan", row 6, column M (Contracts), value “-5”: A budget amount cannot be negative.'"""
    place = []
    if sheet:
        place.append(_('sheet "%(sheet)s"') % {"sheet": sheet})
    if row:
        place.append(_("row %(row)s") % {"row": row})
    if column:
        place.append(_("column %(column)s") % {"column": column})
    if value:
        place.append(_("value “%(value)s”") % {"value": value})
    return f"{', '.join(place)}: {message}" if place else message


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


def validate_not_macro_enabled(upload) -> None:
    """For a form's file field: a macro-enabled workbook is refused by its name; what it holds
    is checked when it is read (workplan.spreadsheet_contents)."""
    if is_macro_enabled_name(upload.name or ""):
        raise forms.ValidationError(str(MACROS))


def is_macro_enabled_name(name: str) -> bool:
    return name.lower().endswith(MACRO_ENABLED_EXTENSIONS)


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
            % {"count": format_count(len(entries)), "limit": format_count(settings.WORKBOOK_MAX_ZIP_ENTRIES)}
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
            % {"ratio": format_count(ratio_limit)}
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise RefusedUpload(NOT_XLSX)
    # Two parts of one name (or of names that differ only in case or slashes): readers may pick
    # different ones, so the part checked would not be the part read.
    if len({name.replace("\\", "/").casefold() for name in names}) != len(entries):
        raise RefusedUpload(NOT_XLSX)


def check_csv_size(text: str, *, max_rows: int) -> None:
    """Refuse CSV text of more than `max_rows` records (its header included) or a record of
    more than WORKBOOK_MAX_COLUMNS fields, counted on the text itself before the csv module
    builds a list of every field of every row."""
    unquoted = QUOTED_CSV_FIELD.sub("", text)
    lines = unquoted.splitlines()
    if len(lines) > max_rows:
        raise RefusedUpload(
            _("The file has more than %(limit)s rows, the most accepted; split it and import the parts one by one.")
            % {"limit": f"{max_rows:,}"},
            row=max_rows + 1,
        )
    columns = settings.WORKBOOK_MAX_COLUMNS
    for number, line in enumerate(lines, start=1):
        if line.count(",") >= columns:
            raise RefusedUpload(
                _("This row holds more than %(limit)s fields; at most %(limit)s columns are accepted.")
                % {"limit": columns},
                row=number,
            )


def spreadsheet_text(value: str) -> str:
    """Text a workbook can hold: control characters (pasted from Word, say) that the file format
    forbids become the replacement character instead of failing the whole export."""
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)


def set_text(cell, value: str) -> None:
    """Put user text into a cell as text. openpyxl takes any string starting with "=" for a
    formula; user text such as a comment "=1+1" must go out, and come back, unchanged."""
    cell.value = spreadsheet_text(value)
    cell.data_type = "s"


def text_cell(sheet, value: str | None, style: str | None = None) -> WriteOnlyCell:
    """A cell for a write-only sheet holding `value` as text (an empty cell for no text),
    in the named style `style` if given."""
    cell = WriteOnlyCell(sheet)
    if value:
        set_text(cell, value)
    if style:
        cell.style = style
    return cell


def text_value(sheet, value: str):
    """Unstyled text for a write-only sheet: the plain string, which openpyxl writes fastest,
    unless it would be taken for a formula or holds characters the file format forbids."""
    if value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value):
        return text_cell(sheet, value)
    return value or None


def escape_for_csv(value):
    """A text value that a spreadsheet program would run as a formula, made inert with a
    leading apostrophe (shown by spreadsheets as plain text). Other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
