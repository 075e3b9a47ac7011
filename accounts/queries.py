"""Reads about members and municipalities."""

import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Concat

from accounts import verification
from accounts.models import Assignment, Municipality, MunicipalityDomain, User
from core.compiled import CompiledRead


def registrations_covering(domains) -> dict[str, MunicipalityDomain]:
    """Registry entries of the given domains and of their parents, in one query, by domain."""
    candidates = {
        candidate
        for domain in domains
        for candidate in verification.parent_domains(verification.normalise_domain(domain))
    }
    if not candidates:
        return {}
    matches = MunicipalityDomain.objects.filter(domain__in=candidates).select_related(
        "municipality"
    )
    return {match.domain: match for match in matches}


def as_rule_registrations(entries: dict[str, MunicipalityDomain]):
    return {
        domain: verification.Registration(
            domain=domain, organisation_id=entry.municipality_id, in_effect=entry.in_effect
        )
        for domain, entry in entries.items()
    }


def registration_for_domain(domain: str) -> MunicipalityDomain | None:
    """The entry that covers an e-mail domain: its own, or its nearest registered parent's.

    mail.city.habikino.lg.jp belongs to whoever owns city.habikino.lg.jp.
    """
    entries = registrations_covering([domain])
    for candidate in verification.parent_domains(verification.normalise_domain(domain)):
        if candidate in entries:
            return entries[candidate]
    return None


def municipality_for_domain(domain: str) -> Municipality | None:
    entry = registration_for_domain(domain)
    return entry.municipality if entry is not None else None


def verification_decision(member: User, entries=None) -> verification.Decision:
    """What the member's address proves today for the municipality they chose."""
    if entries is None:
        entries = registrations_covering([member.email_domain])
    return verification.decide(
        member.email,
        organisation_id=member.municipality_id,
        registrations=as_rule_registrations(entries),
    )


def _katakana(word: str) -> str:
    """The reading as stored (full-width katakana), whether typed in hiragana, katakana or
    half-width katakana: さっぽろ and ｻｯﾎﾟﾛ both become サッポロ."""
    word = unicodedata.normalize("NFKC", word)
    return "".join(chr(ord(char) + 0x60) if "ぁ" <= char <= "ゖ" else char for char in word)


def search_municipalities(text: str, limit: int = 20) -> list[Municipality]:
    """Municipalities whose name, reading (in any kana), prefecture or code matches what
    someone typed."""
    text = " ".join(text.split())
    if not text:
        return []
    condition = Q()
    for word in text.split(" "):
        condition &= (
            Q(name__contains=word)
            | Q(kana__contains=_katakana(word))
            | Q(prefecture__contains=word)
            | Q(code__startswith=word)
            | Q(full_name__contains=word)
        )
    municipalities = Municipality.objects.annotate(full_name=Concat("prefecture", "name"))
    return list(municipalities.filter(condition).order_by("code")[:limit])


def waiting_for_a_site_moderator() -> Q:
    """Applicants waiting for a moderator, and verified staff to check again (their address did
    not match, or the domain that verified them was removed)."""
    return (
        Q(status=User.Status.PENDING)
        | Q(status=User.Status.VERIFIED, domain_mismatch=True)
        | Q(status=User.Status.VERIFIED, needs_recheck=True)
    )


_REVIEW_QUEUE = CompiledRead(
    lambda: (
        User.objects.filter(waiting_for_a_site_moderator())
        .select_related("municipality")
        .order_by("date_joined")
    )
)


def review_queue() -> list[User]:
    """The members of ``waiting_for_a_site_moderator``, oldest first (compiled once)."""
    return _REVIEW_QUEUE()


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
                | Exists(Assignment.objects.filter(user=OuterRef("pk"), department__icontains=word))
            )
    # Past jobs are matched with EXISTS, not a join: no member comes twice, so no DISTINCT over
    # every column of every member (the page's count alone took 18 ms of PostgreSQL at 5,000).
    return members.order_by("municipality__code", "display_name")


def domain_registry() -> QuerySet[MunicipalityDomain]:
    return MunicipalityDomain.objects.select_related(
        "municipality", "registered_by", "confirmed_by"
    ).order_by(F("confirmed_at").asc(nulls_first=True), "domain")


@dataclass(frozen=True)
class Assessment:
    """What a site moderator needs to decide about one member's address."""

    member: User
    decision: verification.Decision
    rule: verification.RegistrationRule
    registration: MunicipalityDomain | None  # the entry covering the address, if any

    @property
    def reason_text(self) -> str:
        return str(verification.REASON_TEXT[self.decision.reason])

    @property
    def government_evidence(self) -> bool:
        return self.decision.kind == verification.DomainKind.GOVERNMENT

    @property
    def refusal_text(self) -> str:
        if self.rule.allowed:
            return ""
        return verification.refusal_message(self.rule, self.member.email_domain)


def assess_members(members) -> list[Assessment]:
    """Assessments of several members' addresses with one registry query for all of them."""
    members = list(members)
    entries = registrations_covering(member.email_domain for member in members)
    rule_entries = as_rule_registrations(entries)
    assessments = []
    for member in members:
        domain = member.email_domain
        covering = next(
            (entries[d] for d in verification.parent_domains(domain) if d in entries), None
        )
        assessments.append(
            Assessment(
                member=member,
                decision=verification.decide(
                    member.email,
                    organisation_id=member.municipality_id,
                    registrations=rule_entries,
                ),
                rule=verification.registration_rule(
                    domain,
                    organisation_id=member.municipality_id,
                    existing=rule_entries.get(domain),
                ),
                registration=covering,
            )
        )
    return assessments


# Both read on every profile: compiled once (core.compiled).
_MEMBER_WITH_PLACE = CompiledRead(
    lambda pk: User.objects.select_related("municipality").filter(pk=pk).order_by("pk")[:1]
)
_ASSIGNMENTS = CompiledRead(
    lambda user_id: (
        Assignment.objects.filter(user_id=user_id)
        .select_related("municipality", "field")
        .order_by("-started_on", "-id")
    )
)


def member_with_place(pk: int) -> User | None:
    """The member with their organisation, or None."""
    return _MEMBER_WITH_PLACE.first(pk)


def assignments_of(member) -> list[Assignment]:
    """A member's timeline, with organisations and fields: planned posts first (they start
    later), then the current ones, then the past ones, newest first."""
    return _ASSIGNMENTS(member.pk)
