"""Pages stay light on a slow connection: each page of the CISP data, with everything it
loads, under 150 KB compressed on a first visit; nothing is loaded from another host."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from workplan.models import Activity

LIMIT = 150 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def compressed_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def page_urls(cisp):
    activity = Activity.objects.get(work_plan=cisp, code="1.1.1")
    return [
        reverse("workplan:work_plan", args=["00067193", 1]),
        reverse("workplan:activity", args=["00067193", activity.pk]),
        reverse("budgets:entry", args=["00067193", activity.pk]),
        reverse("workplan:report_progress", args=["00067193", activity.pk]),
        reverse("outcomes:indicators", args=["00067193"]),
    ]


@pytest.mark.parametrize("index", range(5))
def test_each_page_with_its_assets_is_under_150_kb_compressed_and_loads_nothing_from_elsewhere(
    client_for, users, cisp, index
):
    client = client_for(users["unesco"])
    url = page_urls(cisp)[index]
    html = client.get(url).content
    total = compressed_size(html)
    for asset in ASSET.findall(html.decode()):
        assert asset.startswith("/"), f"{url} loads {asset} from another host"
        if asset.startswith("/static/"):
            path = finders.find(asset.removeprefix("/static/"))
            with open(path, "rb") as file:
                total += compressed_size(file.read())
    assert total < LIMIT, f"{url}: {total} bytes compressed"


@pytest.mark.parametrize("index", range(5))
def test_each_page_in_khmer_with_its_font_is_under_150_kb_compressed(client_for, users, cisp, settings, index):
    """A Khmer page also loads the two weights of the Khmer font (static/css/app.css)."""
    client = client_for(users["unesco"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    url = page_urls(cisp)[index]
    html = client.get(url).content
    assert b'<html lang="km"' in html
    total = compressed_size(html)
    assets = [asset.removeprefix("/static/") for asset in ASSET.findall(html.decode()) if asset.startswith("/static/")]
    assets += ["fonts/noto-sans-khmer-khmer-400-normal.woff2", "fonts/noto-sans-khmer-khmer-700-normal.woff2"]
    for asset in assets:
        with open(finders.find(asset), "rb") as file:
            total += compressed_size(file.read())
    assert total < LIMIT, f"{url} in Khmer: {total} bytes compressed"
