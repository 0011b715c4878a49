#!/usr/bin/env python
"""
Typo tolerance: how often search corrects a misspelt word to the word meant, by
word length and kind of typo, under one or more correction rules.

    python benchmarks/typos.py [--engine sqlite|postgres] [--database NAME] [--per-length 80] [--seed 7]
                               [--rules "4:1,6:2" "3:1,6:2" ...] [--articles-first]

A throwaway database (as in relevance.py) is loaded with the relevance corpus
(benchmarks/relevance/corpus/). From its vocabulary, `--per-length` words of each
length (3 to 12 and more; no stop words, synonym words or numbers) are drawn,
seeded, and each gets one typo of each kind: a deleted letter, an added letter,
a changed letter, two neighbouring letters swapped, and two such typos at once. Typos that are themselves
words the index knows are dropped (nothing can tell them from a real query).
Each typo goes through the real query parser (`parse()`: vocabulary lookups and
the engine's similar-word search), and counts as corrected when the query comes
back as the word meant, as wrong when it comes back as another word.

The cost side: English words that are not in the corpus (from
benchmarks/corpus_gen.py's word lists) are parsed too; "changed" is the share of
them that a rule turns into some corpus word, a query the customer did not type.

A rule "swap3,4:1,6:2" reads: from 3 letters two swapped letters are corrected,
from 4 letters any one edit, from 6 letters two (shorter: none). The first rule
is the one search ships (`articles.search.typos`: `SWAPS_FROM`, `allowed_edits()`).
Among candidates as close, the same first letter and the likelier typo win before
the word in more articles (`typos.NOISY_CHANNEL`); `--articles-first` measures
the rule without those tie-breaks.
"""

import argparse
import os
import random
import shlex
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KINDS = ("deletion", "insertion", "substitution", "transposition", "two")
LENGTHS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)  # the last one means 12 or more
LETTERS = "abcdefghijklmnopqrstuvwxyz"
DEFAULT_RULES = ["swap3,4:1,6:2", "4:1,6:2", "3:1,6:2", "swap3,4:1,8:2", "swap3,4:1"]


def make_typo(rng: random.Random, word: str, kind: str) -> str:
    if kind == "two":  # two typos of any kinds, one after the other
        first = make_typo(rng, word, rng.choice(KINDS[:4]))
        return make_typo(rng, first, rng.choice(KINDS[:4])) if len(first) > 2 else first
    i = rng.randrange(len(word))
    if kind == "deletion":
        return word[:i] + word[i + 1 :]
    if kind == "insertion":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "substitution":
        return word[:i] + rng.choice([c for c in LETTERS if c != word[i]]) + word[i + 1 :]
    i = rng.randrange(len(word) - 1)
    if word[i] == word[i + 1]:
        i = next((j for j in range(len(word) - 1) if word[j] != word[j + 1]), i)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def parse_rule(text: str):
    """(allowed_edits function, shortest word whose swapped letters are corrected)."""
    parts = text.split(",")
    swaps = next((int(part[4:]) for part in parts if part.startswith("swap")), 1000)
    steps = sorted((int(length), int(edits)) for length, edits in (part.split(":") for part in parts if ":" in part))

    def allowed_edits(word: str) -> int:
        edits = 0
        for length, allowed in steps:
            if len(word) >= length:
                edits = allowed
        return edits

    return allowed_edits, swaps


def bucket(length: int) -> int:
    return min(length, LENGTHS[-1])


def setup_database(engine: str, postgres_url: str, prefix: str = "kb_typos_bench") -> tuple[str, callable]:
    """
    Point Django at a throwaway database (on PostgreSQL, <prefix>_<process id>),
    load the corpus; returns a cleanup function.
    """
    from benchmarks import relevance

    tmp = tempfile.TemporaryDirectory(prefix="kb-typos-")
    database = f"{prefix}_{os.getpid()}"
    if engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp.name) / 'typos.sqlite3'}"
    else:
        relevance.recreate_postgres_database(postgres_url, database)
        os.environ["DATABASE_URL"] = relevance.postgres_url(postgres_url, database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    relevance.import_corpus()

    def cleanup():
        connections.close_all()
        if engine == "postgres":
            relevance.recreate_postgres_database(postgres_url, database, drop_only=True)
        tmp.cleanup()

    return cleanup


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument(
        "--database", default="kb_typos_bench", help="name of the PostgreSQL database (the process id is appended)"
    )
    parser.add_argument("--per-length", type=int, default=80, help="words drawn per length (default 80)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", nargs="+", default=DEFAULT_RULES, help="rules to compare; the first is shipped")
    parser.add_argument(
        "--articles-first",
        action="store_true",
        help="tell candidates as close apart by article count alone (typos.NOISY_CHANNEL off, the rule before it)",
    )
    args = parser.parse_args(argv)

    cleanup = setup_database(args.engine, args.postgres_url, args.database)
    try:
        report(args)
    finally:
        cleanup()


def report(args) -> None:
    from articles.models import SearchWord
    from articles.search import typos
    from articles.search.backends import current_backend
    from articles.search.parse import parse
    from articles.search.synonyms import synonym_table
    from articles.search.text import STOP_WORDS
    from benchmarks import corpus_gen

    backend = current_backend()
    vocabulary = dict(SearchWord.objects.values_list("word", "document_count"))
    synonym_words = synonym_table().words
    usable = sorted(w for w in vocabulary if w.isalpha() and w not in STOP_WORDS and w not in synonym_words)
    by_length = defaultdict(list)
    for word in usable:
        by_length[bucket(len(word))].append(word)
    rng = random.Random(args.seed)
    cases = []  # (length, kind, word, typo)
    for length in LENGTHS:
        words = by_length[length]
        for word in rng.sample(words, min(args.per_length, len(words))):
            for kind in KINDS:
                typo = make_typo(rng, word, kind)
                if typo == word or typo in vocabulary or typo in STOP_WORDS or backend.is_known(typo):
                    continue
                cases.append((length, kind, word, typo))
    english = {
        w
        for text in (corpus_gen.VERBS, corpus_gen.NOUNS, corpus_gen.ADJECTIVES, corpus_gen.OTHER)
        for w in (text.split() if isinstance(text, str) else text)
        if w.isalpha() and w not in vocabulary and w not in STOP_WORDS and w not in synonym_words
    }
    unknown = sorted(w for w in english if not backend.is_known(w))

    command = "python " + shlex.join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    print(f"$ {command}\n")
    print(
        f"{args.engine}: {len(vocabulary):,} vocabulary words, {len(cases):,} typos of "
        f"{len({c[2] for c in cases}):,} words; {len(unknown)} English words not in the corpus.\n"
    )
    shipped = typos.allowed_edits, typos.SWAPS_FROM
    typos.NOISY_CHANNEL = not getattr(args, "articles_first", False)
    try:
        for rule in args.rules:
            typos.allowed_edits, typos.SWAPS_FROM = parse_rule(rule)
            print(f"Rule {rule}" + (" (shipped)" if rule == args.rules[0] else "") + ":\n")
            print_table(cases, unknown, parse)
            print()
    finally:
        typos.allowed_edits, typos.SWAPS_FROM = shipped


def print_table(cases, unknown, parse) -> None:
    corrected = defaultdict(lambda: defaultdict(int))
    totals = defaultdict(lambda: defaultdict(int))
    wrong = defaultdict(int)
    for length, kind, word, typo in cases:
        result = parse(typo).corrected
        totals[length][kind] += 1
        totals[length]["all"] += 1
        if result == word:
            corrected[length][kind] += 1
            corrected[length]["all"] += 1
        elif result:
            wrong[length] += 1
    changed = defaultdict(int)
    seen = defaultdict(int)
    for word in unknown:
        seen[bucket(len(word))] += 1
        if parse(word).corrected:
            changed[bucket(len(word))] += 1

    def rate(n, d):
        return f"{n / d:.0%}" if d else "–"

    print("| letters | typos | deleted | added | changed | swapped | two typos | all corrected | wrong word", end="")
    print(" | unknown words changed |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for length in LENGTHS:
        t, c = totals[length], corrected[length]
        label = f"{length}+" if length == LENGTHS[-1] else str(length)
        cells = [rate(c[k], t[k]) for k in KINDS]
        print(
            f"| {label} | {t['all']} | {' | '.join(cells)} | {rate(c['all'], t['all'])} "
            f"| {rate(wrong[length], t['all'])} | {rate(changed[length], seen[length])} ({seen[length]}) |"
        )
    n = sum(t["all"] for t in totals.values())
    good = sum(c["all"] for c in corrected.values())
    bad = sum(wrong.values())
    print(
        f"| **all** | {n} | | | | | | {rate(good, n)} ({good}) | {rate(bad, n)} ({bad}) "
        f"| {rate(sum(changed.values()), len(unknown))} ({len(unknown)}) |"
    )


if __name__ == "__main__":
    main()
