"""Test settings: fast hashing, isolated data directory, deterministic behaviour."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("TWINSHOP_DATA_DIR", str(Path(tempfile.gettempdir()) / "twinshop-test-data"))

from .base import *  # noqa: E402,F401,F403

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Tests import config.asgi in process; a warm-up thread there would reach the database outside any test.
ASSISTANT_WARM_ON_START = False
# The existing suites build their index as files whatever the backend; tests of the shared store switch to it.
ASSISTANT_INDEX_STORE = os.environ.get("ASSISTANT_INDEX_STORE", "files")
