"""The words of a search and of a service's text, and how far apart two words are."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Words too common to help (and which FTS5, unlike PostgreSQL, would otherwise require).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "with",
        "you",
        "your",
        "near",
    ]
)


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The lower-case words of `text`, accents folded, in order."""
    if text.isascii():
        return _WORD.findall(text.lower())
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def query_words(text: str) -> list[str]:
    """The words of a search that must match (stop words dropped, unless that leaves none)."""
    words = words_of(text)
    useful = [w for w in words if w not in STOP_WORDS]
    return useful or words


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


# --- Word forms -----------------------------------------------------------------------------------

_STEMMER = snowballstemmer.stemmer("english")  # the algorithm of PostgreSQL's 'english' configuration

# Derivational endings that the Snowball stemmer keeps apart but a parent means as one word
# (autism, autistic; dyslexia, dyslexic; therapy, therapist; paediatrics, paediatrician), taken off
# the stem when at least `keep` letters stay ("media" and "medical" stay apart).
_FAMILY_ENDINGS = (("ician", 4), ("ism", 3), ("ist", 3), ("ia", 4), ("ic", 4), ("i", 4))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word ("therapies" -> "therapi")."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def word_family(word: str) -> str:
    """A key shared by the forms of a word: its stem without a derivational ending. The same function
    keys the directory's vocabulary when it is indexed (SearchTerm.family) and the words of a search,
    so "autistic" finds the services that say "autism"."""
    root = stem(word)
    for ending, keep in _FAMILY_ENDINGS:
        if root.endswith(ending) and len(root) - len(ending) >= keep:
            return root[: -len(ending)]
    return root
