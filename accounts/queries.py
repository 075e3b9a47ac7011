"""Reads about members and municipalities."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Concat

from accounts.models import Municipality, MunicipalityDomain, User


def municipality_for_domain(domain: str) -> Municipality | None:
    """The municipality that owns an e-mail domain, matching parent domains too.

    mail.city.habikino.lg.jp belongs to whoever owns city.habikino.lg.jp.
    """
    labels = domain.strip().lower().split(".")
    candidates = [".".join(labels[index:]) for index in range(len(labels) - 1)]
    if not candidates:
        return None
    matches = MunicipalityDomain.objects.filter(domain__in=candidates).select_related(
        "municipality"
    )
    by_domain = {match.domain: match.municipality for match in matches}
    for candidate in candidates:  # the most specific registration wins
        if candidate in by_domain:
            return by_domain[candidate]
    return None


def search_municipalities(text: str, limit: int = 20) -> list[Municipality]:
    """Municipalities whose name, kana, prefecture or code matches what someone typed."""
    text = " ".join(text.split())
    if not text:
        return []
    condition = Q()
    for word in text.split(" "):
        condition &= (
            Q(name__contains=word)
            | Q(kana__contains=word)
            | Q(prefecture__contains=word)
            | Q(code__startswith=word)
            | Q(full_name__contains=word)
        )
    municipalities = Municipality.objects.annotate(full_name=Concat("prefecture", "name"))
    return list(municipalities.filter(condition).order_by("code")[:limit])


def review_queue() -> QuerySet[User]:
    """Applicants waiting for a moderator, and verified staff whose address did not match."""
    return (
        User.objects.filter(
            Q(status=User.Status.PENDING) | Q(status=User.Status.VERIFIED, domain_mismatch=True)
        )
        .select_related("municipality")
        .order_by("date_joined")
    )


def with_place(members: QuerySet, via: str = "") -> QuerySet:
    """Annotate ``place`` (prefecture + municipality), so that 大阪府羽曳野市 typed as one word
    matches too. ``via`` is the path to the user, e.g. ``"user__"`` from a membership."""
    return members.annotate(
        place=Concat(f"{via}municipality__prefecture", f"{via}municipality__name")
    )


def member_word_filter(word: str, via: str = "") -> Q:
    """A member whose name, department or municipality contains ``word`` (needs with_place)."""
    return (
        Q(**{f"{via}full_name__icontains": word})
        | Q(**{f"{via}display_name__icontains": word})
        | Q(**{f"{via}department__icontains": word})
        | Q(**{f"{via}municipality__name__contains": word})
        | Q(**{f"{via}municipality__prefecture__contains": word})
        | Q(place__contains=word)
    )


def search_members(text: str) -> QuerySet[User]:
    """The directory: also finds people by position, what they help with and past jobs."""
    members = with_place(
        User.objects.filter(status=User.Status.VERIFIED, is_active=True).select_related(
            "municipality"
        )
    )
    for word in " ".join(text.split()).split(" "):
        if word:
            members = members.filter(
                member_word_filter(word)
                | Q(position__icontains=word)
                | Q(can_help_with__icontains=word)
                | Q(assignments__department__icontains=word)
            )
    return members.distinct().order_by("municipality__code", "display_name")
