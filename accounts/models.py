from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class UserManager(DjangoUserManager):
    """Users have an e-mail, an identifier (username), or both; never neither."""

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # The whole address, not only the domain as Django does: allauth looks addresses
        # up lower-cased (sign-in, password reset, sign-up uniqueness), so an address
        # stored as "Mixed.Case@x.fr" could never sign in. Every path that stores an
        # e-mail (this manager, User.clean, the back office forms) goes through here.
        return (email or "").strip().lower()

    def _create_user(self, username, email, password, **extra_fields):
        username = _blank_to_none(username)
        email = _blank_to_none(email)
        if email:
            email = self.normalize_email(email)
        if username is None and email is None:
            raise ValueError("A user needs an e-mail address or a username")
        user = self.model(username=username, email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(username, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Sign-in by identifier is case-insensitive, as is its uniqueness.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person: school staff, teacher, student or platform staff (`is_staff`).

    Staff and teachers sign up with an e-mail; students may have only an identifier.
    Both are optional, each unique case-insensitively when set, at least one present.
    E-mails are stored lower-cased (see UserManager.normalize_email); identifiers keep
    the case they were typed with and are looked up case-insensitively.
    """

    username = models.CharField(
        _("identifier"),
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        validators=[UnicodeUsernameValidator()],
        error_messages={"unique": _("A user with that identifier already exists.")},
    )
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    # Set when the school gave the account a one-time password (students.services.
    # student_accounts): until the person chooses their own, every page sends them to
    # the "choose your new password" page (accounts.middleware.PasswordChangeRequired...).
    must_change_password = models.BooleanField(_("must choose a new password"), default=False)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("fr", _("French")), ("en", _("English"))],
        default="fr",
    )

    class SignInMethod(models.TextChoices):
        EMAIL = "EMAIL", _("e-mail address")
        IDENTIFIER = "IDENTIFIER", _("identifier")
        ENT = "ENT", _("ENT")

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            # Blank values are stored as NULL so that uniqueness ignores them.
            models.CheckConstraint(
                condition=(models.Q(email__isnull=True) | ~models.Q(email=""))
                & (models.Q(username__isnull=True) | ~models.Q(username="")),
                name="accounts_user_no_blank_login",
            ),
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(username__isnull=False),
                name="accounts_user_email_or_username",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username or f"#{self.pk}"

    @property
    def signs_in_through_ent(self) -> bool:
        """Whether the account has a GAR authentication method. Free when the user was
        read with `accounts.selectors.users_with_sign_in_methods` (an annotation) or with
        `authentication_methods` prefetched; one query otherwise."""
        annotated = getattr(self, "has_gar_method", None)
        if annotated is not None:
            return bool(annotated)
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("authentication_methods")
        if prefetched is not None:
            return any(m.provider == AuthenticationMethod.Provider.GAR for m in prefetched)
        if self.pk is None:
            return False
        return self.authentication_methods.filter(
            provider=AuthenticationMethod.Provider.GAR
        ).exists()

    @property
    def sign_in_methods(self) -> list[str]:
        """How this account signs in, the way a student would be told to: the ENT first
        (a student who has it uses it), then the identifier, then the e-mail address."""
        methods = [self.SignInMethod.ENT] if self.signs_in_through_ent else []
        if self.username:
            methods.append(self.SignInMethod.IDENTIFIER)
        if self.email:
            methods.append(self.SignInMethod.EMAIL)
        return methods

    def clean(self):
        super().clean()
        self.username = _blank_to_none(self.username)
        self.email = _blank_to_none(self.email)
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email)


class AuthenticationMethod(models.Model):
    """A way an account signs in besides its e-mail or identifier and password: for now
    the GAR (a school's ENT, single sign-on), whose `external_id` is the opaque IDO.

    One per provider and external id (an IDO is one person's), one per account and
    provider. The names are those the provider sent last (`authentication_method_touch`
    refreshes them); the account's own names are the person's and stay theirs.
    Written by `accounts.services` only.
    """

    class Provider(models.TextChoices):
        GAR = "GAR", _("GAR (ENT)")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="authentication_methods",
        verbose_name=_("user"),
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    external_id = models.CharField(_("external identifier"), max_length=255)
    first_name = models.CharField(_("first name received"), max_length=255, blank=True)
    last_name = models.CharField(_("last name received"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("authentication method")
        verbose_name_plural = _("authentication methods")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                name="authenticationmethod_one_account_per_external_id",
            ),
            models.UniqueConstraint(
                fields=["user", "provider"], name="authenticationmethod_one_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} #{self.pk}"


# --- GAR single sign-on (accounts/gar/) ------------------------------------------------------


class SamlRequest(models.Model):
    """An AuthnRequest sent to the GAR and not yet answered.

    The answer is a cross-site POST from the GAR: the SameSite=Lax session cookie does not
    come back with it, so the browser's session cannot say which request it answers. This
    row does: the response's InResponseTo must name one that is unexpired and unconsumed,
    and consuming it is a conditional UPDATE (accounts.gar.service), so an answer is taken
    once. It also remembers the campaign being joined, which never travels in a URL.
    """

    id = models.CharField(primary_key=True, max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    # The (open) campaign whose code the person was joining, '' when none.
    campaign_code = models.CharField(max_length=16, blank=True, default="")
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("GAR sign-in request")
        verbose_name_plural = _("GAR sign-in requests")

    def __str__(self) -> str:
        return self.id


class SamlAssertion(models.Model):
    """An assertion id the GAR sent and we accepted: each is accepted once (the unique
    constraint is the rule). Kept until the assertion itself expires, then purged."""

    assertion_id = models.CharField(max_length=255, unique=True)
    consumed_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("consumed GAR assertion")
        verbose_name_plural = _("consumed GAR assertions")

    def __str__(self) -> str:
        return self.assertion_id
