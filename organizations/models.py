from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .uai import normalize_uai, validate_uai


class UAIField(models.CharField):
    """Stored trimmed and upper-cased; validated (format and check letter) by forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("validators", [validate_uai])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        return normalize_uai(value) or None


class Organization(models.Model):
    class Type(models.TextChoices):
        SCO = "SCO", _("Secondary school")
        SCO_1D = "SCO-1D", _("Primary school")
        SUP = "SUP", _("Higher education")
        PRO = "PRO", _("Professional")

    name = models.CharField(_("name"), max_length=255)
    type = models.CharField(_("type"), max_length=8, choices=Type.choices)
    uai = UAIField(_("UAI"), unique=True, null=True, blank=True)
    official_email = models.EmailField(_("official e-mail"), blank=True)
    is_managing_students = models.BooleanField(_("manages its students"), default=False)
    province_code = models.CharField(_("province code"), max_length=3, blank=True)
    documentation_url = models.URLField(_("documentation URL"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Who closed the space (with `archived_at`, when); the audit log keeps the history.
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type__in=["SCO", "SCO-1D"]) | Q(uai__isnull=False),
                name="organization_school_has_uai",
            ),
            models.CheckConstraint(
                condition=~Q(type="SCO") | ~Q(official_email=""),
                name="organization_sco_has_official_email",
            ),
            models.CheckConstraint(
                condition=Q(uai__isnull=True) | ~Q(uai=""), name="organization_uai_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})" if self.uai else self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.type in {self.Type.SCO, self.Type.SCO_1D} and not self.uai:
            errors["uai"] = _("A school needs its UAI.")
        if self.type == self.Type.SCO and not self.official_email:
            errors["official_email"] = _(
                "A secondary school needs its official e-mail address, "
                "where its administrator invitation is sent."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def can_import_from_siecle(self) -> bool:
        return self.type == self.Type.SCO and self.is_managing_students


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "ADMIN", _("Administrator")
        MEMBER = "MEMBER", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    # The person's last visit to this organisation's space, to the hour: written by
    # `org_view` at most once an hour (services/visits.py), shown to administrators on
    # the team page. Empty until the first visit after the field existed.
    last_seen_at = models.DateTimeField(_("last visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(disabled_at__isnull=True),
                name="membership_one_active_per_user_and_organization",
                violation_error_message=_("This person is already a member of this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class AuditLog(models.Model):
    """One state change made by a person acting for a school or for the platform (or by the
    system): who, in which capacity, what, on which object, in which organisation, when.

    Rows are written only by `organizations.audit.audit_record`, inside the transaction of
    the change they describe, and never changed afterwards. `details` holds ids, codes and
    counts, never names or e-mail addresses: the log outlives the people it mentions.

    The log also outlives the rows it mentions: `actor` and `organization` carry no
    database constraint and are left alone when the user or organisation is deleted, so
    the ids stay readable; the object is a type and an id, not a foreign key.
    """

    class OnBehalfOf(models.TextChoices):
        # The capacity in which the actor acted, not who they are: platform staff who are
        # also a school's administrator act as STAFF in the back office, ADMIN on its pages.
        ADMIN = "ADMIN", _("Administrator of the organisation")
        MEMBER = "MEMBER", _("Member of the organisation")
        STAFF = "STAFF", _("Platform staff")
        SYSTEM = "SYSTEM", _("System (command, task)")
        # A person acting for themselves, for no organisation: accepting the terms of use.
        SELF = "SELF", _("The person themselves")

    class Action(models.TextChoices):
        """The stable codes (never renamed: the log is read years later). A new action is
        added here; the field itself has no choices, so adding one needs no migration."""

        ORGANIZATION_CREATED = "organization.created", _("Organisation created")
        ORGANIZATION_CHANGED = "organization.changed", _("Organisation changed")
        ORGANIZATION_ARCHIVED = "organization.archived", _("Organisation archived")
        # Unarchived (`organization_unarchive`); the code predates the function's name.
        ORGANIZATION_REOPENED = "organization.reopened", _("Organisation reopened")
        ORGANIZATION_BULK_CREATED = (
            "organization.bulk_created",
            _("Organisations created from a CSV file"),
        )
        MEMBERSHIP_CREATED = "membership.created", _("Member added")
        MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("Member's role changed")
        MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
        MEMBERSHIP_LEFT = "membership.left", _("Member left")
        MEMBERSHIP_DISABLED = "membership.disabled", _("Membership ended")
        USER_CREATED = "user.created", _("User created")
        USER_CHANGED = "user.changed", _("User changed")
        USER_PASSWORD_CHANGED = "user.password_changed", _("User's password changed")
        USER_DELETED = "user.deleted", _("User deleted")
        IMPORT_UPLOADED = "import.uploaded", _("Student file uploaded")
        IMPORT_CONFIRMED = "import.confirmed", _("Student import confirmed")
        IMPORT_CANCELLED = "import.cancelled", _("Student import cancelled")
        CGU_PUBLISHED = "cgu.published", _("Terms of use published")
        CGU_ACCEPTED = "cgu.accepted", _("Terms of use accepted")
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_CANCELLED = "invitation.cancelled", _("Invitation cancelled")
        INVITATIONS_PENDING_CANCELLED = (
            "invitation.pending_cancelled",
            _("Pending invitations cancelled"),
        )
        INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
        # --- Campaigns (campaigns.services) ---
        CAMPAIGN_CREATED = "campaign.created", _("Campaign created")
        CAMPAIGN_CHANGED = "campaign.changed", _("Campaign changed")
        CAMPAIGN_OWNER_CHANGED = "campaign.owner_changed", _("Campaign passed to another owner")
        CAMPAIGN_ARCHIVED = "campaign.archived", _("Campaign archived")
        CAMPAIGN_UNARCHIVED = "campaign.unarchived", _("Campaign unarchived")
        CAMPAIGN_DELETED = "campaign.deleted", _("Campaign deleted")
        CAMPAIGN_CODE_REPLACED = "campaign.code_replaced", _("Campaign code replaced")
        PARTICIPATION_DELETED = "participation.deleted", _("Student's participation deleted")
        # --- end of campaigns ---
        # --- Students joining by code (campaigns.services.joining), on behalf of SELF ---
        LEARNER_LINKED = "learner.linked", _("Student's account linked to the school's list")
        LEARNER_CREATED_FOR_ACCOUNT = (
            "learner.created_for_account",
            _("Student added from their account"),
        )
        # --- end of students joining ---
        # --- Students' accounts helped by their school (students.services.student_accounts),
        # on behalf of ADMIN ---
        LEARNER_PASSWORDS_GENERATED = (
            "learner.passwords_generated",
            _("Identifiers and one-time passwords generated for students"),
        )
        LEARNER_DISSOCIATED = "learner.dissociated", _("Student's account unlinked")
        # --- end of students' accounts ---
        # --- GAR single sign-on (campaigns.gar.services), on behalf of SELF ---
        AUTHENTICATION_METHOD_ADDED = (
            "authentication_method.added",
            _("ENT sign-in (GAR) added to an account"),
        )
        AUTHENTICATION_METHOD_REPLACED = (
            "authentication_method.replaced",
            _("ENT sign-in (GAR) of an account replaced"),
        )
        # --- end of GAR single sign-on ---
        # --- API tokens (organizations.tokens) ---
        API_TOKEN_CREATED = "api_token.created", _("API token created")
        API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
        # --- end of API tokens ---

    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite indexes below start with it
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    on_behalf_of = models.CharField(_("on behalf of"), max_length=8, choices=OnBehalfOf.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite indexes below start with it
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            # An organisation's log, newest first (the back office, later the school's).
            models.Index(fields=["organization", "-created_at"], name="auditlog_org_newest_idx"),
            # What a person did, newest first.
            models.Index(fields=["actor", "-created_at"], name="auditlog_actor_newest_idx"),
            # The history of one object.
            models.Index(fields=["target_type", "target_id"], name="auditlog_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"


class CguVersion(models.Model):
    """One version of the terms of use (CGU): its text in French (required) and English
    (optional; French is shown when it is empty), and the moment it takes effect.

    The text is stored in the row, never in a template: what a person accepted must stay
    readable exactly as it was, years later, whatever is deployed since. Rows are added
    by `cgu_version_publish` and never changed or deleted (the back office is read-only
    once saved). The current version is the newest whose `effective_at` has come.
    """

    effective_at = models.DateTimeField(_("takes effect on"), unique=True)
    text_fr = models.TextField(_("text in French"))
    text_en = models.TextField(_("text in English"), blank=True)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("terms of use version")
        verbose_name_plural = _("terms of use versions")
        ordering = ["-effective_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(text_fr=""), name="cguversion_has_french_text"),
        ]

    def __str__(self) -> str:
        return _("Terms of use of %(date)s") % {
            "date": timezone.localtime(self.effective_at).strftime("%Y-%m-%d %H:%M")
        }

    def text_for(self, language: str | None) -> tuple[str, str]:
        """(text, its language code): English when asked and written, else French."""
        if (language or "").startswith("en") and self.text_en.strip():
            return self.text_en, "en"
        return self.text_fr, "fr"


class CguAcceptance(models.Model):
    """A person accepted a version of the terms of use: once per person and version, for
    every organisation they belong to (the terms are the platform's, not a school's)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cgu_acceptances",
        verbose_name=_("user"),
    )
    # PROTECT: a version someone accepted is a record, not something to tidy away.
    version = models.ForeignKey(
        CguVersion,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("version"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("terms of use acceptance")
        verbose_name_plural = _("terms of use acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            # Also the index of the guard's lookup (user, current version).
            models.UniqueConstraint(
                fields=["user", "version"], name="cguacceptance_once_per_user_and_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.version}"


class ApiToken(models.Model):
    """A personal access token for the JSON API (`/api/v1/`): a person's script acting
    for one of their organisations, with a role no higher than theirs there.

    Made for one membership: it dies with it (a membership that ends, even if the person
    joins again later, never revives its tokens) and acts with the lower of its own role
    and the membership's role as it is at each request (`organizations.tokens`). Only a
    SHA-256 of the secret is stored (the secret is shown once, at creation); `prefix` is
    its first characters, shown so that the person can tell their tokens apart. Revoked
    and expired tokens keep their row: the audit log names tokens by id.
    """

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("membership"),
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=8, choices=Membership.Role.choices)
    prefix = models.CharField(_("start of the token"), max_length=16)
    key_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["ADMIN", "MEMBER"]), name="apitoken_role_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
