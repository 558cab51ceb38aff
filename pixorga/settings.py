"""Settings, read from the environment (twelve-factor): one module for every place it runs.

With no variable set, the project runs on its zero-configuration default: a SQLite file,
Celery tasks run in-process, a local-memory cache and e-mails printed to the console.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL (broker and cache), SECRET_KEY,
DEBUG=false, ALLOWED_HOSTS, SITE_URL and the e-mail variables. The full list is in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Local runs are DEBUG by default (as in healthchecks); production says DEBUG=false.
DEBUG = env_bool("DEBUG", True)

# Production never falls back on the zero-configuration defaults below: without these it
# would run on a SQLite file, with tasks inside the web request and a cache per process,
# and say nothing. The Dockerfile's build step (collectstatic) passes placeholder values.
PRODUCTION_VARIABLES = {
    "SECRET_KEY": "it signs sessions, CSRF tokens and password-reset links",
    "ALLOWED_HOSTS": "the host names the site answers to, comma-separated",
    "DATABASE_URL": "production runs on PostgreSQL, not on the SQLite file of the default",
    "REDIS_URL": (
        "the Celery broker and the shared cache; without it tasks run inside the web request "
        "and each process counts rate limits on its own"
    ),
}
if not DEBUG:
    missing = [name for name in PRODUCTION_VARIABLES if not env(name).strip()]
    if missing:
        raise ImproperlyConfigured(
            " ".join(
                f"{name} must be set when DEBUG is false: {PRODUCTION_VARIABLES[name]}."
                for name in missing
            )
        )

# Only DEBUG gets here without one (see above).
SECRET_KEY = env("SECRET_KEY") or "insecure-development-key-only-used-when-DEBUG-is-true"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files as static files of our own (no CDN: the site's CSP).
    "drf_spectacular_sidecar",
    "accounts",
    "organizations",
    "invitations",
    "students",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy: outside everything else but Django's
    # own headers, so that every answer gets them (static files and error pages included).
    "pixorga.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Instead of Django's LocaleMiddleware (which follows Accept-Language): the saved
    # preference, else the language cookie, else French. After authentication, which it reads.
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or the CSRF check reads (and spools) the body.
    "pixorga.middleware.RequestBodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # An account given a one-time password by its school chooses its own before anything.
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # Redis down: sign-in and sign-up fail open, other pages that need it answer 503.
    "accounts.middleware.CacheOutageMiddleware",
]

ROOT_URLCONF = "pixorga.urls"
WSGI_APPLICATION = "pixorga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organizations.context_processors.current_organization",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------
# https://github.com/jazzband/dj-database-url
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections, checked before each request reuses one: a connection that
    # PostgreSQL or a proxy closed meanwhile (restart, failover, idle timeout) is replaced
    # instead of failing the request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ----------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # One cache shared by every process: rate limits are per site, not per worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "pixorga"),
            # An unreachable Redis must fail fast (sign-in then fails open, see
            # accounts/limits.py), not hold the request until the OS gives up.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
# No broker configured: tasks run in-process, in the request that enqueues them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
# Default limits; long tasks (the import) set their own, never above CELERY_LONGEST_TASK_SECONDS.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_LONGEST_TASK_SECONDS = 30 * 60
# A task survives a crashed worker: acknowledged after it ran, redelivered otherwise.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process whose memory passed this (in KiB) is replaced after its task: lxml keeps
# tag names seen in a process for its lifetime, so odd files could otherwise add up.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400 * 1024)
# Two queues, so that a person's quick work never waits behind the bulk checks of a
# rentrée burst: "interactive" (applying a confirmed import, e-mails, the import's
# maintenance) and "bulk" (checking uploaded files, and any task not routed). Workers
# consume both, interactive first (`celery -A pixorga worker -Q interactive,bulk`, the
# order of CELERY_TASK_QUEUES when -Q is left out); a worker may also take one queue only.
# https://docs.celeryq.dev/en/stable/userguide/routing.html
INTERACTIVE_QUEUE = "interactive"
BULK_QUEUE = "bulk"
# Each queue with an exchange and routing key of its own: left out, Celery binds both to
# the default exchange with the default routing key, and a message would reach both.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in (INTERACTIVE_QUEUE, BULK_QUEUE)
)
CELERY_TASK_DEFAULT_QUEUE = BULK_QUEUE
CELERY_TASK_ROUTES = {
    "students.apply_import": {"queue": INTERACTIVE_QUEUE},
    "accounts.send_email": {"queue": INTERACTIVE_QUEUE},
    "students.imports_maintenance": {"queue": INTERACTIVE_QUEUE},
    "students.validate_import": {"queue": BULK_QUEUE},
    "students.imports_expire_details": {"queue": BULK_QUEUE},
    # Delivery states and re-sends of invitations: a person is waiting for that e-mail.
    "invitations.*": {"queue": INTERACTIVE_QUEUE},
    # A few DELETEs of expired GAR requests and assertions: quick, never behind a burst.
    "accounts.gar_purge": {"queue": INTERACTIVE_QUEUE},
}
# With acks_late, Redis redelivers an unacknowledged task after the visibility timeout:
# it must exceed the longest hard limit, or a long task would run twice at once.
# queue_order_strategy "priority": a worker's Redis consumer looks at its queues in the
# order given (interactive, then bulk) each time it takes a task; kombu's default
# ("round_robin") would take from bulk every other time however many applies wait.
# https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.redis.html
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_LONGEST_TASK_SECONDS + 15 * 60,
    "queue_order_strategy": "priority",
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# allauth's backend (a ModelBackend: permissions as usual), checking one password per
# sign-in whether or not the account exists (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# https://docs.allauth.org/en/latest/account/configuration.html
# The adapter sends allauth's e-mails through the send_email task, in the person's language,
# applies their preferred language at sign-in, and keys failed sign-ins by account.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
# Sign-up asks first name, last name, e-mail and password (the names come from
# accounts.forms.SignupForm); no identifier: that is for students, created elsewhere.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# https://docs.allauth.org/en/latest/account/forms.html
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGOUT_ON_GET = False
# School computers are shared (computer rooms, library): a session ends with the browser,
# never "remembered" for the next pupil.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pix Orga] "
# Sign-in and password reset tell nothing about which addresses have an account (same
# messages; unknown addresses cost the same password hashing, allauth's backend hashes a
# dummy). Sign-up does say an address is taken: with optional verification the alternative
# would be a second account on the same address; the per-IP sign-up limit bounds probing.
ACCOUNT_PREVENT_ENUMERATION = True
# https://docs.allauth.org/en/latest/account/rate_limits.html
# A whole class (35 pupils, often more when two classes share the computer room) works
# behind the school's one public IP: limits per IP are generous, limits per account are
# strict. The cache is Redis when REDIS_URL is set, so the counts are shared by every
# process; when Redis is down, sign-in and sign-up fail open and the other limited pages
# answer 503 (accounts/middleware.py).
ACCOUNT_RATE_LIMITS = {
    # allauth's own limit on every POST of the sign-in form is off: it is counted per IP
    # before anything knows the browser, so one pupil's script flooding the form from the
    # school's address would lock everyone there out, the head's trusted browser
    # included. Attempts are counted by accounts/limits.py instead, before any password
    # is checked (a refused attempt costs no hashing), and only failures count.
    "login": None,
    # Wrong passwords (accounts/limits.py; a refused attempt counts nowhere). A browser
    # that never signed in to the account is counted per (account, IP) — 5 in 5 minutes,
    # the `key` — and per account, whatever the IP: 30 an hour ("login_failed_account").
    # Password guessing on one account is stopped, and spraying is slowed one account at
    # a time, while someone else's wrong passwords from another network do not lock the
    # owner out for long (a lock from one IP is a lock for that IP only).
    # The per-IP figures are only a ceiling against a flood from one address (300 a
    # minute, 3,000 an hour): a school of up to ~2,000 pupils sits behind one address, and
    # one pupil's script must not lock it out, nor two classes mistyping at once.
    "login_failed": "300/m/ip,3000/h/ip,5/5m/key",
    "login_failed_account": "30/h/key",
    # A browser that has signed in to the account before (signed device cookie) is
    # counted per (account, browser) only: neither the school's IP nor the account's
    # counts apply to it, so a pupil on the school's network cannot lock the head out.
    "login_failed_device": "5/5m/key",
    # Sign-ups, counted on every POST (a form sent back with an error counts): 35 pupils
    # with two or three tries each, and the next class in the same hour: 300 an hour.
    "signup": "300/h/ip",
    # Password reset requests: 3 e-mails per address in 15 minutes (no mail-bombing of
    # one mailbox); 100 an hour per IP so a class that forgot its passwords gets through.
    "reset_password": "100/h/ip,3/15m/key",
    # Following the link of a reset e-mail (the token is unguessable): per IP only.
    "reset_password_from_key": "60/m/ip",
}
# Count the client IP from the proxy chain only when we know how many proxies there are.
# allauth (65.x) reads ALLAUTH_TRUSTED_PROXY_COUNT and then takes the n-th address from
# the right of X-Forwarded-For; with 0 it uses REMOTE_ADDR and ignores the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Sessions and security ------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# https://hstspreload.org/#removal — preload is opt-in: once browsers ship the domain in
# their preload list, they refuse plain HTTP for it and every subdomain for months, even
# after removal. Only whoever runs the whole domain can decide that; with it off, Django's
# reminder (security.W021) is silenced, as a decision taken.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXY_COUNT:
    # Behind our own reverse proxy, which terminates TLS and sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is polled over plain HTTP by the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Languages ------------------------------------------------------------------------
# French unless the person chose otherwise: their saved preference, else the language
# cookie, else LANGUAGE_CODE — never Accept-Language (accounts.middleware.LanguageMiddleware).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The language switch (and sign-in, from the person's preference) sets this cookie;
# it outlives the session so that the next visit opens in the chosen language.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    # Uploaded imports are read by the worker, possibly on another machine: with
    # docker-compose both share the media volume; elsewhere, point this at shared storage.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    # Per socket operation; the send_email task's time limits are set well above it.
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Pix Orga <ne-pas-repondre@pix.example>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- SIECLE imports -------------------------------------------------------------------
SIECLE_MAX_UPLOAD_BYTES = env_int("SIECLE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
SIECLE_MAX_INFLATED_BYTES = env_int("SIECLE_MAX_INFLATED_BYTES", 200 * 1024 * 1024)
SIECLE_MAX_ZIP_RATIO = env_int("SIECLE_MAX_ZIP_RATIO", 100)
# No request body may be larger than the largest upload plus its form's envelope.
MAX_REQUEST_BODY_BYTES = SIECLE_MAX_UPLOAD_BYTES + 1024 * 1024

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines are logged by gunicorn (without query strings, which can hold
        # invitation codes); runserver's own lines are enough locally.
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        # pysaml2 logs whole SAML responses (pupils' names) at DEBUG and INFO, and
        # assertions at ERROR ("Failed to verify signature on …"): never. Our boundary
        # (accounts.gar) logs each refusal with its code.
        "saml2": {"level": "CRITICAL"},
        # Its XML schema library says "Resource … is already loaded" at INFO, often.
        "xmlschema": {"level": "WARNING"},
    },
}

# --- Student imports (students app) -----------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
# Every minute (students.services.maintenance): a running step silent for 10 minutes ends
# as interrupted; a task lost on its way to a worker is sent again; uploads neither
# confirmed nor cancelled within 24 hours are cancelled and their files deleted.
# Run by `celery -A pixorga beat` (the scheduler service of docker-compose).
CELERY_BEAT_SCHEDULE = {
    "students-imports-maintenance": {
        "task": "students.imports_maintenance",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # invitations.services.sending: e-mails that never reached the broker (it was down
    # when the invitation was saved) are sent again; self-activation requesters' names
    # are erased after 30 days.
    "invitations-maintenance": {
        "task": "invitations.maintenance",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # 30 days after an import, what it keeps about students is deleted.
    "students-imports-expire-details": {
        "task": "students.imports_expire_details",
        "schedule": 3600.0,
        "options": {"expires": 3300},
    },
    # accounts.gar.service: expired GAR sign-in requests and consumed assertion ids.
    # Every 10 minutes: the table of outstanding requests stays small.
    "gar-purge": {
        "task": "accounts.gar_purge",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
}

# --- Invitations (invitations app) ------------------------------------------------------
# Self-activation (/demande-administration-sco/) e-mails a school's official address:
# per UAI, so that nobody floods a school's mailbox; per IP (every POST), so that one
# address cannot go through school after school. "count/period" (s, m, h, d), several
# separated by commas. Self-activation is rare (a school asks once), unlike sign-in: a
# class behind one IP is not the concern here.
SELF_ACTIVATION_RATE_LIMITS = {"ip": "20/h", "uai": "3/h,6/d"}

# --- JSON API (/api/v1/, pixorga/api/) ------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # JSON only, in and out; the import's upload and the CSV export say otherwise
    # where they need to.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # A personal access token (scripts), else the session (the pages' own calls, CSRF
    # enforced on unsafe methods).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pixorga.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["pixorga.api.throttling.ApiRateThrottle"],
    # Every refusal as {"code", "message", "meta"}, with the pages' codes.
    "EXCEPTION_HANDLER": "pixorga.api.errors.exception_handler",
    # No OPTIONS description: the OpenAPI schema is the description.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Per token (scripts) and per person (the pages' own calls): "count/period", period s,
# m, h or d (pixorga/api/throttling.py). A nightly import is a handful of requests; a
# script reading 2,000 students 500 at a time, four.
API_RATE_LIMITS = {
    "token": env("API_TOKEN_RATE_LIMIT", "120/m"),
    "session": env("API_SESSION_RATE_LIMIT", "300/m"),
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Pix Orga API",
    "DESCRIPTION": (
        "The JSON API of Pix Orga for schools' scripts and integrations: the student "
        "list and its SIECLE imports, campaigns and their results. Authenticate with a "
        "personal access token made on your account page (`Authorization: Bearer pxo_…`). "
        'Every refusal is `{"code", "message", "meta"}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "organizations.models.Membership.Role",
        "ImportStatusEnum": "students.models.Import.Status",
        "ParticipationStatusEnum": ["STARTED", "SHARED"],
        "OrganizationTypeEnum": "organizations.models.Organization.Type",
        "CampaignTypeEnum": "campaigns.models.Campaign.Type",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pixorga.api.schema.add_error_responses",
    ],
}

# --- GAR single sign-on (accounts/gar/) -------------------------------------------------
# Students (and teachers) arriving from their school's ENT through the GAR, the national
# access manager, by SAML 2.0. Off unless the metadata, the key, the certificate and the
# resource URL are all set: /gar/… then answers a "not available" page (404).
# Registering with the GAR: README.md, "Registering with the GAR".
# https://gar.education.fr/ — the GAR's documentation for resource providers.
# https://pysaml2.readthedocs.io/en/latest/howto/config.html — what pysaml2 is given.
# The GAR's metadata (its signing certificate, its SSO URL): a local file, or an https URL
# that `manage.py gar_refresh_metadata` downloads into GAR_IDP_METADATA_CACHE (the
# application reads only that file; the GAR rotates its certificate yearly).
GAR_IDP_METADATA = env("GAR_IDP_METADATA")
# The GAR's entity id: the metadata must describe that identity provider (a document
# naming another one is refused by gar_refresh_metadata and at sign-in). Empty: not
# pinned (any one identity provider of the metadata), for the tests' local IdP only.
GAR_IDP_ENTITY_ID = env("GAR_IDP_ENTITY_ID")
# The metadata is downloaded over https only; plain http is allowed with DEBUG or this
# (the tests' local server).
GAR_IDP_METADATA_ALLOW_HTTP = env_bool("GAR_IDP_METADATA_ALLOW_HTTP", False)
GAR_IDP_METADATA_CACHE = Path(
    env("GAR_IDP_METADATA_CACHE", str(MEDIA_ROOT / "gar" / "idp-metadata.xml"))
)
# Our key and certificate (PEM): they sign our AuthnRequests and decrypt the assertions.
GAR_SP_KEY_FILE = env("GAR_SP_KEY_FILE")
GAR_SP_CERT_FILE = env("GAR_SP_CERT_FILE")
# The resource URL declared to the GAR: the RelayState of every AuthnRequest.
GAR_RESOURCE_URL = env("GAR_RESOURCE_URL")
# The site's public address as the GAR sees it; the entityID is our metadata's URL.
GAR_BASE_URL = env("GAR_BASE_URL", SITE_URL).rstrip("/")
GAR_ENTITY_ID = env("GAR_ENTITY_ID", f"{GAR_BASE_URL}/gar/metadata.xml")
# https://www.aleksey.com/xmlsec/ — Debian's xmlsec1 checks signatures and decrypts.
GAR_XMLSEC_BINARY = env("GAR_XMLSEC_BINARY", "/usr/bin/xmlsec1")
# Clock skew tolerated on the assertions' validity window, in seconds.
GAR_ACCEPTED_TIME_DIFF = env_int("GAR_ACCEPTED_TIME_DIFF", 60)
# How long the GAR has to answer an AuthnRequest (the person signs in to their ENT).
GAR_REQUEST_LIFETIME_SECONDS = env_int("GAR_REQUEST_LIFETIME_SECONDS", 10 * 60)
# AuthnRequests per IP (allauth's limiter, failing open with Redis down as sign-in does):
# generous, as every per-IP limit here (engineering.md): several classes of a collège
# arrive from the school's one address in the same minute at the start of lessons. It
# only bounds a flood (each request is a row until it expires or is purged, every 10 min).
GAR_LOGIN_RATE_LIMIT = env("GAR_LOGIN_RATE_LIMIT", "300/m/ip")
_GAR_REQUIRED = {
    "GAR_IDP_METADATA": GAR_IDP_METADATA,
    "GAR_SP_KEY_FILE": GAR_SP_KEY_FILE,
    "GAR_SP_CERT_FILE": GAR_SP_CERT_FILE,
    "GAR_RESOURCE_URL": GAR_RESOURCE_URL,
}
GAR_ENABLED = all(_GAR_REQUIRED.values())
# Half a configuration is a mistake, not a choice: said at start-up, not at the first
# pupil's sign-in.
if any(_GAR_REQUIRED.values()) and not GAR_ENABLED:
    raise ImproperlyConfigured(
        "The GAR's sign-in needs all of GAR_IDP_METADATA, GAR_SP_KEY_FILE, GAR_SP_CERT_FILE "
        "and GAR_RESOURCE_URL; missing: "
        + ", ".join(name for name, value in _GAR_REQUIRED.items() if not value)
    )
# The GAR's answer is a cross-site POST to /gar/acs/: the session and CSRF cookies stay
# SameSite=Lax (Django's default) and do not come with it. That view is csrf_exempt (the
# signed response, bound to an outstanding request in the database, is its proof) and
# starts a new session; the browser then follows a same-site redirect with its cookies.
