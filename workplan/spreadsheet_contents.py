"""What an uploaded .xlsx holds, bounded before any spreadsheet library reads it.

A workbook can pass the archive checks (`spreadsheet_safety.check_xlsx_archive`: size, parts,
compression ratio) and still explode once parsed: one row of millions of cells, millions of
shared strings, a declared size of a million rows that a reader pads every row to. Here the
parts a reader will load (the workbook's list of sheets, the sheet it reads, the shared
strings, the styles) are read once as a stream through expat, with no DTD and so no entity,
only counting. The first limit passed stops the reading and refuses the file: a refusal takes
milliseconds and a few kilobytes whatever the file holds.

The same pass refuses macro-enabled workbooks, and a cell whose stored value does not match its
type (`NaN` or `INF` in a number cell), naming the cell; and it notes the formula cells of the
sheet read, which a reader of cached values (python-calamine) cannot tell from typed values.
"""

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter

from workplan.spreadsheet_safety import MACROS, NOT_XLSX, RefusedUpload, check_upload_size, check_xlsx_archive

WORKSHEET_RELATIONSHIP = "/worksheet"
SHARED_STRINGS_RELATIONSHIP = "/sharedStrings"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# Content types of parts that hold macros: VBA projects, macro-enabled workbooks, templates and
# add-ins, and Excel 4.0 macro sheets.
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "macrosheet")
# Elements are known by their local name, whatever their namespace prefix: python-calamine reads
# them so, and the count must cover whatever a reader reads.
CELL, TEXT, VALUE, ROW, FORMULA, DIMENSION = range(1, 7)
ELEMENTS = {"c": CELL, "is": TEXT, "t": TEXT, "v": VALUE, "row": ROW, "f": FORMULA, "dimension": DIMENSION}
KEPT_VALUES = (None, "n", "s", "b", "d")  # cell types whose stored value a reader converts

# Parts read whole by every reader (the list of sheets, relationships, styles) hold a few
# hundred entries; Excel itself allows 64,000 cell formats. Far above both, far below harm.
MAX_ELEMENTS_OF_SMALL_PARTS = 250_000
CHUNK = 64 * 1024

# A number as a number cell stores it; Excel and LibreOffice never write NaN or INF.
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+)?Z?\Z|[\d:.]+\Z")


@dataclass(frozen=True)
class WorkbookLimits:
    rows: int
    columns: int
    cells: int
    shared_strings: int
    characters: int

    @classmethod
    def from_settings(cls, *, rows: int | None = None) -> "WorkbookLimits":
        return cls(
            rows=rows if rows is not None else settings.WORKBOOK_MAX_ROWS,
            columns=settings.WORKBOOK_MAX_COLUMNS,
            cells=settings.WORKBOOK_MAX_CELLS,
            shared_strings=settings.WORKBOOK_MAX_SHARED_STRINGS,
            characters=settings.WORKBOOK_MAX_TEXT_CHARACTERS,
        )


@dataclass
class CheckedWorkbook:
    """What the pass learnt: the sheets' names, the one to read, and its formula cells."""

    sheet_names: list[str]
    sheet: str | None = None
    # (row, column), both from 1 -> the formula as typed, with its "=".
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def check_xlsx_upload(
    data: bytes,
    *,
    choose_sheet: Callable[[list[str]], str | None] | None = None,
    max_rows: int | None = None,
) -> CheckedWorkbook:
    """Every check an uploaded .xlsx passes before a spreadsheet library opens it: its size,
    its archive, then what it holds. Raises RefusedUpload.

    `choose_sheet` picks, from the workbook's sheet names, the one that will be read (by
    default the active one, which django-import-export reads); only that sheet's rows are
    counted, against `max_rows` (default WORKBOOK_MAX_ROWS) and the other limits in settings.
    """
    check_upload_size(len(data))
    check_xlsx_archive(data)
    limits = WorkbookLimits.from_settings(rows=max_rows)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return _check_archive(archive, limits, choose_sheet)
    except RefusedUpload:
        raise
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, NotImplementedError, RuntimeError, EOFError, KeyError):
        raise RefusedUpload(NOT_XLSX) from None


def _check_archive(archive: zipfile.ZipFile, limits: WorkbookLimits, choose_sheet) -> CheckedWorkbook:
    names = archive.namelist()
    if any(posixpath.basename(name).lower() == "vbaproject.bin" for name in names):
        raise RefusedUpload(MACROS)
    content_types = _read_content_types(archive)
    if any(kind in content_type.lower() for content_type in content_types.values() for kind in MACRO_CONTENT_TYPES):
        raise RefusedUpload(MACROS)
    relationships = _read_relationships(archive, "xl/_rels/workbook.xml.rels")
    sheets, active = _read_sheet_list(archive)
    sheet_names = [name for name, _rid in sheets]
    checked = CheckedWorkbook(sheet_names=sheet_names)

    if "xl/styles.xml" in names:
        _read_entries(archive, "xl/styles.xml")
    # Every reader loads the shared strings whole when it opens the workbook, whichever sheet it reads.
    shared_strings = {name for name, content_type in content_types.items() if content_type == SHARED_STRINGS_TYPE} | {
        target for kind, target in relationships.values() if kind.endswith(SHARED_STRINGS_RELATIONSHIP)
    }
    if "xl/sharedStrings.xml" in names:
        shared_strings.add("xl/sharedStrings.xml")
    strings = _SharedStrings(limits)
    for part in sorted(shared_strings & set(names)):
        _parse(archive, part, strings)

    if choose_sheet is None:
        chosen = sheet_names[active] if 0 <= active < len(sheet_names) else (sheet_names[0] if sheet_names else None)
    else:
        chosen = choose_sheet(sheet_names)
    if chosen is None:
        return checked
    rid = dict(sheets)[chosen]
    kind, part = relationships.get(rid, ("", ""))
    if not kind.endswith(WORKSHEET_RELATIONSHIP) or part not in names:
        raise RefusedUpload(NOT_XLSX)
    sheet = _Sheet(chosen, limits, strings.count)
    _parse(archive, part, sheet)
    checked.sheet = chosen
    checked.formulas = sheet.formulas()
    return checked


def _parse(archive: zipfile.ZipFile, part: str, handler) -> None:
    """Stream one part through expat into `handler`; a DTD (and so any entity) is refused."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = handler.start
    if hasattr(handler, "end"):
        parser.EndElementHandler = handler.end
    if hasattr(handler, "text"):
        parser.CharacterDataHandler = handler.text
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _forbid(*args):
    raise RefusedUpload(NOT_XLSX)


class _Entries:
    """A part that every reader loads whole (content types, workbook, relationships, styles): its
    elements are counted, and the attributes of those named in `wanted` kept."""

    def __init__(self, part: str, *wanted: str):
        self.part = part
        self.elements = 0
        self.found: dict[str, list] = {name: [] for name in wanted}

    def start(self, name, attributes):
        self.elements += 1
        if self.elements > MAX_ELEMENTS_OF_SMALL_PARTS:
            raise RefusedUpload(
                _("The workbook's part %(part)s holds more than %(limit)s entries; no work plan needs as many.")
                % {"part": self.part, "limit": f"{MAX_ELEMENTS_OF_SMALL_PARTS:,}"}
            )
        found = self.found.get(name.rpartition(":")[2])
        if found is not None:
            found.append(attributes)


def _read_entries(archive: zipfile.ZipFile, part: str, *wanted: str) -> dict[str, list]:
    entries = _Entries(part, *wanted)
    _parse(archive, part, entries)
    return entries.found


def _read_content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (without its leading "/") -> content type; the defaults by extension under "*.<extension>"."""
    found = _read_entries(archive, "[Content_Types].xml", "Override", "Default")
    types = {f"*.{a.get('Extension', '')}": a.get("ContentType", "") for a in found["Default"]}
    types.update({a.get("PartName", "").lstrip("/"): a.get("ContentType", "") for a in found["Override"]})
    return types


def _read_relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, the target's part name)."""
    if part not in archive.namelist():
        return {}
    folder = posixpath.dirname(posixpath.dirname(part))
    relationships = {}
    for attributes in _read_entries(archive, part, "Relationship")["Relationship"]:
        target = attributes.get("Target", "")
        if attributes.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        relationships[attributes.get("Id", "")] = (attributes.get("Type", ""), path)
    return relationships


def _read_sheet_list(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], int]:
    """The sheets as (name, relationship id) in the workbook's order, and the active one's index."""
    found = _read_entries(archive, "xl/workbook.xml", "sheet", "workbookView")
    sheets = [(a.get("name", ""), _relationship_id(a)) for a in found["sheet"]]
    # Excel refuses two sheets of one name, whatever the case; a reader could pick either.
    if len({name.casefold() for name, _rid in sheets}) != len(sheets):
        raise RefusedUpload(NOT_XLSX)
    active = found["workbookView"][0].get("activeTab", "0") if found["workbookView"] else "0"
    return sheets, int(active) if active.isdigit() else 0


def _relationship_id(attributes: dict) -> str:
    """The r:id attribute, whatever the prefix of its namespace."""
    return next((value for key, value in attributes.items() if key.rpartition(":")[2] == "id" and ":" in key), "")


class _SharedStrings:
    """Counts the shared strings and their characters, stopping at the first limit passed.

    No end-of-element handler (a third fewer calls): the text of a string is counted from its
    first <t> to the next string, which adds the spaces between strings of an indented file.
    """

    def __init__(self, limits: WorkbookLimits):
        self.max_strings = limits.shared_strings
        self.max_characters = limits.characters
        self.count = 0
        self.characters = 0
        self.in_text = False

    def start(self, name, attributes):
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "si":
            self.count += 1
            self.in_text = False
            if self.count > self.max_strings:
                raise RefusedUpload(
                    _("The workbook holds more than %(limit)s different texts (shared strings), the most accepted.")
                    % {"limit": f"{self.max_strings:,}"}
                )
        elif name == "t":
            self.in_text = True
        elif name == "sst":
            declared = attributes.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.max_strings:
                raise RefusedUpload(
                    _(
                        "The workbook declares %(count)s different texts (shared strings); at most %(limit)s "
                        "are accepted."
                    )
                    % {"count": f"{int(declared):,}", "limit": f"{self.max_strings:,}"}
                )

    def text(self, data):
        if self.in_text:
            self.characters += len(data)
            if self.characters > self.max_characters:
                raise too_much_text(self.max_characters)


def too_much_text(limit: int) -> RefusedUpload:
    return RefusedUpload(
        _("The workbook holds more than %(limit)s characters of text, the most accepted.") % {"limit": f"{limit:,}"}
    )


@lru_cache(maxsize=4)
def _column_numbers(columns: int) -> dict[str, int]:
    """Column letters -> number, for the columns accepted."""
    return {get_column_letter(number): number for number in range(1, columns + 1)}


class _Sheet:
    """Counts a sheet's rows and cells as they stream past, checks each stored value against its
    cell's type, and notes the formulas."""

    def __init__(self, name: str, limits: WorkbookLimits, shared_strings: int):
        self.name = name
        self.limits = limits
        self.shared_strings = shared_strings
        self.columns = _column_numbers(limits.columns)
        self.row = 0
        self.rows = 0
        self.column = 0
        self.cells_in_row = 0
        self.last_row = 0
        self.last_column = 0
        self.cell_type = None
        self.characters = 0
        self.max_characters = limits.characters
        self.kept: list[str] | None = None  # the text of the <v> or <f> being read, when it is kept
        self.in_text = False
        self.formula: dict | None = None
        self.found_formulas: dict[tuple[int, int], str] = {}
        self.shared_formulas: dict[str, tuple[str, str]] = {}  # shared formula index -> (formula, its cell)
        self.shared_uses: list[tuple[int, int, str]] = []

    def refuse(self, message, *, row=None, column=None, value="") -> RefusedUpload:
        return RefusedUpload(
            message,
            sheet=self.name,
            row=row,
            column=get_column_letter(column) if column and column <= 18_278 else "",
            value=value,
        )

    def start(self, name, attributes):
        kind = ELEMENTS.get(name)
        if kind is None:
            if ":" not in name:
                return
            kind = ELEMENTS.get(name.rpartition(":")[2])
        if kind == CELL:
            self._start_cell(attributes)
        elif kind == TEXT:
            self.in_text = True
        elif kind == VALUE:
            self.in_text = True
            if self.cell_type in KEPT_VALUES:
                self.kept = []
        elif kind == ROW:
            self._start_row(attributes)
        elif kind == FORMULA:
            self.in_text = True
            self.kept = []
            self.formula = attributes
        elif kind == DIMENSION:
            self._check_dimension(attributes.get("ref", ""))

    def end(self, name):
        # A <v> or <f> holds no element: the end that follows the start of one is its own.
        self.in_text = False
        if self.kept is not None:
            text = "".join(self.kept)
            self.kept = None
            if self.formula is not None:
                self._note_formula(text, self.formula)
                self.formula = None
            elif text:
                self._check_value(text)

    def text(self, data):
        if self.in_text:
            self.characters += len(data)
            if self.characters > self.max_characters:
                raise too_much_text(self.max_characters)
            if self.kept is not None:
                self.kept.append(data)

    def _start_row(self, attributes):
        number = attributes.get("r")
        self.row = int(number) if number and number.isdigit() else self.row + 1
        self.rows += 1
        self.column = 0
        self.cells_in_row = 0
        if self.row > self.limits.rows or self.rows > self.limits.rows:
            raise self.refuse(
                _("The sheet has more than %(limit)s rows, the most accepted.") % {"limit": self.limits.rows},
                row=max(self.row, self.rows),
            )

    def _start_cell(self, attributes):
        self.cells_in_row += 1
        if self.cells_in_row > self.limits.columns:
            raise self.refuse(
                _("This row holds more than %(limit)s cells; at most %(limit)s columns are accepted.")
                % {"limit": self.limits.columns},
                row=self.row,
            )
        reference = attributes.get("r")
        if reference:
            letters = reference.rstrip("0123456789")
            digits = reference[len(letters) :]
            column = self.columns.get(letters)
            if column is None or not digits:
                self._refuse_reference(reference, letters, digits)
            row = int(digits)
            if row > self.limits.rows:
                raise self.refuse(
                    _("The sheet has more than %(limit)s rows, the most accepted.") % {"limit": self.limits.rows},
                    row=row,
                )
            self.row = row
        else:
            column = self.column + 1
            if column > self.limits.columns:
                self._refuse_column(column)
        self.column = column
        self.cell_type = attributes.get("t")
        if self.row > self.last_row or column > self.last_column:
            self.last_row = max(self.last_row, self.row)
            self.last_column = max(self.last_column, column)
            self._check_size(self.last_row, self.last_column)

    def _refuse_reference(self, reference: str, letters: str, digits: str):
        try:
            column = column_index_from_string(letters)
        except ValueError:
            raise RefusedUpload(NOT_XLSX) from None
        if not digits:
            raise RefusedUpload(NOT_XLSX)
        self.row = int(digits)
        self._refuse_column(column)

    def _refuse_column(self, column: int):
        raise self.refuse(
            _("A cell in column %(column)s: at most %(limit)s columns (up to column %(last)s) are accepted.")
            % {
                "column": get_column_letter(column) if column <= 18_278 else column,
                "limit": self.limits.columns,
                "last": get_column_letter(self.limits.columns),
            },
            row=self.row,
            column=column,
        )

    def _check_size(self, rows: int, columns: int):
        if rows * columns > self.limits.cells:
            raise self.refuse(
                _(
                    "The sheet spans %(rows)s rows and %(columns)s columns, %(cells)s cells; at most %(limit)s "
                    "are accepted."
                )
                % {
                    "rows": f"{rows:,}",
                    "columns": columns,
                    "cells": f"{rows * columns:,}",
                    "limit": f"{self.limits.cells:,}",
                }
            )

    def _check_dimension(self, reference: str):
        """The size the sheet declares: some readers pad every row to its width."""
        last = reference.rpartition(":")[2].replace("$", "").upper()
        letters = last.rstrip("0123456789")
        digits = last[len(letters) :]
        try:
            columns = column_index_from_string(letters)
        except ValueError:
            return
        rows = int(digits) if digits.isdigit() else 0
        if rows > self.limits.rows or columns > self.limits.columns or rows * columns > self.limits.cells:
            raise self.refuse(
                _(
                    "The sheet declares its size as %(size)s (%(rows)s rows, %(columns)s columns); at most "
                    "%(max_rows)s rows and %(max_columns)s columns are accepted."
                )
                % {
                    "size": reference[:40],
                    "rows": f"{rows:,}",
                    "columns": f"{columns:,}",
                    "max_rows": f"{self.limits.rows:,}",
                    "max_columns": self.limits.columns,
                }
            )

    def _check_value(self, value: str):
        """The stored value of a number, shared text, true/false or date cell, which readers convert."""
        kind = self.cell_type
        text = value.strip()
        if not text:  # a formula not yet calculated, or an empty cell
            return
        if kind is None or kind == "n":
            if NUMBER.match(text):
                return
            message = _("The cell's stored value is not a number: retype the number, or clear the cell.")
        elif kind == "s":
            if text.isdigit() and int(text) < self.shared_strings:
                return
            message = _("The cell refers to a text that the workbook does not hold: retype it.")
        elif kind == "b":
            if text in ("0", "1"):
                return
            message = _("The cell's stored value is neither true nor false: retype it.")
        else:
            if ISO_DATE.match(text):
                return
            message = _("The cell's stored value is not a date: retype it.")
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise self.refuse(message, row=self.row, column=self.column, value=shown)

    def _note_formula(self, text: str, attributes: dict):
        cell = (self.row, self.column)
        if attributes.get("t") == "shared" and "si" in attributes:
            index = attributes["si"]
            if index in self.shared_formulas:
                self.shared_uses.append((*cell, index))
                return
            if text:
                self.shared_formulas[index] = (f"={text}", _reference(self.row, self.column))
        self.found_formulas[cell] = f"={text}"

    def formulas(self) -> dict[tuple[int, int], str]:
        """Every formula cell; a shared formula as it reads in each cell, as openpyxl gives it."""
        formulas = self.found_formulas
        for row, column, index in self.shared_uses:
            text, origin = self.shared_formulas[index]
            try:
                formulas[(row, column)] = Translator(text, origin).translate_formula(_reference(row, column))
            except Exception:  # a formula openpyxl cannot parse: as written in its first cell
                formulas[(row, column)] = text
        return formulas


def _reference(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"
