"""The invitation: one model for every invitation to join an organisation (the school's
administrator invitation, self-activation, and later the team's).

The link of an invitation carries its id and a secret code. Only a hash of the code is
stored (`code_hash`); the code itself exists in the e-mail and nowhere else. Sending
again makes a new code: the previous hashes are kept (`replaced_code_hashes`) so that an
old link's page can say that a newer e-mail was sent, instead of a bare "invalid link".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Invitation(models.Model):
    class Role(models.TextChoices):
        ADMIN = "ADMIN", _("Administrator")
        MEMBER = "MEMBER", _("Member")
        # Resolved at acceptance, under the organisation's row lock: ADMIN when the
        # organisation has no active administrator then, MEMBER otherwise.
        AUTO = "AUTO", _("Automatic (administrator if the organisation has none)")

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        ACCEPTED = "ACCEPTED", _("Accepted")
        CANCELLED = "CANCELLED", _("Cancelled")

    class Delivery(models.TextChoices):
        # Saved, but the e-mail could not be handed to the broker yet (broker down): the
        # maintenance task sends it again.
        NOT_QUEUED = "NOT_QUEUED", _("Not sent yet")
        QUEUED = "QUEUED", _("Being sent")
        SENT = "SENT", _("Sent")
        # The mail server refused it for good, or kept failing until the retries ran out.
        FAILED = "FAILED", _("Refused by the mail server")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    replaced_code_hashes = models.JSONField(
        _("hashes of replaced codes"), default=list, blank=True, editable=False
    )
    send_count = models.PositiveIntegerField(_("e-mails sent"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    # Self-activation: who asked, named in the e-mail to the school's official address.
    # Personal data typed by an anonymous visitor: erased once the invitation is accepted
    # or cancelled, and by the maintenance task after REQUESTER_KEPT_DAYS.
    requester_first_name = models.CharField(_("requester's first name"), max_length=150, blank=True)
    requester_last_name = models.CharField(_("requester's last name"), max_length=150, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.NOT_QUEUED
    )
    delivery_changed_at = models.DateTimeField(_("delivery changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Re-inviting reuses the pending invitation; two requests at once cannot make
            # two (the second insert waits for the first and then fails).
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="PENDING"),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="invitation_email_lower_case"
            ),
            models.CheckConstraint(
                condition=~Q(status="ACCEPTED") | Q(accepted_at__isnull=False),
                name="invitation_accepted_has_date",
            ),
        ]
        indexes = [
            # The maintenance task's question: which pending e-mails never reached the broker.
            models.Index(
                fields=["last_sent_at"],
                condition=Q(status="PENDING", delivery="NOT_QUEUED"),
                name="invitation_not_queued_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
