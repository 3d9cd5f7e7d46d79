from django.conf import settings
from django.db import transaction

from accounts.models import Profile


@transaction.atomic
def remember_language(*, user, language: str) -> Profile:
    """Keep the language a person chose with their account: every device they log in from uses it."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of the app: {language!r}")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.full_clean()
        profile.save(update_fields=["language"])
    return profile


def chosen_language(user) -> str:
    """The language the person chose last, or "" when they never chose one."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
