"""The CSV template: its columns, and reading its rows (directory/samples/README.md documents it)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone

from directory import taxonomies
from directory.importing.rows import (
    ATTENDING_CHOICES,
    ImportResult,
    LocationData,
    RowError,
    ScheduleData,
    ServiceData,
    _Lookups,
    _read_text,
    _Reader,
    _split,
)
from directory.importing.writing import _finish
from directory.models import Service, Taxonomy
from lib.postcodes import display_postcode, is_postcode
from lib.weekdays import DAY_CODES, day_code

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
        span = [day_code(word) for word in re.split(r"\s*(?:-|–|to)\s*", part)]
        if len(span) == 2 and span[0] and span[1]:
            start, end = DAY_CODES.index(span[0]), DAY_CODES.index(span[1])
            if start > end:
                reader.error("days", f"'{part}' goes backwards")
                continue
            days.update(DAY_CODES[start : end + 1])
        elif (code := day_code(part)) is not None:
            days.add(code)
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
        if postcode and not is_postcode(postcode):
            r.error("postcode", f"'{postcode}' is not a UK postcode")
        loc.postal_code = display_postcode(postcode) if postcode else ""
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
    except csv.Error as exc:
        result.errors.append(RowError(1, "", f"cannot be read as CSV ({exc})"))
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
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the csv module's limit (128 KB), say
            result.errors.append(RowError(line, "", f"cannot be read as CSV ({exc})"))
            return result
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
