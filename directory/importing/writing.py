"""Writing checked rows: services, what hangs off them, and the search rows, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.importing.rows import ImportResult, LocationData, RowError, ServiceData
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
)
from directory.search import reindex_services
from lib.postcodes import postcode_key


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
        postcode_key(data.postal_code),
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
        point = Postcode.objects.filter(key=postcode_key(data.postal_code)).first()
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
    reindex_services(list(service_ids))
