"""Export the Local Offer as the CSV template (which imports straight back) or as ORUK 3.0 JSON.

Both exports stream: services are read in chunks with their related records prefetched, and
written as they go, so exporting 300,000 services needs no more memory than exporting 300.

The CSV holds what a spreadsheet row can: one venue (the first), one set of opening times (the
first), one phone number, one cost. The ORUK JSON holds everything, each service fully nested as
`/api/v3/services/{id}` serves it (directory.oruk.service_full), plus `la_code` on service areas
so that an import can tell which local authority's Local Offer a service belongs to.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Prefetch, QuerySet

from core.exports import safe_cell
from directory import oruk
from directory.importing import TEMPLATE_COLUMNS
from directory.models import (
    Attribute,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
)

CHUNK = 500


def _csv_queryset(services: QuerySet[Service]) -> QuerySet[Service]:
    return (
        services.select_related("provider")
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "attributes", Attribute.objects.select_related("taxonomy_term__taxonomy").order_by("pk")
            ),
            Prefetch("schedules", Schedule.objects.order_by("pk")),
            Prefetch("phones", Phone.objects.order_by("pk")),
            "cost_options",
            "languages",
            "areas",
            Prefetch(
                "service_at_locations",
                ServiceAtLocation.objects.order_by("pk").prefetch_related(
                    Prefetch(
                        "location",
                        Location.objects.prefetch_related(
                            "addresses",
                            Prefetch(
                                "attributes",
                                Attribute.objects.select_related("taxonomy_term__taxonomy").order_by("pk"),
                            ),
                        ),
                    ),
                    Prefetch("schedules", Schedule.objects.order_by("pk")),
                ),
            ),
        )
    )


def _codes(attributes: Any, vocabulary: str) -> str:
    return "; ".join(
        a.taxonomy_term.code for a in attributes if a.taxonomy_term.taxonomy.vocabulary == vocabulary
    )


def _time(value: Any) -> str:
    return value.strftime("%H:%M") if value else ""


def csv_row(service: Service) -> dict[str, str]:
    """One service as a row of the CSV template (the same columns the importer reads)."""
    attributes = list(service.attributes.all())
    sals = list(service.service_at_locations.all())
    location = sals[0].location if sals else None
    addresses = list(location.addresses.all()) if location else []
    address = addresses[0] if addresses else None
    schedules = list(service.schedules.all()) or [s for sal in sals for s in sal.schedules.all()]
    schedule = schedules[0] if schedules else None
    phones = list(service.phones.all())
    costs = [c for c in service.cost_options.all() if c.amount is not None]
    if service.is_free:
        cost = "Free"
    elif costs:
        cost = f"£{costs[0].amount:.2f} {costs[0].option}".strip()
    else:
        cost = "Paid"
    row = {
        "id": str(service.public_id),
        "name": service.name,
        "provider": service.provider.name,
        "description": service.description,
        "status": service.status,
        "alert": service.alert,
        "email": service.email,
        "phone": phones[0].number if phones else "",
        "website": service.url,
        "location_name": location.name if location and address else "",
        "address_1": address.address_1 if address else "",
        "address_2": address.address_2 if address else "",
        "town": address.city if address else "",
        "county": address.state_province if address else "",
        "postcode": address.postal_code if address else "",
        "latitude": f"{location.latitude}" if address and location and location.latitude is not None else "",
        "longitude": f"{location.longitude}"
        if address and location and location.longitude is not None
        else "",
        "min_age": "" if service.minimum_age is None else str(service.minimum_age),
        "max_age": "" if service.maximum_age is None else str(service.maximum_age),
        "needs": _codes(attributes, Taxonomy.Vocabulary.NEEDS),
        "categories": _codes(attributes, Taxonomy.Vocabulary.CATEGORIES),
        "delivery": _codes(attributes, Taxonomy.Vocabulary.DELIVERY),
        "accessibility": _codes(location.attributes.all(), Taxonomy.Vocabulary.ACCESSIBILITY)
        if location and address
        else "",
        "referral": service.referral,
        "cost": cost,
        "fees": service.fees_description,
        "days": schedule.byday if schedule else "",
        "opens_at": _time(schedule.opens_at) if schedule else "",
        "closes_at": _time(schedule.closes_at) if schedule else "",
        "attending": schedule.attending_type if schedule else "",
        "opening_notes": schedule.description if schedule else "",
        "eligibility": service.eligibility_description,
        "how_to_access": service.application_process,
        "wait_time": service.wait_time,
        "languages": "; ".join(lang.name for lang in service.languages.all()),
        "areas": "; ".join(org.code or org.name for org in sorted(service.areas.all(), key=lambda o: o.pk)),
        "last_reviewed": service.last_reviewed.isoformat() if service.last_reviewed else "",
    }
    return {key: safe_cell(value) for key, value in row.items()}  # no cell runs as a formula


def export_csv(output: IO[str], services: QuerySet[Service] | None = None) -> int:
    """Write services (all of them by default) as the CSV template; returns how many."""
    writer = csv.DictWriter(output, fieldnames=list(TEMPLATE_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for service in _csv_queryset(services if services is not None else Service.objects.all()).iterator(CHUNK):
        writer.writerow(csv_row(service))
        count += 1
    return count


def oruk_service(service: Service) -> dict[str, Any]:
    """One fully nested ORUK 3.0 service, loaded through oruk.service_queryset(full=True)."""
    record = oruk.service_full(service)
    areas = list(service.service_areas.all())
    for item, area in zip(record.get("service_areas", []), areas, strict=False):
        if area.la_code:
            item["la_code"] = area.la_code
    return record


def iter_oruk(services: QuerySet[Service] | None = None) -> Iterator[dict[str, Any]]:
    ids = (
        (services if services is not None else Service.objects.all())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batch: list[int] = []
    for pk in ids.iterator(CHUNK):
        batch.append(pk)
        if len(batch) >= CHUNK:
            yield from _oruk_batch(batch)
            batch = []
    if batch:
        yield from _oruk_batch(batch)


def _oruk_batch(ids: list[int]) -> Iterator[dict[str, Any]]:
    for service in oruk.service_queryset(full=True).filter(pk__in=ids).order_by("pk"):
        yield oruk_service(service)


def export_oruk_json(
    output: IO[str], services: QuerySet[Service] | None = None, *, indent: int | None = None
) -> int:
    """Write services as a JSON list of fully nested ORUK 3.0 services; returns how many."""
    count = 0
    output.write("[")
    for record in iter_oruk(services):
        output.write(",\n" if count else "\n")
        output.write(json.dumps(record, ensure_ascii=False, indent=indent))
        count += 1
    output.write("\n]\n" if count else "]\n")
    return count
