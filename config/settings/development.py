"""Local development and the README's one-command demo: DEBUG on, an ephemeral but stable secret."""
from .base import *  # noqa: F401,F403
from .base import DATA_DIR, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=True)
if not SECRET_KEY:
    # A per-checkout random key, kept on disk so sessions survive restarts; never used in production.
    _key_file = DATA_DIR / "dev-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

# The one-command demo runs on localhost, which has no country: treat it as the US so that territory-limited
# demo consents (River's US/GB/DE) show as they would to a US shopper. Production leaves it unset.
LICENSING_PRIVATE_NETWORK_TERRITORY = env("LICENSING_PRIVATE_NETWORK_TERRITORY", default="US")
