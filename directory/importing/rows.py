"""What both importers read rows into, and how a row's values are read and checked."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from accounts.models import Organisation
from directory import taxonomies
from directory.models import Location, Schedule, Taxonomy, TaxonomyTerm
from lib import inputs

MAX_AGE = 120
#: The longest text any one value may hold (a description runs to a few thousand characters).
MAX_TEXT_LENGTH = 20_000


@dataclass
class RowError:
    line: int  # CSV line (the header is line 1), or the record's number in a JSON list
    column: str
    message: str

    @property
    def reason(self) -> str:
        return self.message

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    service_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        if self.errors:
            return f"Nothing imported: {len(self.errors)} problem(s) to fix first"
        verb = "Would create" if self.dry_run else "Created"
        return f"{verb} {self.created} and {'would update' if self.dry_run else 'updated'} {self.updated} services"


@dataclass
class LocationData:
    public_id: uuid.UUID | None = None
    name: str = ""
    description: str = ""
    location_type: str = Location.LocationType.PHYSICAL
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    county: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    url: str = ""
    transportation: str = ""
    external_identifier: str = ""
    external_identifier_type: str = ""
    phones: list[dict[str, Any]] = field(default_factory=list)
    accessibility: list[TaxonomyTerm] = field(default_factory=list)
    accessibility_text: list[tuple[str, str]] = field(default_factory=list)  # (description, details)


@dataclass
class ScheduleData:
    byday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    attending_type: str = ""
    description: str = ""
    freq: str = Schedule.Frequency.WEEKLY
    interval: int | None = None
    bymonthday: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    dtstart: dt.date | None = None
    notes: str = ""
    public_id: uuid.UUID | None = None
    location_index: int | None = None  # the service-at-location it belongs to, if any


@dataclass
class ServiceData:
    line: int
    public_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None
    provider_name: str = ""
    provider_fields: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # Service model fields
    locations: list[LocationData] = field(default_factory=list)
    schedules: list[ScheduleData] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    terms: list[TaxonomyTerm] = field(default_factory=list)
    languages: list[dict[str, str]] = field(default_factory=list)
    funding: list[str] = field(default_factory=list)
    areas: list[Organisation] = field(default_factory=list)
    area_names: list[dict[str, str]] = field(default_factory=list)


class _Reader:
    """Collects problems for one row or record while its values are read."""

    def __init__(self, line: int, errors: list[RowError]) -> None:
        self.line = line
        self.errors = errors
        self.failed = False

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.line, column, message))

    def text(self, column: str, value: Any, *, required: bool = False, max_length: int | None = None) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            if isinstance(value, int | float):
                value = str(value)
            else:
                self.error(column, "should be text")
                return ""
        value = value.strip()
        if value[:1] == "'" and value[1:2] in ("=", "@", "+", "-", "\t", "\r"):
            value = value[1:]  # the apostrophe our CSV export adds against formula injection
        if inputs.has_nul(value):
            self.error(
                column, "contains a NUL character (often a sign the file was saved in the wrong format)"
            )
            return ""
        if required and not value:
            self.error(column, "is required")
        max_length = max_length or MAX_TEXT_LENGTH
        if len(value) > max_length:
            self.error(column, f"is {len(value):,} characters long; the most allowed is {max_length:,}")
            return ""
        return value

    def uuid(self, column: str, value: Any) -> uuid.UUID | None:
        text = self.text(column, value)
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            self.error(column, f"'{text}' is not a valid ID (a UUID such as 3f2b8c1e-...)")
            return None

    def email(self, column: str, value: Any) -> str:
        text = self.text(column, value, max_length=254)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                self.error(column, f"'{text}' is not a valid e-mail address")
        return text

    def url(self, column: str, value: Any) -> str:
        text = self.text(column, value, max_length=500)
        if text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                self.error(column, f"'{text}' is not a web address starting http:// or https://")
        return text

    def age(self, column: str, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = value
        else:
            text = self.text(column, value)
            try:
                number = inputs.finite_number(text)
            except ValueError:
                self.error(column, f"'{text[:40]}' is not an age in years")
                return None
        # NaN and infinity fail the range check (a NaN compares false), so int() only sees real ages.
        if not 0 <= number <= MAX_AGE or number != int(number):
            self.error(column, f"'{str(value)[:40]}' is not a whole number of years between 0 and {MAX_AGE}")
            return None
        return int(number)

    def date(self, column: str, value: Any) -> dt.date | None:
        text = self.text(column, value)
        if not text:
            return None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"):
            try:
                day = dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            problem = inputs.date_problem(day)
            if problem:
                self.error(column, f"'{text}' {problem}")
                return None
            return day
        self.error(column, f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return None

    def time(self, column: str, value: Any) -> dt.time | None:
        text = self.text(column, value).lower().replace(".", ":")
        if not text:
            return None
        for fmt in ("%H:%M", "%H:%M:%S", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"):
            try:
                return dt.datetime.strptime(text.upper(), fmt.upper() if "%p" in fmt else fmt).time()
            except ValueError:
                continue
        self.error(column, f"'{text}' is not a time (use 24-hour HH:MM, e.g. 09:30)")
        return None

    def number(self, column: str, value: Any) -> float | None:
        if value is None or value == "":
            return None
        try:
            return inputs.finite_number(value)
        except (TypeError, ValueError):
            self.error(column, f"'{str(value)[:40]}' is not a number")
            return None

    def choice(self, column: str, value: Any, choices: Mapping[str, str], default: str) -> str:
        text = self.text(column, value)
        if not text:
            return default
        key = taxonomies.normalise(text)
        if key not in choices:
            allowed = ", ".join(sorted(set(choices.values())))
            self.error(column, f"'{text}' is not one of: {allowed}")
            return default
        return choices[key]


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n|]", value or "") if part.strip()]


ATTENDING_CHOICES = {
    "in person": Schedule.AttendingType.IN_PERSON,
    "face to face": Schedule.AttendingType.IN_PERSON,
    "online": Schedule.AttendingType.ONLINE,
    "phone": Schedule.AttendingType.PHONE,
    "by phone": Schedule.AttendingType.PHONE,
    "telephone": Schedule.AttendingType.PHONE,
}


class _Lookups:
    """Everything rows are matched against, loaded once per import."""

    def __init__(self) -> None:
        taxonomies.ensure_taxonomies()
        self.terms = {v: taxonomies.term_matcher(v) for v in Taxonomy.Vocabulary.values}
        self.terms_by_id = {
            t.public_id: t for t in TaxonomyTerm.objects.select_related("taxonomy").order_by("pk")
        }
        self.las: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY):
            names = {org.name, org.code}
            for suffix in (" County Council", " Borough Council", " City Council", " Council"):
                if org.name.endswith(suffix):
                    names.add(org.name.removesuffix(suffix))
            for name in names:
                if name:
                    self.las.setdefault(taxonomies.normalise(name), org)

    def term_list(self, reader: _Reader, column: str, value: str, vocabulary: str) -> list[TaxonomyTerm]:
        found = []
        for part in _split(value):
            term = self.terms[vocabulary].get(taxonomies.normalise(part))
            if term is None:
                reader.error(column, f"'{part}' is not a known {_VOCAB_WORDS[vocabulary]}")
            else:
                found.append(term)
        return found

    def area_list(self, reader: _Reader, column: str, value: str) -> list[Organisation]:
        found = []
        for part in _split(value):
            org = self.las.get(taxonomies.normalise(part))
            if org is None:
                reader.error(column, f"'{part}' is not a local authority this directory knows")
            else:
                found.append(org)
        return found


_VOCAB_WORDS: dict[str, str] = {
    Taxonomy.Vocabulary.NEEDS: "need",
    Taxonomy.Vocabulary.CATEGORIES: "category",
    Taxonomy.Vocabulary.DELIVERY: "way of delivering a service (in person, online, phone)",
    Taxonomy.Vocabulary.ACCESSIBILITY: "accessibility facility",
    Taxonomy.Vocabulary.REFERRAL: "referral route",
    Taxonomy.Vocabulary.OTHER: "term",
}


def _read_text(file: Any) -> str:
    """The text of an uploaded or opened file, a path, bytes or a string (UTF-8, or Windows-1252)."""
    if isinstance(file, str | bytes):
        content = file
    else:
        content = file.read()
    if isinstance(content, bytes):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return content.decode("cp1252", errors="replace")
    return content.removeprefix("\ufeff")
