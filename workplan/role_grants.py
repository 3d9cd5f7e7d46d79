"""Used by data migrations of each app to give the role groups that app's permissions.

Kept free of model imports: migrations pass their own historical `apps`.
"""

from django.contrib.auth.management import create_permissions


def grant(apps, role_permissions: dict[str, list[str]]) -> None:
    """Create the groups if needed and add the permissions ("app_label.codename") to them."""
    # Permissions are otherwise created after the last migration; these are needed now.
    # create_permissions skips an app whose models_module is unset, as it is in migrations.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, role_permissions: dict[str, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in role_permissions.items():
        for group in Group.objects.filter(name=name):
            for code in codes:
                app_label, codename = code.split(".")
                group.permissions.remove(
                    *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )


def create_custom_permissions(apps, permissions: dict[str, str]) -> None:
    """Create permissions that no model's Meta declares, such as django-import-export's
    "import_<model>": {"app_label.codename": "name"}, with codename "<action>_<model name>"."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for code, name in permissions.items():
        app_label, codename = code.split(".")
        model = codename.split("_", 1)[1]
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})


def delete_custom_permissions(apps, permissions: dict[str, str]) -> None:
    Permission = apps.get_model("auth", "Permission")
    for code in permissions:
        app_label, codename = code.split(".")
        Permission.objects.filter(content_type__app_label=app_label, codename=codename).delete()
