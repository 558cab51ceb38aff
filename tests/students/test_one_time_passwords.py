"""Identifiers and one-time passwords, from the school side: for one student (their page)
or a class (the list filtered on it). Administrators only; what each kind of account
gets; the answer shown once (cards, CSV, no-store); nothing in clear anywhere; the audit
row; the school's hourly limit, failing closed."""

import base64
import datetime
import html
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from accounts.models import User
from organizations.models import AuditLog, Membership
from students import limits
from students.models import Learner
from students.services import learner_passwords_generate
from tests.factories import (
    audit_rows,
    make_learner,
    make_member,
    make_organization,
    make_student,
)

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6461/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def shown_passwords(response) -> list[str]:
    return re.findall(r"data-password>([^<]+)<", response.content.decode())


def csv_of(response) -> bytes:
    href = re.search(r'id="passwords-csv" href="([^"]+)"', response.content.decode()).group(1)
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert href.startswith(prefix)
    return base64.b64decode(href[len(prefix) :])


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def class_4a(organization):
    """4A: one student without an account, one with an identifier account, one with an
    e-mail, one through the ENT, one whose account is linked in another school too."""
    other_school = make_organization()
    shared = make_student(username="sam.partage0101")
    make_learner(other_school, last_name="PARTAGE", first_name="Sam", user=shared)
    return {
        "none": make_learner(
            organization,
            last_name="N'DIAYE",
            first_name="Léa-Marie",
            birthdate=datetime.date(2012, 12, 5),
            division="4A",
        ),
        "identifier": make_learner(
            organization,
            last_name="IDENT",
            first_name="Ian",
            division="4A",
            user=make_student(username="ian.ident1705"),
        ),
        "email": make_learner(
            organization,
            last_name="COURRIEL",
            first_name="Cléo",
            division="4A",
            user=make_student(email="cleo@famille.example"),
        ),
        "ent": make_learner(
            organization,
            last_name="ESPACE",
            first_name="Eva",
            division="4A",
            user=make_student(username="eva.espace", gar_id="GAR-1"),
        ),
        "shared": make_learner(
            organization, last_name="PARTAGE", first_name="Sam", division="4A", user=shared
        ),
    }


# --- Who may -------------------------------------------------------------------------


def routes(learner) -> list[str]:
    return [f"/eleves/{learner.pk}/mot-de-passe/", "/eleves/mots-de-passe/?classe=4A"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_is_refused_with_403(client, member_user, class_4a, method):
    client.force_login(member_user)
    for url in routes(class_4a["none"]):
        response = getattr(client, method)(url, {"classe": "4A"} if method == "post" else None)
        assert response.status_code == 403, url
    assert not User.objects.filter(must_change_password=True).exists()
    assert Learner.objects.get(pk=class_4a["none"].pk).user_id is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_of_another_school_gets_404(client, outsider_user, class_4a, method):
    client.force_login(outsider_user)
    response = getattr(client, method)(f"/eleves/{class_4a['none'].pk}/mot-de-passe/")
    assert response.status_code == 404
    # The class route reads the person's own school: 4A is not one of its classes.
    response = getattr(client, method)("/eleves/mots-de-passe/", {"classe": "4A"})
    assert response.status_code == 404
    assert not User.objects.filter(must_change_password=True).exists()


def test_anonymous_is_sent_to_sign_in(client, class_4a):
    response = client.get(f"/eleves/{class_4a['none'].pk}/mot-de-passe/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")


def test_an_unknown_class_is_404(admin, class_4a):
    assert admin.get("/eleves/mots-de-passe/", {"classe": "5Z"}).status_code == 404
    assert admin.post("/eleves/mots-de-passe/", {"classe": "5Z"}).status_code == 404


def test_the_list_offers_the_class_generation_to_administrators_only(
    client, admin_user, member_user, class_4a
):
    client.force_login(admin_user)
    body = client.get("/eleves/", {"classe": "4A"}).content.decode()
    assert 'href="/eleves/mots-de-passe/?classe=4A"' in body
    assert 'id="class-passwords"' not in client.get("/eleves/").content.decode()
    client.force_login(member_user)
    assert 'id="class-passwords"' not in client.get("/eleves/", {"classe": "4A"}).content.decode()


def test_the_students_page_offers_the_actions_to_administrators_only(
    client, admin_user, member_user, class_4a
):
    learner = class_4a["identifier"]
    client.force_login(admin_user)
    body = client.get(f"/eleves/{learner.pk}/").content.decode()
    assert f'href="/eleves/{learner.pk}/mot-de-passe/"' in body
    assert f'href="/eleves/{learner.pk}/dissocier/"' in body
    client.force_login(member_user)
    body = client.get(f"/eleves/{learner.pk}/").content.decode()
    assert "mot-de-passe/" not in body and "dissocier/" not in body


# --- The confirmation ------------------------------------------------------------------


def test_the_confirmation_lists_who_gets_one_and_who_does_not_and_why(admin, class_4a):
    response = admin.get("/eleves/mots-de-passe/", {"classe": "4A"})
    assert response.status_code == 200
    shown = text(response)
    assert "2 élèves recevront un mot de passe à usage unique" in shown
    assert (
        "N'DIAYE Léa-Marie (4A) — pas encore de compte : un compte avec identifiant est créé"
        in shown
    )
    assert "son identifiant ian.ident1705 est conservé, son mot de passe remplacé" in shown
    assert "3 élèves n'en recevront pas" in shown
    assert (
        "COURRIEL Cléo ( cleo@famille.example ) — le compte se connecte avec une adresse "
        "e-mail : l'élève réinitialise son mot de passe depuis la page de connexion"
    ) in shown
    assert "ESPACE Eva — le compte se connecte par l'ENT : pas de mot de passe à donner" in shown
    assert (
        "PARTAGE Sam ( sam.partage0101 ) — le compte est aussi associé dans un autre établissement"
    ) in shown
    # Nothing happened yet.
    assert not User.objects.filter(must_change_password=True).exists()
    assert AuditLog.objects.filter(action="learner.passwords_generated").count() == 0


def test_the_confirmation_in_english(client, organization, class_4a):
    person = make_member(organization, role=Membership.Role.ADMIN, language="en")
    client.force_login(person)
    shown = text(client.get("/eleves/mots-de-passe/", {"classe": "4A"}))
    assert "2 students will get a one-time password" in shown
    assert "the account signs in with an e-mail address" in shown
    assert "Generate the passwords" in shown


# --- Generating for a class ----------------------------------------------------------


def test_a_class_generation_creates_and_resets_only_what_the_rules_allow(
    admin, admin_user, organization, class_4a
):
    before = {key: learner.user.password for key, learner in class_4a.items() if learner.user}
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4A"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    passwords = shown_passwords(response)
    assert len(passwords) == 2
    for password in passwords:
        assert len(password) == 8
        assert not set(password) & set("0Oo1lIi2Zz5Ssuv")

    created = Learner.objects.select_related("user").get(pk=class_4a["none"].pk).user
    assert created.username == "leamarie.ndiaye0512"
    assert created.email is None and created.must_change_password
    reset = User.objects.get(pk=class_4a["identifier"].user_id)
    assert reset.username == "ian.ident1705" and reset.must_change_password
    assert reset.password != before["identifier"]
    # Each card shows its own password, which the account accepts.
    cards = dict(
        re.findall(
            r"data-identifier><bdi>([^<]+)</bdi></span>.*?data-password>([^<]+)<",
            response.content.decode(),
            re.S,
        )
    )
    assert check_password(cards["leamarie.ndiaye0512"], created.password)
    assert check_password(cards["ian.ident1705"], reset.password)
    # Never an account with an e-mail, an ENT account or one linked in another school.
    for key in ("email", "ent", "shared"):
        account = User.objects.get(pk=class_4a[key].user_id)
        assert account.password == before[key] and not account.must_change_password, key

    assert audit_rows(action="learner.passwords_generated") == [
        (
            "learner.passwords_generated",
            admin_user.pk,
            "ADMIN",
            organization.pk,
            "organizations.organization",
            organization.pk,
            {
                "division": "4A",
                "created_learner_ids": [class_4a["none"].pk],
                "reset_learner_ids": [class_4a["identifier"].pk],
                "refused": {"email": 1, "ent": 1, "other_school": 1},
            },
        )
    ]


def test_the_sheet_has_one_card_per_student_with_where_to_sign_in(admin, organization, class_4a):
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4A"})
    shown = text(response)
    assert "Cartes de connexion — classe 4A" in shown
    assert organization.name in shown
    cards = re.findall(r'<li class="pixorga-card">(.*?)</li>', response.content.decode(), re.S)
    assert len(cards) == 2
    first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cards[0]))
    assert "IDENT Ian — 4A" in first and "ian.ident1705" in first
    assert (
        "Connecte-toi sur http://testserver/compte/login/, puis choisis ton propre mot de passe."
        in first
    )
    assert "Affichés une seule fois" in shown
    assert "data-print" in response.content.decode()


def test_the_csv_has_the_bom_the_header_and_semicolons(admin, class_4a):
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4A"})
    data = csv_of(response)
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == '"Classe";"Nom";"Prénom";"Identifiant";"Mot de passe"'
    passwords = dict(
        re.findall(
            r"data-identifier><bdi>([^<]+)</bdi></span>.*?data-password>([^<]+)<",
            response.content.decode(),
            re.S,
        )
    )
    assert lines[1] == f'"4A";"IDENT";"Ian";"ian.ident1705";"{passwords["ian.ident1705"]}"'
    assert lines[2] == (
        f'"4A";"N\'DIAYE";"Léa-Marie";"leamarie.ndiaye0512";"{passwords["leamarie.ndiaye0512"]}"'
    )
    assert lines[3] == ""
    assert 'download="mots-de-passe-4A.csv"' in response.content.decode()


def test_the_csv_neutralises_a_name_that_looks_like_a_formula(admin, organization):
    make_learner(organization, last_name="=HYPERLINK(1)", first_name="Zoé", division="4B")
    data = csv_of(admin.post("/eleves/mots-de-passe/", {"classe": "4B"}))
    assert '"\'=HYPERLINK(1)";"Zoé"' in data.decode("utf-8-sig")


def test_nothing_is_stored_in_clear(admin, class_4a, caplog):
    caplog.set_level("DEBUG")
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4A"})
    passwords = shown_passwords(response)
    assert len(passwords) == 2
    # Every column of every table of the database, as text.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        dump = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - catalogue names
            dump.extend(row[0] for row in cursor.fetchall())
    everything = "\n".join(dump)
    for password in passwords:
        assert password not in everything
    # Nor in the cache: every value of the cache's Redis database (the limit's counter is
    # the only key this writes).
    client = cache._cache.get_client(None, write=False)
    values = [client.get(key) or b"" for key in client.keys("*")]
    assert values, "the limit's counter is in the cache"
    for password in passwords:
        assert not any(password.encode() in value for value in values)
    # Nor in the logs.
    for password in passwords:
        assert password not in caplog.text
    # Nor in a session (each decoded, the database's and the cache's alike) nor in a
    # cookie of the answer (the messages cookie included).
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    store = SessionStore()
    sessions = [str(store.decode(row.session_data)) for row in Session.objects.all()]
    sessions.append(str(dict(admin.session.items())))
    assert sessions, "the administrator's session is in the database"
    cookies = [morsel.value for morsel in response.cookies.values()]
    cookies += [morsel.value for morsel in admin.cookies.values()]
    # The messages cookie is signed and may be compressed: read as the framework reads it.
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    for name in ("messages",):
        for jar in (response.cookies, admin.cookies):
            if name in jar:
                cookies.append(str(CookieStorage(HttpRequest())._decode(jar[name].value)))
    for password in passwords:
        assert not any(password in session for session in sessions)
        assert not any(password in cookie for cookie in cookies)
    # The audit row holds ids and counts only.
    details = str(AuditLog.objects.get(action="learner.passwords_generated").details)
    assert "ian.ident" not in details and "IDENT" not in details


def test_a_class_with_no_one_to_help_changes_nothing(admin, organization):
    make_learner(
        organization, division="4C", last_name="COURRIEL", user=make_student(email="a@b.example")
    )
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4C"})
    assert response.status_code == 409
    assert "Aucun de ces élèves ne peut recevoir de mot de passe à usage unique" in text(response)
    assert "NO_PASSWORD_TO_GENERATE" in text(response)
    assert AuditLog.objects.filter(action="learner.passwords_generated").count() == 0


# --- One student ---------------------------------------------------------------------


def test_one_student_from_their_page(admin, admin_user, organization, class_4a):
    learner = class_4a["identifier"]
    page = admin.get(f"/eleves/{learner.pk}/mot-de-passe/")
    assert "1 élève recevra un mot de passe à usage unique" in text(page)
    response = admin.post(f"/eleves/{learner.pk}/mot-de-passe/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert len(shown_passwords(response)) == 1
    assert audit_rows(action="learner.passwords_generated")[0][4:6] == (
        "students.learner",
        learner.pk,
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("email", "le compte se connecte avec une adresse e-mail"),
        ("ent", "le compte se connecte par l'ENT"),
        ("shared", "le compte est aussi associé dans un autre établissement"),
    ],
)
def test_one_student_whose_account_is_not_the_schools_to_help_is_refused(
    admin, class_4a, key, reason
):
    learner = class_4a[key]
    before = User.objects.get(pk=learner.user_id).password
    assert reason in text(admin.get(f"/eleves/{learner.pk}/mot-de-passe/"))
    response = admin.post(f"/eleves/{learner.pk}/mot-de-passe/")
    assert response.status_code == 409
    assert User.objects.get(pk=learner.user_id).password == before
    assert shown_passwords(response) == []


def test_a_disabled_student_is_refused(admin, organization):
    learner = make_learner(organization, division="4A", disabled=True, user=make_student())
    before = learner.user.password
    assert "ne fait plus partie de votre liste d'élèves" in text(
        admin.get(f"/eleves/{learner.pk}/mot-de-passe/")
    )
    assert admin.post(f"/eleves/{learner.pk}/mot-de-passe/").status_code == 409
    assert User.objects.get(pk=learner.user_id).password == before


def test_a_team_members_account_is_refused(admin, organization):
    teacher = make_member(organization, email=None, username="prof.identifiant")
    learner = make_learner(organization, division="4A", user=teacher)
    assert admin.post(f"/eleves/{learner.pk}/mot-de-passe/").status_code == 409
    assert not User.objects.get(pk=teacher.pk).must_change_password


def test_the_service_checks_the_actor_is_an_administrator(organization, member_user, class_4a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        learner_passwords_generate(
            actor=member_user, organization=organization, learner_ids=[class_4a["none"].pk]
        )


def test_a_learner_of_another_school_is_never_touched_by_forged_ids(
    organization, other_organization, admin_user
):
    elsewhere = make_learner(other_organization, user=make_student())
    with pytest.raises(Exception) as refused:
        learner_passwords_generate(
            actor=admin_user, organization=organization, learner_ids=[elsewhere.pk]
        )
    assert refused.value.code == "NO_PASSWORD_TO_GENERATE"
    assert not User.objects.get(pk=elsewhere.user_id).must_change_password


# --- Signing in with it ----------------------------------------------------------------


def test_the_student_signs_in_with_it_and_must_choose_a_new_password(admin, client, class_4a):
    from django.test import Client

    response = admin.post(f"/eleves/{class_4a['none'].pk}/mot-de-passe/")
    (password,) = shown_passwords(response)
    student = Client()
    signed_in = student.post(
        "/compte/login/", {"login": "leamarie.ndiaye0512", "password": password}
    )
    assert signed_in.status_code == 302
    page = student.get("/mes-parcours/")
    assert page.status_code == 302
    assert page["Location"] == "/compte/nouveau-mot-de-passe/?next=%2Fmes-parcours%2F"
    chosen = student.post(
        "/compte/nouveau-mot-de-passe/",
        {"new_password1": "Un-vrai-mot-de-passe-42", "new_password2": "Un-vrai-mot-de-passe-42"},
    )
    assert chosen.status_code == 302
    assert student.get("/mes-parcours/").status_code == 200
    account = User.objects.get(username="leamarie.ndiaye0512")
    assert not account.must_change_password and account.check_password("Un-vrai-mot-de-passe-42")


# --- The limit -------------------------------------------------------------------------


def test_sixty_generations_in_a_clock_hour_then_a_refusal(admin, organization, class_4a):
    assert limits.GENERATIONS_PER_HOUR == 60  # a lycée's 30+ classes, some twice
    url = f"/eleves/{class_4a['identifier'].pk}/mot-de-passe/"
    for _ in range(limits.GENERATIONS_PER_HOUR - 1):
        limits.one_time_password_generation_count(organization=organization)
    assert admin.post(url).status_code == 200  # the 60th
    before = User.objects.get(pk=class_4a["identifier"].user_id).password
    response = admin.post(url)
    assert response.status_code == 429
    assert (
        "Votre établissement a généré 60 séries de mots de passe pendant l'heure en cours, "
        "le maximum : vous pourrez en générer d'autres dès le début de l'heure suivante."
    ) in text(response)
    assert User.objects.get(pk=class_4a["identifier"].user_id).password == before
    assert AuditLog.objects.filter(action="learner.passwords_generated").count() == 1
    # Another school has its own count.
    other = make_organization()
    other_admin = make_member(other, role=Membership.Role.ADMIN)
    learner = make_learner(other, division="4A")
    assert learner_passwords_generate(
        actor=other_admin, organization=other, learner_ids=[learner.pk]
    ).issued


def test_the_count_starts_again_with_the_next_clock_hour(organization, monkeypatch):
    for _ in range(limits.GENERATIONS_PER_HOUR):
        limits.one_time_password_generation_count(organization=organization)
    with pytest.raises(limits.OneTimePasswordLimitError):
        limits.one_time_password_generation_count(organization=organization)
    now = limits.time.time()
    monkeypatch.setattr(limits.time, "time", lambda: now + 3600)
    limits.one_time_password_generation_count(organization=organization)


def test_the_cache_down_refuses_the_generation(admin, class_4a):
    learner = class_4a["identifier"]
    before = User.objects.get(pk=learner.user_id).password
    with override_settings(CACHES=DEAD_CACHE):
        response = admin.post(f"/eleves/{learner.pk}/mot-de-passe/")
    assert response.status_code == 503
    assert "Les mots de passe ne peuvent pas être générés pour le moment" in text(response)
    assert User.objects.get(pk=learner.user_id).password == before
    assert not User.objects.filter(must_change_password=True).exists()


def test_a_school_that_does_not_import_from_siecle_has_no_such_pages(client):
    from organizations.models import Organization

    school = make_organization(type=Organization.Type.SUP, uai=None, official_email="")
    person = make_member(school, role=Membership.Role.ADMIN)
    learner = make_learner(school, division="L1", user=make_student())
    client.force_login(person)
    for response in (
        client.get(f"/eleves/{learner.pk}/mot-de-passe/"),
        client.post(f"/eleves/{learner.pk}/mot-de-passe/"),
        client.get("/eleves/mots-de-passe/", {"classe": "L1"}),
    ):
        assert response.status_code == 403
        shown = text(response)
        assert "Votre organisation n'importe pas ses élèves depuis SIECLE" in shown
        assert "IMPORT_NOT_ALLOWED" in shown
    assert not User.objects.get(pk=learner.user_id).must_change_password


# --- The same INE with an account elsewhere; platform staff -------------------------


def test_a_student_whose_ine_has_an_account_in_another_school_gets_no_second_account(
    admin, admin_user, organization
):
    """R1x on the school's side: the student has an account already (linked to their
    learner of their former school, same INE): never a second one."""
    former = make_organization()
    account = make_student(username="lea.ancienne1705")
    make_learner(former, ine="0123456789A", last_name="MARTIN", first_name="Léa", user=account)
    learner = make_learner(
        organization, ine="0123456789A", last_name="MARTIN", first_name="Léa", division="4A"
    )
    accounts_before = User.objects.count()
    page = admin.get(f"/eleves/{learner.pk}/mot-de-passe/")
    assert (
        "MARTIN Léa — a déjà un compte dans un autre établissement (même INE) : l'élève "
        "se connecte avec celui-ci"
    ) in text(page)
    response = admin.post(f"/eleves/{learner.pk}/mot-de-passe/")
    assert response.status_code == 409 and shown_passwords(response) == []
    assert User.objects.count() == accounts_before
    assert Learner.objects.get(pk=learner.pk).user_id is None
    assert AuditLog.objects.filter(action="learner.passwords_generated").count() == 0


def test_in_a_class_the_same_ine_elsewhere_is_refused_and_the_others_get_theirs(
    admin, organization
):
    former = make_organization()
    make_learner(former, ine="0123456789B", user=make_student())
    refused = make_learner(organization, ine="0123456789B", division="4D", last_name="DEJA")
    helped = make_learner(organization, division="4D", last_name="NOUVEAU")
    response = admin.post("/eleves/mots-de-passe/", {"classe": "4D"})
    assert response.status_code == 200 and len(shown_passwords(response)) == 1
    assert Learner.objects.get(pk=refused.pk).user_id is None
    assert Learner.objects.get(pk=helped.pk).user_id is not None
    details = AuditLog.objects.get(action="learner.passwords_generated").details
    assert details["refused"] == {"same_ine_elsewhere": 1}


def test_the_service_creates_no_account_for_an_ine_linked_elsewhere(organization, admin_user):
    from students.services import NoPasswordToGenerateError

    make_learner(make_organization(), ine="0123456789C", user=make_student())
    learner = make_learner(organization, ine="0123456789C", division="4A")
    with pytest.raises(NoPasswordToGenerateError):
        learner_passwords_generate(
            actor=admin_user, organization=organization, learner_ids=[learner.pk]
        )
    assert Learner.objects.get(pk=learner.pk).user_id is None


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_platform_staff_account_is_refused(admin, organization, flag):
    staff = make_student(username="equipe.plateforme", **{flag: True})
    learner = make_learner(organization, division="4A", last_name="EQUIPE", user=staff)
    before = staff.password
    assert (
        "EQUIPE Léa ( equipe.plateforme ) — le compte appartient à l'équipe de la plateforme"
        in (text(admin.get(f"/eleves/{learner.pk}/mot-de-passe/")))
    )
    response = admin.post(f"/eleves/{learner.pk}/mot-de-passe/")
    assert response.status_code == 409 and shown_passwords(response) == []
    staff.refresh_from_db()
    assert staff.password == before and not staff.must_change_password


# --- A school that does not import from SIECLE ---------------------------------------


def test_a_school_that_does_not_import_offers_no_passwords_but_can_unlink(client):
    from campaigns.models import Participation
    from tests.factories import make_campaign, make_participation

    school = make_organization(is_managing_students=False)
    person = make_member(school, role=Membership.Role.ADMIN)
    learner = make_learner(school, division="4A", user=make_student(username="compte.faux"))
    participation = make_participation(make_campaign(school), learner)
    client.force_login(person)
    body = client.get(f"/eleves/{learner.pk}/").content.decode()
    assert "mot-de-passe/" not in body
    assert f'href="/eleves/{learner.pk}/dissocier/"' in body
    assert 'id="class-passwords"' not in client.get("/eleves/", {"classe": "4A"}).content.decode()
    # The pages themselves refuse, with the "import unavailable" page.
    assert client.get(f"/eleves/{learner.pk}/mot-de-passe/").status_code == 403
    assert client.post("/eleves/mots-de-passe/", {"classe": "4A"}).status_code == 403
    # Unlinking works there too, as its documentation says.
    assert client.post(f"/eleves/{learner.pk}/dissocier/").status_code == 302
    assert Learner.objects.get(pk=learner.pk).user_id is None
    assert Participation.objects.get(pk=participation.pk).deleted_at is not None
