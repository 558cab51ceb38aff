"""Demo data for a first look: a staff user, a school and its administrator, who has
accepted the terms of use in force (a demonstration version is published when there is
none, so that the space opens). Idempotent.

The demo accounts have a published password (printed below, and in this file): on a
production site they would be open doors, the staff one to the back office. The command
refuses when DEBUG is false unless told `--allow-production` (tests, a demo server).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.selectors import cgu_version_current
from organizations.services import (
    cgu_accept,
    cgu_version_publish,
    membership_create,
    organization_create,
)

DEMO_PASSWORD = "pix-orga-demo-2026"  # noqa: S105 - demo accounts only, printed on purpose
STAFF_EMAIL = "staff@pix.example"
ADMIN_EMAIL = "direction@college-demo.example"
SCHOOL_UAI = "0750654D"

# Placeholder terms for a demo: the real text is published by staff in the back office.
DEMO_CGU_FR = """Conditions générales d'utilisation de Pix Orga — version de démonstration.

Ce texte tient lieu des conditions générales d'utilisation sur un site de démonstration. \
Sur le service réel, le texte en vigueur est publié par l'équipe Pix depuis le back office.

Pix Orga permet aux établissements scolaires de suivre les compétences numériques de leurs \
élèves. Les données des élèves sont traitées pour le compte de l'établissement, qui en reste \
responsable."""
DEMO_CGU_EN = """Pix Orga terms of use — demonstration version.

This text stands for the terms of use on a demonstration site. On the real service, the \
text in force is published by the Pix team from the back office."""


class Command(BaseCommand):
    help = "Create (or keep) the demo staff user, school and school administrator."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is false (a demo server, the tests).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is false: this looks like production, and the demo accounts have a "
                "published password (the staff one opens the back office). Nothing was "
                "created. Pass --allow-production if this really is a demo server."
            )
        self._user(STAFF_EMAIL, "Camille", "Support", is_staff=True, is_superuser=True)
        admin = self._user(ADMIN_EMAIL, "Dominique", "Proviseur")
        school = Organization.objects.filter(uai=SCHOOL_UAI).first() or organization_create(
            name="Collège Victor Hugo (démo)",
            type=Organization.Type.SCO,
            uai=SCHOOL_UAI,
            official_email=f"ce.{SCHOOL_UAI.lower()}@ac-paris.fr",
            province_code="75",
        )
        if not Membership.objects.filter(
            user=admin, organization=school, disabled_at__isnull=True
        ).exists():
            membership_create(user=admin, organization=school, role=Membership.Role.ADMIN)
        terms = cgu_version_current() or cgu_version_publish(
            actor=None, text_fr=DEMO_CGU_FR, text_en=DEMO_CGU_EN
        )
        cgu_accept(user=admin, version=terms)  # once: accepting again records nothing

        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(f"  School: {school.name}, UAI {school.uai}")
        self.stdout.write(f"  School administrator: {ADMIN_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"  Platform staff (back office /backoffice/): {STAFF_EMAIL} / {DEMO_PASSWORD}"
        )
        self.stdout.write("  Sign in at http://127.0.0.1:8000/compte/login/")

    def _user(self, email, first_name, last_name, **flags) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
        changed = [name for name, value in flags.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, flags[name])
        if changed:
            user.save(update_fields=changed)
        return user
