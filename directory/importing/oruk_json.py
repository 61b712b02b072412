"""ORUK 3.0 JSON: fully nested service objects, the ORUK list envelope or one service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from core.inputs import BodyRejected, load_json
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
)
from directory.importing.writing import _finish
from directory.models import Location, Provider, Schedule, Service, Taxonomy, TaxonomyTerm
from lib.weekdays import DAY_CODES

#: The biggest ORUK file we read (a whole Local Offer is a few megabytes) and how deeply it may nest
#: (a service's deepest ORUK path is about eight levels).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 32


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
                if not amount.is_finite():
                    raise ValueError(amount)
            except (InvalidOperation, ValueError):
                r.error(f"cost_options/{i}/amount", f"'{str(amount)[:40]}' is not a number")
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
            data = load_json(_read_text(data), max_bytes=MAX_FILE_BYTES, max_depth=MAX_DEPTH, what="The file")
        except BodyRejected as exc:
            result.errors.append(RowError(0, "", str(exc)))
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
