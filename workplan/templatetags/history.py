from datetime import datetime
from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from workplan.selectors import CREATED, DELETED, RecordedChange

register = template.Library()


@register.simple_tag
def history_list(changes: list[RecordedChange]) -> SafeString:
    """Changes as people read them (`workplan.selectors.readable_changes`): when, who, what and why,
    each field before and after. Written in one pass: a page may list a hundred changes of a dozen
    fields each, too many for a template per change and per field; and each time written once, as an
    import or a year carried over records many changes at the same moment."""
    actions = {CREATED: _("created"), DELETED: _("deleted")}
    changed, system = _("changed"), _("(system)")
    not_compared = (
        f'<p class="muted">{_escaped(_("The history holds no earlier record to compare this change with."))}</p>'
    )
    times: dict[datetime, str] = {}
    items = []
    for change in changes:
        if change.fields:
            fields = "".join(
                f"<li>{_escaped(capfirst(label))}: <del>{_escaped(before)}</del> → <ins>{_escaped(after)}</ins></li>"
                for label, before, after in change.fields
            )
            details = f"<ul>{fields}</ul>"
        else:
            details = not_compared if change.fields is None else ""
        if change.at not in times:
            times[change.at] = _escaped(date_format(template_localtime(change.at), "SHORT_DATETIME_FORMAT"))
        subject = f"{_escaped(change.subject)} " if change.subject else ""
        reason = f' <span class="history-reason">({_escaped(change.reason)})</span>' if change.reason else ""
        items.append(
            f"<li><strong>{times[change.at]}</strong>\n    {_escaped(change.user or system)}:\n    "
            f"{subject}{_escaped(actions.get(change.action, changed))}{reason}\n    {details}\n  </li>\n"
        )
    return mark_safe(f'<ol class="history">{"".join(items)}</ol>')  # every value went through _escaped


def _escaped(value) -> str:
    """As Django's `conditional_escape`, without its lazy-string wrapper: what is already HTML as it is,
    anything else escaped (the standard library's `escape` escapes the same characters as Django's)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))
