"""Learners (an organisation's students) and SIECLE imports.

No business logic here: imports are driven by `students.services`, reads go through
`students.selectors`. The database holds the invariants: one learner per INE in an
organisation, one learner per account in an organisation.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Learner(models.Model):
    """A student of an organisation, as last imported from SIECLE.

    Students who are no longer in the file are `disabled`, never deleted: their
    history and account link stay. `search_name` and `sort_name` are filled by the import
    (`students.normalize`) for accent-insensitive search and the French order.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="learners",
        verbose_name=_("organisation"),
    )
    ine = models.CharField(_("INE"), max_length=32)
    first_name = models.CharField(_("first name"), max_length=255)
    middle_name = models.CharField(_("middle name"), max_length=255, blank=True)
    third_name = models.CharField(_("third name"), max_length=255, blank=True)
    last_name = models.CharField(_("last name"), max_length=255)
    preferred_last_name = models.CharField(_("preferred last name"), max_length=255, blank=True)
    # Unbounded: five names of 255 characters, the INE and ligatures spelt out ("œ" → "oe")
    # must always fit, or a file that validated would fail at apply.
    search_name = models.TextField(_("search name"), blank=True, editable=False)
    # The list's order (`students.normalize.learner_sort_name`): the last name shown, then
    # the first name, folded into a-z so that every database orders it alike.
    sort_name = models.TextField(_("sort name"), blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birthdate = models.DateField(_("birth date"))
    birth_country_code = models.CharField(_("birth country code"), max_length=16, blank=True)
    birth_province_code = models.CharField(_("birth province code"), max_length=16, blank=True)
    birth_city_code = models.CharField(_("birth city code"), max_length=16, blank=True)
    birth_city = models.CharField(_("birth city"), max_length=255, blank=True)
    mef_code = models.CharField(_("MEF code"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, blank=True)
    division = models.CharField(_("class"), max_length=64, blank=True)
    disabled = models.BooleanField(_("disabled"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learners",
        verbose_name=_("linked account"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "ine"],
                name="learner_unique_ine_per_organization",
                violation_error_message=_("This organisation already has a student with this INE."),
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="learner_one_per_account_per_organization",
                violation_error_message=_(
                    "This account is already linked to a student of this organisation."
                ),
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="learner_sex_m_or_f"),
            models.CheckConstraint(condition=~Q(ine=""), name="learner_ine_not_blank"),
        ]
        indexes = [
            # The list page: active students of an organisation, by name or by class.
            models.Index(
                fields=["organization", "disabled", "sort_name"], name="learner_list_by_name_idx"
            ),
            models.Index(
                fields=["organization", "disabled", "division"], name="learner_list_by_class_idx"
            ),
            # The cross-school relink at import: linked learners of any school, by INE.
            models.Index(
                fields=["ine", "birthdate"],
                condition=Q(user__isnull=False),
                name="learner_linked_ine_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} ({self.ine})"

    @property
    def display_last_name(self) -> str:
        return self.preferred_last_name or self.last_name


class Import(models.Model):
    """One SIECLE file, from upload to outcome: the row *is* the long-running job.

    UPLOADED → VALIDATING → VALIDATED → (confirmed) IMPORTING → IMPORTED, or a final
    error / CANCELLED: `TRANSITIONS` lists every move, and every status change goes
    through `students.services.states.import_transition`, a conditional UPDATE that
    refuses any other. `updated_at` is the heartbeat the reaper watches.
    """

    class Status(models.TextChoices):
        UPLOADED = "UPLOADED", _("File received, waiting to be checked")
        VALIDATING = "VALIDATING", _("Checking the file")
        VALIDATED = "VALIDATED", _("Checked, waiting for your confirmation")
        IMPORTING = "IMPORTING", _("Applying the import")
        IMPORTED = "IMPORTED", _("Imported")
        CANCELLED = "CANCELLED", _("Cancelled")
        UPLOAD_ERROR = "UPLOAD_ERROR", _("File refused")
        VALIDATION_ERROR = "VALIDATION_ERROR", _("Errors in the file")
        IMPORT_ERROR = "IMPORT_ERROR", _("Import failed")

    FINAL_STATUSES = frozenset(
        {
            Status.IMPORTED,
            Status.CANCELLED,
            Status.UPLOAD_ERROR,
            Status.VALIDATION_ERROR,
            Status.IMPORT_ERROR,
        }
    )
    # Every status change an import can make, and what makes it; `None` is the row's
    # creation. `import_transition` refuses a move this table does not list, and the state
    # diagram of docs/architecture.md is drawn from it (`manage.py import_state_diagram`;
    # a test checks they agree). Labels: plain words, no colon (Mermaid syntax).
    TRANSITIONS: ClassVar[dict[tuple[str | None, str], str]] = {
        (None, Status.UPLOADED): "upload",
        (None, Status.UPLOAD_ERROR): "upload over the size limit",
        (Status.UPLOADED, Status.VALIDATING): "a worker claims the check",
        (Status.UPLOADED, Status.VALIDATION_ERROR): "no worker within 1 h",
        (Status.UPLOADED, Status.CANCELLED): (
            "cancelled, replaced by a newer upload, or abandoned for 24 h"
        ),
        (Status.VALIDATING, Status.VALIDATING): "taken over after 60 s of silence, twice at most",
        (Status.VALIDATING, Status.VALIDATED): "file valid, preview and rows stored",
        (Status.VALIDATING, Status.VALIDATION_ERROR): (
            "errors in the file, check failed, silent for 10 min, or silent after two takeovers"
        ),
        (Status.VALIDATING, Status.UPLOAD_ERROR): "stored file missing",
        (Status.VALIDATING, Status.CANCELLED): "cancelled, or replaced by a newer upload",
        (Status.VALIDATED, Status.IMPORTING): "confirmed",
        (Status.VALIDATED, Status.IMPORT_ERROR): "confirmed but outdated",
        (Status.VALIDATED, Status.CANCELLED): (
            "cancelled, replaced by a newer upload, or abandoned for 24 h"
        ),
        (Status.IMPORTING, Status.IMPORTED): "applied",
        (Status.IMPORTING, Status.IMPORT_ERROR): "apply failed, refused or interrupted",
    }

    RUNNING_STATUSES = frozenset({Status.UPLOADED, Status.VALIDATING, Status.IMPORTING})
    ERROR_STATUSES = frozenset({Status.UPLOAD_ERROR, Status.VALIDATION_ERROR, Status.IMPORT_ERROR})

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Touched by every state change and progress report: the reaper's heartbeat, and the
    # validation's claim is live while it moves (students.services.maintenance).
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # When the step the import waits for (UPLOADED: the check; IMPORTING before the apply
    # starts) was last handed over: its task sent to the broker, or run by the command
    # line itself. Emptied when the broker refused the task: maintenance sends it again
    # at its next run, so a broker outage loses nothing.
    task_sent_at = models.DateTimeField(_("task sent at"), null=True, blank=True)
    # The validation run that holds the claim: progress and the outcome are written only
    # for this token, so a run that was taken over stops at its next write.
    run_token = models.CharField(_("validation run"), max_length=32, blank=True)
    # When the run holding the claim took it (the first claim, or the last takeover): the
    # end of the validation's wait in the queue (benchmarks/rentree.py measures it).
    validation_started_at = models.DateTimeField(_("check started at"), null=True, blank=True)
    # The person ticked, at confirmation, that they understood the import disables more
    # than a fifth of the active students; the apply checks again under its lock.
    mass_deactivation_acknowledged = models.BooleanField(
        _("mass deactivation acknowledged"), default=False
    )
    # How many times a silent validation was taken over by a new run (at most two).
    takeovers = models.PositiveSmallIntegerField(_("takeovers"), default=0)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.BigIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # [{"code": ..., "meta": {...}}]: sentences are rendered at display time. The first
    # 200 in file order (students.siecle.ReaderLimits.max_kept_errors): a file read in the
    # wrong encoding has thousands.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Every error found, kept or not, saved with them: the history shows it without
    # loading the errors.
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    # {code: number of errors with that code}, every error counted (empty for rows written
    # by `import_create` or before this field: then counted from `errors`).
    error_counts = models.JSONField(_("number of errors per code"), default=dict, blank=True)
    # The complete list of errors as CSV, for download (students.services.error_file).
    errors_path = models.CharField(_("stored list of errors"), max_length=255, blank=True)
    # When the personal detail was deleted, 30 days after the import: the errors naming
    # students, their file and the names of skipped students. Codes and counts remain.
    detail_expired_at = models.DateTimeField(_("detail deleted at"), null=True, blank=True)
    # What confirming would do (display only; the apply recomputes under a lock).
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # What the apply did: created, updated, reenabled, disabled, skipped by reason.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Storage names (Django's storage API, shared by web and worker); emptied once deleted.
    upload_path = models.CharField(_("stored upload"), max_length=255, blank=True)
    rows_path = models.CharField(_("stored validated rows"), max_length=255, blank=True)
    rows_sha256 = models.CharField(_("SHA-256 of the validated rows"), max_length=64, blank=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    apply_started_at = models.DateTimeField(_("apply started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("student import")
        verbose_name_plural = _("student imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="import_progress_0_to_100",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="import_history_idx"),
            models.Index(fields=["status", "updated_at"], name="import_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING_STATUSES

    @property
    def is_waiting_for_worker(self) -> bool:
        """Its next step is queued and no worker has started it yet."""
        return self.status == self.Status.UPLOADED or (
            self.status == self.Status.IMPORTING and self.apply_started_at is None
        )

    @property
    def is_error(self) -> bool:
        return self.status in self.ERROR_STATUSES
