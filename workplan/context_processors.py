from workplan.permissions import can_import_work_plans, follows_every_programme, memberships_of, visible_programmes


def programmes(request):
    """The page's programme, what the menu offers in it, and the programmes the header's
    switcher lists (read only when a page shows the switcher)."""
    programme = getattr(request, "programme", None)
    user = request.user
    return {
        "programme": programme,
        "may_import": programme is not None and can_import_work_plans(user, programme),
        "switchable_programmes": lambda: switchable_programmes(user),
    }


def switchable_programmes(user) -> list:
    """The programmes the switcher offers: none for someone with a role in one programme only (the
    switcher shows from two), without a query, as their memberships are read for every page already."""
    if not follows_every_programme(user) and len({m.programme_id for m in memberships_of(user)}) < 2:
        return []
    return list(visible_programmes(user).order_by("code"))
