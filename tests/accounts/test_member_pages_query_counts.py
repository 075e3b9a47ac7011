"""The member directory and a member's profile cost the same number of queries however many
members there are and however many jobs a member has had."""

import pytest
from django.urls import reverse

from accounts import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("members", [3, 40])
def test_the_directory_costs_the_same_queries_for_more_members(
    login, member, members, django_assert_num_queries
):
    UserFactory.create_batch(members, department="保健センター")
    client = login(member)
    url = reverse("accounts:members")
    client.get(url)
    with django_assert_num_queries(6):
        page = client.get(url)
    html = page.content.decode()
    assert html.count('href="/members/') >= min(members, 30)


@pytest.mark.parametrize("moves", [0, 4])
def test_a_profile_costs_the_same_queries_for_a_longer_career(
    login, member, moves, django_assert_num_queries
):
    colleague = UserFactory(department="税務課")
    for number in range(moves):
        services.update_profile(colleague, department=f"部署{number}")
    client = login(member)
    url = reverse("accounts:profile", args=[colleague.pk])
    client.get(url)
    with django_assert_num_queries(9):
        page = client.get(url)
    assert colleague.full_name in page.content.decode()
