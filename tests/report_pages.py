"""Read the report back from its page and its workbook, so tests compare what a reader sees."""

from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from io import BytesIO

from openpyxl import load_workbook


class _Tables(HTMLParser):
    """Collects the text of every cell of the tables that have an id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = dict(attrs)["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def workbook_rows(content: bytes) -> dict[str, list[list[object]]]:
    """Each sheet's rows from the header row on, trailing empty cells dropped."""
    workbook = load_workbook(BytesIO(content))
    sheets = {}
    for sheet in workbook:
        rows = []
        for row in sheet.iter_rows(min_row=4, values_only=True):
            values = list(row)
            while values and values[-1] in (None, ""):
                values.pop()
            if values:
                rows.append(values)
        sheets[sheet.title] = rows
    return sheets


def as_decimal(value: object) -> Decimal | None:
    """A figure as the page writes it ("1,234.50", "809") or as the workbook stores it (a number)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
