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
sheet read, which a reader of cached values (python-calamine) cannot tell from typed values
(the sheet's part of the pass: `workplan.spreadsheet_sheet`).
"""

import posixpath
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from xml.parsers import expat

from django.utils.translation import gettext as _

from workplan.spreadsheet_safety import MACROS, NOT_XLSX, RefusedUpload, check_upload_size, check_xlsx_archive
from workplan.spreadsheet_sheet import SheetCounter, WorkbookLimits, too_much_text

WORKSHEET_RELATIONSHIP = "/worksheet"
SHARED_STRINGS_RELATIONSHIP = "/sharedStrings"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# Content types of parts that hold macros: VBA projects, macro-enabled workbooks, templates and
# add-ins, and Excel 4.0 macro sheets.
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "macrosheet")

# Parts read whole by every reader (the list of sheets, relationships, styles) hold a few
# hundred entries; Excel itself allows 64,000 cell formats. Far above both, far below harm.
MAX_ELEMENTS_OF_SMALL_PARTS = 250_000
CHUNK = 64 * 1024


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
    sheet = SheetCounter(chosen, limits, strings.count)
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
