"""What a person typed to find a child, read into what it can mean: an NHS number (with or without
spaces), dates of birth (in any common UK form), references (anything with a digit in it) and name
words; and how closely a child's name matches the name words, whatever their order and with small
spelling differences ("Maia Thornfeild" finds Maya Thornfield). Pure functions, no project imports.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATES = [
    # 3/4/2015, 03-04-2015, 3.4.15, 03 04 2015 (day first, as in the UK)
    re.compile(r"(?<![\d])(?P<d>\d{1,2})[\s/.\-](?P<m>\d{1,2})[\s/.\-](?P<y>\d{4}|\d{2})(?![\d])"),
    # 2015-04-03
    re.compile(r"(?<![\d])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d])"),
    # 3 April 2015, 3rd Apr 2015, 3-apr-2015
    re.compile(
        rf"(?<![\d])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]*(?P<mon>{_MONTH})\.?[\s\-/,]*(?P<y>\d{{4}})(?![\d])",
        re.IGNORECASE,
    ),
    # April 3 2015, April 3rd, 2015
    re.compile(
        rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?![\d])",
        re.IGNORECASE,
    ),
]
_NHS = re.compile(r"(?<![\d])(\d(?:[\s\-]?\d){9})(?![\d])")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
_TOKEN = re.compile(r"\S+")

MATCH = 0.75  # how alike a typed word and a name must be (difflib's ratio, 0 to 1)


@dataclass
class Terms:
    nhs_numbers: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # words with a digit in them, as typed
    names: list[str] = field(default_factory=list)  # normalised name words

    @property
    def empty(self) -> bool:
        return not (self.nhs_numbers or self.dates or self.references or self.names)


def fold(text: str) -> str:
    """Lower case, accents off, apostrophes out: "O’Brien-Zoë" -> "obrien-zoe"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"['’]", "", text.casefold())


def name_words(name: str) -> list[str]:
    """A name as words to compare: hyphenated and double-barrelled parts count on their own too."""
    words: list[str] = []
    for word in _WORD.findall(fold(name)):
        words.append(word)
        if "-" in word:
            words.extend(part for part in word.split("-") if part)
    return words


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:  # a child or young person (0 to 25): this century unless that is in the future
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def parse(text: str, *, today: dt.date | None = None) -> Terms:
    today = today or dt.date.today()
    terms = Terms()
    rest = text
    for pattern in _DATES:
        for match in list(pattern.finditer(rest)):
            parts = match.groupdict()
            month = MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
            try:
                day = dt.date(_year(parts["y"], today), month, int(parts["d"]))
            except ValueError:
                continue
            terms.dates.append(day)
            rest = rest.replace(match.group(0), " ", 1)
    for match in _NHS.finditer(rest):
        terms.nhs_numbers.append(re.sub(r"[\s\-]", "", match.group(1)))
        rest = rest.replace(match.group(0), " ", 1)
    for token in _TOKEN.findall(rest):
        if any(c.isdigit() for c in token):
            terms.references.append(token.strip(".,;:()[]"))
        else:
            terms.names.extend(name_words(token))
    return terms


def word_score(typed: str, words: list[str]) -> float:
    """How well one typed word matches the best of a name's words (1 the same, 0.9 the start of one)."""
    best = 0.0
    for word in words:
        if word == typed:
            return 1.0
        if len(typed) >= 2 and word.startswith(typed):
            best = max(best, 0.9)
        elif len(typed) >= 3 and len(word) >= 3:
            best = max(best, SequenceMatcher(None, typed, word).ratio())
    return best


def name_score(typed: list[str], given_name: str, family_name: str) -> float | None:
    """How well the typed words match a child's names, in any order: the mean of each word's best
    match, or None when any typed word matches none of the names."""
    if not typed:
        return None
    words = name_words(f"{given_name} {family_name}")
    scores = [word_score(word, words) for word in typed]
    if min(scores) < MATCH:
        return None
    return sum(scores) / len(scores)


def candidate_fragments(typed: list[str]) -> tuple[set[str], set[str]]:
    """Pieces one of which a matching name must have, for a database pre-filter that works the same on
    SQLite and PostgreSQL: (starts, contains): each word's first two letters (a name or a part of a
    double-barrelled one starts with them) and, for longer words, its last three."""
    starts = {word[:2] for word in typed}
    contains = {word[-3:] for word in typed if len(word) >= 4}
    return starts, contains
