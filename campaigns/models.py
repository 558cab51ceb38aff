"""Campaigns, the codes they were ever given, and participations.

No business logic here: writes go through `campaigns.services`, reads through
`campaigns.selectors`. The database holds the invariants: a code has the platform's
format and is never handed out twice (`CampaignCode` keeps every code ever issued, a
replaced one included); one current participation per learner and campaign.

Nothing is deleted: a campaign or a participation that a school deletes keeps its row
with `deleted_at` / `deleted_by`, and every read leaves those out.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from students.models import Learner

from .codes import CODE_LENGTH, CODE_PATTERN

TITLE_MAX_LENGTH = 50
LANDING_TEXT_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 255


class Campaign(models.Model):
    class Type(models.TextChoices):
        ASSESSMENT = "ASSESSMENT", _("Assessment")
        PROFILES_COLLECTION = "PROFILES_COLLECTION", _("Profiles collection")

    # One line under each type in the form and on the campaign page.
    TYPE_EXPLANATIONS = {
        Type.ASSESSMENT: _(
            "To measure the students' skills on a subject: you see who has joined and who "
            "has sent you their results."
        ),
        Type.PROFILES_COLLECTION: _(
            "To gather the skills profiles the students already have, without a new test."
        ),
    }

    class ExternalIdType(models.TextChoices):
        EMAIL = "EMAIL", _("E-mail address")
        TEXT = "TEXT", _("Free text")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # `students.normalize.normalize_search(name)`, filled by the services: the list's search
    # ignores case and accents on every database.
    search_name = models.TextField(_("search name"), blank=True, editable=False)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    # An active member of the organisation; when their membership ends, the campaigns pass
    # to an administrator (`campaigns.services.ownership`), so PROTECT never fires there.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("owner"),
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("title shown to students"), max_length=TITLE_MAX_LENGTH, blank=True)
    landing_text = models.TextField(_("landing page text"), blank=True)
    external_id_label = models.CharField(_("external identifier label"), max_length=255, blank=True)
    external_id_type = models.CharField(
        _("external identifier type"), max_length=8, choices=ExternalIdType.choices, blank=True
    )
    multiple_sendings = models.BooleanField(_("multiple sendings"), default=False)
    # Set on the campaigns of "one campaign per class": only that class's students join.
    target_division = models.CharField(_("class"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="campaign_code_format"
            ),
            models.CheckConstraint(
                condition=Q(type__in=["ASSESSMENT", "PROFILES_COLLECTION"]),
                name="campaign_type_known",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("landing_text"), LANDING_TEXT_MAX_LENGTH),
                name="campaign_landing_text_max_length",
            ),
            # A label says what to ask and a type how to check it: both or neither.
            models.CheckConstraint(
                condition=(Q(external_id_label="") & Q(external_id_type=""))
                | (~Q(external_id_label="") & Q(external_id_type__in=["EMAIL", "TEXT"])),
                name="campaign_external_id_label_and_type",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="campaign_name_not_blank"),
        ]
        indexes = [
            # The list: an organisation's campaigns still shown, newest first.
            models.Index(
                fields=["organization", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="campaign_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def type_explanation(self) -> str:
        return str(self.TYPE_EXPLANATIONS.get(self.type, ""))

    @property
    def shown_title(self) -> str:
        return self.title or self.name


class CampaignCode(models.Model):
    """Every code ever handed out, the current one and those replaced after a leak: the
    unique constraint here is what makes a code unique forever, a deleted campaign's and
    a replaced one's included. A code is reserved here first, then given to its campaign
    in the same transaction (`campaign` is empty only in between)."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name=_("campaign"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("campaign code")
        verbose_name_plural = _("campaign codes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="campaign_code_registry_format"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Participation(models.Model):
    """A learner's participation in a campaign: joined (STARTED), then results sent to
    the organisation (SHARED).

    With multiple sendings, a student who sent their results may start again: the
    previous participation is kept with `is_improved` set, and the new one is the current
    one. There is one current (not improved, not deleted) participation per learner and
    campaign. The learner is never empty: organisations that do not manage students get
    a learner made from the account's names at the first join.
    """

    class Status(models.TextChoices):
        STARTED = "STARTED", _("In progress")
        SHARED = "SHARED", _("Results sent")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("campaign"),
    )
    # The school's record stays when a student's account is deleted: it is the learner's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("account"),
    )
    learner = models.ForeignKey(
        Learner,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("student"),
    )
    external_id = models.CharField(_("external identifier"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.STARTED
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    is_improved = models.BooleanField(_("replaced by a newer sending"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "learner"],
                condition=Q(is_improved=False, deleted_at__isnull=True),
                name="participation_one_current_per_learner",
                violation_error_message=_("This student already takes part in this campaign."),
            ),
            models.CheckConstraint(
                condition=(Q(status="STARTED") & Q(shared_at__isnull=True))
                | (Q(status="SHARED") & Q(shared_at__isnull=False)),
                name="participation_shared_has_date",
            ),
        ]
        indexes = [
            # A student's page: their participations.
            models.Index(fields=["learner", "-created_at"], name="participation_learner_idx"),
            # A campaign's participants, its per-class numbers and the list's counts (the
            # unique index above is partial: it serves only current participations).
            models.Index(fields=["campaign", "learner"], name="participation_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} / {self.learner_id} ({self.status})"

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.SHARED


class AttemptCounter(models.Model):
    """How many attempts one key (an account, a learner, a browser session, a campaign
    code, an IP address — stored as a hash) made in one fixed time window of one scope.

    The students' joining limits (`campaigns.limits`) live in the database rather than the
    cache: birth dates are guessable, so a limit that vanished while Redis is down would
    be no limit. One row per (scope, key, period, window), incremented by a single
    `INSERT … ON CONFLICT DO UPDATE`; rows past `expires_at` are purged as new ones come.
    """

    scope = models.CharField(_("scope"), max_length=32)
    key = models.CharField(_("key (hash)"), max_length=64)
    period = models.PositiveIntegerField(_("window length (seconds)"))
    # The window's number since the epoch (time // period), not a date: the same for
    # every process whatever its clock's sub-second drift.
    window_index = models.BigIntegerField(_("window"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "period", "window_index"],
                name="attemptcounter_one_row_per_window",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="attemptcounter_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… {self.attempts}"
