"""A person's card is rendered once and kept, and is never stale: whatever it shows changes its
key, so the next page shows the change."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import translation

from fields import fragments, queries
from fields.models import Field
from tests.factories import UserFactory

from .conftest import worked

pytestmark = pytest.mark.django_db


@pytest.fixture
def kitayama(places):
    member = UserFactory(full_name="北山 経験者", ask_me=True, can_help_with="集団接種の会場設営")
    worked(member, places["kitayama"], "住民福祉課 予防接種係", datetime.date(2020, 4, 1))
    return member


def people_page(client) -> str:
    return client.get("/fields/people/?field=vaccination").content.decode()


def test_a_cached_card_is_the_card_the_template_renders(kitayama):
    cache.clear()
    field = Field.objects.get(slug="vaccination")
    [person] = queries.attach_experience([{"user_id": kitayama.pk}], field)
    with translation.override("ja"):
        fragments.attach_cards([person], field)
        first = person.card
        with mock.patch.object(fragments, "render_card", side_effect=AssertionError):
            [again] = queries.attach_experience([{"user_id": kitayama.pk}], field)
            fragments.attach_cards([again], field)  # from the cache: nothing is rendered
        assert again.card == first == fragments.render_card(person, field)
    assert "北山 経験者" in first and "集団接種の会場設営" in first
    assert "field=vaccination" in first


def test_a_change_to_the_member_or_their_post_shows_on_the_next_page(
    login, verified_user, kitayama
):
    client = login(verified_user)
    assert "住民福祉課 予防接種係" in people_page(client)

    kitayama.can_help_with = "ワクチンの在庫管理"
    kitayama.save()
    assignment = kitayama.assignments.get()
    assignment.department = "健康推進課"
    assignment.save()

    page = people_page(client)
    assert "ワクチンの在庫管理" in page and "健康推進課" in page
    assert "住民福祉課 予防接種係" not in page and "集団接種の会場設営" not in page


def test_the_card_follows_the_language_of_the_page(login, verified_user, kitayama):
    client = login(verified_user)
    assert "現在担当" in people_page(client)
    verified_user.language = "en"
    verified_user.save()
    page = people_page(client)
    assert "doing it now" in page and "現在担当" not in page


def test_an_organisations_kind_is_shown_only_where_its_name_does_not_say_it(places):
    from fields.templatetags.fields_tags import kind_badge_needed

    assert not kind_badge_needed(places["habikino"])  # 羽曳野市 says 市
    assert not kind_badge_needed(places["hiraizumi"])  # 平泉町
    assert not kind_badge_needed(places["osaka"])  # 大阪府
    assert kind_badge_needed(places["kobe"])  # 神戸市 is a designated city
