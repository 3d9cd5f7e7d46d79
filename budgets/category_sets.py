"""The named sets of direct budget categories a programme can adopt. Mgt support (indirect
support costs) is never a category: `budgets.money.indirect_cost` computes it."""

from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import BudgetCategory
from workplan.models import Programme

# code -> (name, [(category code, category name), ...] in column order)
CATEGORY_SETS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "mdgf-2008": (
        "MDG-F work plan format (2008)",
        [
            ("int-personnel", "Int personnel"),
            ("nat-personnel", "Nat personnel"),
            ("contracts", "Contracts"),
            ("training", "Training"),
            ("transport", "Transport"),
            ("supplies", "Supplies"),
            ("equipment", "Equipment"),
            ("travel", "Travel"),
            ("miscellaneous", "Miscellaneous"),
        ],
    ),
    "undg-2012": (
        "UNDG harmonised budget categories (2012)",
        [
            ("staff", "Staff and other personnel costs"),
            ("supplies", "Supplies, commodities, materials"),
            ("equipment", "Equipment, vehicles and furniture, including depreciation"),
            ("contractual-services", "Contractual services"),
            ("travel", "Travel"),
            ("transfers-grants", "Transfers and grants to counterparts"),
            ("general-operating", "General operating and other direct costs"),
        ],
    ),
}


class CategorySetRefused(ValueError):
    pass


@transaction.atomic
def adopt_category_set(*, programme: Programme, set_code: str) -> list[BudgetCategory]:
    """Give a programme the categories of a named set. Running it again changes nothing;
    a programme that already budgets in other categories is refused, not mixed."""
    if set_code not in CATEGORY_SETS:
        raise CategorySetRefused(
            _("There is no category set %(code)s; the sets are: %(sets)s.")
            % {"code": set_code, "sets": ", ".join(CATEGORY_SETS)}
        )
    _name, categories = CATEGORY_SETS[set_code]
    codes = [code for code, _label in categories]
    foreign = BudgetCategory.objects.filter(programme=programme).exclude(code__in=codes)
    if foreign.filter(budget_lines__isnull=False).exists():
        raise CategorySetRefused(
            _("%(programme)s already has budget lines in categories outside this set: %(categories)s.")
            % {
                "programme": programme.code,
                "categories": ", ".join(sorted(set(foreign.values_list("name", flat=True)))),
            }
        )
    foreign.delete()
    adopted = []
    for position, (code, name) in enumerate(categories, start=1):
        category, _created = BudgetCategory.objects.update_or_create(
            programme=programme, code=code, defaults={"name": name, "position": position}
        )
        adopted.append(category)
    return adopted
