"""The production settings plus one trivial page, /floor/, served by the same stack (the framework floor)."""

from kb.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.site_urls"
