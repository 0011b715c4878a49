"""
The staff-edited synonym groups, as a lookup table, cached until one changes.

`SynonymGroup.save()` and `.delete()` call `forget_synonyms()`; the model class
is looked up in Django's app registry (see the package docstring).
"""

from django.apps import apps
from django.core.cache import cache

from .text import tokenize

SYNONYMS_CACHE_KEY = "search:synonyms:v1"
SYNONYMS_TIMEOUT = 3600
MAX_PHRASE_WORDS = 3


class SynonymTable:
    """Phrase -> group lookup built from the synonym groups (each a list of words or phrases)."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self.phrase_group: dict[tuple[str, ...], int] = {}
        for group in groups:
            phrases = tuple(dict.fromkeys(p for p in (tuple(tokenize(item)) for item in group) if p))
            if len(phrases) < 2:
                continue
            index = len(self.groups)
            self.groups.append(phrases)
            for phrase in phrases:
                self.phrase_group.setdefault(phrase, index)
        self.words = {word for phrase in self.phrase_group for word in phrase}

    def match(self, tokens: list[str], start: int) -> tuple[int, tuple[tuple[str, ...], ...]] | None:
        """The longest phrase starting at `start`: (length, alternatives with it first)."""
        for size in range(min(MAX_PHRASE_WORDS, len(tokens) - start), 0, -1):
            phrase = tuple(tokens[start : start + size])
            group = self.phrase_group.get(phrase)
            if group is not None:
                others = tuple(p for p in self.groups[group] if p != phrase)
                return size, (phrase, *others)
        return None


# The last table built, with the groups it was built from: every search asks for the
# table, and building it from the same groups each time cost more than the lookups.
_built: tuple[list, SynonymTable] | None = None


def synonym_table() -> SynonymTable:
    """The synonym groups, cached until one of them changes."""
    global _built
    groups = cache.get(SYNONYMS_CACHE_KEY)
    if groups is None:
        model = apps.get_model("articles", "SynonymGroup")
        groups = [group.term_list for group in model.objects.all()]
        cache.set(SYNONYMS_CACHE_KEY, groups, SYNONYMS_TIMEOUT)
    built = _built
    if built is not None and built[0] == groups:
        return built[1]
    table = SynonymTable(groups)
    _built = (groups, table)
    return table


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)
