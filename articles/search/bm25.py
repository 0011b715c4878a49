"""
BM25's saturation and length normalisation (Robertson and Zaragoza, 2009), with
the constants SQLite's FTS5 uses for its own bm25(): the ranking (rank.py) and
the SQLite backend's section scores use the same formula.
"""

K1 = 1.2
B = 0.75


def length_weight(length: float, average: float) -> float:
    """
    How much a match counts in a document of `length` words, for a term found
    once: 1 at the average length, more in shorter documents, less in longer.
    """
    return (K1 + 1) / (1 + K1 * (1 - B + B * length / (average or 1.0)))


def term_score(idf: float, frequency: float, length: float, average: float) -> float:
    """One term's BM25 score in a document: `frequency` weighted hits of a term with this idf."""
    norm = K1 * (1 - B + B * length / (average or 1.0))
    return idf * frequency * (K1 + 1) / (frequency + norm)
