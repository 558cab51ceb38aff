"""Applying imports: upsert, disable, re-enable, account links, the cross-school relink.

Every test runs twice (`write_path`): through PostgreSQL's COPY + SQL, and through the
ORM batches used on SQLite.
"""

import datetime

import pytest
from django.utils import timezone

from students.models import Import, Learner
from tests.factories import UserFactory, make_learner, make_organization
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status


def active(organization) -> dict[str, Learner]:
    return {
        learner.ine: learner
        for learner in Learner.objects.filter(organization=organization, disabled=False)
    }


def test_first_import_creates_the_students(organization, run_import, write_path):
    xml = siecle_xml(
        organization.uai,
        [
            pupil(
                "1111111111A", "LŒWENBRÜCK", "Éloïse", division="4E1", preferred_last_name="DUPONT"
            ),
            pupil("2222222222B", "MARTIN", "Hugo", division="4E2", sex="1", birthdate="02/03/2012"),
            pupil(None, "SANS", "Ine"),
            pupil("3333333333C", "PARTI", "Jules", left_on="30/06/2026"),
        ],
    )
    import_ = run_import(organization, xml)

    assert import_.status == Status.IMPORTED
    assert import_.counts == {
        "created": 2,
        "updated": 0,
        "reenabled": 0,
        "disabled": 0,
        "skipped": {"LEFT_SCHOOL": 1, "NO_INE": 1, "NO_DIVISION": 0},
    }
    learners = active(organization)
    assert set(learners) == {"1111111111A", "2222222222B"}
    eloise = learners["1111111111A"]
    assert (eloise.last_name, eloise.preferred_last_name, eloise.first_name) == (
        "LŒWENBRÜCK",
        "DUPONT",
        "Éloïse",
    )
    assert eloise.division == "4E1"
    assert eloise.sex == "F"
    assert eloise.birthdate == datetime.date(2011, 12, 31)
    assert eloise.birth_city_code == "75056"
    assert eloise.search_name == "loewenbruck dupont eloise 1111111111a"
    assert learners["2222222222B"].sex == "M"
    assert learners["2222222222B"].birthdate == datetime.date(2012, 3, 2)


def test_second_import_updates_disables_and_a_third_re_enables(
    organization, run_import, write_path
):
    first = [
        pupil("1111111111A", "ALPHA", "Ana", division="4A"),
        pupil("2222222222B", "BRAVO", "Ben", division="4A"),
        pupil("3333333333C", "CHARLIE", "Cid", division="4B"),
    ]
    run_import(organization, siecle_xml(organization.uai, first))

    second = [
        pupil("2222222222B", "BRAVO-NEW", "Ben", division="3A"),  # changed name and class
        pupil("3333333333C", "CHARLIE", "Cid", division="4B"),  # unchanged
        pupil("4444444444D", "DELTA", "Dan", division="4B"),  # new
    ]
    import_ = run_import(organization, siecle_xml(organization.uai, second))
    assert import_.counts["created"] == 1
    assert import_.counts["updated"] == 2
    assert import_.counts["reenabled"] == 0
    assert import_.counts["disabled"] == 1
    learners = active(organization)
    assert set(learners) == {"2222222222B", "3333333333C", "4444444444D"}
    assert learners["2222222222B"].last_name == "BRAVO-NEW"
    assert learners["2222222222B"].division == "3A"
    alpha = Learner.objects.get(organization=organization, ine="1111111111A")
    assert alpha.disabled is True
    assert alpha.last_name == "ALPHA"  # kept as it was, with its history

    third = [*second, pupil("1111111111A", "ALPHA", "Ana", division="3B")]
    import_ = run_import(organization, siecle_xml(organization.uai, third))
    assert import_.counts["created"] == 0
    assert import_.counts["updated"] == 3
    assert import_.counts["reenabled"] == 1
    assert import_.counts["disabled"] == 0
    alpha.refresh_from_db()
    assert alpha.disabled is False
    assert alpha.division == "3B"
    assert Learner.objects.filter(organization=organization).count() == 4


def test_a_student_whose_data_did_not_change_is_not_rewritten(organization, run_import, write_path):
    pupils = [pupil("1111111111A", "ALPHA", "Ana"), pupil("2222222222B", "BRAVO", "Ben")]
    run_import(organization, siecle_xml(organization.uai, pupils))
    before = dict(
        Learner.objects.filter(organization=organization).values_list("ine", "updated_at")
    )
    pupils[1] = pupil("2222222222B", "BRAVO", "Benoît")
    run_import(organization, siecle_xml(organization.uai, pupils))
    after = dict(Learner.objects.filter(organization=organization).values_list("ine", "updated_at"))
    assert after["1111111111A"] == before["1111111111A"]
    assert after["2222222222B"] > before["2222222222B"]


def test_imports_never_lose_an_account_link(organization, run_import, write_path):
    stays, leaves = UserFactory(), UserFactory()
    run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A", "ALPHA", "Ana"), pupil("2222222222B", "BRAVO", "Ben")],
        ),
    )
    Learner.objects.filter(ine="1111111111A").update(user=stays)
    Learner.objects.filter(ine="2222222222B").update(user=leaves)

    # Ana is updated, Ben leaves (disabled): both keep their account.
    run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A", "ALPHA", "Anna")]))
    ana = Learner.objects.get(ine="1111111111A")
    ben = Learner.objects.get(ine="2222222222B")
    assert (ana.first_name, ana.user, ana.disabled) == ("Anna", stays, False)
    assert (ben.user, ben.disabled) == (leaves, True)

    # Ben comes back: re-enabled, still linked.
    run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A", "ALPHA", "Anna"), pupil("2222222222B", "BRAVO", "Ben")],
        ),
    )
    ben.refresh_from_db()
    assert (ben.user, ben.disabled) == (leaves, False)


def test_a_student_who_changed_school_gets_their_account(
    organization, other_organization, run_import, write_path
):
    account = UserFactory()
    make_learner(
        other_organization, ine="1111111111A", birthdate=datetime.date(2011, 12, 31), user=account
    )
    # Same INE, another birth date: not the same person, no link.
    make_learner(
        other_organization,
        ine="2222222222B",
        birthdate=datetime.date(2010, 1, 1),
        user=UserFactory(),
    )
    import_ = run_import(
        organization,
        siecle_xml(
            organization.uai,
            [
                pupil("1111111111A", "ALPHA", "Ana", birthdate="31/12/2011"),
                pupil("2222222222B", "BRAVO", "Ben", birthdate="31/12/2011"),
            ],
        ),
    )
    assert import_.status == Status.IMPORTED
    assert Learner.objects.get(organization=organization, ine="1111111111A").user == account
    assert Learner.objects.get(organization=organization, ine="2222222222B").user is None
    # The other school's line keeps its link too.
    assert Learner.objects.get(organization=other_organization, ine="1111111111A").user == account


def test_relink_skips_an_account_already_linked_in_this_school(
    organization, other_organization, run_import, write_path
):
    account = UserFactory()
    make_learner(
        other_organization, ine="1111111111A", birthdate=datetime.date(2011, 12, 31), user=account
    )
    make_learner(organization, ine="9999999999Z", user=account)
    import_ = run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A", birthdate="31/12/2011"), pupil("9999999999Z")],
        ),
    )
    assert import_.status == Status.IMPORTED
    assert Learner.objects.get(organization=organization, ine="1111111111A").user is None
    assert Learner.objects.get(organization=organization, ine="9999999999Z").user == account


def test_relink_gives_one_account_to_one_new_student_only(organization, run_import, write_path):
    account = UserFactory()
    school_b, school_c = make_organization(), make_organization()
    make_learner(school_b, ine="1111111111A", birthdate=datetime.date(2011, 12, 31), user=account)
    make_learner(school_c, ine="2222222222B", birthdate=datetime.date(2011, 12, 31), user=account)
    import_ = run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A"), pupil("2222222222B", "BRAVO", "Ben")],
        ),
    )
    assert import_.status == Status.IMPORTED
    linked = Learner.objects.filter(organization=organization, user=account)
    assert list(linked.values_list("ine", flat=True)) == ["1111111111A"]


def test_relink_only_concerns_newly_created_students(
    organization, other_organization, run_import, write_path
):
    make_learner(organization, ine="1111111111A", birthdate=datetime.date(2011, 12, 31))
    make_learner(
        other_organization,
        ine="1111111111A",
        birthdate=datetime.date(2011, 12, 31),
        user=UserFactory(),
    )
    run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    assert Learner.objects.get(organization=organization, ine="1111111111A").user is None


def test_imports_of_two_schools_do_not_touch_each_other(
    organization, other_organization, run_import, write_path
):
    run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    import_ = run_import(
        other_organization, siecle_xml(other_organization.uai, [pupil("2222222222B")])
    )
    assert import_.counts["disabled"] == 0
    assert set(active(organization)) == {"1111111111A"}
    assert set(active(other_organization)) == {"2222222222B"}


def test_ine_is_trimmed_and_upper_cased(organization, run_import, write_path):
    run_import(organization, siecle_xml(organization.uai, [pupil(" 1111111111a ")]))
    import_ = run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    assert import_.counts["updated"] == 1
    assert list(Learner.objects.values_list("ine", flat=True)) == ["1111111111A"]


def test_relink_takes_the_newest_match_and_none_when_its_account_is_taken_here(
    organization, run_import, write_path
):
    """The same student in two other schools: linked to u1 in B (older), to u2 in C
    (newer). u2 is already linked to a student of this school: nobody gets an account,
    not even u1 (the rule picks the newest match, then checks its account)."""
    u1, u2 = UserFactory(), UserFactory()
    school_b, school_c = make_organization(), make_organization()
    birthdate = datetime.date(2011, 12, 31)
    older = make_learner(school_b, ine="1111111111A", birthdate=birthdate, user=u1)
    newer = make_learner(school_c, ine="1111111111A", birthdate=birthdate, user=u2)
    now = timezone.now()
    Learner.objects.filter(pk=older.pk).update(updated_at=now - datetime.timedelta(days=30))
    Learner.objects.filter(pk=newer.pk).update(updated_at=now - datetime.timedelta(days=1))
    make_learner(organization, ine="9999999999Z", user=u2)
    import_ = run_import(
        organization,
        siecle_xml(
            organization.uai,
            [pupil("1111111111A", birthdate="31/12/2011"), pupil("9999999999Z", "ZULU", "Zoé")],
        ),
    )
    assert import_.status == Status.IMPORTED
    assert Learner.objects.get(organization=organization, ine="1111111111A").user is None
    assert Learner.objects.get(organization=organization, ine="9999999999Z").user == u2


def test_relink_takes_the_most_recently_updated_match(organization, run_import, write_path):
    u1, u2 = UserFactory(), UserFactory()
    birthdate = datetime.date(2011, 12, 31)
    older = make_learner(make_organization(), ine="1111111111A", birthdate=birthdate, user=u1)
    newer = make_learner(make_organization(), ine="1111111111A", birthdate=birthdate, user=u2)
    now = timezone.now()
    # Created in one order, updated in the other: the update date decides.
    Learner.objects.filter(pk=newer.pk).update(updated_at=now - datetime.timedelta(days=30))
    Learner.objects.filter(pk=older.pk).update(updated_at=now - datetime.timedelta(days=1))
    run_import(organization, siecle_xml(organization.uai, [pupil("1111111111A")]))
    assert Learner.objects.get(organization=organization, ine="1111111111A").user == u1


def with_every_name(xml: bytes, middle_name: str, third_name: str) -> bytes:
    """PRENOM2 and PRENOM3 filled in (the helper writes an empty PRENOM2 and no PRENOM3)."""
    filled = f"<PRENOM2>{middle_name}</PRENOM2><PRENOM3>{third_name}</PRENOM3>"
    return xml.replace(b"<PRENOM2/>", filled.encode("iso-8859-15"))


def test_a_student_with_every_name_at_its_longest_validates_and_applies(
    organization, run_import, write_path
):
    """Five names of 255 characters and the INE: a search name of 1,500+ characters
    ("Œ" is spelt "oe"). What validates must apply, on both paths."""
    names = {
        "last_name": "Œ" * 255,
        "preferred_last_name": "É" * 255,
        "first_name": "A" * 255,
        "middle_name": "B" * 255,
        "third_name": "C" * 255,
    }
    xml = siecle_xml(
        organization.uai,
        [
            pupil(
                "1111111111A",
                names["last_name"],
                names["first_name"],
                preferred_last_name=names["preferred_last_name"],
            )
        ],
    )
    import_ = run_import(
        organization, with_every_name(xml, names["middle_name"], names["third_name"])
    )
    assert import_.status == Status.IMPORTED, import_.errors
    learner = Learner.objects.get(organization=organization)
    assert {name: getattr(learner, name) for name in names} == names
    assert len(learner.search_name) > 1024
    assert learner.search_name.startswith("oe" * 255 + " " + "e" * 255 + " ")
    assert learner.search_name.endswith(" 1111111111a")
