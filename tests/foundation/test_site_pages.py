"""The site is Japanese by default, private, and serves everything from its own origin."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_in_japanese_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "オンライン市役所" in html


def test_a_visitor_can_switch_to_english_and_it_is_remembered(client):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Online City Hall" in html


def test_language_switch_never_redirects_to_another_site(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_member_language_choice_is_saved_on_the_profile(login, verified_user):
    client = login(verified_user)
    client.post("/language/", {"language": "en", "next": "/"})
    verified_user.refresh_from_db()
    assert verified_user.language == "en"


def test_robots_are_turned_away_everywhere(client):
    assert client.get("/robots.txt").content.decode() == "User-agent: *\nDisallow: /\n"
    assert client.get("/").headers["X-Robots-Tag"] == "noindex, nofollow"


def test_pages_load_nothing_from_another_origin(login, verified_user, client):
    for response in (
        client.get("/"),
        client.get("/accounts/login/"),
        login(verified_user).get("/boards/"),
    ):
        html = response.content.decode()
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
        assert external == [], external


def test_every_page_has_a_skip_link_and_a_main_landmark(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
