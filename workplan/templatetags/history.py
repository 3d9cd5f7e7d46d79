from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
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
    fields each, too many for a template per change and per field."""
    actions = {CREATED: _("created"), DELETED: _("deleted")}
    changed, system = _("changed"), _("(system)")
    not_compared = format_html(
        '<p class="muted">{}</p>', _("The history holds no earlier record to compare this change with.")
    )
    items = []
    for change in changes:
        if change.fields:
            fields = format_html_join(
                "",
                "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
                ((capfirst(label), before, after) for label, before, after in change.fields),
            )
            details = format_html("<ul>{}</ul>", fields)
        else:
            details = not_compared if change.fields is None else ""
        items.append(
            format_html(
                "<li><strong>{}</strong>\n    {}:\n    {}{}{}\n    {}\n  </li>\n",
                date_format(template_localtime(change.at), "SHORT_DATETIME_FORMAT"),
                change.user or system,
                f"{change.subject} " if change.subject else "",
                actions.get(change.action, changed),
                format_html(' <span class="history-reason">({})</span>', change.reason) if change.reason else "",
                details,
            )
        )
    return format_html('<ol class="history">{}</ol>', mark_safe("".join(items)))  # each item escaped by format_html
