"""Roles per programme: memberships replace the role groups and the global focal-point link.
Each member of a role group gets that role in every programme loaded (there was one), a focal
point with their agency; then the groups go, so that memberships are the only source of roles."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from workplan.role_grants import grant

GROUP_ROLES = {"PMC member": "pmc_member", "Agency focal point": "focal_point", "Coordinator": "coordinator"}


def groups_to_memberships(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    FocalPoint = apps.get_model("workplan", "FocalPoint")
    Membership = apps.get_model("workplan", "Membership")
    Programme = apps.get_model("workplan", "Programme")
    programmes = list(Programme.objects.all())
    agency_of = dict(FocalPoint.objects.values_list("user_id", "agency_id"))
    for group in Group.objects.filter(name__in=GROUP_ROLES):
        role = GROUP_ROLES[group.name]
        for user in group.user_set.all():
            if role == "focal_point" and user.pk not in agency_of:
                continue  # a focal point with no agency could edit nothing before either
            for programme in programmes:
                Membership.objects.get_or_create(
                    user=user,
                    programme=programme,
                    role=role,
                    defaults={"agency_id": agency_of.get(user.pk) if role == "focal_point" else None},
                )
        group.delete()


def memberships_to_groups(apps, schema_editor):
    for migration in (
        "workplan.migrations.0003_role_groups",
        "budgets.migrations.0002_role_permissions",
        "outcomes.migrations.0002_role_permissions",
    ):
        grant(apps, import_module(migration).ROLE_PERMISSIONS)
    Group = apps.get_model("auth", "Group")
    FocalPoint = apps.get_model("workplan", "FocalPoint")
    Membership = apps.get_model("workplan", "Membership")
    role_groups = {role: Group.objects.get(name=name) for name, role in GROUP_ROLES.items()}
    for membership in Membership.objects.exclude(role="fund_secretariat"):
        membership.user.groups.add(role_groups[membership.role])
        if membership.agency_id:
            FocalPoint.objects.update_or_create(user=membership.user, defaults={"agency_id": membership.agency_id})


class Migration(migrations.Migration):

    dependencies = [
        ('workplan', '0003_role_groups'),
        # The role groups are complete only once these have given them their permissions.
        ('budgets', '0003_import_permissions'),
        ('outcomes', '0003_import_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='activity',
            options={'ordering': ['work_plan', 'sort_key'], 'verbose_name': 'activity', 'verbose_name_plural': 'activities'},
        ),
        migrations.AlterModelOptions(
            name='workplan',
            options={'ordering': ['programme', 'year'], 'verbose_name': 'work plan', 'verbose_name_plural': 'work plans'},
        ),
        migrations.AddField(
            model_name='programme',
            name='is_demo',
            field=models.BooleanField(default=False, help_text='Shown on every page of the programme, so that nobody takes its figures for real ones.', verbose_name='made-up demonstration data'),
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('pmc_member', 'PMC member'), ('focal_point', 'Agency focal point'), ('coordinator', 'Coordinator'), ('fund_secretariat', 'Fund secretariat')], max_length=20, verbose_name='role')),
                ('agency', models.ForeignKey(blank=True, help_text='The agency whose activities, budget lines and results an agency focal point enters.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='focal_points', to='workplan.agency', verbose_name='UN agency')),
                ('programme', models.ForeignKey(blank=True, help_text='Empty for the fund secretariat, which follows every programme.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='workplan.programme', verbose_name='programme')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'membership',
                'verbose_name_plural': 'memberships',
                'ordering': ['programme__code', 'role', 'user__username'],
            },
        ),
        migrations.RunPython(groups_to_memberships, memberships_to_groups),
        migrations.DeleteModel(
            name='FocalPoint',
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(fields=('user', 'programme', 'role'), name='one_membership_per_role_in_programme', violation_error_message='This person already has this role in this programme.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(condition=models.Q(('programme__isnull', True)), fields=('user',), name='one_fund_secretariat_membership', violation_error_message='This person is already in the fund secretariat.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agency__isnull', False), ('role', 'focal_point')), models.Q(models.Q(('role', 'focal_point'), _negated=True), ('agency__isnull', True)), _connector='OR'), name='focal_point_has_an_agency', violation_error_message='An agency focal point needs an agency, and only a focal point has one.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('programme__isnull', True), ('role', 'fund_secretariat')), models.Q(models.Q(('role', 'fund_secretariat'), _negated=True), ('programme__isnull', False)), _connector='OR'), name='only_fund_secretariat_spans_programmes', violation_error_message='The fund secretariat follows every programme; every other role is in one.'),
        ),
    ]
