""" "Did you mean": each unknown word replaced by a close word that the directory or the synonym list
knows. Never a stop word, never a word of one or two letters; `search_services` offers a suggestion
only when searching for it finds something (more than the words as typed)."""

from __future__ import annotations

from directory.models import SearchTerm
from directory.search import synonyms
from directory.search.engines import engine
from directory.search.words import STOP_WORDS, edit_distance, words_of

MAX_SUGGEST_WORDS = 4
MAX_SUGGESTIONS = 3  # corrected texts tried, best first


def suggest_spelling(text: str) -> str | None:
    """The search text with each word that is not in the directory's vocabulary (nor the synonym
    list, nor another form of a word that is) replaced by the closest word that is (at most two
    edits, one for words of four letters or fewer), or None when there is nothing to correct."""
    suggestions = spelling_suggestions(text)
    return suggestions[0] if suggestions else None


def spelling_suggestions(text: str) -> list[str]:
    """Corrected texts to try, best first: every unknown word at its closest correction, then the
    first unknown word at its next closest ones."""
    words = words_of(text)
    candidates = [w for w in dict.fromkeys(words) if len(w) >= 3 and not w.isdigit() and w not in STOP_WORDS]
    if not candidates:
        return []
    known = set(SearchTerm.objects.filter(word__in=candidates).values_list("word", flat=True))
    known |= {w for w in candidates if w in synonyms.known_words()}
    known |= {w for w, forms in synonyms.word_forms(candidates).items() if forms}
    unknown = [w for w in candidates if w not in known][:MAX_SUGGEST_WORDS]
    if not unknown:
        return []
    fixes: dict[str, list[str]] = {}
    for word in unknown:
        ranked = _closest_words(word)
        if ranked:
            fixes[word] = ranked
    if not fixes:
        return []
    best = {word: ranked[0] for word, ranked in fixes.items()}
    texts = [" ".join(best.get(w, w) for w in words)]
    first = next(iter(fixes))
    for other in fixes[first][1:MAX_SUGGESTIONS]:
        texts.append(" ".join({**best, first: other}.get(w, w) for w in words))
    return list(dict.fromkeys(texts))


def _closest_words(word: str) -> list[str]:
    """Known words within the edit limit, closest and most used first (never stop words)."""
    limit = 1 if len(word) <= 4 else 2
    scored: dict[str, tuple[int, int]] = {}
    pool = list(engine().spelling_candidates(word))
    pool += [(w, 0) for w in synonyms.known_words() if abs(len(w) - len(word)) <= limit]
    for candidate, frequency in pool:
        if candidate == word or candidate in STOP_WORDS or len(candidate) < 3:
            continue
        distance = edit_distance(word, candidate, limit + 1)
        if distance <= limit:
            previous = scored.get(candidate)
            score = (distance, -frequency)
            if previous is None or score < previous:
                scored[candidate] = score
    return [w for w, _ in sorted(scored.items(), key=lambda item: (item[1], item[0]))]
