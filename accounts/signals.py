from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import SESSION_KEY
from accounts.services import chosen_language


@receiver(user_logged_in)
def read_language_at_login(sender, request, user, **kwargs):
    """The person's language into their new session, read once here: no page pays for it."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen_language(user)
