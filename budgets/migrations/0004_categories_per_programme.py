"""Budget categories belong to a programme. Each existing category goes to every programme
that uses it (budget lines or stated totals), copied where several do; an unused one goes to
the first programme."""

import django.db.models.deletion
from django.db import migrations, models


def give_categories_to_programmes(apps, schema_editor):
    Programme = apps.get_model("workplan", "Programme")
    BudgetCategory = apps.get_model("budgets", "BudgetCategory")
    BudgetLine = apps.get_model("budgets", "BudgetLine")
    StatedCategoryTotal = apps.get_model("budgets", "StatedCategoryTotal")
    first_programme = Programme.objects.order_by("code").first()
    for category in BudgetCategory.objects.filter(programme=None):
        users = set(
            BudgetLine.objects.filter(category=category).values_list("activity__work_plan__programme_id", flat=True)
        ) | set(
            StatedCategoryTotal.objects.filter(category=category).values_list(
                "stated_budget__work_plan__programme_id", flat=True
            )
        )
        if not users:
            if first_programme is None:
                category.delete()
            else:
                category.programme = first_programme
                category.save(update_fields=["programme"])
            continue
        owner, *others = sorted(users)
        category.programme_id = owner
        category.save(update_fields=["programme"])
        for programme_id in others:
            copy = BudgetCategory.objects.create(
                programme_id=programme_id, code=category.code, name=category.name, position=category.position
            )
            BudgetLine.objects.filter(category=category, activity__work_plan__programme_id=programme_id).update(
                category=copy
            )
            StatedCategoryTotal.objects.filter(
                category=category, stated_budget__work_plan__programme_id=programme_id
            ).update(category=copy)


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0003_import_permissions'),
        ('workplan', '0004_memberships'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='budgetcategory',
            options={'ordering': ['programme', 'position', 'name'], 'verbose_name': 'budget category', 'verbose_name_plural': 'budget categories'},
        ),
        migrations.AddField(
            model_name='budgetcategory',
            name='programme',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='budget_categories', to='workplan.programme', verbose_name='programme'),
        ),
        migrations.AlterField(
            model_name='budgetcategory',
            name='code',
            field=models.SlugField(max_length=40, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='budgetcategory',
            name='name',
            field=models.CharField(max_length=100, verbose_name='name'),
        ),
        migrations.RunPython(give_categories_to_programmes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='budgetcategory',
            name='programme',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget_categories', to='workplan.programme', verbose_name='programme'),
        ),
        migrations.AddConstraint(
            model_name='budgetcategory',
            constraint=models.UniqueConstraint(fields=('programme', 'code'), name='budget_category_code_unique_in_programme'),
        ),
        migrations.AddConstraint(
            model_name='budgetcategory',
            constraint=models.UniqueConstraint(fields=('programme', 'name'), name='budget_category_name_unique_in_programme'),
        ),
    ]
