"""
The staff-edited synonym groups, as a lookup table kept in each process until
the content version changes (`SynonymGroup.save()` and `.delete()` replace it).
The model class is looked up in Django's app registry (see the package docstring).
"""

from django.apps import apps

from .memo import remembered
from .text import tokenize

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


def synonym_table() -> SynonymTable:
    """The synonym groups as a table, built once per content version: every search asks for it."""
    return remembered("synonyms", _build_table)


def _build_table() -> SynonymTable:
    model = apps.get_model("articles", "SynonymGroup")
    return SynonymTable([group.term_list for group in model.objects.all()])
