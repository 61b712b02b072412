""" "Did you mean": each unknown word replaced by the closest word in the directory's vocabulary."""

from __future__ import annotations

from directory.models import SearchTerm
from directory.search.engines import engine
from directory.search.words import edit_distance, words_of

MAX_SUGGEST_WORDS = 4


def suggest_spelling(text: str) -> str | None:
    """The search text with each word that is not in the directory's vocabulary replaced by the
    closest word that is (at most two edits), or None when there is nothing to correct."""
    words = words_of(text)
    candidates = [w for w in dict.fromkeys(words) if len(w) >= 3 and not w.isdigit()]
    if not candidates:
        return None
    known = set(SearchTerm.objects.filter(word__in=candidates).values_list("word", flat=True))
    unknown = [w for w in candidates if w not in known][:MAX_SUGGEST_WORDS]
    if not unknown:
        return None
    fixes: dict[str, str] = {}
    for word in unknown:
        best = _closest_word(word)
        if best:
            fixes[word] = best
    if not fixes:
        return None
    return " ".join(fixes.get(w, w) for w in words)


def _closest_word(word: str) -> str | None:
    limit = 1 if len(word) <= 4 else 2
    scored: list[tuple[int, int, str]] = []
    for candidate, frequency in engine().spelling_candidates(word):
        if candidate == word:
            continue
        distance = edit_distance(word, candidate, limit + 1)
        if distance <= limit:
            scored.append((distance, -frequency, candidate))
    return min(scored)[2] if scored else None
