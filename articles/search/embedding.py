"""
The embedding model of search's meaning signal, with no Django in it.

WordLlama's `l2_supercat` static embedding (MIT), whose weights ship inside the
`wordllama` wheel: a table of 32,000 token vectors of 256 numbers. A text's
vector is the mean of its tokens' vectors, so embedding costs a tokenizer call
and a table lookup, with no network, GPU or service. The files are read straight
from the installed package with `safetensors` and `tokenizers`; the `wordllama`
package itself is never imported, because its `__init__` calls
`logging.basicConfig()` (a root log handler behind Django's logging settings)
and its loader looks for a `tokenizer` folder where the wheel has `tokenizers`,
falling back to a download. Both files are checked against the SHA-256 below.
"""

import hashlib
import importlib.util
import os
from itertools import chain
from pathlib import Path

# One BLAS thread unless the environment says otherwise, set before numpy loads
# its BLAS: the products here are small, and BLAS's own threads, one per core in
# every worker process, fight each other and the workers on a busy machine (a
# 32-text batch took 73 ms instead of 3 ms on two shared cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

PACKAGE = "wordllama"
WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"
# Of wordllama 0.4.0.post1's files; a changed file means a changed model, so its
# vectors would not match the stored ones.
CHECKSUMS = {
    WEIGHTS_FILE: "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    TOKENIZER_FILE: "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
}
MODEL_NAME = "wordllama-l2-supercat-256"
DIMENSIONS = 256
# Tokens embedded per text: a section's first words say what it is about, and
# the cost of a lookup grows with the length.
MAX_TOKENS = 512
# Texts embedded together: their distinct tokens make one small matrix.
EMBED_BATCH = 64
# Words whose tokens are remembered (about 100 bytes each).
WORD_CACHE_SIZE = 200_000
VERSION_CACHE_KEY = "search:meaning:version"


class ModelUnavailable(Exception):
    """The embedding model's files are missing, unreadable or not the expected ones."""


# --- The model -------------------------------------------------------------------


class Encoder:
    """
    Mean-of-token-vectors embeddings, unit length (a text without tokens gets zeros).

    The tokenizer splits nothing across spaces (it is SentencePiece with spaces as
    "▁"), so a text's tokens are its words' tokens: each word is tokenized once
    and remembered, which makes indexing several times faster.
    """

    def __init__(self, table: np.ndarray, tokenizer):
        self.table = table
        self.tokenizer = tokenizer
        self._words: dict[str, list[int]] = {}

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        split = [text.split() for text in texts]
        words = self._words
        unseen = list({word for text in split for word in text if word not in words})
        if unseen:
            if len(words) + len(unseen) > WORD_CACHE_SIZE:
                words = self._words = {}
            encodings = self.tokenizer.encode_batch(unseen, add_special_tokens=False)
            for word, encoding in zip(unseen, encodings, strict=True):
                words[word] = encoding.ids
        ids = []
        for text in split:
            parts = [words.get(word) for word in text]
            if None in parts:
                parts = [ids or self._tokenize(word) for ids, word in zip(parts, text, strict=True)]
            ids.append(list(chain.from_iterable(parts))[:MAX_TOKENS])
        return ids

    def _tokenize(self, word: str) -> list[int]:
        return self.tokenizer.encode(word, add_special_tokens=False).ids

    def embed(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        vectors = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), EMBED_BATCH):
            vectors[start : start + EMBED_BATCH] = self._sums(self.token_ids(texts[start : start + EMBED_BATCH]))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _sums(self, ids: list[list[int]]) -> np.ndarray:
        """
        Each text's sum of token vectors: its token counts times the rows of the
        batch's distinct tokens, one small matrix product, and only those rows
        converted from float16.
        """
        lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        if not lengths.any():
            return np.zeros((len(ids), self.table.shape[1]), dtype=np.float32)
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        distinct, column = np.unique(flat, return_inverse=True)
        cells = np.repeat(np.arange(len(ids)), lengths) * len(distinct) + column
        counts = np.bincount(cells, minlength=len(ids) * len(distinct)).reshape(len(ids), len(distinct))
        return counts.astype(np.float32) @ self.table[distinct].astype(np.float32)


def package_folder() -> Path:
    """Where wordllama is installed, found without importing it (see the module docstring)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"the {PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _verified(path: Path, expected: str) -> Path:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise ModelUnavailable(f"cannot read {path.name}: {error.strerror}") from error
    if digest != expected:
        raise ModelUnavailable(f"{path.name} has SHA-256 {digest[:12]}..., expected {expected[:12]}...")
    return path


def load_encoder(folder: Path | None = None) -> Encoder:
    """The embedding model from the installed wheel, its files verified; raises ModelUnavailable."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = folder or package_folder()
    weights = _verified(folder / WEIGHTS_FILE, CHECKSUMS[WEIGHTS_FILE])
    vocabulary = _verified(folder / TOKENIZER_FILE, CHECKSUMS[TOKENIZER_FILE])
    try:
        table = load_file(str(weights))["embedding.weight"]
        tokenizer = Tokenizer.from_file(str(vocabulary))
    except (SafetensorError, KeyError, OSError, ValueError, Exception) as error:
        raise ModelUnavailable(f"cannot load the model: {error}") from error
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Encoder(table, tokenizer)
