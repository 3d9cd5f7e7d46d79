from html import escape

import django_filters
from django import forms
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from workplan.models import Activity, Agency, Output, Partner
from workplan.periods import QUARTER_CHOICES

# The empty choice of every filter: no filtering.
ALL = _("All")


class FilterSelect(forms.Select):
    """A select of plain choices written in one pass, as Django's template for it writes it: the work
    plan page shows five, and rendering a template per option took a third of the page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
            f"{escape(str(option['label']))}</option>\n"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>{options}\n</select>')


class SearchInput(forms.TextInput):
    """A search box written in one pass, as Django's template for an input writes it (see FilterSelect)."""

    input_type = "search"

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(
            f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{value}{_attributes(widget["attrs"])}>'
        )


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's `attrs.html` writes them: a True one by its name, a False one not at all."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ActivityFilter(django_filters.FilterSet):
    """The work plan's filters; the work plan page and its Excel download read the same ones."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=SearchInput(attrs={"enterkeyhint": "search"}),
        help_text=_("Code, title, annual target or comment"),
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), label=_("UN agency"), empty_label=ALL, widget=FilterSelect
    )
    responsible_party = django_filters.ModelChoiceFilter(
        queryset=Partner.objects.all(), label=_("Responsible party"), empty_label=ALL, widget=FilterSelect
    )
    output = django_filters.ModelChoiceFilter(
        queryset=Output.objects.none(), label=_("JP output"), empty_label=ALL, widget=FilterSelect
    )
    status = django_filters.ChoiceFilter(
        choices=Activity.Status.choices, label=_("Status"), empty_label=ALL, widget=FilterSelect
    )
    quarter = django_filters.ChoiceFilter(
        choices=QUARTER_CHOICES,
        method="filter_planned_quarter",
        label=_("Planned in"),
        empty_label=ALL,
        widget=FilterSelect,
    )

    class Meta:
        model = Activity
        fields = ["q", "agency", "responsible_party", "output", "status", "quarter"]

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        in_programme = {"activities__work_plan__programme": programme}
        self.filters["agency"].queryset = Agency.objects.filter(**in_programme).distinct()
        self.filters["responsible_party"].queryset = Partner.objects.filter(**in_programme).distinct()
        self.filters["output"].queryset = Output.objects.filter(outcome__programme=programme)

    def search(self, queryset, name, value):
        """Activities with every word typed in their code, title, annual target or state of implementation."""
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(annual_target__icontains=word)
                | Q(implementation_comment__icontains=word)
            )
        return queryset

    def filter_planned_quarter(self, queryset, name, value):
        return queryset.planned_in_quarter(int(value))

    def query_string_data(self) -> dict[str, str]:
        """The filters in force, as the query string of a link that shows (or downloads) the same activities."""
        data = self.data or {}
        return {name: data.get(name) for name in self.filters if data.get(name)}
