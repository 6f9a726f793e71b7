"""Safeguard settings: one file, environment first, production-safe defaults.

Every value that differs between a laptop and a school's server comes from an
environment variable (read by the helpers in lib/env.py). With nothing set, DEBUG is
off and start-up stops unless SECRET_KEY and MFA_ENCRYPTION_KEYS are given; the tests
and the demo give their own.
"""

from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from safeguard.formats.en_GB import formats as display_formats
from safeguard.lib.env import (
    databases_from_env,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_secret_list,
    env_str,
    file_storage_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
_secret_key = env_secret(
    "SECRET_KEY", default="dev-insecure-key-for-local-use-only" if DEBUG else None
)
if _secret_key is None:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off")
SECRET_KEY: str = _secret_key
# Rotation (docs/security.md): the old key(s), comma-separated, still check sessions and
# links signed before the change; only SECRET_KEY signs anything new.
SECRET_KEY_FALLBACKS = env_secret_list("SECRET_KEY_FALLBACKS")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Safeguard")
_site = urlsplit(SITE_URL)
IS_HTTPS = _site.scheme == "https"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=f"{_site.hostname},localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "safeguard.accounts.operator_admin.OperatorAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_tasks_db",
    "safeguard.accounts",
    "safeguard.audit",
    "safeguard.pupils",
    "safeguard.incidents",
    "safeguard.casework",
    "safeguard.oversight",
    "safeguard.demo",
]

MIDDLEWARE = [
    "safeguard.lib.middleware.CleanUserAgentMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safeguard.accounts.middleware.SchoolMembershipMiddleware",
    "safeguard.accounts.sessions.SessionTimeoutMiddleware",
    "safeguard.accounts.sessions.UserSessionsMiddleware",
    "safeguard.lib.middleware.NoStoreMiddleware",
    "safeguard.lib.middleware.RefusalLogMiddleware",
    # Last: needs request.membership, and its redirects still get the no-store headers.
    "safeguard.accounts.mfa.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "safeguard.urls"
WSGI_APPLICATION = "safeguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "safeguard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "safeguard.accounts.context_processors.membership",
                "safeguard.incidents.context_processors.unread_alerts",
                "safeguard.accounts.sessions.session_timing",
            ],
            # Every template may show typed text with its direction controls made visible.
            # `{% url %}` remembers what it reversed (lib/url_tag.py).
            "builtins": ["safeguard.lib.text_filters", "safeguard.lib.url_tag"],
        },
    }
]
# Django's own renderer, with the common widgets written in Python (lib/form_renderer.py).
FORM_RENDERER = "safeguard.lib.form_renderer.FastWidgets"

# `replica` too when REPLICA_DATABASE_URL is set: read only through lib/db.py's replica().
DATABASES = databases_from_env(BASE_DIR / "var" / "safeguard.sqlite3")
# PostgreSQL: the role gunicorn and the worker connect as, when migrations run as
# a separate owner role; `migrate` then grants it rows only (lib/db_roles.py).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["safeguard.accounts.backends.SchoolStaffBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The school policy's rule (8+ characters, lower, upper, digit, symbol) is the default,
# although ASVS 6.2.5 asks for no composition rules; docs/security.md says why.
# Listed in the order a person should read the reasons: length, then "too common", then the
# school policy's character mix, then the subtler ones (the form shows every reason that applies).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", default=8)},
    },
    {"NAME": "safeguard.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("PASSWORD_REQUIRE_MIX", default=True):
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "safeguard.accounts.validators.CharacterMixValidator"})
AUTH_PASSWORD_VALIDATORS += [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "safeguard.accounts.validators.ContextWordValidator"},
]
# Invitation and reset links stay valid for three days and die once used.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email is the username; nobody signs themselves up.
ACCOUNT_ADAPTER = "safeguard.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
# Adding or changing an email address (a reset goes there) needs the password confirmed
# in the last ten minutes; signing in does not count (ASVS 7.5.1).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 600
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
# Sign-in: "ip" is per address; "key" is per address + account (accounts/adapter.py), so a
# stranger failing elsewhere never holds up the person's own address. Per account from
# anywhere: this many failures a day, then each try waits twice as long as the last, up
# to the maximum, and the holder is emailed (accounts/signin_limits.py; docs/security.md).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
SIGN_IN_ACCOUNT_FREE_FAILURES = env_int("SIGN_IN_ACCOUNT_FREE_FAILURES", default=20)
SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS = env_int("SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS", default=15)
SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS = env_int("SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS", default=300)
# "Your sessions" (/accounts/sessions/): where and when each session was last used.
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ADAPTER = "safeguard.accounts.sessions.UserSessionsAdapter"
# Authenticator-app secrets and recovery-code seeds are encrypted in the database with these
# Fernet keys (accounts/mfa_secrets.py): the first encrypts, all decrypt, so a new key goes
# first and the old one stays until `manage.py reencrypt_mfa_secrets` has run (rotation).
MFA_ADAPTER = "safeguard.accounts.mfa_secrets.MFAAdapter"
MFA_ENCRYPTION_KEYS = env_secret_list(
    "MFA_ENCRYPTION_KEYS",
    # base64 of "safeguard-dev-mfa-key-not-secret": for a laptop only.
    default="c2FmZWd1YXJkLWRldi1tZmEta2V5LW5vdC1zZWNyZXQ=" if DEBUG else None,
)
if not MFA_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "MFA_ENCRYPTION_KEYS (or MFA_ENCRYPTION_KEYS_FILE) is required when DEBUG is off. "
        'Make one with: python3 -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"'
    )
for _key in MFA_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 bytes, url-safe "
            "base64); see docs/deploying.md"
        ) from None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# A code is good for its own 30-second step only (ASVS 6.5.5), and once only: these forms
# record the last step used (accounts/mfa.py). Wrong codes count towards "login_failed".
MFA_TOTP_TOLERANCE = env_int("MFA_TOTP_TOLERANCE", default=0)
MFA_FORMS = {
    "authenticate": "safeguard.accounts.mfa.AuthenticateForm",
    "reauthenticate": "safeguard.accounts.mfa.ReauthenticateForm",
}
# Exports, the audit trail, role changes and revoking keys need a second factor passed
# this recently (accounts/stepup.py).
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", default=600)

CACHES = {
    # allauth's rate limits need a real cache; the database cache is shared by
    # every worker process without another service.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "safeguard_cache",
    }
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

_email_backend = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "127.0.0.1"),
                "port": env_int("EMAIL_PORT", default=25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_secret("EMAIL_HOST_PASSWORD", default="") or "",
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": env_int("EMAIL_TIMEOUT", default=20),
            }
            if _email_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Safeguard <safeguard@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# One way of showing dates everywhere ("3 Dec 2026"): safeguard/formats/en_GB/formats.py,
# also the fallback where no language is active.
FORMAT_MODULE_PATH = ["safeguard.formats"]
DATE_FORMAT = display_formats.DATE_FORMAT
DATETIME_FORMAT = display_formats.DATETIME_FORMAT
TIME_FORMAT = display_formats.TIME_FORMAT

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "safeguard" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "files")))
# Files attached to incidents and actions (docs/attachments.md): each file, how many
# at a time, and their total per submission.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", default=10)
ATTACHMENT_MAX_TOTAL_BYTES = env_int("ATTACHMENT_MAX_TOTAL_BYTES", default=25 * 1024 * 1024)
# A part whose headers aren't UTF-8 (a file named in another encoding) is read with the
# undecodable bytes marked, not dropped unseen, so the form can say which file it was.
FILE_UPLOAD_HANDLERS = [
    "safeguard.lib.uploads.ReadableHeadersHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Virus scanning of attached files by clamd (docs/attachments.md): its Unix socket, or its
# host and port. Unset: files are not scanned. Set: a file is refused whenever clamd
# can't say it is clean.
CLAMD_SOCKET = env_str("CLAMD_SOCKET")
CLAMD_HOST = env_str("CLAMD_HOST")
CLAMD_PORT = env_int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", default=30)
STORAGES = {
    # Files are never served from MEDIA_URL: only a permission-checked view streams them.
    # MEDIA_ROOT, or an S3 bucket when S3_BUCKET is set (lib/s3.py).
    "default": file_storage_from_env(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers ask for at the site's root (/favicon.ico), served as they are.
WHITENOISE_ROOT = BASE_DIR / "safeguard" / "public"

# Sessions: short, server-side, never "remember me" on a shared school computer.
# Database sessions whose ids are checked before any lookup (lib/session_store.py).
SESSION_ENGINE = "safeguard.lib.session_store"
# Absolute lifetime from sign-in, however busy; the idle limit is each school's own
# setting (School.idle_timeout_minutes). Both are enforced in accounts/sessions.py.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", default=10 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# How long before the idle limit the page warns "You'll be signed out in 2 minutes".
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", default=120)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_HTTPS
CSRF_COOKIE_SECURE = IS_HTTPS
CSRF_COOKIE_HTTPONLY = True
if IS_HTTPS:
    # The __Host- prefix pins cookies to this exact origin over HTTPS (ASVS 3.3.3).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For. With the
# right number, the audit trail and the per-address sign-in limits see the
# visitor's address instead of the proxy's; a forged header can't go further
# back than the proxies we trust.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry paths only; paths never carry names (ASVS 14.2.1).
        "django.request": {"level": "ERROR"},
        # WeasyPrint logs each page it lays out at INFO; only its warnings are worth keeping.
        "weasyprint": {"level": "WARNING"},
    },
}
ADMINS: list[tuple[str, str]] = []
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", default=False)
