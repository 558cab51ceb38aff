"""An import that would disable more than a fifth of the active students (issue 10, item 6):
the preview says so and names the classes that would disappear; the confirmation needs an
explicit acknowledgement, refused without it by the service (its own code), the page and
the command line alike, counted against the list as it is when confirming."""

import html
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from organizations.models import AuditLog
from students import services
from students.models import Import, Learner
from tests.factories import make_ine, make_learner
from tests.students.conftest import learners_snapshot
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

Status = Import.Status
REFUSED = "MASS_DEACTIVATION_NOT_ACKNOWLEDGED"


def school_with(organization, classes: dict[str, int]) -> list[str]:
    """Active learners in these classes (class → how many); their INEs, class by class.
    No MEF code: the level comes from the class's name."""
    ines = []
    for division, count in classes.items():
        for _ in range(count):
            learner = make_learner(organization, division=division, ine=make_ine(), mef_code="")
            ines.append(learner.ine)
    return ines


def file_keeping(organization, ines: list[str], division: str = "6A") -> bytes:
    return siecle_xml(organization.uai, [pupil(ine, division=division) for ine in ines])


def active_ines(organization) -> set[str]:
    return set(
        Learner.objects.filter(organization=organization, disabled=False).values_list(
            "ine", flat=True
        )
    )


# --- The threshold and the classes ------------------------------------------------------


@pytest.mark.parametrize(("kept", "needs"), [(8, False), (7, True)])
def test_more_than_a_fifth_disabled_needs_the_acknowledgement_exactly_a_fifth_does_not(
    organization, run_import, kept, needs
):
    ines = school_with(organization, {"6A": 10})
    import_ = run_import(organization, file_keeping(organization, ines[:kept]), confirm=False)
    check = import_.preview["mass_deactivation"]
    assert check == {
        "active": 10,
        "disabled": 10 - kept,
        "classes": [],  # 6A is still in the file
        "needs_acknowledgement": needs,
    }


def test_an_empty_list_never_needs_it(organization, run_import):
    import_ = run_import(organization, file_keeping(organization, [make_ine()]), confirm=False)
    assert import_.preview["mass_deactivation"]["needs_acknowledgement"] is False
    assert services.import_confirm(import_=import_, user=None, enqueue=False).status == (
        Status.IMPORTING
    )


def test_disabled_students_do_not_count_as_active(organization, run_import):
    ines = school_with(organization, {"6A": 2})
    for _ in range(8):
        make_learner(organization, division="5B", disabled=True)
    import_ = run_import(organization, file_keeping(organization, ines[:1]), confirm=False)
    check = import_.preview["mass_deactivation"]
    assert (check["active"], check["disabled"], check["classes"]) == (2, 1, [])
    assert check["needs_acknowledgement"] is True  # 1 of 2, not 1 of 10


def test_the_classes_that_would_disappear_are_named_in_a_schools_order(organization, run_import):
    """One class exported by mistake: every other class of the list is named."""
    ines = school_with(organization, {"TG2": 3, "5A": 3, "6A": 3, "6B": 3, "2NDE1": 3})
    import_ = run_import(organization, file_keeping(organization, ines[6:9]), confirm=False)
    check = import_.preview["mass_deactivation"]
    assert check["disabled"] == 12
    assert check["classes"] == ["6B", "5A", "2NDE1", "TG2"]
    assert check["needs_acknowledgement"] is True


# --- The confirmation service ------------------------------------------------------------


def test_confirming_without_the_acknowledgement_is_refused_with_its_own_code(
    organization, admin_user, run_import
):
    ines = school_with(organization, {"6A": 2, "6B": 8})
    import_ = run_import(organization, file_keeping(organization, ines[:2]), confirm=False)
    before = learners_snapshot(organization)
    with pytest.raises(services.MassDeactivationNotAcknowledgedError) as refused:
        services.import_confirm(import_=import_, user=admin_user, enqueue=False)
    assert refused.value.code == REFUSED
    assert refused.value.status == 409
    assert refused.value.meta == {"disabled": 8, "active": 10, "classes": ["6B"]}
    assert "désactiverait 8 de vos 10 élèves actifs" in refused.value.message
    import_.refresh_from_db()
    assert (import_.status, import_.errors, import_.confirmed_at) == (Status.VALIDATED, [], None)
    assert learners_snapshot(organization) == before
    assert not AuditLog.objects.filter(action="import.confirmed").exists()


def test_confirming_with_the_acknowledgement_disables_them(organization, admin_user, run_import):
    ines = school_with(organization, {"6A": 2, "6B": 8})
    import_ = run_import(organization, file_keeping(organization, ines[:2]), confirm=False)
    import_ = services.import_confirm(
        import_=import_, user=admin_user, acknowledge_mass_deactivation=True, enqueue=False
    )
    assert import_.status == Status.IMPORTING
    applied = services.import_apply(import_id=import_.pk)
    assert (applied.status, applied.counts["disabled"]) == (Status.IMPORTED, 8)
    assert active_ines(organization) == set(ines[:2])


def test_the_acknowledgement_is_not_needed_below_the_threshold(organization, run_import):
    ines = school_with(organization, {"6A": 10})
    import_ = run_import(organization, file_keeping(organization, ines[:8]), confirm=False)
    services.import_confirm(import_=import_, user=None, enqueue=False)
    assert services.import_apply(import_id=import_.pk).counts["disabled"] == 2


def test_the_check_is_made_against_the_list_as_it_is_when_confirming(organization, run_import):
    """Validated against a list of 4, all in the file: no tick needed then. Six students
    joined the list before the confirmation: the file would now disable 6 of 10."""
    ines = school_with(organization, {"6A": 4})
    import_ = run_import(organization, file_keeping(organization, ines), confirm=False)
    assert import_.preview["mass_deactivation"]["needs_acknowledgement"] is False
    school_with(organization, {"5A": 6})  # the list changed after the check
    with pytest.raises(services.MassDeactivationNotAcknowledgedError) as refused:
        services.import_confirm(import_=import_, user=None, enqueue=False)
    assert refused.value.meta == {"disabled": 6, "active": 10, "classes": ["5A"]}


def test_a_list_that_shrank_since_the_check_needs_no_acknowledgement(organization, run_import):
    ines = school_with(organization, {"6A": 2, "6B": 8})
    import_ = run_import(organization, file_keeping(organization, ines[:2]), confirm=False)
    assert import_.preview["mass_deactivation"]["needs_acknowledgement"] is True
    Learner.objects.filter(organization=organization, division="6B").update(disabled=True)
    assert services.import_confirm(import_=import_, user=None, enqueue=False).status == (
        Status.IMPORTING
    )


def test_with_its_rows_gone_the_check_made_at_validation_stands(organization, run_import):
    ines = school_with(organization, {"6A": 2, "6B": 8})
    import_ = run_import(organization, file_keeping(organization, ines[:2]), confirm=False)
    default_storage.delete(import_.rows_path)
    with pytest.raises(services.MassDeactivationNotAcknowledgedError) as refused:
        services.import_confirm(import_=import_, user=None, enqueue=False)
    assert refused.value.meta == {"disabled": 8, "active": 10, "classes": ["6B"]}


# --- The page ----------------------------------------------------------------------------


@pytest.fixture
def one_class_file(organization, run_import):
    """A school of 10 in 6A, 6B and 5A; a validated file holding 6A only."""
    ines = school_with(organization, {"6A": 2, "6B": 4, "5A": 4})
    return run_import(organization, file_keeping(organization, ines[:2]), confirm=False)


def page(client, import_) -> str:
    return html.unescape(client.get(f"/eleves/import/{import_.pk}/").content.decode())


def test_the_preview_warns_names_the_classes_and_asks_for_the_tick(
    client, admin_user, one_class_file
):
    client.force_login(admin_user)
    body = page(client, one_class_file)
    assert 'class="fr-alert fr-alert--warning fr-mb-3w" id="import-mass-deactivation"' in body
    assert "Cet import désactiverait 8 élèves sur les 10 élèves actifs de votre liste." in body
    assert "Ces 2 classes disparaîtraient de votre liste : <strong>6B, 5A</strong>" in body
    assert (
        'type="checkbox" id="acknowledge-mass-deactivation" name="acknowledge_mass_deactivation" '
        'value="1" form="import-confirm-form" required' in body
    )
    assert "Je comprends que 8 élèves seront désactivés" in body
    assert 'id="import-confirm-form"' in body
    # The live panel renders the same.
    state = client.get(f"/eleves/import/{one_class_file.pk}/etat.json").json()
    assert "acknowledge-mass-deactivation" in state["html"]


def test_a_small_deactivation_shows_no_warning_and_no_tick(
    client, organization, admin_user, run_import
):
    ines = school_with(organization, {"6A": 10})
    import_ = run_import(organization, file_keeping(organization, ines[:8]), confirm=False)
    client.force_login(admin_user)
    body = page(client, import_)
    assert "2 élèves absents du fichier, à désactiver" in body
    assert "import-mass-deactivation" not in body
    assert "acknowledge_mass_deactivation" not in body


def test_the_page_refuses_a_confirmation_without_the_tick(
    client, organization, admin_user, one_class_file, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    before = learners_snapshot(organization)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/eleves/import/{one_class_file.pk}/confirmer/", follow=True)
    body = html.unescape(response.content.decode())
    assert "Cet import désactiverait 8 de vos 10 élèves actifs." in body
    assert 'id="import-confirm"' in body  # still offered, with the box to tick
    one_class_file.refresh_from_db()
    assert one_class_file.status == Status.VALIDATED
    assert learners_snapshot(organization) == before


@pytest.mark.parametrize("value", ["", "0", "yes"])
def test_only_the_box_ticked_counts_as_the_acknowledgement(
    client, admin_user, one_class_file, value
):
    client.force_login(admin_user)
    client.post(
        f"/eleves/import/{one_class_file.pk}/confirmer/", {"acknowledge_mass_deactivation": value}
    )
    one_class_file.refresh_from_db()
    assert one_class_file.status == Status.VALIDATED


def test_the_page_confirms_with_the_tick(
    client, organization, admin_user, one_class_file, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the apply runs
        client.post(
            f"/eleves/import/{one_class_file.pk}/confirmer/",
            {"acknowledge_mass_deactivation": "1"},
        )
    one_class_file.refresh_from_db()
    assert (one_class_file.status, one_class_file.counts["disabled"]) == (Status.IMPORTED, 8)
    assert len(active_ines(organization)) == 2


def test_a_member_cannot_confirm_even_with_the_tick(client, member_user, one_class_file):
    client.force_login(member_user)
    response = client.post(
        f"/eleves/import/{one_class_file.pk}/confirmer/", {"acknowledge_mass_deactivation": "1"}
    )
    assert response.status_code == 403
    one_class_file.refresh_from_db()
    assert one_class_file.status == Status.VALIDATED


def test_an_outsider_cannot_confirm_even_with_the_tick(client, outsider_user, one_class_file):
    client.force_login(outsider_user)
    response = client.post(
        f"/eleves/import/{one_class_file.pk}/confirmer/", {"acknowledge_mass_deactivation": "1"}
    )
    assert response.status_code == 404
    one_class_file.refresh_from_db()
    assert one_class_file.status == Status.VALIDATED


# --- The command line --------------------------------------------------------------------


def run_command(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_siecle", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def one_class_export(tmp_path, organization):
    ines = school_with(organization, {"6A": 2, "6B": 4, "5A": 4})
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(file_keeping(organization, ines[:2]))
    return path


def test_the_command_refuses_without_the_flag_and_says_how(organization, one_class_export):
    before = learners_snapshot(organization)
    code, _, err = run_command(organization.uai, str(one_class_export), "--yes")
    assert code == 1
    assert f"Not applied: {REFUSED}: Cet import désactiverait 8 de vos 10" in err
    assert "classes absent from the file: 6B, 5A" in err
    assert "--acknowledge-mass-deactivation" in err
    assert Import.objects.get().status == Status.VALIDATED
    assert learners_snapshot(organization) == before


def test_the_command_says_it_in_json_too(organization, one_class_export):
    code, out, _ = run_command(organization.uai, str(one_class_export), "--yes", "--json")
    assert code == 1
    result = json.loads(out)
    assert result["status"] == "VALIDATED"
    assert result["refused"]["code"] == REFUSED
    assert result["refused"]["meta"] == {"disabled": 8, "active": 10, "classes": ["6B", "5A"]}
    assert "mass_deactivation" not in result["counts"]


def test_the_command_applies_with_the_flag(organization, one_class_export):
    code, out, _ = run_command(
        organization.uai, str(one_class_export), "--yes", "--acknowledge-mass-deactivation"
    )
    assert code == 0, out
    assert Import.objects.get().status == Status.IMPORTED
    assert len(active_ines(organization)) == 2


def test_the_apply_checks_again_when_the_list_changed_since_the_confirmation(
    organization, run_import
):
    """A (the whole school) is confirmed but not applied yet, B (one class) is checked and
    confirmed while the list is still empty, so nothing asked for the tick; A applies, then
    B would disable 40 of 50 students: its apply refuses, the list stays as A left it."""
    whole = [make_ine() for _ in range(50)]
    a = run_import(organization, file_keeping(organization, whole), confirm=False)
    # Confirmed, its apply still queued (a busy worker, a broker that was down).
    services.import_confirm(import_=a, user=None, enqueue=False)
    b = run_import(organization, file_keeping(organization, whole[:10], "6B"), confirm=False)
    assert Import.objects.get(pk=a.pk).status == Status.IMPORTING  # not replaced
    b = Import.objects.get(pk=b.pk)
    services.import_confirm(import_=b, user=None, enqueue=False)  # the list is empty: no tick
    assert services.import_apply(import_id=a.pk).status == Status.IMPORTED
    before = active_ines(organization)
    refused = services.import_apply(import_id=b.pk)
    assert refused.status == Status.IMPORT_ERROR
    assert [e["code"] for e in refused.errors] == [REFUSED]
    assert refused.errors[0]["meta"]["disabled"] == 40
    assert active_ines(organization) == before == set(whole)


def test_an_acknowledged_import_is_applied_even_when_it_disables_most_of_the_school(
    organization, run_import
):
    ines = school_with(organization, {"6A": 10})
    import_ = run_import(organization, file_keeping(organization, ines[:2]), confirm=False)
    services.import_confirm(
        import_=import_, user=None, acknowledge_mass_deactivation=True, enqueue=False
    )
    assert services.import_apply(import_id=import_.pk).status == Status.IMPORTED
    assert active_ines(organization) == set(ines[:2])
