"""Every page carries a Content-Security-Policy that allows only the app's own scripts, styles,
fonts and images, and nothing in the templates needs more (tests/browser checks it in Chromium)."""

import base64
import hashlib
import re
from pathlib import Path

import import_export
import pytest
import simple_history
from django.conf import settings
from django.urls import reverse

from budgets.models import BudgetLine
from workplan.models import Activity

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, set[str]]:
    directives = [part.split() for part in response.headers["Content-Security-Policy"].split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


def test_public_pages_carry_the_policy(client, cisp):
    for url in (reverse("login"), reverse("outcomes:public_factsheet", args=["00067193"]), reverse("admin:login")):
        response = client.get(url)
        assert response.status_code == 200
        directives = policy(response)
        assert directives["default-src"] == {"'self'"}
        assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == {"'none'"}
        assert directives["form-action"] == {"'self'"}
        assert not {"script-src", "style-src", "img-src", "font-src"} & directives.keys()  # all as default-src


def test_every_page_of_the_app_and_the_admin_carries_the_policy(admin_client, cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    line = BudgetLine.objects.filter(activity=activity).first()
    pages = [
        reverse("dashboard", args=["00067193"]),
        reverse("workplan:work_plan", args=["00067193", 1]),
        activity.get_absolute_url(),
        reverse("workplan:report_progress", args=["00067193", activity.pk]),
        reverse("budgets:entry", args=["00067193", activity.pk]),
        reverse("outcomes:indicators", args=["00067193"]),
        reverse("reports:index", args=["00067193"]),
        reverse("reports:quarter", args=["00067193", 1, 2]),
        reverse("admin:index"),
        reverse("admin:workplan_activity_change", args=[activity.pk]),
        reverse("admin:budgets_budgetline_change", args=[line.pk]),
        reverse("admin:budgets_budgetline_export"),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["default-src"] == {"'self'"}, url
    not_found = admin_client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert policy(not_found)["default-src"] == {"'self'"}


def inline_code(text: str) -> list[str]:
    """Inline scripts, <style> elements, style attributes and event-handler attributes."""
    return [
        *re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text),
        *re.findall(r"<style\b", text),
        *re.findall(r"\sstyle=\"[^\"]*\"", text),
        *re.findall(r"\son[a-z]+=\"[^\"]*\"", text),
    ]


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_our_templates_have_no_inline_script_or_style(template):
    assert inline_code(template.read_text()) == []


def test_the_admin_templates_inline_attributes_are_exactly_those_the_policy_allows_by_hash():
    """Our libraries' admin templates carry a few inline attributes: allowed one by one by hash.
    After an upgrade changes one, this names it (then update CONTENT_SECURITY_POLICY)."""
    found = {"script-src-attr": set(), "style-src-attr": set()}
    for package in (import_export, simple_history):
        for template in (Path(package.__file__).parent / "templates").rglob("*.html"):
            text = template.read_text()
            for value in re.findall(r"\son[a-z]+=\"([^\"]*)\"", text):
                found["script-src-attr"].add(value)
            for value in re.findall(r"\sstyle=\"([^\"]*)\"", text):
                found["style-src-attr"].add(value)
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive, values in found.items():
        hashes = {source_hash(value) for value in values}
        assert hashes == set(directives[directive]) - {"'unsafe-hashes'"}, (directive, values)


def source_hash(value: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"
