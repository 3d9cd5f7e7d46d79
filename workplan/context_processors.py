from functools import lru_cache

from django.urls import get_script_prefix, reverse

from workplan.permissions import can_import_work_plans, follows_every_programme, memberships_of, visible_programmes


def programmes(request):
    """The page's programme, what the menu offers in it, and the programmes the header's
    switcher lists (read only when a page shows the switcher)."""
    programme = getattr(request, "programme", None)
    user = request.user
    return {
        "programme": programme,
        "header_links": header_links(get_script_prefix(), programme.mptf_project_id if programme else None),
        "may_import": programme is not None and can_import_work_plans(user, programme),
        "switchable_programmes": lambda: switchable_programmes(user),
    }


def switchable_programmes(user) -> list:
    """The programmes the switcher offers: none for someone with a role in one programme only (the
    switcher shows from two), without a query, as their memberships are read for every page already."""
    if not follows_every_programme(user) and len({m.programme_id for m in memberships_of(user)}) < 2:
        return []
    return list(visible_programmes(user).order_by("code"))


# The header's links (`base.html`): the name it uses for each, and the URL's name.
SITE_LINKS = {
    "service_worker": "service_worker",
    "login": "login",
    "logout": "logout",
    "offline": "offline",
    "set_language": "set_language",
    "password_change": "password_change",
    "portfolio": "portfolio",
    "admin": "admin:index",
}
PROGRAMME_LINKS = {
    "dashboard": "dashboard",
    "work_plan": "workplan:work_plan_latest",
    "indicators": "outcomes:indicators",
    "reports": "reports:index",
    "reporting": "reporting:overview",
    "expenditure": "finance:expenditure",
    "import": "exchange:import",
}


@lru_cache(maxsize=1024)
def header_links(script_prefix: str, mptf_project_id: str | None) -> dict[str, str]:
    """The addresses in every page's header, reversed once per process for each programme rather than on
    every page. `reverse` reads the script prefix itself: it is in the arguments so that a prefix of its
    own gets links of its own."""
    links = {link: reverse(name) for link, name in SITE_LINKS.items()}
    if mptf_project_id is not None:
        links |= {link: reverse(name, args=[mptf_project_id]) for link, name in PROGRAMME_LINKS.items()}
    return links
