"""Creating organisations from a CSV file in the back office: every line through
`organization_create` (audited one by one, and the file as a whole), refused lines named
with their reason, existing organisations reported and left alone, UTF-8 or
Windows-1252; staff only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.bulk_csv import BulkFileError, read_organizations_csv
from organizations.models import AuditLog, Organization
from tests.factories import make_organization, make_uai
from tests.organizations.back_office import ORGANIZATIONS

pytestmark = pytest.mark.django_db

PAGE = f"{ORGANIZATIONS}creer-depuis-csv/"
HEADER = "nom;type;uai;email;gere_eleves"


def upload(client, text: str, *, encoding="utf-8", name="ecoles.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data, "text/csv")})


def outcomes(response) -> list[tuple]:
    return [(result.line, result.outcome, result.reasons) for result in response.context["results"]]


def test_staff_create_schools_from_a_file_each_audited(staff_client, staff):
    uai_a, uai_b = make_uai(1111111), make_uai(2222222)
    response = upload(
        staff_client,
        f"{HEADER}\n"
        f"Collège Jean Jaurès;SCO;{uai_a.lower()} ;CE.1111111@ac-test.fr;\n"
        f"École Louise Michel;SCO-1D;{uai_b};;\n"
        "Université de test;SUP;;;oui\n",
    )
    assert response.status_code == 200
    assert [(line, outcome) for line, outcome, _ in outcomes(response)] == [
        (2, "CREATED"),
        (3, "CREATED"),
        (4, "CREATED"),
    ]
    college = Organization.objects.get(uai=uai_a)
    assert (college.name, college.official_email, college.is_managing_students) == (
        "Collège Jean Jaurès",
        "ce.1111111@ac-test.fr",
        True,  # SCO's default
    )
    assert Organization.objects.get(uai=uai_b).is_managing_students is False
    assert Organization.objects.get(name="Université de test").is_managing_students is True
    created = AuditLog.objects.filter(action="organization.created", actor=staff)
    assert created.count() == 3
    assert set(created.values_list("on_behalf_of", flat=True)) == {"STAFF"}
    summary = AuditLog.objects.get(action="organization.bulk_created")
    assert (summary.actor_id, summary.on_behalf_of, summary.organization_id) == (
        staff.pk,
        "STAFF",
        None,
    )
    assert summary.details == {"lines": 3, "created": 3, "existing": 0, "refused": 0}
    html = response.content.decode()
    assert "3 organisations créées" in html
    assert f"{ORGANIZATIONS}{college.pk}/change/" in html


def test_every_refused_line_is_named_with_its_reason(staff_client):
    known = make_organization(name="Lycée déjà là")
    twice = make_uai(3333333)
    response = upload(
        staff_client,
        f"{HEADER}\n"
        "Collège Clé Fausse;SCO;0750654A;ce.a@ac-test.fr;\n"  # 2: wrong check letter
        f"Collège Sans Adresse;SCO;{make_uai(4444444)};;\n"  # 3: SCO without e-mail
        f"Institut Inconnu;LYCEE;{make_uai(5555555)};ce.b@ac-test.fr;\n"  # 4: unknown type
        f"Collège Doublon Un;SCO;{twice};ce.c@ac-test.fr;\n"  # 5: same UAI as line 6
        f"Collège Doublon Deux;SCO;{twice};ce.d@ac-test.fr;\n"  # 6
        f"Lycée Renommé;SCO;{known.uai};ce.e@ac-test.fr;\n"  # 7: already exists
        f"Collège Hésitant;SCO;{make_uai(6666666)};ce.f@ac-test.fr;peut-être\n"  # 8
        "Collège En Trop;SCO;;;;valeur en trop\n"  # 9: a value too many
        f"Collège Valide;SCO;{make_uai(7777777)};ce.g@ac-test.fr;non\n"  # 10: created
        "Organisme Sans Type;;;;\n",  # 11: no type
    )
    assert outcomes(response) == [
        (
            2,
            "REFUSED",
            ["UAI : La lettre de contrôle de l'UAI 0750654A est erronée : vérifiez l'UAI."],
        ),
        (
            3,
            "REFUSED",
            [
                "E-mail officiel : Un établissement du second degré doit avoir son "
                "adresse e-mail officielle, à laquelle est envoyée l'invitation de son "
                "administrateur."
            ],
        ),
        (
            4,
            "REFUSED",
            ["Type « LYCEE » inconnu : les types possibles sont SCO, SCO-1D, SUP, PRO."],
        ),
        (5, "REFUSED", [f"L'UAI {twice} figure aussi ligne 6 du fichier."]),
        (6, "REFUSED", [f"L'UAI {twice} figure aussi ligne 5 du fichier."]),
        (7, "EXISTING", [f"Existe déjà : {known}. Laissée telle quelle."]),
        (
            8,
            "REFUSED",
            ["« Gère ses élèves » vaut « peut-être » : écrivez oui ou non (ou laissez vide)."],
        ),
        (
            9,
            "REFUSED",
            ["Cette ligne a 6 valeurs, alors que la première ligne nomme 5 colonnes."],
        ),
        (10, "CREATED", []),
        (11, "REFUSED", ["Le type manque : les types possibles sont SCO, SCO-1D, SUP, PRO."]),
    ]
    assert Organization.objects.filter(name__startswith="Collège").count() == 1
    known.refresh_from_db()
    assert known.name == "Lycée déjà là"  # left alone
    assert AuditLog.objects.get(action="organization.bulk_created").details == {
        "lines": 10,
        "created": 1,
        "existing": 1,
        "refused": 8,
    }
    html = response.content.decode()
    assert "1 organisation créée" in html
    assert "8 lignes refusées" in html


def test_windows_1252_accents_are_read(staff_client):
    text = (
        "Nom;Type;UAI;Courriel;Gère élèves\n"
        f"Collège Émile Zola;SCO;{make_uai(8888888)};ce.z@ac-test.fr;oui\n"
    )
    response = upload(staff_client, text, encoding="cp1252")
    assert outcomes(response) == [(2, "CREATED", [])]
    assert Organization.objects.filter(name="Collège Émile Zola").exists()


def test_utf8_with_bom_and_commas_are_read(staff_client):
    text = f"name,type,uai,email\nLycée Ève Curie,SCO,{make_uai(9999990)},ce.y@ac-test.fr\n"
    response = upload(staff_client, "\ufeff" + text, encoding="utf-8")
    assert outcomes(response) == [(2, "CREATED", [])]
    assert Organization.objects.filter(name="Lycée Ève Curie").exists()


def test_the_same_file_twice_creates_nothing_twice(staff_client):
    text = f"{HEADER}\nCollège Bis;SCO;{make_uai(1212121)};ce.h@ac-test.fr;\nÉcole Pro;PRO;;;\n"
    upload(staff_client, text)
    again = upload(staff_client, text)
    assert [outcome for _, outcome, _ in outcomes(again)] == ["EXISTING", "EXISTING"]
    assert Organization.objects.filter(name__in=["Collège Bis", "École Pro"]).count() == 2


def test_a_file_that_cannot_be_read_is_refused_as_a_whole(staff_client):
    cases = {
        "nom;type;adresse\nA;SCO;x\n": "Colonnes inconnues : adresse.",
        "uai;email\n0750654D;a@b.fr\n": "au moins nom et type",
        "\n;;\n": "Ce fichier est vide.",
        "": "Le fichier soumis est vide.",  # Django's own check of an empty upload
    }
    for text, expected in cases.items():
        response = upload(staff_client, text)
        assert response.status_code == 200
        assert response.context["results"] is None
        assert expected in " ".join(response.context["form"].errors["file"]), text
    utf16 = upload(staff_client, f"{HEADER}\nA;SUP;;;\n", encoding="utf-16")
    assert "UTF-16" in " ".join(utf16.context["form"].errors["file"])
    assert not AuditLog.objects.filter(action="organization.bulk_created").exists()


def test_the_reader_names_lines_as_the_file_numbers_them():
    data = f'{HEADER}\n\nA;SUP;;;\n"B\nsur deux lignes";PRO;;;\n'.encode()
    lines = read_organizations_csv(data)
    assert [(line.number, line.values["name"]) for line in lines] == [
        (3, "A"),
        (5, "B\nsur deux lignes"),
    ]
    with pytest.raises(BulkFileError) as refused:
        read_organizations_csv(b"nom;nom;type\n")
    assert refused.value.meta["repeated"] == ["name"]


def test_the_page_is_linked_from_the_list_and_shows_the_expected_columns(staff_client):
    assert PAGE in staff_client.get(ORGANIZATIONS).content.decode()
    page = staff_client.get(PAGE)
    assert page.status_code == 200
    assert HEADER in page.content.decode()


def test_the_page_and_the_service_refuse_non_staff(client, admin_user):
    from django.core.exceptions import PermissionDenied

    from organizations.services import organization_bulk_create

    client.force_login(admin_user)  # a school administrator is not platform staff
    response = upload(client, f"{HEADER}\nA;SUP;;;\n")
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]
    with pytest.raises(PermissionDenied):
        organization_bulk_create(
            actor=admin_user, lines=read_organizations_csv(b"nom;type\nA;SUP\n")
        )
    assert not Organization.objects.filter(name="A").exists()


def test_a_file_too_long_for_one_request_is_refused():
    from organizations.bulk_csv import MAX_BYTES, MAX_LINES

    rows = "".join(f"École {n};SUP;;;\n" for n in range(MAX_LINES + 1))
    with pytest.raises(BulkFileError) as refused:
        read_organizations_csv(f"{HEADER}\n{rows}".encode())
    assert refused.value.meta["reason"] == "too_many_lines"
    assert len(read_organizations_csv(f"{HEADER}\n{rows[: rows.rindex('École')]}".encode())) == (
        MAX_LINES
    )
    with pytest.raises(BulkFileError) as refused:
        read_organizations_csv(b"x" * (MAX_BYTES + 1))
    assert refused.value.meta["reason"] == "too_large"
