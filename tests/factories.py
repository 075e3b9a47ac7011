"""factory-boy factories: the smallest valid object of each kind, overridable per test."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Municipality, MunicipalityDomain, User
from forums.models import Board, Membership, Post, Topic, WorkField


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "272221"
    prefecture = "大阪府"
    name = "羽曳野市"
    kana = "ハビキノシ"
    kind = Municipality.Kind.CITY


class MunicipalityDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityDomain

    municipality = factory.SubFactory(MunicipalityFactory)
    domain = "city.habikino.lg.jp"
    confirmed_at = factory.LazyFunction(timezone.now)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@city.habikino.lg.jp")
    full_name = factory.Sequence(lambda n: f"職員 {n}号")
    display_name = factory.Sequence(lambda n: f"職員{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    department = "健康増進課"
    position = "主査"
    status = User.Status.VERIFIED
    password = factory.django.Password("correct-horse-battery-42")

    @factory.post_generation
    def email_address(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class WorkFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkField
        django_get_or_create = ("slug",)

    slug = "vaccination"
    name_ja = "予防接種"
    name_en = "Vaccination"


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    slug = factory.Sequence(lambda n: f"board-{n}")
    name_ja = factory.Sequence(lambda n: f"予防接種{n}")
    name_en = factory.Sequence(lambda n: f"Vaccination {n}")
    description_ja = "予防接種業務の情報交換"
    field = factory.SubFactory(WorkFieldFactory)
    join_policy = Board.JoinPolicy.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE


def make_topic(author, board, title="モデルナの保管方法", body="冷凍庫は何度で保管していますか？"):
    """A topic through the real service, so counters and numbers are right."""
    from forums import services

    return services.create_topic(author, board, title, body)


def make_reply(author, topic, body="うちでは-20℃で保管しています。") -> Post:
    from forums import services

    return services.post_reply(author, topic, body)


__all__ = ["Topic", "make_reply", "make_topic"]
