"""Khmer text shows in Noto Sans Khmer served from static/, also on a machine with no Khmer font of
its own (this one: `fc-list :lang=km` is empty here); English pages never download it."""

from tests.browser.conftest import ARTIFACTS
from workplan.permissions import Role

KHMER_FACES = """() => [...document.fonts]
    .filter(face => face.family.replaceAll('"', '') === 'Noto Sans Khmer' && face.status === 'loaded')
    .map(face => face.weight)"""


def elements_drawn_without_the_khmer_font(page) -> list[str]:
    """Every element with Khmer text of its own, and the fonts Chromium drew it with: a Khmer word drawn
    in another font is boxes on this machine."""
    page.evaluate("""() => {
        for (const element of document.body.querySelectorAll("*")) {
            const own = [...element.childNodes].filter(node => node.nodeType === Node.TEXT_NODE).map(node => node.data);
            // Not drawn: the text of select options and titles, and what is hidden (the offline note).
            const drawn = !["OPTION", "SELECT", "TITLE"].includes(element.tagName.toUpperCase())
                && element.getClientRects().length > 0;
            if (drawn && /[\\u1780-\\u17ff]/.test(own.join(""))) {
                element.dataset.khmerText = "";
            }
        }
    }""")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-khmer-text]"})["nodeIds"]
    assert len(nodes) > 20
    wrong = []
    for node in nodes:
        fonts = [font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
        if "Noto Sans Khmer" not in fonts:
            wrong.append(f"{cdp.send('DOM.getOuterHTML', {'nodeId': node})['outerHTML'][:80]}: {fonts}")
    cdp.detach()
    return wrong


def font_requests(page) -> list[str]:
    requests = []
    page.on("request", lambda request: requests.append(request.url) if request.resource_type == "font" else None)
    return requests


def test_a_khmer_page_shows_its_text_in_the_khmer_font(page_as):
    page = page_as(Role.COORDINATOR)
    fonts = font_requests(page)
    dashboard = page.url.replace("/work-plans/1/", "/")
    page.goto(dashboard)
    # The header's language switch, as a person uses it.
    page.select_option("#language", "km")
    page.click(".site-tools form[action$='/setlang/'] button[type=submit]")
    page.wait_for_url(dashboard)
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready")

    assert page.locator("html").get_attribute("lang") == "km"
    assert page.get_by_role("link", name="ផែនការការងារ").first.is_visible()
    assert page.evaluate("""() => document.fonts.check('16px "Noto Sans Khmer"', 'ក')""")
    assert sorted(page.evaluate(KHMER_FACES)) == ["400", "700"]  # the text and the bold headings
    assert elements_drawn_without_the_khmer_font(page) == []
    assert {url.rsplit("/", 1)[-1] for url in fonts} == {
        "noto-sans-khmer-khmer-400-normal.woff2",
        "noto-sans-khmer-khmer-700-normal.woff2",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "khmer-dashboard.png", full_page=True)

    for path, name in (("work-plans/1/", "khmer-work-plan.png"), ("reports/1/q2/", "khmer-report.png")):
        page.goto(dashboard + path)
        page.wait_for_load_state("load")
        page.evaluate("() => document.fonts.ready")
        assert elements_drawn_without_the_khmer_font(page) == [], path
        page.screenshot(path=ARTIFACTS / name, full_page=True)


def test_an_english_page_does_not_download_the_khmer_font(page_as):
    page = page_as(Role.COORDINATOR)  # on the work plan, in English
    fonts = font_requests(page)
    for path in ("/", "/work-plans/1/", "/reports/1/q2/"):
        page.goto(page.url.split("/p/")[0] + "/p/00067193" + path)
        page.wait_for_load_state("load")
        page.evaluate("() => document.fonts.ready")
        assert page.locator("html").get_attribute("lang") == "en"
    assert fonts == []
    assert page.evaluate(KHMER_FACES) == []
