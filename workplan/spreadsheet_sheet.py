"""The pass over the sheet an import will read (see `workplan.spreadsheet_contents`): its rows,
cells, columns, used range, declared size and characters of text counted against the limits, each
stored value checked against its cell's type, and the formula cells noted."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter

from workplan.spreadsheet_safety import NOT_XLSX, RefusedUpload

# Elements are known by their local name, whatever their namespace prefix: python-calamine reads
# them so, and the count must cover whatever a reader reads.
CELL, TEXT, VALUE, ROW, FORMULA, DIMENSION = range(1, 7)
ELEMENTS = {"c": CELL, "is": TEXT, "t": TEXT, "v": VALUE, "row": ROW, "f": FORMULA, "dimension": DIMENSION}
KEPT_VALUES = (None, "n", "s", "b", "d")  # cell types whose stored value a reader converts

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


def too_much_text(limit: int) -> RefusedUpload:
    return RefusedUpload(
        _("The workbook holds more than %(limit)s characters of text, the most accepted.") % {"limit": f"{limit:,}"}
    )


@lru_cache(maxsize=4)
def _column_numbers(columns: int) -> dict[str, int]:
    """Column letters -> number, for the columns accepted."""
    return {get_column_letter(number): number for number in range(1, columns + 1)}


class SheetCounter:
    """expat handlers for the sheet to be read: they count its rows, cells and characters of text
    as they stream past, check each stored value against its cell's type, and note the formulas.
    `RefusedUpload` stops the reading at the first limit passed."""

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
