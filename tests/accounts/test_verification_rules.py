"""The verification rules as a table: kind of domain × registered or not × organisation match.

These run against ``accounts.verification`` alone (no database), the module every door asks.
"""

import pytest

from accounts import verification
from accounts.verification import DomainKind, Outcome, Reason, Refusal, Registration

HABIKINO, FUJIIDERA = 1, 2


def registry(*entries: tuple[str, int, bool]) -> dict[str, Registration]:
    return {domain: Registration(domain, owner, in_effect) for domain, owner, in_effect in entries}


# --- What kind of domain is it? --------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "kind"),
    [
        ("city.habikino.lg.jp", DomainKind.GOVERNMENT),
        ("mail.city.habikino.lg.jp", DomainKind.GOVERNMENT),
        ("pref.osaka.lg.jp", DomainKind.GOVERNMENT),
        ("mhlw.go.jp", DomainKind.GOVERNMENT),
        ("city.fuchu.hiroshima.jp", DomainKind.OTHER),
        ("city.kobe.jp", DomainKind.OTHER),
        ("habikino-city.jp", DomainKind.OTHER),
        ("gmail.com", DomainKind.PERSONAL),
        ("yahoo.co.jp", DomainKind.PERSONAL),
        ("icloud.com", DomainKind.PERSONAL),
        ("docomo.ne.jp", DomainKind.PERSONAL),
        ("ezweb.ne.jp", DomainKind.PERSONAL),
        ("au.com", DomainKind.PERSONAL),
        ("softbank.ne.jp", DomainKind.PERSONAL),
        ("i.softbank.jp", DomainKind.PERSONAL),
        ("ymobile.ne.jp", DomainKind.PERSONAL),
        ("nifty.com", DomainKind.PERSONAL),
        ("biglobe.ne.jp", DomainKind.PERSONAL),
        ("ocn.ne.jp", DomainKind.PERSONAL),
        ("xa2.so-net.ne.jp", DomainKind.PERSONAL),  # a provider's subdomain is the provider's
        ("GMail.COM", DomainKind.PERSONAL),
        ("mailinator.com", DomainKind.DISPOSABLE),
        ("lg.jp", DomainKind.PUBLIC_SUFFIX),
        ("go.jp", DomainKind.PUBLIC_SUFFIX),
        ("ne.jp", DomainKind.PUBLIC_SUFFIX),
        ("co.jp", DomainKind.PUBLIC_SUFFIX),
        ("osaka.jp", DomainKind.PUBLIC_SUFFIX),
        ("jp", DomainKind.INVALID),
        ("", DomainKind.INVALID),
        ("city..lg.jp", DomainKind.INVALID),
        ("<script>.lg.jp", DomainKind.INVALID),
        ("市役所.jp", DomainKind.INVALID),  # only the ASCII form is stored
    ],
)
def test_domain_kind(domain, kind):
    assert verification.classify_domain(domain) == kind


def test_japanese_data_file_covers_what_the_international_lists_miss():
    personal = verification.japanese_personal_domains()
    for domain in ("docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp"):
        assert domain in personal
    for domain in ("nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "ymobile.ne.jp"):
        assert domain in personal


def test_japanese_data_file_holds_only_well_formed_registrable_domains():
    for domain in verification.japanese_personal_domains():
        assert domain == domain.strip().lower()
        assert not verification.government_suffix(domain), domain
        assert verification.classify_domain(domain) == DomainKind.PERSONAL, domain


# --- What a confirmed address proves ---------------------------------------------------------

DECISIONS = [
    # address, organisation chosen, registry, outcome, reason
    ("a@city.habikino.lg.jp", HABIKINO, [("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.VERIFIED, Reason.REGISTERED),
    ("a@mail.city.habikino.lg.jp", HABIKINO, [("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.VERIFIED, Reason.REGISTERED),
    ("a@city.habikino.lg.jp", FUJIIDERA, [("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.REVIEW, Reason.REGISTERED_ELSEWHERE),
    ("a@city.habikino.lg.jp", None, [("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.REVIEW, Reason.REGISTERED_ELSEWHERE),
    ("a@city.sakai.lg.jp", HABIKINO, [("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.REVIEW, Reason.GOVERNMENT_UNREGISTERED),
    ("a@mhlw.go.jp", HABIKINO, [],
     Outcome.REVIEW, Reason.GOVERNMENT_UNREGISTERED),
    ("a@habikino-city.jp", HABIKINO, [],
     Outcome.REVIEW, Reason.UNREGISTERED),
    ("a@habikino-city.jp", HABIKINO, [("habikino-city.jp", HABIKINO, False)],
     Outcome.REVIEW, Reason.AWAITING_CONFIRMATION),
    ("a@habikino-city.jp", HABIKINO, [("habikino-city.jp", HABIKINO, True)],
     Outcome.VERIFIED, Reason.REGISTERED),
    ("a@habikino-city.jp", FUJIIDERA, [("habikino-city.jp", HABIKINO, True)],
     Outcome.REVIEW, Reason.REGISTERED_ELSEWHERE),
    # A personal domain registered by mistake (before these rules) proves nothing, even for
    # the organisation it was registered to.
    ("a@gmail.com", HABIKINO, [("gmail.com", HABIKINO, True)],
     Outcome.REVIEW, Reason.PERSONAL),
    ("a@gmail.com", FUJIIDERA, [("gmail.com", HABIKINO, True)],
     Outcome.REVIEW, Reason.PERSONAL),
    ("a@docomo.ne.jp", HABIKINO, [],
     Outcome.REVIEW, Reason.PERSONAL),
    ("a@mailinator.com", HABIKINO, [],
     Outcome.REVIEW, Reason.DISPOSABLE),
    # The most specific registration wins.
    ("a@city.habikino.lg.jp", HABIKINO,
     [("habikino.lg.jp", FUJIIDERA, True), ("city.habikino.lg.jp", HABIKINO, True)],
     Outcome.VERIFIED, Reason.REGISTERED),
]  # fmt: skip


@pytest.mark.parametrize(("email", "organisation", "entries", "outcome", "reason"), DECISIONS)
def test_what_a_confirmed_address_proves(email, organisation, entries, outcome, reason):
    decision = verification.decide(
        email, organisation_id=organisation, registrations=registry(*entries)
    )

    assert (decision.outcome, decision.reason) == (outcome, reason)


# --- Which domains may be registered, and how they take effect -------------------------------

REGISTRATIONS = [
    # domain, organisation, existing entry, allowed, refusal, needs a second moderator
    ("city.habikino.lg.jp", HABIKINO, None, True, None, False),
    ("mhlw.go.jp", HABIKINO, None, True, None, False),
    ("habikino-city.jp", HABIKINO, None, True, None, True),
    ("city.kobe.jp", HABIKINO, None, True, None, True),
    ("city.habikino.lg.jp", HABIKINO, ("city.habikino.lg.jp", HABIKINO, True), True, None, False),
    ("city.habikino.lg.jp", FUJIIDERA, ("city.habikino.lg.jp", HABIKINO, True),
     False, Refusal.REGISTERED_ELSEWHERE, False),
    ("city.habikino.lg.jp", None, None, False, Refusal.NO_ORGANISATION, False),
    ("gmail.com", HABIKINO, None, False, Refusal.PERSONAL, False),
    ("yahoo.co.jp", HABIKINO, None, False, Refusal.PERSONAL, False),
    ("docomo.ne.jp", HABIKINO, None, False, Refusal.PERSONAL, False),
    ("i.softbank.jp", HABIKINO, None, False, Refusal.PERSONAL, False),
    ("mailinator.com", HABIKINO, None, False, Refusal.DISPOSABLE, False),
    ("lg.jp", HABIKINO, None, False, Refusal.PUBLIC_SUFFIX, False),
    ("go.jp", HABIKINO, None, False, Refusal.PUBLIC_SUFFIX, False),
    ("ne.jp", HABIKINO, None, False, Refusal.PUBLIC_SUFFIX, False),
    ("co.jp", HABIKINO, None, False, Refusal.PUBLIC_SUFFIX, False),
    ("osaka.jp", HABIKINO, None, False, Refusal.PUBLIC_SUFFIX, False),
    ("osaka.lg.jp", HABIKINO, None, False, Refusal.TOO_BROAD, False),
    ("bad domain", HABIKINO, None, False, Refusal.INVALID, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("domain", "organisation", "existing", "allowed", "refusal", "second"), REGISTRATIONS
)
def test_which_domains_may_be_registered(domain, organisation, existing, allowed, refusal, second):
    rule = verification.registration_rule(
        domain,
        organisation_id=organisation,
        existing=Registration(*existing) if existing else None,
    )

    assert (rule.allowed, rule.refusal, rule.needs_second_moderator) == (allowed, refusal, second)


@pytest.mark.parametrize("refusal", list(Refusal))
def test_every_refusal_has_a_message_naming_the_domain(refusal):
    rule = verification.RegistrationRule(allowed=False, refusal=refusal)
    message = verification.refusal_message(rule, "example.jp")
    assert message
    assert "example.jp" in message or refusal == Refusal.NO_ORGANISATION


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_is_explained_to_the_reviewer(reason):
    assert str(verification.REASON_TEXT[reason])
