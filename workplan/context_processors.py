from workplan.permissions import can_import_work_plans, visible_programmes


def programmes(request):
    """The page's programme, what the menu offers in it, and the programmes the header's
    switcher lists (read only when a page shows the switcher)."""
    programme = getattr(request, "programme", None)
    user = request.user
    return {
        "programme": programme,
        "may_import": programme is not None and can_import_work_plans(user, programme),
        "switchable_programmes": lambda: list(visible_programmes(user).order_by("code")),
    }
