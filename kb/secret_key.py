"""
Where the secret key comes from, so the site never runs on a key anyone knows.

1. `DJANGO_SECRET_KEY`, when set: production sets it, the same on every app server.
2. Otherwise, behind TLS (`DJANGO_HTTPS=1`, which means production), the site
   refuses to start: several app servers must share one key, and a key made up
   on one machine would silently log everybody out on the others.
3. Otherwise (a local or single-machine run), a random key is generated on the
   first start and kept in a file only its owner can read (`.secret_key` in the
   project, git-ignored; `DJANGO_SECRET_KEY_FILE` names another), so sessions
   survive restarts and the key is never one published in the source.
"""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Django's own alphabet for generated keys, without characters a shell quotes.
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)"
_LENGTH = 50


def generate_secret_key() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


def read_or_create_key_file(path: Path) -> str:
    """
    The key stored at `path`, created (mode 0600) when missing. Two processes
    starting at once agree: the file appears whole through os.link(), which
    fails when the other one got there first, and then its key is read.
    """
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # created 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_secret_key() + "\n")
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
        finally:
            os.unlink(temporary)
        key = path.read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"Could not store a generated secret key in {path} ({error.strerror}). "
            "Set DJANGO_SECRET_KEY, or DJANGO_SECRET_KEY_FILE to a writable path."
        ) from error
    if not key:
        raise ImproperlyConfigured(f"The secret key file {path} is empty. Delete it to have a new key generated.")
    return key


def secret_key(*, environ: dict, default_file: Path, https: bool) -> str:
    """The secret key for these settings (see the module docstring for the order)."""
    key = environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if https:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY: DJANGO_HTTPS=1 means production, and every app server needs the same key "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))' makes one)."
        )
    return read_or_create_key_file(Path(environ.get("DJANGO_SECRET_KEY_FILE") or default_file))
