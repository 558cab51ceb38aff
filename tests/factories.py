"""Test data, built through the same services the application uses."""

import factory

from accounts.models import User
from organizations.models import CguVersion, Membership, Organization
from organizations.selectors import cgu_version_current
from organizations.services import (
    cgu_accept,
    cgu_version_publish,
    membership_create,
    organization_create,
)
from organizations.uai import uai_check_letter

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A person who has accepted the terms of use in force (publishing a first version if
    there is none), as everyone reaching the organisation space has; pass
    `cgu_accepted=False` for someone who has not."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        cgu_accepted = kwargs.pop("cgu_accepted", True)
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        if cgu_accepted:
            accept_cgu(user)
        return user


CGU_TEXT = "Conditions générales d'utilisation de Pix Orga (tests).\n\nArticle 1 : objet."


def current_cgu() -> CguVersion:
    """The version in force, published (by the system) when there is none yet."""
    return cgu_version_current() or cgu_version_publish(
        actor=None, text_fr=CGU_TEXT, text_en="Pix Orga terms of use (tests)."
    )


def accept_cgu(user: User) -> None:
    cgu_accept(user=user, version=current_cgu())


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


def make_member(
    organization: Organization,
    role: str = Membership.Role.MEMBER,
    *,
    cgu_accepted: bool = True,
    **user_kwargs,
):
    """A person with an active membership who has accepted the terms of use in force
    (`cgu_accepted=False`: who has not, and is sent to /cgu/)."""
    user = UserFactory(cgu_accepted=cgu_accepted, **user_kwargs)
    membership_create(user=user, organization=organization, role=role)
    return user


# --- Learners (students app) ------------------------------------------------------------

_ine_counter = iter(range(100_000_000, 999_999_999))


def make_ine() -> str:
    number = next(_ine_counter)
    return f"{number:010d}{chr(65 + number % 26)}"


def make_learner(organization: Organization, **fields):
    """A learner as an import would have written it (search and sort names included).

    Imports create learners in bulk (students.services); this is for tests that need a
    few rows in place before an import or a page.
    """
    import datetime

    from students.models import Learner
    from students.normalize import learner_search_name, learner_sort_name

    values = {
        "ine": make_ine(),
        "last_name": "MARTIN",
        "preferred_last_name": "",
        "first_name": "Léa",
        "middle_name": "",
        "third_name": "",
        "sex": "F",
        "birthdate": datetime.date(2012, 5, 17),
        "birth_country_code": "100",
        "birth_province_code": "075",
        "birth_city_code": "75056",
        "birth_city": "PARIS",
        "mef_code": "10210001110",
        "status": "ST",
        "division": "4A",
    }
    values.update(fields)
    values["search_name"] = learner_search_name(
        ine=values["ine"],
        last_name=values["last_name"],
        preferred_last_name=values["preferred_last_name"],
        first_name=values["first_name"],
        middle_name=values["middle_name"],
        third_name=values["third_name"],
    )
    values["sort_name"] = learner_sort_name(
        last_name=values["last_name"],
        preferred_last_name=values["preferred_last_name"],
        first_name=values["first_name"],
    )
    return Learner.objects.create(organization=organization, **values)


# --- Platform staff and the audit log ---------------------------------------------------


def make_staff(**user_kwargs):
    """A platform staff member with every back-office permission. The back office is not
    an organisation space: no terms of use accepted unless asked (`cgu_accepted=True`),
    so that their audit trail holds only what the test makes them do."""
    user_kwargs.setdefault("cgu_accepted", False)
    return UserFactory(is_staff=True, is_superuser=True, **user_kwargs)


def audit_rows(**filters) -> list[tuple]:
    """The audit log as (action, actor id, on behalf of, organisation id, target type,
    target id, details), oldest first, filtered on AuditLog fields."""
    from organizations.models import AuditLog

    return list(
        AuditLog.objects.filter(**filters)
        .order_by("created_at", "id")
        .values_list(
            "action",
            "actor_id",
            "on_behalf_of",
            "organization_id",
            "target_type",
            "target_id",
            "details",
        )
    )


# --- Campaigns (campaigns app) ----------------------------------------------------------


def make_campaign(organization: Organization, *, owner=None, **fields):
    """A campaign created through `campaign_create` by its owner (a new member unless
    given), on behalf of the owner's role there."""
    from campaigns.models import Campaign
    from campaigns.services import campaign_create

    owner = owner or make_member(organization)
    membership = Membership.objects.get(
        user=owner, organization=organization, disabled_at__isnull=True
    )
    values = {"name": "Évaluation de rentrée", "type": Campaign.Type.ASSESSMENT}
    values.update(fields)
    return campaign_create(
        actor=owner, organization=organization, on_behalf_of=membership.role, **values
    )


def make_participation(
    campaign, learner=None, *, shared: bool = False, external_id: str = "", **learner_fields
):
    """A student who joined `campaign` through `participation_start` (and sent their
    results with `shared=True`). The learner gets an account when it has none: linking
    (reconciliation) is the student side's, so tests link by hand here."""
    from campaigns.services import participation_share, participation_start

    if learner is None:
        learner_fields.setdefault("division", campaign.target_division or "4A")
        learner = make_learner(campaign.organization, **learner_fields)
    if learner.user_id is None:
        learner.user = UserFactory(email=None, username=f"eleve.{learner.ine.lower()}")
        learner.save(update_fields=["user"])
    participation = participation_start(
        campaign=campaign, user=learner.user, learner=learner, external_id=external_id
    )
    if shared:
        participation_share(participation=participation, user=learner.user)
    return participation


# --- Students joining by code (campaigns.views.student) --------------------------------------


def make_student(
    *, username: str | None = None, email: str | None = None, gar_id: str = "", **fields
):
    """A student's account: an identifier (generated from a counter unless given) and no
    e-mail unless given, no terms of use (students never see them). `gar_id`: it also
    signs in through the ENT with that IDO (a GAR authentication method)."""
    if username is None and email is None:
        username = f"eleve.{next(_student_counter)}"
    user = UserFactory(username=username, email=email, cgu_accepted=False, **fields)
    if gar_id:
        add_gar_method(user, gar_id)
    return user


def add_gar_method(user, ido: str, *, first_name: str = "", last_name: str = ""):
    """`user` signs in through the ENT with the IDO `ido` (through the accounts service)."""
    from accounts.models import AuthenticationMethod
    from accounts.services import authentication_method_add

    return authentication_method_add(
        user=user,
        provider=AuthenticationMethod.Provider.GAR,
        external_id=ido,
        first_name=first_name or user.first_name,
        last_name=last_name or user.last_name,
    )


_student_counter = iter(range(1, 10**9))


def link_learner(learner, user=None):
    """`learner` linked to `user` (a new student account unless given), as reconciliation
    would have made it."""
    learner.user = user or make_student()
    learner.save(update_fields=["user"])
    return learner
