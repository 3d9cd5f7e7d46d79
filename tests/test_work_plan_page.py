"""The work plan page's filters: "All" for no filter, a search box, and a focal point's list opening on
their own agency."""

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplan.models import Activity, Agency

URL = reverse("workplan:work_plan", args=["00067193", 1])


def codes(response) -> list[str]:
    return [row.record.code or row.record.title for row in response.context["table"].rows]


def test_each_filter_offers_all_rather_than_dashes(client_for, users, cisp):
    page = client_for(users["coordinator"]).get(URL).content.decode()
    assert "---------" not in page
    for name in ("agency", "responsible_party", "output", "status", "quarter"):
        assert f'<select name="{name}" id="id_{name}">\n  <option value="" selected>All</option>' in page, name


def test_the_search_box_finds_codes_titles_annual_targets_and_comments(client_for, users, cisp):
    client = client_for(users["coordinator"])

    def found(text):
        return codes(client.get(URL, {"q": text}))

    assert found("2.1.1") == ["2.1.1", "2.1.10"]  # codes contain it
    assert "1.1.1" in found("MoCFA") and found("mocfa") == found("MoCFA")  # in any case
    assert found("Producer group leaders visit") == ["2.1.7"]  # the annual target, every word
    assert found("Working partners within") == ["1.1.2"]  # the state of implementation
    assert found("visit leaders") == ["2.1.7"]  # words in any order
    assert found("no activity says this") == []
    # With the other filters.
    fao = Agency.objects.get(code="FAO").pk
    assert set(codes(client.get(URL, {"q": "groups", "agency": fao}))) <= set(
        Activity.objects.filter(work_plan=cisp, agency__code="FAO").values_list("code", flat=True)
    )
    page = client.get(URL).content.decode()
    assert 'type="search"' in page and 'aria-describedby="id_q_helptext"' in page and 'id="id_q_helptext"' in page


def test_a_focal_point_list_opens_on_their_own_agency(client_for, users, cisp):
    client = client_for(users["unesco"])
    unesco = Agency.objects.get(code="UNESCO").pk
    unesco_codes = sorted(Activity.objects.filter(work_plan=cisp, agency__code="UNESCO").values_list("code", flat=True))

    opened = client.get(URL)
    assert sorted(codes(opened)) == unesco_codes
    page = opened.content.decode()
    assert "Showing the activities of UNESCO, your agency." in page
    assert f'<option value="{unesco}" selected>UNESCO</option>' in page
    assert f"workbook.xlsx?agency={unesco}" in page  # the download holds what is shown
    assert sorted(codes(client.get(URL, {"sort": "-title"}))) == unesco_codes  # sorting keeps it

    every_agency = client.get(URL, {"agency": ""})  # "All"
    assert len(codes(every_agency)) == Activity.objects.filter(work_plan=cisp).count()
    assert "your agency" not in every_agency.content.decode()
    ilo = Agency.objects.get(code="ILO").pk
    assert {a.agency_id for a in client.get(URL, {"agency": ilo}).context["table"].data} == {ilo}


def test_others_open_on_every_agency(client_for, users, cisp):
    for role in ("pmc", "coordinator"):
        response = client_for(users[role]).get(URL)
        assert len(codes(response)) == Activity.objects.filter(work_plan=cisp).count()
        assert "your agency" not in response.content.decode()


def test_the_filters_are_written_as_django_writes_them(client_for, users, cisp):
    fao = Agency.objects.get(code="FAO").pk
    response = client_for(users["coordinator"]).get(URL, {"agency": fao, "quarter": 3, "q": '<b>"tea" & rice'})
    form = response.context["filter"].form
    for name in ("agency", "responsible_party", "output", "status", "quarter"):
        field = form[name]
        django_select = forms.Select(attrs=field.field.widget.attrs, choices=field.field.choices)
        assert field.as_widget() == field.as_widget(widget=django_select), name
    assert f'<option value="{fao}" selected>FAO</option>' in form["agency"].as_widget()
    search = form["q"]
    django_input = forms.TextInput(attrs={"type": "search", **search.field.widget.attrs})
    assert search.as_widget() == search.as_widget(widget=django_input)
    assert 'value="&lt;b&gt;&quot;tea&quot; &amp; rice"' in search.as_widget()
    page = response.content.decode()
    for field in form:
        assert field.label_tag() + field.as_widget() in page, field.name


def test_a_page_that_is_not_there_is_not_found(client_for, users, cisp):
    client = client_for(users["coordinator"])
    assert client.get(URL, {"page": "1"}).status_code == 200
    for page in ("2", "0", "one"):  # CISP's 35 activities fit on one page
        assert client.get(URL, {"page": page}).status_code == 404, page


def test_the_activities_are_counted_once(client_for, users, cisp):
    client = client_for(users["coordinator"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert "35 activities" in page
    counts = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, counts
