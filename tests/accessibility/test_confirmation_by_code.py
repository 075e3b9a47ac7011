"""Journey 1 from a separated network: sign up with a work address, read the code in a mail
whose links were disabled, type it, and be verified; or open the link where links still work."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from accounts.models import User
from tests.factories import MunicipalityDomainFactory, MunicipalityFactory

pytestmark = pytest.mark.browser

CODE = re.compile(r"^ {4}(\S+)$", re.MULTILINE)
LINK = re.compile(r"https?://\S+(/accounts/confirm-email/\?code=\S+)")


def sign_up(page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill("Sakura-no-hana-2024!")
    page.locator("#id_password2").fill("Sakura-no-hana-2024!")
    page.locator("#id_full_name").fill("田中 一郎")
    page.locator("#id_display_name").fill("田中（羽曳野市）")
    page.locator("#id_municipality").fill("羽曳野市")
    page.locator("#id_department").fill("健康増進課")
    page.locator("#id_department").press("Enter")
    page.locator("input[name=code]").wait_for()


def test_the_code_typed_by_hand_verifies_a_work_address(open_tab, site):
    MunicipalityDomainFactory(municipality=MunicipalityFactory(), domain="city.habikino.lg.jp")
    page = open_tab()
    sign_up(page, "tanaka.ichiro@city.habikino.lg.jp")

    results = Axe().run(page).response
    serious = [v["id"] for v in results["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []
    page.screenshot(path="test-artifacts/confirmation-code.png", full_page=True)
    [message] = [m for m in mail.outbox if "tanaka.ichiro@city.habikino.lg.jp" in m.to]
    page.locator("input[name=code]").fill(CODE.search(message.body).group(1))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(re.compile(r"/account/status/|/$"))

    member = User.objects.get(email="tanaka.ichiro@city.habikino.lg.jp")
    assert member.status == User.Status.VERIFIED


def test_the_link_in_the_mail_fills_the_code_in(open_tab, site):
    page = open_tab()
    sign_up(page, "sato.jiro@city.habikino.lg.jp")
    [message] = [m for m in mail.outbox if "sato.jiro@city.habikino.lg.jp" in m.to]

    page.goto(LINK.search(message.body).group(1))

    assert page.locator("input[name=code]").input_value() == CODE.search(message.body).group(1)
    assert User.objects.get(email="sato.jiro@city.habikino.lg.jp").status == "unverified"
