"""
The meaning signal of search: vectors of articles, sections and queries (the
model is in embedding.py), stored, held in memory, and fused with the lexical
ranking.

Write side: `meaning_vectors_store()` is called by the index writer in the same
transaction, one vector for the whole article and one per section, as float16
bytes (models/semantic.py). Read side: each process holds all vectors in one
`VectorMatrix` (see there), loaded on first use and reloaded when the version
key in the cache changes, i.e. after an article was indexed or removed. If the
model cannot load, search runs on its lexical ranking alone, and /healthz and
the log say so.

Fusion: `fuse()` blends the lexical ranking's scores with closeness in meaning
and adds the articles nearest in meaning (constants tuned on the tuning half of
the relevance queries); the lexical ranking still picks each article's section.
"""

import ctypes
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from itertools import islice

# First: it limits numpy's BLAS to one thread before numpy loads (see there).
from .embedding import DIMENSIONS, MODEL_NAME, Encoder, ModelUnavailable, load_encoder  # isort: skip

import numpy as np  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Max  # noqa: E402

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "search:meaning:version"


def _model():
    # From the app registry: the models import the search package, so it imports no model.
    return apps.get_model("articles", "MeaningVector")


# Numbers per vector held in memory (the database keeps all DIMENSIONS): 128 keep
# 100,000 articles and their sections within 150 MB per process (docs/search-meaning.md).
MATRIX_DIMENSIONS = 128
# How often a process checks the table itself for vectors written by others (see _MatrixHolder).
RECHECK_SECONDS = 60
# Vectors read from the database per round trip when loading the matrix.
LOAD_CHUNK = 5000
# After a change, only the new rows are read (update_matrix()), unless there are
# more than this share of the matrix (and more than UPDATE_MIN_ROWS): then all.
MAX_UPDATE_SHARE = 0.1
UPDATE_MIN_ROWS = 1000

_lock = threading.Lock()
_encoder: Encoder | None = None
_failure: str | None = None


def encoder() -> Encoder | None:
    """This process's model, loaded once; None (logged once) when it cannot load."""
    global _encoder, _failure
    if _encoder is None and _failure is None:
        with _lock:
            if _encoder is None and _failure is None:
                try:
                    _encoder = load_encoder()
                except ModelUnavailable as error:
                    _failure = str(error)
                    logger.error("Search meaning signal unavailable, lexical ranking only: %s", error)
    return _encoder


def meaning_status() -> str:
    """'ok' when the model is loaded (loading it if need be), 'off' when turned off, else 'unavailable'."""
    if not settings.KB_SEARCH_MEANING:
        return "off"
    return "ok" if encoder() is not None else "unavailable"


def reset_encoder() -> None:
    """Forget the loaded model or its failure, so the next use loads it again (tests, reloads)."""
    global _encoder, _failure
    with _lock:
        _encoder, _failure = None, None
    _matrix.clear()


def query_vector(text: str, synonyms: str = "") -> np.ndarray | None:
    """
    The query's vector as the matrix holds vectors (MATRIX_DIMENSIONS, unit
    length): its text's, plus SYNONYMS_SHARE times the vector of `synonyms`,
    the other words its synonym groups accept (synonym_text()). None without
    the model or when the text has no token.
    """
    model = encoder() if settings.KB_SEARCH_MEANING else None
    if model is None or not text.strip():
        return None
    expanded = bool(SYNONYMS_SHARE and synonyms.strip())
    # One call for both texts: the model's cost per call is most of the cost of a short text.
    vectors = model.embed([text, synonyms] if expanded else [text])
    if not vectors[0].any():
        return None
    vector = vectors[0] + SYNONYMS_SHARE * vectors[1] if expanded else vectors[0]
    return shorten(vector)


def synonym_text(parsed) -> str:
    """
    The words a parsed query accepts besides those typed: the other phrases of
    its synonym groups (and, in instant search, the completions of its last word).
    """
    return " ".join(" ".join(phrase) for term in parsed.terms for phrase in term.alternatives[1:])


# --- Write side ------------------------------------------------------------------


def article_texts(article, sections) -> list[str]:
    """What is embedded: the article as a whole (its title, summary, tags and headings), then each section."""
    headings = " ".join(s.title for s in sections if s.title)
    texts = [f"{article.title}. {article.summary} {article.tags}. {headings}"]
    texts += [f"{article.title}: {s.title}. {s.text}" for s in sections]
    return texts


def encode(vector: np.ndarray) -> bytes:
    return vector.astype("<f2").tobytes()


def decode(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f2").astype(np.float32)


def meaning_vectors_store(article, sections) -> None:
    """Replace a published article's vectors (called by the index writer, in its transaction)."""
    article.meaning_vectors.all().delete()
    model = encoder() if settings.KB_SEARCH_MEANING else None
    if model is not None:
        vectors = model.embed(article_texts(article, sections))
        owners = [None, *sections]
        article.meaning_vectors.bulk_create(
            [
                _model()(article=article, section=section, model=MODEL_NAME, vector=encode(vector))
                for section, vector in zip(owners, vectors, strict=True)
            ]
        )
    vectors_changed()


def meaning_vectors_delete(article_id: int) -> None:
    _model().objects.filter(article_id=article_id).delete()
    vectors_changed()


def meaning_vectors_rebuild(articles_with_sections) -> None:
    """Write the vectors of many articles at once (rebuild_index(): the table was emptied)."""
    model = encoder() if settings.KB_SEARCH_MEANING else None
    if model is None:
        return
    owners, texts = [], []
    for article, sections in articles_with_sections:
        owners += [(article.pk, getattr(section, "pk", None)) for section in [None, *sections]]
        texts += article_texts(article, sections)
    vectors = model.embed(texts)
    rows = [
        _model()(article_id=article_id, section_id=section_id, model=MODEL_NAME, vector=encode(vector))
        for (article_id, section_id), vector in zip(owners, vectors, strict=True)
    ]
    _model().objects.bulk_create(rows, batch_size=1000)


def meaning_vectors_clear() -> None:
    _model().objects.all().delete()
    vectors_changed()


def vectors_changed() -> None:
    """
    Tell every process to reload its matrix: now, and again at commit (another
    may reload in between). This process loads its own in full: it may have read
    rows of this transaction, whose ids come again if it rolls back, which an
    update (update_matrix()) could not tell from the rows it holds.
    """
    _matrix.clear()
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, None)


# --- Read side -------------------------------------------------------------------


@dataclass
class VectorMatrix:
    """
    All vectors of the published articles, in this process's memory, cut to
    their first MATRIX_DIMENSIONS numbers (the model is trained so that a prefix
    of its vector is a smaller embedding of its own) and unit length again.

    Articles: `article_ids` (ascending), their `categories` and a float32 matrix
    `articles`, one row each. Sections: int8 rows with a float32 scale each
    (`sections * section_scales` is the vector), in article order: article row
    i's sections are rows section_start[i]:section_start[i + 1]. A search
    multiplies the query by the article matrix (one BLAS call) and by the
    sections of its candidate articles only. `last_id` is the highest stored
    row read, from where the next reload reads (update_matrix()).
    """

    version: str
    article_ids: np.ndarray
    categories: np.ndarray
    articles: np.ndarray
    sections: np.ndarray
    section_scales: np.ndarray
    section_start: np.ndarray
    last_id: int = 0

    @property
    def nbytes(self) -> int:
        names = ("article_ids", "categories", "articles", "sections", "section_scales", "section_start")
        return sum(getattr(self, name).nbytes for name in names)

    @property
    def rows(self) -> int:
        """How many stored vectors it holds."""
        return len(self.article_ids) + len(self.sections)


def shorten(vectors: np.ndarray) -> np.ndarray:
    """The first MATRIX_DIMENSIONS numbers of each vector, at unit length again."""
    vectors = np.asarray(vectors, dtype=np.float32)[..., :MATRIX_DIMENSIONS]
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _quantize(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scales = np.maximum(np.abs(rows).max(axis=1), 1e-12) / 127 if len(rows) else np.zeros(0)
    return np.round(rows / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def _stored(chunks: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(chunks), dtype="<f2").reshape(len(chunks), DIMENSIONS)


def _current_rows():
    return _model().objects.filter(model=MODEL_NAME)


def _read(rows, version: str) -> VectorMatrix:
    """
    A matrix of the stored rows `rows`, read in article order a chunk at a time
    into arrays sized beforehand (counted first; grown if more rows come), so
    memory never holds much more than the result, and then given back.
    """
    expected_heads = rows.filter(section=None).count()
    expected_parts = rows.exclude(section=None).count()
    ids = np.empty(expected_heads, dtype=np.int64)
    categories = np.empty(expected_heads, dtype=np.int64)
    articles = np.empty((expected_heads, MATRIX_DIMENSIONS), dtype=np.float32)
    owners = np.empty(expected_parts, dtype=np.int64)
    sections = np.empty((expected_parts, MATRIX_DIMENSIONS), dtype=np.int8)
    scales = np.empty(expected_parts, dtype=np.float32)
    rows = rows.order_by("article_id", "id")
    rows = rows.values_list("id", "article_id", "section_id", "article__category_id", "vector")
    rows = rows.iterator(chunk_size=LOAD_CHUNK)
    heads_read = parts_read = last_id = 0
    while chunk := list(islice(rows, LOAD_CHUNK)):
        last_id = max(last_id, max(row[0] for row in chunk))
        heads = [row for row in chunk if row[2] is None]
        parts = [row for row in chunk if row[2] is not None]
        if heads:
            end = heads_read + len(heads)
            ids, categories, articles = (_room(array, end) for array in (ids, categories, articles))
            ids[heads_read:end] = [row[1] for row in heads]
            categories[heads_read:end] = [row[3] for row in heads]
            articles[heads_read:end] = shorten(_stored([bytes(row[4]) for row in heads]))
            heads_read = end
        if parts:
            end = parts_read + len(parts)
            owners, sections, scales = (_room(array, end) for array in (owners, sections, scales))
            owners[parts_read:end] = [row[1] for row in parts]
            sections[parts_read:end], scales[parts_read:end] = _quantize(
                shorten(_stored([bytes(row[4]) for row in parts]))
            )
            parts_read = end
        del chunk, heads, parts
    article_ids = ids[:heads_read]
    owner_rows = np.searchsorted(article_ids, owners[:parts_read])
    matrix = VectorMatrix(
        version=version,
        article_ids=article_ids,
        categories=categories[:heads_read],
        articles=articles[:heads_read],
        sections=sections[:parts_read],
        section_scales=scales[:parts_read],
        section_start=np.searchsorted(owner_rows, np.arange(len(article_ids) + 1)),
        last_id=last_id,
    )
    _give_back_freed_memory()
    return matrix


def _room(array: np.ndarray, size: int) -> np.ndarray:
    """`array`, or a copy with room for `size` rows when more came than were counted."""
    if len(array) >= size:
        return array
    grown = np.empty((max(size, 2 * len(array)), *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _give_back_freed_memory() -> None:
    """
    Return the heap memory freed after reading (the rows' bytes and tuples) to
    the system: glibc keeps it for reuse otherwise, and the process's resident
    memory stays twice the matrix. Nothing to do on other C libraries.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def load_matrix(version: str) -> VectorMatrix:
    """Every current vector, in one query read a chunk at a time."""
    return _read(_current_rows(), version)


def update_matrix(matrix: VectorMatrix, version: str) -> VectorMatrix | None:
    """
    `matrix` brought up to date by reading only what changed since it was read:
    the rows written after its `last_id` (an edit deletes an article's vectors
    and writes new ones, so they replace all of that article's rows), and the
    list of articles that still have vectors (what was removed). None when a
    full load is the better path: many new rows (a rebuild), or the result does
    not hold as many rows as the table (a write that committed out of order).

    The result is built in arrays of its final size, copying the kept rows in
    runs of consecutive articles, so an edit costs one new matrix while the old
    one serves the searches still running, and no copies in between.
    """
    total, last = _current_rows().aggregate(count=Count("id"), last=Max("id")).values()
    if (last or 0) < matrix.last_id:
        return None  # rows it holds are gone and ids may come again (a restored backup)
    new_rows = _current_rows().filter(id__gt=matrix.last_id)
    if new_rows.count() > max(UPDATE_MIN_ROWS, MAX_UPDATE_SHARE * matrix.rows):
        return None
    fresh = _read(new_rows, version)
    present = np.fromiter(_current_rows().filter(section=None).values_list("article_id", flat=True), dtype=np.int64)
    keep = np.isin(matrix.article_ids, present) & ~np.isin(matrix.article_ids, fresh.article_ids)
    kept_rows = np.flatnonzero(keep)
    count = len(kept_rows) + len(fresh.article_ids)
    # Where each fresh article and each kept one goes: both lists are in article id order.
    fresh_at = np.searchsorted(matrix.article_ids[kept_rows], fresh.article_ids) + np.arange(len(fresh.article_ids))
    kept_at = np.ones(count, dtype=bool)
    kept_at[fresh_at] = False
    kept_at = np.flatnonzero(kept_at)
    section_counts = np.empty(count, dtype=np.int64)
    section_counts[kept_at] = np.diff(matrix.section_start)[kept_rows]
    section_counts[fresh_at] = np.diff(fresh.section_start)
    section_start = np.concatenate([[0], np.cumsum(section_counts)]).astype(np.int64)
    result = VectorMatrix(
        version=version,
        article_ids=np.empty(count, dtype=np.int64),
        categories=np.empty(count, dtype=np.int64),
        articles=np.empty((count, MATRIX_DIMENSIONS), dtype=np.float32),
        sections=np.empty((section_start[-1], MATRIX_DIMENSIONS), dtype=np.int8),
        section_scales=np.empty(section_start[-1], dtype=np.float32),
        section_start=section_start,
        last_id=max(matrix.last_id, fresh.last_id),
    )
    for source, rows, at in ((fresh, np.arange(len(fresh.article_ids)), fresh_at), (matrix, kept_rows, kept_at)):
        # Runs of articles consecutive in both the source and the result: slices, no copies in between.
        breaks = np.flatnonzero((np.diff(rows) != 1) | (np.diff(at) != 1)) + 1
        for first, last in zip(np.r_[0, breaks], np.r_[breaks, len(rows)], strict=True):
            if first == last:
                continue
            old, new = slice(rows[first], rows[last - 1] + 1), slice(at[first], at[last - 1] + 1)
            for name in ("article_ids", "categories", "articles"):
                getattr(result, name)[new] = getattr(source, name)[old]
            old_sections = slice(source.section_start[old.start], source.section_start[old.stop])
            new_sections = slice(result.section_start[new.start], result.section_start[new.stop])
            result.sections[new_sections] = source.sections[old_sections]
            result.section_scales[new_sections] = source.section_scales[old_sections]
    return result if result.rows == total else None


class _MatrixHolder:
    """
    This process's matrix. It is brought up to date when the version in the
    cache changes (each write of vectors sets a new one): only the rows written
    since are read (update_matrix()), or everything again when that is cheaper.
    Since a local-memory cache is not shared between processes, a look at the
    table once every RECHECK_SECONDS also catches other vectors than were
    loaded (their count and highest id).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.current: VectorMatrix | None = None
        self.fingerprint: tuple = ()
        self.checked = 0.0

    def get(self) -> VectorMatrix:
        version = cache.get(VERSION_CACHE_KEY)
        # A cleared or restarted cache says nothing of what changed since: load everything.
        restarted = version is None
        if restarted:
            # Start a new version that all processes share.
            version = uuid.uuid4().hex
            cache.add(VERSION_CACHE_KEY, version, None)
            version = cache.get(VERSION_CACHE_KEY) or version
        current = self.current
        stale = current is None or current.version != version
        if not stale and time.monotonic() - self.checked > RECHECK_SECONDS:
            self.checked = time.monotonic()
            stale = _fingerprint() != self.fingerprint
        if stale:
            with self.lock:
                if self.current is None or self.current is current:
                    self.fingerprint = _fingerprint()
                    self.checked = time.monotonic()
                    updated = update_matrix(current, version) if current is not None and not restarted else None
                    self.current = updated if updated is not None else load_matrix(version)
                current = self.current
        return current

    def clear(self):
        self.current = None


def _fingerprint() -> tuple:
    return tuple(_model().objects.aggregate(count=Count("id"), last=Max("id")).values())


_matrix = _MatrixHolder()


def vector_matrix() -> VectorMatrix:
    """This process's matrix, reloaded when the vectors changed (see VERSION_CACHE_KEY)."""
    return _matrix.get()


# --- Search time -------------------------------------------------------------------

# Tuned on the tuning half of benchmarks/relevance/queries.yaml (docs/search-meaning.md).
# Reciprocal rank fusion: an article scores 1 / (RRF_K + its lexical rank) plus
# MEANING_WEIGHT / (RRF_K + its rank by meaning among the candidates).
RRF_K = 10
MEANING_WEIGHT = 1.0
# The articles nearest in meaning that join the lexical candidates.
MEANING_CANDIDATES = 30
# An article's meaning score: its best section's cosine, or its own when higher,
# plus this share of its own (so an article about the whole query beats one
# with a single close section).
ARTICLE_SHARE = 0.0
# Instead of rank fusion, when set: lexical score / best lexical score + BLEND_WEIGHT * meaning score.
BLEND_WEIGHT = 2.0
# Queries of fewer words keep their lexical ranking: a single word's vector is
# that word's, close to every article that repeats it in a short title, and among
# 10,000 articles blending it cost single words half their MRR (docs/search-meaning.md).
# They still get the nearest articles when no word matched.
MIN_BLEND_WORDS = 2
# An article that matched no word joins the ranking, or is offered when nothing
# matched, only when its own cosine with the query is at least this.
RELATED_MIN_SIMILARITY = 0.30
# The staff-edited synonyms reach the meaning signal too: the query's vector is
# its text's plus this share of the vector of the other words its synonym groups
# accept ("opt-out" also means "unsubscribe"). The model does not know what the
# site's words mean to its customers; the editors' groups say it. On the tuning
# half, 0.5 kept or raised the ranking on both engines, with and without 10,000
# background articles; 1.0 cost synonym queries without them (docs/search-meaning.md).
SYNONYMS_SHARE = 0.5


@dataclass(frozen=True)
class Fused:
    """A ranking after fusion: (article, section or None, score) best first."""

    ranked: list[tuple[int, int | None, float]]
    by_meaning: bool = False


def _section_rows(matrix: VectorMatrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The section rows of the given article rows, and for each the position of its article in `rows`."""
    starts, ends = matrix.section_start[rows], matrix.section_start[rows + 1]
    lengths = ends - starts
    owners = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, owners


def meaning_scores(
    matrix: VectorMatrix, vector: np.ndarray, rows: np.ndarray, whole: np.ndarray, *, positions: bool = False
) -> np.ndarray:
    """
    Each candidate article's meaning score (see ARTICLE_SHARE). `whole` is the
    query times every article, or, with `positions`, times the candidates only.
    """
    own = whole if positions else whole[rows]
    best = own.copy()
    section_rows, owners = _section_rows(matrix, rows)
    if len(section_rows):
        sections = matrix.sections[section_rows].astype(np.float32) @ vector
        sections *= matrix.section_scales[section_rows]
        np.maximum.at(best, owners, sections)
    return best + ARTICLE_SHARE * own


def fuse(ranked, text: str, *, category_id: int | None = None, needed: int = 10, synonyms: str = "") -> Fused:
    """
    The lexical ranking `ranked` ((article, section, score), best first) blended
    with the articles nearest to `text` in meaning (and to its `synonyms`, see
    query_vector()). With no lexical match at all, the nearest articles close
    enough to count as related, flagged `by_meaning`. Without the model (or
    vectors), the lexical ranking unchanged.
    """
    if ranked and len(text.split()) < MIN_BLEND_WORDS:
        return Fused(ranked)
    vector = query_vector(text, synonyms)
    if vector is None:
        return Fused(ranked)
    matrix = vector_matrix()
    if not len(matrix.article_ids):
        return Fused(ranked)
    whole = matrix.articles @ vector
    allowed = np.ones(len(whole), dtype=bool) if category_id is None else matrix.categories == category_id
    lexical_ids = np.array([article_id for article_id, _, _ in ranked], dtype=np.int64)
    lexical_rows = np.searchsorted(matrix.article_ids, lexical_ids)
    lexical_rows = np.minimum(lexical_rows, len(matrix.article_ids) - 1)
    known = matrix.article_ids[lexical_rows] == lexical_ids
    candidates = np.where(allowed, whole, -np.inf)
    count = min(MEANING_CANDIDATES if ranked else max(needed, 1), int(allowed.sum()))
    if count == 0:
        return Fused(ranked)
    nearest = np.argpartition(-candidates, count - 1)[:count]
    # Articles that matched no word join only when close in meaning.
    nearest = nearest[candidates[nearest] >= RELATED_MIN_SIMILARITY]
    rows = np.unique(np.concatenate([lexical_rows[known], nearest]))
    scores = meaning_scores(matrix, vector, rows, whole)
    if not ranked:
        order = np.argsort(-scores, kind="stable")
        related = [(int(matrix.article_ids[rows[i]]), None, float(scores[i])) for i in order]
        return Fused(related, by_meaning=bool(related))
    if BLEND_WEIGHT:
        return Fused(_blend(ranked, matrix, rows, scores))
    order = np.argsort(-scores, kind="stable")
    meaning_rank = {int(matrix.article_ids[rows[i]]): rank for rank, i in enumerate(order)}
    fused: dict[int, tuple[int | None, float]] = {}
    for rank, (article_id, section_id, _score) in enumerate(ranked):
        fused[article_id] = (section_id, 1 / (RRF_K + rank))
    for article_id, rank in meaning_rank.items():
        section_id, score = fused.get(article_id, (None, 0.0))
        fused[article_id] = (section_id, score + MEANING_WEIGHT / (RRF_K + rank))
    result = [(article_id, section_id, score) for article_id, (section_id, score) in fused.items()]
    result.sort(key=lambda item: (-item[2], item[0]))
    return Fused(result)


def _blend(ranked, matrix, rows, scores):
    """Lexical score over the best lexical score, plus BLEND_WEIGHT times the meaning score."""
    top = max(score for _, _, score in ranked) or 1.0
    fused = {article_id: (section_id, score / top) for article_id, section_id, score in ranked}
    for row, meaning in zip(rows, scores, strict=True):
        article_id = int(matrix.article_ids[row])
        section_id, score = fused.get(article_id, (None, 0.0))
        fused[article_id] = (section_id, score + BLEND_WEIGHT * float(meaning))
    result = [(article_id, section_id, score) for article_id, (section_id, score) in fused.items()]
    result.sort(key=lambda item: (-item[2], item[0]))
    return result


def nearest_articles(text: str, *, limit: int = 5) -> list[int]:
    """Published articles nearest to `text` in meaning and close enough to be related, best first."""
    return [article_id for article_id, _, _ in fuse([], text, needed=limit).ranked[:limit]]


class MeaningSignal:
    """
    The meaning signal in the shape of a ranking signal: a score for each
    candidate article (`scores()`), and the nearest articles when no word
    matched (`nearest()`). Queries are anything with `text` and `corrected`.
    """

    weight = 1.0

    def scores(self, parsed, article_ids) -> dict[int, float]:
        vector = query_vector(parsed.corrected or parsed.text, _synonyms_of(parsed))
        if vector is None:
            return {}
        matrix = vector_matrix()
        if not len(matrix.article_ids):
            return {}
        ids = np.asarray(list(article_ids), dtype=np.int64)
        rows = np.minimum(np.searchsorted(matrix.article_ids, ids), len(matrix.article_ids) - 1)
        rows = rows[matrix.article_ids[rows] == ids]
        scores = meaning_scores(matrix, vector, rows, matrix.articles[rows] @ vector, positions=True)
        return {int(matrix.article_ids[row]): float(score) for row, score in zip(rows, scores, strict=True)}

    def nearest(self, parsed, *, category_id: int | None, limit: int) -> list[int]:
        text = parsed.corrected or parsed.text
        related = fuse([], text, category_id=category_id, needed=limit, synonyms=_synonyms_of(parsed))
        return [article_id for article_id, _, _ in related.ranked[:limit]]


def _synonyms_of(parsed) -> str:
    return synonym_text(parsed) if hasattr(parsed, "terms") else ""
