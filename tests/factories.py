"""Test data, built through the same services the application uses."""

import factory

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.services import membership_create, organization_create
from organizations.uai import uai_check_letter

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)


def make_uai(number: int) -> str:
    digits = f"{number:07d}"
    return digits + uai_check_letter(digits)


_uai_counter = iter(range(750000, 9999999))


def make_organization(**kwargs) -> Organization:
    number = next(_uai_counter)
    defaults = {
        "name": f"Collège n°{number}",
        "type": Organization.Type.SCO,
        "uai": make_uai(number),
        "official_email": f"ce.{number}@ac-test.fr",
    }
    defaults.update(kwargs)
    return organization_create(**defaults)


def make_member(organization: Organization, role: str = Membership.Role.MEMBER, **user_kwargs):
    user = UserFactory(**user_kwargs)
    membership_create(user=user, organization=organization, role=role)
    return user
