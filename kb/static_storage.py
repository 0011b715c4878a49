"""The static files storage: whitenoise's compressed, hashed files, with each address worked out once."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """
    A file's address (its hashed name under STATIC_URL) depends only on the
    manifest, which a process reads once when it starts; yet every `{% static %}`
    looks it up again, several times per page. Here each address is kept once
    found. With DEBUG on, the storage answers unhashed names and nothing is kept.
    A missing file still raises each time (nothing is kept for it).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
