"""The words parents use: a search's words expanded with their synonyms and their other forms.

A search is a list of slots, one per searched word or per phrase the synonym list knows ("speech and
language therapy"). Every slot must match (AND, as before); a slot matches a service whose text has
any of its alternatives (OR), and an alternative matches when the text has all its words. The
alternatives of a slot are, in order:

1. what was typed;
2. every phrase of every synonym group (`directory.models.Synonym`) that holds the typed words: a
   search for "SALT" is also a search for "speech and language therapy" and "speech therapy";
3. the other forms of each one-word alternative found in the directory's vocabulary
   (`SearchTerm.family`, from `words.word_family`): "autistic" is also "autism".

The engines (PostgreSQL's tsquery, SQLite's FTS5, the in-memory index's posting lists) stem each
alternative as they stem the services' text. Synonyms are matched on word stems, so "autistic
spectrum disorders" finds the group of "autistic spectrum disorder".

Changes take effect without a restart: every search reads, in the query it already makes for the
filter terms, the newest id of the synonyms' history and how many there are (`VERSION_SQL`); when
they move, this process reads the synonym list again. The vocabulary's word families are kept per
search version (they change only when services are reindexed).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from directory.models import SearchTerm, Synonym
from directory.search.words import STOP_WORDS, query_words, stem, word_family, words_of

MAX_PHRASE_WORDS = 6
MAX_ALTERNATIVES = 24  # per slot
MAX_FORMS = 6  # other forms of one word taken from the vocabulary (most used first)

# Read with the search terms on every search: the synonyms' newest history id and their number (a
# change, a new one or a deletion moves one of them).
VERSION_SQL = (
    "SELECT (SELECT coalesce(max(history_id), 0) FROM directory_historicalsynonym) * 1000003"
    " + (SELECT count(*) FROM directory_synonym)"
)


@dataclass(frozen=True)
class Slot:
    """One searched word or known phrase: `typed` as searched (stop words dropped), and the
    alternatives that satisfy it, typed first; each alternative's words must all match."""

    typed: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def others(self) -> tuple[tuple[str, ...], ...]:
        return self.alternatives[1:]


# --- The default list ---------------------------------------------------------------------------

# Shipped with the product (migration 0010 loads it; `manage.py load_search_words` adds what is
# missing). Written from the SEND Code of Practice's terms, the demo data's tags and what parents type.
DEFAULT_SYNONYMS: tuple[str, ...] = (
    "autism, autistic, ASD, ASC, asperger, aspergers, asperger syndrome, autism spectrum disorder, "
    "autistic spectrum disorder, autism spectrum condition, autistic spectrum condition",
    "ADHD, ADD, attention deficit, attention deficit hyperactivity disorder, attention deficit disorder, "
    "hyperactivity",
    "speech and language therapy, speech therapy, speech and language therapist, speech therapist, SALT, SLT",
    "speech language and communication, speech and language, SLCN, communication needs",
    "occupational therapy, occupational therapist, OT",
    "physiotherapy, physiotherapist, physio",
    "mental health, CAMHS, child and adolescent mental health, emotional wellbeing",
    "social emotional and mental health, SEMH, social and emotional, mental health",
    "profound and multiple learning difficulties, profound and multiple learning disabilities, PMLD",
    "severe learning difficulties, severe learning difficulty, SLD",
    "learning disability, learning disabilities, learning difficulties, LD, MLD, moderate learning difficulties",
    "specific learning difficulty, specific learning difficulties, SpLD",
    "dyslexia, dyslexic, word blindness",
    "dyspraxia, dyspraxic, developmental coordination disorder, DCD",
    "EHC plan, EHCP, education health and care plan, EHC needs assessment, statutory assessment, "
    "education health and care needs assessment",
    "SENCO, SENDCO, special educational needs coordinator",
    "SENDIASS, IASS, SEND information advice and support, information advice and support",
    "respite, respite care, short breaks, short break, overnight breaks",
    "blind, visual impairment, visually impaired, vision impairment, VI, sight loss, partially sighted, "
    "sight impaired, vision",
    "deaf, deafness, hearing impairment, hearing impaired, hearing loss, HI, hard of hearing, hearing",
    "deafblind, multi-sensory impairment, MSI",
    "wheelchair, wheelchair user, mobility, physical disability, physically disabled, PD",
    "bedwetting, bed wetting, enuresis, continence, incontinence, toileting, toilet training, "
    "bladder and bowel, soiling",
    "down syndrome, downs syndrome, down's syndrome, trisomy 21",
    "tourette, tourettes, tourette syndrome, tics",
    "challenging behaviour, behaviour that challenges",
    "sleep problems, sleep difficulties, sleep, insomnia",
    "feeding difficulties, eating drinking and swallowing, dysphagia, swallowing, feeding",
    "developmental delay, global developmental delay, GDD",
    "epilepsy, epileptic, seizures",
    "cerebral palsy, CP",
    "paediatrician, paediatrics, children's doctor",
    "nursery, pre-school, preschool, early years",
    "college, post-16, post 16, sixth form, further education",
    "preparing for adulthood, PFA, transition to adulthood",
    "alternative provision, PRU, pupil referral unit",
    "childminder, childcare, child care",
    "holiday club, holiday activities, holiday scheme, playscheme, play scheme",
    "parent carer forum, parent forum, PCF",
    "support group, peer support, parent support group",
    "audiology, hearing test",
    "eye clinic, orthoptics, eye test",
    "home to school transport, school transport, travel assistance",
    "mediation, disagreement resolution, SEND tribunal, tribunal",
    "educational psychologist, educational psychology, EP",
    "young carers, young carer",
    "special school, specialist school",
)


# --- Per-process caches --------------------------------------------------------------------------


@dataclass
class _Table:
    # stems of a phrase -> the groups holding it; each group: its phrases as words (stop words dropped)
    groups_of: dict[tuple[str, ...], list[int]]
    groups: list[list[tuple[str, ...]]]
    longest: int
    words: frozenset[str]  # every word of every phrase (known to the spelling check)


_lock = threading.Lock()
_state: dict[str, object] = {"synonyms_key": None, "version": None}
_table: _Table | None = None
_families: dict[str, tuple[str, ...]] = {}
_expansions: dict[str, list[Slot]] = {}


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase's words as a search takes them: lower case, accents folded, stop words dropped."""
    words = words_of(phrase)
    useful = tuple(w for w in words if w not in STOP_WORDS)
    return useful or tuple(words)


def build_table(groups: Iterable[Iterable[str]]) -> _Table:
    table_groups: list[list[tuple[str, ...]]] = []
    groups_of: dict[tuple[str, ...], list[int]] = {}
    longest = 1
    words: set[str] = set()
    for phrases in groups:
        group = list(dict.fromkeys(w for w in (phrase_words(p) for p in phrases) if w))
        group = [w for w in group if len(w) <= MAX_PHRASE_WORDS]
        if len(group) < 2:
            continue
        number = len(table_groups)
        table_groups.append(group)
        for words_ in group:
            key = tuple(stem(w) for w in words_)
            groups_of.setdefault(key, [])
            if number not in groups_of[key]:
                groups_of[key].append(number)
            longest = max(longest, len(key))
            words.update(words_)
    return _Table(groups_of, table_groups, longest, frozenset(words))


def note_versions(version: int | None, synonyms_key: int | None) -> None:
    """Called with what each search read (terms.py): drop what is older."""
    global _table
    with _lock:
        if synonyms_key != _state["synonyms_key"]:
            _state["synonyms_key"] = synonyms_key
            _table = None
            _expansions.clear()
        if version != _state["version"]:
            _state["version"] = version
            _families.clear()
            _expansions.clear()


def forget() -> None:
    """Drop every cache (tests; search_index.forget calls it)."""
    global _table
    with _lock:
        _state["synonyms_key"] = _state["version"] = None
        _table = None
        _families.clear()
        _expansions.clear()


def _current_table() -> _Table:
    global _table
    table = _table
    if table is None:
        table = build_table(s.phrases for s in Synonym.objects.only("words"))
        with _lock:
            _table = table
    return table


def known_words() -> frozenset[str]:
    """Every word of every synonym (the spelling check takes them as known and as corrections)."""
    return _current_table().words


def word_forms(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The vocabulary's words of each word's family (most used first), one query for those not cached."""
    wanted = {w: word_family(w) for w in words if len(w) >= 3 and not w.isdigit()}
    missing = {f for f in wanted.values() if f not in _families}
    if missing:
        found: dict[str, list[tuple[int, str]]] = {f: [] for f in missing}
        for family, word, frequency in SearchTerm.objects.filter(family__in=sorted(missing)).values_list(
            "family", "word", "frequency"
        ):
            found[family].append((-frequency, word))
        with _lock:
            for family, rows in found.items():
                _families[family] = tuple(word for _, word in sorted(rows)[:MAX_FORMS])
    return {w: _families.get(f, ()) for w, f in wanted.items()}


def expand(text: str) -> list[Slot]:
    """The slots of a search (see the module's docstring). Only stop words: one slot per word, with
    nothing added (they match nothing on PostgreSQL, as before)."""
    cached = _expansions.get(text)
    if cached is not None:
        return cached
    words = query_words(text)
    if not words:
        return []
    if all(w in STOP_WORDS for w in words):
        slots = [Slot((w,), ((w,),)) for w in words]
    else:
        slots = _expand_words(words)
    with _lock:
        if len(_expansions) > 4096:
            _expansions.clear()
        _expansions[text] = slots
    return slots


def _expand_words(words: list[str]) -> list[Slot]:
    table = _current_table()
    stems = [stem(w) for w in words]
    spans: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    i = 0
    while i < len(words):
        for size in range(min(table.longest, len(words) - i), 0, -1):
            groups = table.groups_of.get(tuple(stems[i : i + size]))
            if groups:
                phrases = [p for g in groups for p in table.groups[g]]
                spans.append((tuple(words[i : i + size]), phrases))
                i += size
                break
        else:
            spans.append(((words[i],), []))
            i += 1
    singles = {w for typed, phrases in spans for alt in (typed, *phrases) if len(alt) == 1 for w in alt}
    forms = word_forms(singles)
    slots = []
    for typed, phrases in spans:
        alternatives: list[tuple[str, ...]] = [typed]
        for phrase in phrases:
            if phrase not in alternatives:
                alternatives.append(phrase)
        for alternative in list(alternatives):
            if len(alternative) == 1:
                for form in forms.get(alternative[0], ()):
                    if (form,) not in alternatives:
                        alternatives.append((form,))
        slots.append(Slot(typed, tuple(alternatives[:MAX_ALTERNATIVES])))
    return slots


def typed_words(slots: list[Slot]) -> list[str]:
    return [w for slot in slots for w in slot.typed]
