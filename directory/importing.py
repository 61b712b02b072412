"""Import services into the Local Offer from the CSV template or from ORUK 3.0 JSON.

Both importers work in two passes: first every row (or record) is read and checked, and each
problem is reported with its line (CSV) or record number (JSON) and a reason a person can act on;
only when there are no problems at all is anything written, in one transaction. So a file either
goes in whole or not at all.

Updates are idempotent: a row with an `id` (the service's UUID) updates that service, or creates it
with that id; a row without one updates the service with the same name from the same provider when
there is exactly one, and otherwise creates a new service. Each update replaces what the row
describes (opening times, phones, needs and categories, costs, languages, areas, locations).

The CSV template (directory/samples/services-template.csv) is documented in
directory/samples/README.md; `TEMPLATE_COLUMNS` below is the order of its columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from directory import taxonomies
from directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    Postcode,
    Provider,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# --- The CSV template ------------------------------------------------------------------------------

#: Column name -> what it holds. The order is the template's order; names are matched ignoring case,
#: spaces and underscores, and the aliases below are accepted too.
TEMPLATE_COLUMNS: dict[str, str] = {
    "id": "The service's ID (a UUID) from an earlier export. Leave empty for a new service.",
    "name": "Required. The service's name, as families would search for it.",
    "provider": "Required. The organisation that runs it (matched by name; a new one is added if needed).",
    "description": "Required. What the service offers, in plain English.",
    "status": "active (the default), inactive, temporarily closed or defunct.",
    "alert": "A short notice for the top of the service's page, e.g. 'Closed for building work until March'.",
    "email": "The service's e-mail address.",
    "phone": "The service's phone number.",
    "website": "The service's web page, starting https://",
    "location_name": "The name of the building or venue, if it has one.",
    "address_1": "First line of the address. Leave the address empty for services with no venue.",
    "address_2": "Second line of the address.",
    "town": "Town or city (needed with an address).",
    "county": "County.",
    "postcode": "Postcode (needed with an address).",
    "latitude": "Only needed when the postcode is not in the postcode table.",
    "longitude": "Only needed when the postcode is not in the postcode table.",
    "min_age": "Youngest age in years (empty: no lower limit).",
    "max_age": "Oldest age in years (empty: no upper limit).",
    "needs": "Needs it supports, separated by semicolons: names or codes, e.g. 'autism; ADHD'.",
    "categories": "What kind of service it is, separated by semicolons, e.g. 'speech and language therapy'.",
    "delivery": "in person; online; phone (separated by semicolons).",
    "accessibility": "Facilities at the venue, separated by semicolons, e.g. 'step-free access; hearing loop'.",
    "referral": "self, professional or either: who can ask for the service.",
    "cost": "'Free', or the price, e.g. '£5 per session' ('Paid' if it varies).",
    "fees": "More about costs, e.g. 'Ask us about help with costs'.",
    "days": "Days it is open, e.g. 'Mon-Fri' or 'Tuesday; Thursday'.",
    "opens_at": "Opening time, e.g. 09:00.",
    "closes_at": "Closing time, e.g. 17:00.",
    "attending": "How people attend at those times: in person, online or phone.",
    "opening_notes": "Anything else about opening times, e.g. 'Term time only'.",
    "eligibility": "Who it is for.",
    "how_to_access": "How to get the service or be referred.",
    "wait_time": "How long people usually wait.",
    "languages": "Languages spoken, separated by semicolons.",
    "areas": "Local authority areas covered: codes or names, separated by semicolons.",
    "last_reviewed": "Date the record was last checked: YYYY-MM-DD or DD/MM/YYYY.",
}
REQUIRED_COLUMNS = ("name", "provider", "description")
COLUMN_ALIASES = {
    "service_id": "id",
    "service_name": "name",
    "organisation": "provider",
    "organization": "provider",
    "provider_name": "provider",
    "telephone": "phone",
    "url": "website",
    "venue": "location_name",
    "address_line_1": "address_1",
    "address_line_2": "address_2",
    "city": "town",
    "post_code": "postcode",
    "minimum_age": "min_age",
    "maximum_age": "max_age",
    "need": "needs",
    "category": "categories",
    "how_delivered": "delivery",
    "referral_route": "referral",
    "costs": "cost",
    "opening_days": "days",
    "opens": "opens_at",
    "closes": "closes_at",
    "eligibility_description": "eligibility",
    "application_process": "how_to_access",
    "how_to_use": "how_to_access",
    "reviewed": "last_reviewed",
    "last_checked": "last_reviewed",
}

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    **{d.lower(): d for d in DAY_CODES},
    "mon": "MO", "monday": "MO", "tue": "TU", "tues": "TU", "tuesday": "TU", "wed": "WE", "wednesday": "WE",
    "thu": "TH", "thur": "TH", "thurs": "TH", "thursday": "TH", "fri": "FR", "friday": "FR",
    "sat": "SA", "saturday": "SA", "sun": "SU", "sunday": "SU",
}  # fmt: skip
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
MAX_AGE = 120


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


# --- The common shape both formats are read into ------------------------------------------------


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
        if required and not value:
            self.error(column, "is required")
        if max_length and len(value) > max_length:
            self.error(column, f"is {len(value)} characters long; the most allowed is {max_length}")
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
                number = float(text)
            except ValueError:
                self.error(column, f"'{text}' is not an age in years")
                return None
        if number != int(number) or not 0 <= number <= MAX_AGE:
            self.error(column, f"'{value}' is not a whole number of years between 0 and {MAX_AGE}")
            return None
        return int(number)

    def date(self, column: str, value: Any) -> dt.date | None:
        text = self.text(column, value)
        if not text:
            return None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
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
            return float(value)
        except (TypeError, ValueError):
            self.error(column, f"'{value}' is not a number")
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


STATUS_CHOICES = {taxonomies.normalise(v): v for v in Service.Status.values} | {
    "open": Service.Status.ACTIVE,
    "closed": Service.Status.DEFUNCT,
    "temporarily closed": Service.Status.TEMPORARILY_CLOSED,
}
REFERRAL_CHOICES = {
    "self": Service.Referral.SELF,
    "self referral": Service.Referral.SELF,
    "professional": Service.Referral.PROFESSIONAL,
    "professional referral": Service.Referral.PROFESSIONAL,
    "referral": Service.Referral.PROFESSIONAL,
    "either": Service.Referral.EITHER,
    "both": Service.Referral.EITHER,
}
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


# --- CSV ------------------------------------------------------------------------------------------


def _column_key(header: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


def _days(reader: _Reader, value: str) -> str:
    """'Mon-Fri', 'Tuesday; Thursday', 'MO,WE' -> 'MO,TU,WE,TH,FR' etc."""
    text = value.strip()
    if not text:
        return ""
    lowered = text.lower()
    if lowered in ("weekdays", "every weekday", "monday to friday"):
        return "MO,TU,WE,TH,FR"
    if lowered in ("weekends", "weekend"):
        return "SA,SU"
    if lowered in ("every day", "daily", "7 days", "seven days"):
        return ",".join(DAY_CODES)
    days: set[str] = set()
    for part in re.split(r"[;,/&]| and ", lowered):
        part = part.strip()
        if not part:
            continue
        span = re.split(r"\s*(?:-|–|to)\s*", part)
        if len(span) == 2 and span[0] in DAY_NAMES and span[1] in DAY_NAMES:
            start, end = DAY_CODES.index(DAY_NAMES[span[0]]), DAY_CODES.index(DAY_NAMES[span[1]])
            if start > end:
                reader.error("days", f"'{part}' goes backwards")
                continue
            days.update(DAY_CODES[start : end + 1])
        elif part in DAY_NAMES:
            days.add(DAY_NAMES[part])
        else:
            reader.error("days", f"'{part}' is not a day of the week")
    return ",".join(d for d in DAY_CODES if d in days)


COST = re.compile(r"^£?\s*(\d+(?:\.\d{1,2})?)\s*(.*)$")


def _read_csv_row(
    row: dict[str, str], line: int, lookups: _Lookups, errors: list[RowError]
) -> ServiceData | None:
    r = _Reader(line, errors)
    data = ServiceData(line=line)
    data.public_id = r.uuid("id", row.get("id"))
    data.provider_name = r.text("provider", row.get("provider"), required=True, max_length=255)
    f = data.fields
    f["name"] = r.text("name", row.get("name"), required=True, max_length=255)
    f["description"] = r.text("description", row.get("description"), required=True)
    f["status"] = r.choice("status", row.get("status"), STATUS_CHOICES, Service.Status.ACTIVE)
    f["alert"] = r.text("alert", row.get("alert"))
    f["email"] = r.email("email", row.get("email"))
    f["url"] = r.url("website", row.get("website"))
    f["minimum_age"] = r.age("min_age", row.get("min_age"))
    f["maximum_age"] = r.age("max_age", row.get("max_age"))
    if f["minimum_age"] is not None and f["maximum_age"] is not None and f["minimum_age"] > f["maximum_age"]:
        r.error("max_age", f"{f['maximum_age']} is younger than the minimum age {f['minimum_age']}")
    f["eligibility_description"] = r.text("eligibility", row.get("eligibility"))
    f["application_process"] = r.text("how_to_access", row.get("how_to_access"))
    f["wait_time"] = r.text("wait_time", row.get("wait_time"), max_length=255)
    f["referral"] = r.choice("referral", row.get("referral"), REFERRAL_CHOICES, Service.Referral.EITHER)
    f["fees_description"] = r.text("fees", row.get("fees"))
    f["last_reviewed"] = r.date("last_reviewed", row.get("last_reviewed"))
    if f["last_reviewed"] and f["last_reviewed"] > timezone.localdate():
        r.error("last_reviewed", "is in the future")
    cost = r.text("cost", row.get("cost"))
    f["is_free"] = True
    if cost and cost.lower() not in ("free", "no cost", "0", "£0", "0.00", "£0.00"):
        f["is_free"] = False
        match = COST.match(cost)
        if match:
            amount = Decimal(match.group(1))
            option = match.group(2).strip()
            data.costs.append({"amount": amount, "option": option[:255], "amount_description": cost[:255]})
        elif cost.lower() not in ("paid", "charges apply", "varies", "yes"):
            r.error("cost", f"'{cost}' is not 'Free', 'Paid' or a price such as '£5 per session'")
    phone = r.text("phone", row.get("phone"), max_length=30)
    if phone:
        if not re.fullmatch(r"\+?[0-9 ()-]{6,30}", phone):
            r.error("phone", f"'{phone}' is not a phone number")
        data.phones.append({"number": phone})
    # Needs, categories, delivery, referral.
    data.terms += lookups.term_list(r, "needs", row.get("needs", ""), Taxonomy.Vocabulary.NEEDS)
    data.terms += lookups.term_list(
        r, "categories", row.get("categories", ""), Taxonomy.Vocabulary.CATEGORIES
    )
    data.terms += lookups.term_list(r, "delivery", row.get("delivery", ""), Taxonomy.Vocabulary.DELIVERY)
    # Opening times.
    days = _days(r, row.get("days", ""))
    opens = r.time("opens_at", row.get("opens_at"))
    closes = r.time("closes_at", row.get("closes_at"))
    attending = r.choice("attending", row.get("attending"), ATTENDING_CHOICES, "")
    notes = r.text("opening_notes", row.get("opening_notes"))
    if opens and closes and opens >= closes:
        r.error("closes_at", f"{closes:%H:%M} is not after the opening time {opens:%H:%M}")
    if (opens or closes) and not days:
        r.error("days", "is needed with opening times")
    if days or opens or closes or notes:
        data.schedules.append(
            ScheduleData(
                byday=days, opens_at=opens, closes_at=closes, attending_type=attending, description=notes
            )
        )
    # Where.
    address_1 = r.text("address_1", row.get("address_1"), max_length=255)
    if address_1:
        loc = LocationData(
            name=r.text("location_name", row.get("location_name"), max_length=255),
            address_1=address_1,
            address_2=r.text("address_2", row.get("address_2"), max_length=255),
            city=r.text("town", row.get("town"), required=True, max_length=100),
            county=r.text("county", row.get("county"), max_length=100),
        )
        postcode = r.text("postcode", row.get("postcode"), required=True).upper()
        if postcode and not POSTCODE.match(postcode):
            r.error("postcode", f"'{postcode}' is not a UK postcode")
        key = postcode.replace(" ", "")
        loc.postal_code = f"{key[:-3]} {key[-3:]}" if postcode else ""
        loc.latitude = r.number("latitude", row.get("latitude"))
        loc.longitude = r.number("longitude", row.get("longitude"))
        if (loc.latitude is None) != (loc.longitude is None):
            r.error("longitude" if loc.longitude is None else "latitude", "give both latitude and longitude")
        if loc.latitude is not None and not (49 <= loc.latitude <= 61 and -9 <= loc.longitude <= 3):  # type: ignore[operator]
            r.error("latitude", "the coordinates are not in the United Kingdom")
        loc.accessibility = lookups.term_list(
            r, "accessibility", row.get("accessibility", ""), Taxonomy.Vocabulary.ACCESSIBILITY
        )
        data.locations.append(loc)
    elif any(row.get(c, "").strip() for c in ("address_2", "town", "postcode", "accessibility")):
        r.error("address_1", "is needed when any other part of the address is given")
    for name in _split(row.get("languages", "")):
        data.languages.append({"name": name[:100]})
    data.areas = lookups.area_list(r, "areas", row.get("areas", ""))
    return None if r.failed else data


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


def import_csv(file: IO[Any] | str | bytes, *, user: Any = None, dry_run: bool = False) -> ImportResult:
    """Import services from the CSV template; see the module docstring for the rules."""
    text = _read_text(file)
    result = ImportResult(dry_run=dry_run)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(0, "", "The file is empty"))
        return result
    keys = [_column_key(h) for h in header]
    unknown = [h for h, k in zip(header, keys, strict=True) if k not in TEMPLATE_COLUMNS and h.strip()]
    if unknown:
        result.warnings.append("Columns ignored (not in the template): " + ", ".join(unknown))
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        result.errors.append(RowError(1, "", "The header row has no column for: " + ", ".join(missing)))
        return result
    lookups = _Lookups()
    records: list[ServiceData] = []
    line = reader.line_num + 1
    for values in reader:
        if any(v.strip() for v in values):
            if len(values) > len(keys):
                result.errors.append(
                    RowError(line, "", f"has {len(values)} cells but the header has {len(keys)}")
                )
            else:
                row = {k: v for k, v in zip(keys, values, strict=False) if k in TEMPLATE_COLUMNS}
                record = _read_csv_row(row, line, lookups, result.errors)
                if record is not None:
                    records.append(record)
        line = reader.line_num + 1
    if not records and not result.errors:
        result.errors.append(RowError(0, "", "The file has no services in it"))
    return _finish(records, result, user=user)


# --- ORUK JSON ------------------------------------------------------------------------------------


def _services_in(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("contents"), list):
            return data["contents"]
        if "name" in data and "id" in data:
            return [data]
    return None


def _list(r: _Reader, record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.error(key, "should be a list of objects")
        return []
    return value


def _read_oruk_service(
    record: Any, number: int, lookups: _Lookups, result: ImportResult
) -> ServiceData | None:
    r = _Reader(number, result.errors)
    if not isinstance(record, dict):
        r.error("", "is not a JSON object")
        return None
    data = ServiceData(line=number)
    data.public_id = r.uuid("id", record.get("id"))
    f = data.fields
    f["name"] = r.text("name", record.get("name"), required=True, max_length=255)
    f["alternate_name"] = r.text("alternate_name", record.get("alternate_name"), max_length=255)
    f["description"] = r.text("description", record.get("description"))
    status = r.text("status", record.get("status"), required=True)
    if status and status not in Service.Status.values:
        r.error("status", f"'{status}' is not one of: {', '.join(Service.Status.values)}")
    f["status"] = status if status in Service.Status.values else Service.Status.ACTIVE
    f["url"] = r.url("url", record.get("url"))
    f["email"] = r.email("email", record.get("email"))
    f["minimum_age"] = r.age("minimum_age", record.get("minimum_age"))
    f["maximum_age"] = r.age("maximum_age", record.get("maximum_age"))
    if f["minimum_age"] is not None and f["maximum_age"] is not None and f["minimum_age"] > f["maximum_age"]:
        r.error("maximum_age", "is less than minimum_age")
    f["eligibility_description"] = r.text("eligibility_description", record.get("eligibility_description"))
    f["application_process"] = r.text("application_process", record.get("application_process"))
    f["wait_time"] = r.text("wait_time", record.get("wait_time"), max_length=255)
    f["fees_description"] = r.text("fees", record.get("fees_description") or record.get("fees"))
    f["accreditations"] = r.text("accreditations", record.get("accreditations"))
    f["alert"] = r.text("alert", record.get("alert"))
    f["interpretation_services"] = r.text("interpretation_services", record.get("interpretation_services"))
    f["last_reviewed"] = r.date("assured_date", record.get("assured_date"))
    f["reviewed_by_email"] = r.email("assurer_email", record.get("assurer_email"))
    # Organisation.
    org = record.get("organization")
    data.provider_id = r.uuid("organization_id", record.get("organization_id"))
    if isinstance(org, dict):
        org_id = r.uuid("organization/id", org.get("id"))
        if data.provider_id and org_id and org_id != data.provider_id:
            r.error("organization/id", "does not match organization_id")
        data.provider_id = data.provider_id or org_id
        data.provider_name = r.text("organization/name", org.get("name"), required=True, max_length=255)
        data.provider_fields = {
            "description": r.text("organization/description", org.get("description")),
            "email": r.email("organization/email", org.get("email")),
            "website": r.url("organization/website", org.get("website")),
        }
    elif org is not None:
        r.error("organization", "should be an object")
    elif data.provider_id is None:
        r.error("organization", "is needed (or organization_id of an organisation already in the directory)")
    elif not Provider.objects.filter(public_id=data.provider_id).exists():
        r.error("organization_id", "is not an organisation in the directory; include the organization object")
    # Costs, phones, contacts, languages, funding.
    free = True
    for i, cost in enumerate(_list(r, record, "cost_options")):
        amount = cost.get("amount")
        if amount is not None:
            try:
                amount = Decimal(str(amount)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                r.error(f"cost_options/{i}/amount", f"'{amount}' is not a number")
                amount = None
        if amount:
            free = False
        data.costs.append(
            {
                "public_id": r.uuid(f"cost_options/{i}/id", cost.get("id")),
                "option": r.text(f"cost_options/{i}/option", cost.get("option"), max_length=255),
                "amount": amount,
                "amount_description": r.text(
                    f"cost_options/{i}/amount_description", cost.get("amount_description"), max_length=255
                ),
                "valid_from": r.date(f"cost_options/{i}/valid_from", cost.get("valid_from")),
                "valid_to": r.date(f"cost_options/{i}/valid_to", cost.get("valid_to")),
            }
        )
    f["is_free"] = free  # ORUK has no "free" flag: free unless a cost option has an amount
    for i, ph in enumerate(_list(r, record, "phones")):
        data.phones.append(_phone(r, f"phones/{i}", ph))
    for i, contact in enumerate(_list(r, record, "contacts")):
        data.contacts.append(
            {
                "public_id": r.uuid(f"contacts/{i}/id", contact.get("id")),
                "name": r.text(f"contacts/{i}/name", contact.get("name"), max_length=255),
                "title": r.text(f"contacts/{i}/title", contact.get("title"), max_length=255),
                "department": r.text(f"contacts/{i}/department", contact.get("department"), max_length=255),
                "email": r.email(f"contacts/{i}/email", contact.get("email")),
                "phones": [
                    _phone(r, f"contacts/{i}/phones/{j}", p)
                    for j, p in enumerate(_list(r, contact, "phones"))
                ],
            }
        )
    for i, lang in enumerate(_list(r, record, "languages")):
        name = r.text(f"languages/{i}/name", lang.get("name"), max_length=100)
        code = r.text(f"languages/{i}/code", lang.get("code"), max_length=10)
        if name or code:
            data.languages.append({"name": name or code, "code": code, "note": lang.get("note") or ""})
    for i, fund in enumerate(_list(r, record, "funding")):
        source = r.text(f"funding/{i}/source", fund.get("source"), max_length=255)
        if source:
            data.funding.append(source)
    # Areas.
    for i, area in enumerate(_list(r, record, "service_areas")):
        name = r.text(f"service_areas/{i}/name", area.get("name") or area.get("service_area"), max_length=255)
        la_code = r.text(f"service_areas/{i}/la_code", area.get("la_code"), max_length=10)
        data.area_names.append(
            {
                "name": name or la_code,
                "la_code": la_code,
                "extent": r.text(f"service_areas/{i}/extent", area.get("extent")),
                "extent_type": r.text(
                    f"service_areas/{i}/extent_type", area.get("extent_type"), max_length=20
                ),
                "uri": r.url(f"service_areas/{i}/uri", area.get("uri")),
            }
        )
        org = lookups.las.get(taxonomies.normalise(la_code)) or lookups.las.get(taxonomies.normalise(name))
        if org is not None and org not in data.areas:
            data.areas.append(org)
    # Terms.
    for i, attr in enumerate(_list(r, record, "attributes")):
        term = _oruk_term(r, f"attributes/{i}", attr, lookups)
        if term is not None and term not in data.terms:
            data.terms.append(term)
        elif term is None and not r.failed:
            nested_term = attr.get("taxonomy_term")
            label = (nested_term.get("name") if isinstance(nested_term, dict) else None) or attr.get(
                "taxonomy_term_id"
            )
            result.warnings.append(
                f"record {number}: taxonomy term '{label}' is not in this directory; left out"
            )
    # Where and when.
    sal_ids: dict[str, int] = {}
    for i, sal in enumerate(_list(r, record, "service_at_locations")):
        loc = sal.get("location")
        if not isinstance(loc, dict):
            r.error(f"service_at_locations/{i}/location", "is needed")
            continue
        data.locations.append(_oruk_location(r, f"service_at_locations/{i}/location", loc, lookups))
        if sal.get("id"):
            sal_ids[str(sal["id"])] = len(data.locations) - 1
        for j, sch in enumerate(_list(r, sal, "schedules")):
            schedule = _oruk_schedule(r, f"service_at_locations/{i}/schedules/{j}", sch)
            schedule.location_index = len(data.locations) - 1
            data.schedules.append(schedule)
    for i, sch in enumerate(_list(r, record, "schedules")):
        if sch.get("service_at_location_id") and str(sch["service_at_location_id"]) in sal_ids:
            continue  # already read under its service-at-location
        data.schedules.append(_oruk_schedule(r, f"schedules/{i}", sch))
    return None if r.failed else data


def _phone(r: _Reader, path: str, ph: dict[str, Any]) -> dict[str, str]:
    return {
        "public_id": r.uuid(f"{path}/id", ph.get("id")),  # type: ignore[dict-item]
        "number": r.text(f"{path}/number", ph.get("number"), required=True, max_length=30),
        "extension": r.text(f"{path}/extension", ph.get("extension"), max_length=10),
        "type": r.text(f"{path}/type", ph.get("type"), max_length=20),
        "description": r.text(f"{path}/description", ph.get("description"), max_length=255),
    }


def _oruk_term(r: _Reader, path: str, attr: dict[str, Any], lookups: _Lookups) -> TaxonomyTerm | None:
    value = attr.get("taxonomy_term")
    nested: dict[str, Any] = value if isinstance(value, dict) else {}
    term_id = r.uuid(f"{path}/taxonomy_term_id", attr.get("taxonomy_term_id") or nested.get("id"))
    if term_id and term_id in lookups.terms_by_id:
        return lookups.terms_by_id[term_id]
    code = nested.get("code") or nested.get("term") or nested.get("name") or ""
    if not isinstance(code, str) or not code:
        return None
    key = taxonomies.normalise(code)
    for vocabulary, matcher in lookups.terms.items():
        taxonomy = nested.get("taxonomy") or ""
        if taxonomy and taxonomies.normalise(str(taxonomy)) not in (
            taxonomies.normalise(vocabulary),
            taxonomies.normalise(Taxonomy.Vocabulary(vocabulary).label),
        ):
            continue
        if key in matcher:
            return matcher[key]
    return None


def _oruk_location(r: _Reader, path: str, loc: dict[str, Any], lookups: _Lookups) -> LocationData:
    location_type = (
        r.text(f"{path}/location_type", loc.get("location_type")) or Location.LocationType.PHYSICAL
    )
    if location_type not in Location.LocationType.values:
        r.error(f"{path}/location_type", f"'{location_type}' is not physical, postal or virtual")
    data = LocationData(
        public_id=r.uuid(f"{path}/id", loc.get("id")),
        name=r.text(f"{path}/name", loc.get("name"), max_length=255),
        description=r.text(f"{path}/description", loc.get("description")),
        location_type=location_type,
        latitude=r.number(f"{path}/latitude", loc.get("latitude")),
        longitude=r.number(f"{path}/longitude", loc.get("longitude")),
        url=r.url(f"{path}/url", loc.get("url")),
        transportation=r.text(f"{path}/transportation", loc.get("transportation")),
        external_identifier=r.text(
            f"{path}/external_identifier", loc.get("external_identifier"), max_length=50
        ),
        external_identifier_type=r.text(
            f"{path}/external_identifier_type", loc.get("external_identifier_type"), max_length=20
        ),
        phones=[_phone(r, f"{path}/phones/{i}", p) for i, p in enumerate(_list(r, loc, "phones"))],
    )
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        r.error(f"{path}/latitude", "is not a latitude")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        r.error(f"{path}/longitude", "is not a longitude")
    addresses = _list(r, loc, "addresses")
    if addresses:
        a = addresses[0]
        data.address_1 = r.text(
            f"{path}/addresses/0/address_1", a.get("address_1"), required=True, max_length=255
        )
        data.address_2 = r.text(f"{path}/addresses/0/address_2", a.get("address_2"), max_length=255)
        data.city = r.text(f"{path}/addresses/0/city", a.get("city"), required=True, max_length=100)
        data.county = r.text(f"{path}/addresses/0/state_province", a.get("state_province"), max_length=100)
        data.postal_code = r.text(
            f"{path}/addresses/0/postal_code", a.get("postal_code"), required=True, max_length=10
        )
    for i, acc in enumerate(_list(r, loc, "accessibility")):
        description = r.text(f"{path}/accessibility/{i}/description", acc.get("description"), max_length=255)
        details = r.text(f"{path}/accessibility/{i}/details", acc.get("details"))
        term = lookups.terms[Taxonomy.Vocabulary.ACCESSIBILITY].get(taxonomies.normalise(description))
        if term is not None and term not in data.accessibility:
            data.accessibility.append(term)
        elif term is None and description:
            data.accessibility_text.append((description, details))
    for i, attr in enumerate(_list(r, loc, "attributes")):
        term = _oruk_term(r, f"{path}/attributes/{i}", attr, lookups)
        if term is not None and term not in data.accessibility:
            data.accessibility.append(term)
    return data


def _oruk_schedule(r: _Reader, path: str, sch: dict[str, Any]) -> ScheduleData:
    freq = r.text(f"{path}/freq", sch.get("freq")).upper() or Schedule.Frequency.WEEKLY
    if freq not in Schedule.Frequency.values:
        r.error(f"{path}/freq", f"'{freq}' is not WEEKLY or MONTHLY")
    attending = r.text(f"{path}/attending_type", sch.get("attending_type")).lower()
    if attending not in Schedule.AttendingType.values:
        attending = next((v for k, v in ATTENDING_CHOICES.items() if k in attending), "")
    interval = sch.get("interval")
    if interval is not None and (
        not isinstance(interval, int | float) or interval < 1 or interval != int(interval)
    ):
        r.error(f"{path}/interval", f"'{interval}' is not a whole number of at least 1")
        interval = None
    byday = r.text(f"{path}/byday", sch.get("byday"), max_length=30).upper().replace(" ", "")
    for part in filter(None, byday.split(",")):
        if part.lstrip("+-0123456789") not in DAY_CODES:
            r.error(f"{path}/byday", f"'{part}' is not a day (MO, TU, WE, TH, FR, SA, SU)")
    return ScheduleData(
        public_id=r.uuid(f"{path}/id", sch.get("id")),
        byday=byday,
        opens_at=r.time(f"{path}/opens_at", sch.get("opens_at")),
        closes_at=r.time(f"{path}/closes_at", sch.get("closes_at")),
        attending_type=attending,
        description=r.text(f"{path}/description", sch.get("description")),
        freq=freq if freq in Schedule.Frequency.values else Schedule.Frequency.WEEKLY,
        interval=int(interval) if interval is not None else None,
        bymonthday=r.text(f"{path}/bymonthday", sch.get("bymonthday"), max_length=30),
        valid_from=r.date(f"{path}/valid_from", sch.get("valid_from")),
        valid_to=r.date(f"{path}/valid_to", sch.get("valid_to")),
        dtstart=r.date(f"{path}/dtstart", sch.get("dtstart")),
        notes=r.text(f"{path}/notes", sch.get("notes")),
    )


def import_oruk_json(data: Any, *, user: Any = None, dry_run: bool = False) -> ImportResult:
    """Import ORUK 3.0 services: a list of fully nested service objects, the ORUK list envelope
    (`{"contents": [...]}`), one service object, or the JSON text or file of any of these.

    Problems are reported per record (its number in the list, from 1) with the JSON path of the
    field. Unknown taxonomy terms are left out with a warning (other directories use other
    taxonomies); everything else that is wrong stops the import.
    """
    result = ImportResult(dry_run=dry_run)
    if hasattr(data, "read") or isinstance(data, str | bytes):
        try:
            data = json.loads(_read_text(data))
        except json.JSONDecodeError as exc:
            result.errors.append(RowError(0, "", f"This is not valid JSON (line {exc.lineno}: {exc.msg})"))
            return result
    services = _services_in(data)
    if services is None:
        result.errors.append(
            RowError(0, "", "Expected a list of ORUK services, or an ORUK page with 'contents'")
        )
        return result
    if not services:
        result.errors.append(RowError(0, "", "The file has no services in it"))
        return result
    lookups = _Lookups()
    records = []
    for number, record in enumerate(services, start=1):
        item = _read_oruk_service(record, number, lookups, result)
        if item is not None:
            records.append(item)
    return _finish(records, result, user=user)


# --- Writing -------------------------------------------------------------------------------------


def _finish(records: list[ServiceData], result: ImportResult, *, user: Any) -> ImportResult:
    """Check what needs the database (ids used twice, which services exist), then write it all."""
    seen: dict[uuid.UUID, int] = {}
    for record in records:
        if record.public_id is not None:
            if record.public_id in seen:
                result.errors.append(
                    RowError(record.line, "id", f"the same service is also on line {seen[record.public_id]}")
                )
            seen.setdefault(record.public_id, record.line)
    existing = _match_existing(records)
    if result.errors:
        result.created = result.updated = 0
        return result
    for record in records:
        if existing.get(record.line) is None:
            result.created += 1
        else:
            result.updated += 1
    if result.dry_run:
        return result
    try:
        with transaction.atomic():
            changed = _write_all(records, existing, user)
            _reindex([s.pk for s in changed])
    except Exception as exc:  # a database constraint we did not foresee: nothing is kept
        result.errors.append(RowError(0, "", f"Nothing was imported: the database refused a row ({exc})"))
        result.created = result.updated = 0
        return result
    result.service_ids = [s.public_id for s in changed]
    return result


def _match_existing(records: list[ServiceData]) -> dict[int, Service | None]:
    by_id = {
        s.public_id: s
        for s in Service.objects.filter(public_id__in=[r.public_id for r in records if r.public_id])
    }
    matches: dict[int, Service | None] = {}
    for record in records:
        if record.public_id is not None:
            matches[record.line] = by_id.get(record.public_id)
            continue
        same = list(
            Service.objects.filter(
                name__iexact=record.fields["name"], provider__name__iexact=record.provider_name
            )[:2]
        )
        matches[record.line] = same[0] if len(same) == 1 else None
    return matches


def _provider(record: ServiceData, providers: dict[str, Provider]) -> Provider:
    key = str(record.provider_id) if record.provider_id else record.provider_name.lower()
    if key in providers:
        return providers[key]
    provider = None
    if record.provider_id:
        provider = Provider.objects.filter(public_id=record.provider_id).first()
    if provider is None and record.provider_name:
        provider = Provider.objects.filter(name__iexact=record.provider_name).order_by("pk").first()
    fields = {k: v for k, v in record.provider_fields.items() if v}
    if provider is None:
        provider = Provider(
            name=record.provider_name,
            description=fields.pop("description", "") or f"Provider of {record.fields['name']}.",
            **fields,
        )
        if record.provider_id:
            provider.public_id = record.provider_id
        provider.save()
    elif fields or (record.provider_name and provider.name != record.provider_name and record.provider_id):
        for name, value in fields.items():
            setattr(provider, name, value)
        if record.provider_id and record.provider_name:
            provider.name = record.provider_name
        provider.updated_at = timezone.now()
        provider.save()
    providers[key] = provider
    return provider


def _write_all(records: list[ServiceData], existing: dict[int, Service | None], user: Any) -> list[Service]:
    """Save every service, then replace what hangs off the updated ones and add the new rows in
    bulk: a fixed number of queries per kind of record rather than dozens per row."""
    providers: dict[str, Provider] = {}
    saved = [
        (record, _save_service(record, existing.get(record.line), providers, user)) for record in records
    ]
    _clear_children([service.pk for record, service in saved if existing.get(record.line) is not None])
    rows = _Children()
    locations: dict[Any, Location] = {}
    for record, service in saved:
        _collect_children(record, service, rows, locations)
    rows.save()
    return [service for _, service in saved]


def _save_service(
    record: ServiceData, service: Service | None, providers: dict[str, Provider], user: Any
) -> Service:
    provider = _provider(record, providers)
    now = timezone.now()
    if service is None:
        service = Service(provider=provider, created_at=now, **record.fields)
        if record.public_id:
            service.public_id = record.public_id
    else:
        for name, value in record.fields.items():
            setattr(service, name, value)
        service.provider = provider
        service.version += 1
    service.updated_at = now
    if user is not None and getattr(user, "pk", None):
        service._history_user = user  # type: ignore[attr-defined]
    service._change_reason = "Imported"  # type: ignore[attr-defined]
    service.save()
    return service


def _clear_children(ids: list[int]) -> None:
    if not ids:
        return
    Schedule.objects.filter(Q(service_id__in=ids) | Q(service_at_location__service_id__in=ids)).delete()
    Phone.objects.filter(Q(service_id__in=ids) | Q(contact__service_id__in=ids)).delete()
    for model in (Contact, CostOption, Language, Funding, ServiceArea, ServiceAtLocation, Attribute):
        model.objects.filter(service_id__in=ids).delete()
    Service.areas.through.objects.filter(service_id__in=ids).delete()


class _Children:
    """New rows for the services being written, saved in bulk in dependency order."""

    def __init__(self) -> None:
        self.sals: list[ServiceAtLocation] = []
        self.contacts: list[Contact] = []
        self.rows: dict[type, list[Any]] = {}

    def add(self, obj: Any) -> None:
        self.rows.setdefault(type(obj), []).append(obj)

    def save(self) -> None:
        ServiceAtLocation.objects.bulk_create(self.sals, batch_size=500)
        Contact.objects.bulk_create(self.contacts, batch_size=500)
        for model, objs in self.rows.items():
            model.objects.bulk_create(objs, batch_size=500)  # type: ignore[attr-defined]


def _collect_children(
    record: ServiceData, service: Service, rows: _Children, locations: dict[Any, Location]
) -> None:
    sals: list[ServiceAtLocation] = []  # one per location in the record, in order (schedules point at them)
    for loc_data in record.locations:
        location = _location(loc_data, service.provider, locations)
        sal = next((s for s in sals if s.location is location), None)
        if sal is None:
            sal = ServiceAtLocation(service=service, location=location)
            rows.sals.append(sal)
        sals.append(sal)
    for sch in record.schedules:
        rows.add(
            Schedule(
                public_id=sch.public_id or uuid.uuid4(),
                service=service if sch.location_index is None else None,
                service_at_location=sals[sch.location_index] if sch.location_index is not None else None,
                freq=sch.freq,
                interval=sch.interval,
                byday=sch.byday,
                bymonthday=sch.bymonthday,
                opens_at=sch.opens_at,
                closes_at=sch.closes_at,
                valid_from=sch.valid_from,
                valid_to=sch.valid_to,
                dtstart=sch.dtstart,
                description=sch.description,
                attending_type=sch.attending_type,
                notes=sch.notes,
            )
        )
    for ph in record.phones:
        rows.add(Phone(service=service, **_with_id(ph)))
    for contact in record.contacts:
        values = {k: v for k, v in contact.items() if k != "phones"}
        row = Contact(service=service, **_with_id(values))
        rows.contacts.append(row)
        for ph in contact.get("phones", []):
            rows.add(Phone(contact=row, **_with_id(ph)))
    for cost in record.costs:
        rows.add(CostOption(service=service, **_with_id(cost)))
    for lang in record.languages:
        rows.add(Language(service=service, **lang))
    for source in record.funding:
        rows.add(Funding(service=service, source=source))
    for term in record.terms:
        rows.add(Attribute(taxonomy_term=term, service=service, link_type=Attribute.LinkType.SERVICE))
    through = Service.areas.through
    for org in dict.fromkeys(record.areas):
        rows.add(through(service_id=service.pk, organisation_id=org.pk))
    if record.area_names:
        for area in record.area_names:
            rows.add(ServiceArea(service=service, **area))
    else:
        for org in record.areas:
            name = org.name.removesuffix(" County Council").removesuffix(" Borough Council")
            rows.add(ServiceArea(service=service, name=name, la_code=org.code))


def _with_id(values: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k != "public_id" or v}
    return values


def _location(data: LocationData, provider: Provider, cache: dict[Any, Location]) -> Location:
    """The location a row describes: found by id, or by provider and address, or new; saved once per
    import however many rows share it."""
    key: Any = data.public_id or (
        provider.pk,
        data.address_1.lower(),
        data.postal_code.replace(" ", "").lower(),
    )
    if data.public_id is None and not data.address_1:
        key = (provider.pk, data.name, data.latitude, data.longitude, data.location_type)
    if key in cache:
        return cache[key]
    cache[key] = location = _save_location(data, provider)
    return location


def _save_location(data: LocationData, provider: Provider) -> Location:
    location = None
    if data.public_id:
        location = Location.objects.filter(public_id=data.public_id).first()
    if location is None and data.address_1:
        location = (
            Location.objects.filter(
                provider=provider,
                addresses__address_1__iexact=data.address_1,
                addresses__postal_code__iexact=data.postal_code,
            )
            .order_by("pk")
            .first()
        )
    latitude, longitude = data.latitude, data.longitude
    if latitude is None and data.postal_code:
        point = Postcode.objects.filter(key=data.postal_code.replace(" ", "").upper()).first()
        if point is not None:
            latitude, longitude = point.latitude, point.longitude
    if location is None:
        location = Location(provider=provider)
        if data.public_id:
            location.public_id = data.public_id
    location.name = data.name or location.name
    location.description = data.description or location.description
    location.location_type = data.location_type
    for name in ("url", "transportation", "external_identifier", "external_identifier_type"):
        if getattr(data, name):
            setattr(location, name, getattr(data, name))
    if latitude is not None:
        location.latitude, location.longitude = latitude, longitude
    location.updated_at = timezone.now()
    location.save()
    if data.address_1:
        location.addresses.all().delete()
        Address.objects.create(
            location=location,
            address_1=data.address_1,
            address_2=data.address_2,
            city=data.city,
            state_province=data.county,
            postal_code=data.postal_code,
            address_type=data.location_type,
        )
    if data.phones:
        location.phones.all().delete()
        for ph in data.phones:
            Phone.objects.create(location=location, **_with_id(ph))
    if data.accessibility or data.accessibility_text:
        location.accessibility.all().delete()
        location.attributes.filter(
            taxonomy_term__taxonomy__vocabulary=Taxonomy.Vocabulary.ACCESSIBILITY
        ).delete()
        for term in data.accessibility:
            Accessibility.objects.create(location=location, description=term.name, details=term.description)
            Attribute.objects.create(
                taxonomy_term=term, location=location, link_type=Attribute.LinkType.LOCATION
            )
        for description, details in data.accessibility_text:
            Accessibility.objects.create(location=location, description=description, details=details)
    return location


def _reindex(service_ids: Iterable[int]) -> None:
    try:
        from directory import search
    except ImportError:
        return
    reindex = getattr(search, "reindex_services", None)
    if reindex is not None:
        reindex(list(service_ids))
