"""Remember at sign-in whether the member moderates any board, so that the header knows
whether to count pending work without a query on every page (see ``moderation.queries``)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from moderation import queries


@receiver(user_logged_in)
def remember_moderator_role(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        queries.remember_role(request.session, user)
