"""Charts drawn on the server as inline SVG: no JavaScript, no external service, and they print.

Each function takes plain labelled numbers (Decimal or int, never float) and returns the SVG
as a safe string to put in a template as it is (`{{ chart }}`). The report and the dashboard
both call them, so a figure looks the same wherever it is drawn:

    bar_chart([("FAO", Decimal("264399.14")), ("ILO", Decimal("311040.44"))], title=_("Budget by agency"))
    stacked_bar_chart([(_("Planned"), 20), (_("Completed"), 15)], title=_("Activities by status"))
    progress_bars([("I2.1.1", Decimal("7"), Decimal("10"))], title=_("Progress toward target"))

Every chart carries its title in `<title>` and an `aria-label` that reads out all its figures,
and writes each figure as text beside its bar, so nothing depends on reading a length or a
colour. Labels and titles are escaped here; pass plain text.

They are drawn 400 units wide with 14-unit text: shrunk to a 390-pixel phone's width (about
375 pixels inside the page's margins) the text stays above 12 pixels; a wider screen shows
them at their own size.
"""

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgets.money import format_money
from outcomes.models import percent_of_target
from workplan.numbers import format_count, format_percent

Number = Decimal | int
Formatter = Callable[[Number], str]

# Colours readable on white and distinct in greyscale print; the first is the app's accent.
PALETTE = ("#0a5a9c", "#e08a00", "#1e7a3c", "#b3261e", "#6b4fa3", "#5b6672", "#2a9d8f", "#8c564b")
TRACK = "#e3e8ed"
INK = "#1d2733"
ROW = 28
FONT = 14


def format_number(value: Number) -> str:
    """Amounts (Decimal) to the cent, counts (int) as whole numbers, in the language's format."""
    if isinstance(value, int):
        return format_count(value)
    return format_money(value)


def bar_chart(
    data: Sequence[tuple[str, Number]],
    *,
    title: str,
    value_format: Formatter = format_number,
    width: int = 400,
    label_width: int = 90,
    color: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value; each value is
    written after its bar. Use it for amounts by agency or output, or counts by status."""
    value_width = 120
    scale = _scale([value for _label, value in data], width - label_width - value_width)
    height = ROW * max(len(data), 1) + 4
    parts = []
    for index, (label, value) in enumerate(data):
        y = ROW * index + 2
        length = scale(value)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{ROW - 8}" fill="{escape(color)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 19}">{escape(value_format(value))}</text>'
        )
    if not data:
        parts.append(f'<text x="0" y="{ROW - 9}">{escape(_("No data"))}</text>')
    return _svg(title, data, value_format, width, height, "".join(parts))


def stacked_bar_chart(
    data: Sequence[tuple[str, Number]],
    *,
    title: str,
    value_format: Formatter = format_number,
    width: int = 400,
    colors: Sequence[str] = PALETTE,
) -> SafeString:
    """One bar split into a segment per (label, value), with a legend giving each value and its
    share of the whole. Use it for parts of one total, such as activities by status; parts of
    zero stay in the legend and take no room in the bar."""
    total = sum((value for _label, value in data), 0)
    scale = _scale([total], width)
    parts, x = [], Decimal(0)
    for index, (_label, value) in enumerate(data):
        length = scale(value)
        if value:
            parts.append(
                f'<rect x="{x}" y="2" width="{length}" height="{ROW}" fill="{escape(colors[index % len(colors)])}"/>'
            )
        x += length
    legend_columns = 2
    for index, (label, value) in enumerate(data):
        column, row = index % legend_columns, index // legend_columns
        lx, ly = Decimal(width) * column / legend_columns, ROW + 14 + ROW * row
        share = f" ({format_percent(_percent(value, total))})" if total else ""
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="12" height="12" fill="{escape(colors[index % len(colors)])}"/>'
            f'<text x="{lx + 18:.1f}" y="{ly + 12}">{escape(label)}: {escape(value_format(value))}{share}</text>'
        )
    height = ROW + 14 + ROW * ((len(data) + legend_columns - 1) // legend_columns) + 4
    return _svg(title, data, value_format, width, height, "".join(parts))


def progress_bars(
    items: Sequence[tuple[str, Number | None, Number]],
    *,
    title: str,
    value_format: Formatter = format_number,
    width: int = 400,
    label_width: int = 90,
    color: str = PALETTE[2],
) -> SafeString:
    """A bar per (label, value, target) filled in proportion to value / target (full at 100%
    and beyond), with "value of target (percent)" written beside it; a value of None reads
    "no result yet". Use it for indicator progress toward target."""
    value_width = 170
    track = width - label_width - value_width
    parts = []
    for index, (label, value, target) in enumerate(items):
        y = ROW * index + 2
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{track}" height="{ROW - 8}" fill="{TRACK}"/>'
        )
        if value is None or not target:
            text = _("no result yet") if value is None else value_format(value)
        else:
            share = min(Decimal(value) / Decimal(target), Decimal(1))
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{_px(share * track)}" height="{ROW - 8}"'
                f' fill="{escape(color)}"/>'
            )
            text = _("%(value)s of %(target)s (%(percent)s)") % {
                "value": value_format(value),
                "target": value_format(target),
                "percent": format_percent(percent_of_target(value, target)),
            }
        parts.append(f'<text x="{label_width + track + 6}" y="{y + 19}">{escape(text)}</text>')
    if not items:
        parts.append(f'<text x="0" y="{ROW - 9}">{escape(_("No indicator has a target"))}</text>')
    described = [
        (label, _("no result yet") if value is None else f"{value_format(value)} / {value_format(target)}")
        for label, value, target in items
    ]
    return _svg(title, described, str, width, ROW * max(len(items), 1) + 4, "".join(parts))


def grouped_bar_chart(
    groups: Sequence[tuple[str, Sequence[Number]]],
    *,
    series: Sequence[str],
    title: str,
    value_format: Formatter = format_number,
    width: int = 400,
    colors: Sequence[str] = PALETTE,
) -> SafeString:
    """For each (label, values) a heading and one bar per series, all on one scale, each value written
    after its bar; a legend names the series. Use it to compare figures side by side, such as budget,
    transferred and disbursed by agency. The bars take the whole width, so a phone keeps room for them."""
    value_width, legend_height = 120, ROW
    scale = _scale([value for _label, values in groups for value in values], width - value_width)
    parts = []
    for index, name in enumerate(series):
        lx = Decimal(width) * index / len(series)
        color = escape(colors[index % len(colors)])
        parts.append(
            f'<rect x="{lx:.1f}" y="4" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 18:.1f}" y="16">{escape(name)}</text>'
        )
    y = legend_height
    for label, values in groups:
        parts.append(f'<text x="0" y="{y + 19}" font-weight="bold">{escape(label)}</text>')
        y += ROW
        for index, value in enumerate(values):
            length = scale(value)
            color = escape(colors[index % len(colors)])
            parts.append(
                f'<rect x="0" y="{y + 4}" width="{length}" height="{ROW - 8}" fill="{color}"/>'
                f'<text x="{length + 6}" y="{y + 19}">{escape(value_format(value))}</text>'
            )
            y += ROW
    if not groups:
        parts.append(f'<text x="0" y="{y + 19}">{escape(_("No data"))}</text>')
        y += ROW
    described = [
        (label, ", ".join(f"{name} {value_format(value)}" for name, value in zip(series, values, strict=True)))
        for label, values in groups
    ]
    return _svg(title, described, str, width, y + 4, "".join(parts))


def _scale(values: Sequence[Number], room: int) -> Callable[[Number], Decimal]:
    largest = max((Decimal(value) for value in values), default=Decimal(0))
    if largest <= 0:
        return lambda value: Decimal(0)
    return lambda value: _px(Decimal(room) * max(Decimal(value), Decimal(0)) / largest)


def _px(length: Decimal) -> Decimal:
    return length.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(part: Number, whole: Number) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _svg(
    title: str, data: Sequence[tuple[str, object]], value_format, width: int, height: int, body: str
) -> SafeString:
    summary = "; ".join(f"{label}: {value_format(value)}" for label, value in data)
    label = f"{title}. {summary}" if summary else title
    # Safe: every text above went through escape().
    return mark_safe(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" aria-label="{escape(label)}" font-size="{FONT}" fill="{INK}"'
        f' font-family="inherit"><title>{escape(title)}</title>{body}</svg>'
    )
