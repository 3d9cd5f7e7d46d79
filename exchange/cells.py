"""What the workbooks the apps write share (the work plan workbook here, the progress report
in `reports`): content type, number formats, print set-up and rows sized to their wrapped text.
User text goes into cells through `workplan.spreadsheet_safety.text_cell` or `set_text`, which
the admin's export uses too."""

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"
A4 = 9  # openpyxl's PAPERSIZE_A4; write-only sheets do not carry the constant

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


def print_landscape_fit_to_width(sheet, *, header_row: int) -> None:
    """On paper: A4 landscape, as wide as the page, the column headers on every page."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
