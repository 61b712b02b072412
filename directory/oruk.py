"""Directory records as Open Referral UK 3.0 JSON (the UK profile of HSDS 3.0), for the API and exports.

Each function turns one model instance into a plain dict shaped after the ORUK 3.0 schemas in
`directory/oruk_spec/schema/`, plus the HSDS 3.0 fields the UK profile lacks but consumers find useful
(service `phones`, `eligibility_description`, `application_process`, language `name` and `code`...):
the schemas allow extra properties, so the superset still validates.

Rules every function follows (ORUK compliance, domain notes §1.2 and §1.9):
- an optional field with no value is left out: never `null`, never an empty string;
- arrays of a full record are always present (possibly empty), so the shape is predictable;
- `id` and every `*_id` is the record's UUID `public_id`, never the database key;
- dates are ISO 8601 (`2026-11-23`), `last_modified` is a UTC date-time with milliseconds,
  ages and amounts are JSON numbers, `status` is one of the four ORUK values.

The functions read only what is already loaded. Use the `*_queryset()` helpers (or the `*_PREFETCH`
lists) so that serialising a page costs a constant number of queries whatever its size; the API's
query-count tests hold us to that. Parent identifiers are passed in rather than read from the child,
for the same reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

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
    Provider,
    ProviderIdentifier,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

JSON = dict[str, Any]

#: The ORUK profile this API implements (the `/` response and the validator's version check).
API_VERSION = "HSDS-UK-3.0"
PROFILE_URI = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"


# --- value helpers -------------------------------------------------------------------------


def _clean(record: dict[str, Any]) -> JSON:
    """Drop optional keys without a value (None or blank string). Lists and numbers stay, 0 included."""
    return {
        key: value
        for key, value in record.items()
        if value is not None and not (isinstance(value, str) and value.strip() == "")
    }


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


def date_time(value: dt.datetime | None) -> str | None:
    """An RFC 3339 UTC date-time with milliseconds, as ORUK's `last_modified` example shows."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- taxonomies ----------------------------------------------------------------------------


def taxonomy_term(term: TaxonomyTerm) -> JSON:
    """A taxonomy term. Needs `taxonomy` and `parent` loaded (see TERM_SELECT)."""
    return _clean(
        {
            "id": _id(term.public_id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": _id(term.parent.public_id) if term.parent_id and term.parent else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": _id(term.taxonomy.public_id),
            "term_uri": term.term_uri,
            "term": term.name,
        }
    )


TERM_SELECT = ("taxonomy", "parent")


def taxonomy(tax: Taxonomy, *, terms: list[TaxonomyTerm] | None = None) -> JSON:
    """A taxonomy; with `terms` (already loaded, with taxonomy and parent) its `taxonomy_terms` too."""
    record = _clean(
        {
            "id": _id(tax.public_id),
            "name": tax.name,
            "description": tax.description,
            "uri": tax.uri,
            "version": tax.version,
            "vocabulary": tax.vocabulary,
        }
    )
    if terms is not None:
        record["taxonomy_terms"] = [taxonomy_term(term) for term in terms]
    return record


def attribute(attr: Attribute, *, link_id: Any) -> JSON:
    """A taxonomy term linked to a record (`link_id` is that record's public id)."""
    return _clean(
        {
            "id": _id(attr.public_id),
            "link_id": _id(link_id),
            "link_type": attr.link_type,
            "link_entity": attr.link_type,
            "taxonomy_term_id": _id(attr.taxonomy_term.public_id),
            "taxonomy_term": taxonomy_term(attr.taxonomy_term),
            "value": attr.value,
        }
    )


def _attributes(attrs: Any, link_id: Any) -> list[JSON]:
    return [attribute(a, link_id=link_id) for a in attrs.all()]


# --- organisations -------------------------------------------------------------------------


def organization_identifier(ident: ProviderIdentifier, *, organization_id: Any) -> JSON:
    return _clean(
        {
            "id": _id(ident.public_id),
            "organization_id": _id(organization_id),
            "identifier_scheme": ident.identifier_scheme,
            "identifier_type": ident.identifier_type,
            "identifier": ident.identifier,
        }
    )


def organization(provider: Provider) -> JSON:
    """An organisation's one-to-one fields (list items, and the `organization` nested in a service).

    Needs `parent` loaded (select_related) when the provider has one.
    """
    return _clean(
        {
            "id": _id(provider.public_id),
            "name": provider.name,
            "description": provider.description,
            "email": provider.email,
            "website": provider.website,
            "logo": provider.logo,
            "uri": provider.uri,
            "parent_organization_id": _id(provider.parent.public_id)
            if provider.parent_id and provider.parent
            else None,
            "last_modified": date_time(provider.updated_at),
        }
    )


def organization_full(
    provider: Provider, *, services: list[Service] | None = None, full_service: bool = False
) -> JSON:
    """An organisation with its identifiers and attributes; with `services`, those too.

    `full_service=False` gives each service's one-to-one fields; True nests each service in full
    (without repeating the organisation). Load with `organization_queryset(full=True, ...)`.
    """
    record = organization(provider)
    record["organization_identifiers"] = [
        organization_identifier(i, organization_id=provider.public_id) for i in provider.identifiers.all()
    ]
    record["attributes"] = _attributes(provider.attributes, provider.public_id)
    if services is not None:
        if full_service:
            record["services"] = [service_full(s, include_organization=False) for s in services]
        else:
            record["services"] = [service_basic(s) for s in services]
    return record


# --- locations -----------------------------------------------------------------------------


def address(addr: Address, *, location_id: Any) -> JSON:
    return _clean(
        {
            "id": _id(addr.public_id),
            "location_id": _id(location_id),
            "attention": addr.attention,
            "address_1": addr.address_1,
            "address_2": addr.address_2,
            "city": addr.city,
            "region": addr.region,
            "state_province": addr.state_province,
            "postal_code": addr.postal_code,
            "country": addr.country,
            "address_type": addr.address_type,
        }
    )


def accessibility(item: Accessibility, *, location_id: Any) -> JSON:
    return _clean(
        {
            "id": _id(item.public_id),
            "location_id": _id(location_id),
            "description": item.description,
            "details": item.details,
            "url": item.url,
            "accessibility": item.description,
        }
    )


def language(lang: Language, *, service_id: Any = None, phone_id: Any = None) -> JSON:
    return _clean(
        {
            "id": _id(lang.public_id),
            "service_id": _id(service_id),
            "phone_id": _id(phone_id),
            "name": lang.name,
            "code": lang.code,
            "note": lang.note,
        }
    )


def phone(ph: Phone, *, contact_id: Any = None, service_id: Any = None, location_id: Any = None) -> JSON:
    record = _clean(
        {
            "id": _id(ph.public_id),
            "contact_id": _id(contact_id),
            "service_id": _id(service_id),
            "location_id": _id(location_id),
            "number": ph.number,
            "extension": ph.extension,
            "type": ph.type,
            "description": ph.description,
        }
    )
    record["languages"] = [language(lang, phone_id=ph.public_id) for lang in ph.languages.all()]
    return record


def location(loc: Location) -> JSON:
    """A location's one-to-one fields (service-at-location list items)."""
    return _clean(
        {
            "id": _id(loc.public_id),
            "location_type": loc.location_type,
            "name": loc.name,
            "description": loc.description,
            "url": loc.url,
            "transportation": loc.transportation,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "external_identifier": loc.external_identifier,
            "external_identifier_type": loc.external_identifier_type,
        }
    )


def location_full(loc: Location) -> JSON:
    """A location with addresses, accessibility, attributes and phones (see LOCATION_PREFETCH)."""
    record = location(loc)
    record["addresses"] = [address(a, location_id=loc.public_id) for a in loc.addresses.all()]
    record["accessibility"] = [accessibility(a, location_id=loc.public_id) for a in loc.accessibility.all()]
    record["attributes"] = _attributes(loc.attributes, loc.public_id)
    record["phones"] = [phone(p, location_id=loc.public_id) for p in loc.phones.all()]
    return record


# --- services ------------------------------------------------------------------------------


def schedule(sch: Schedule, *, service_id: Any = None, service_at_location_id: Any = None) -> JSON:
    return _clean(
        {
            "id": _id(sch.public_id),
            "service_id": _id(service_id),
            "service_at_location_id": _id(service_at_location_id),
            "valid_from": _date(sch.valid_from),
            "valid_to": _date(sch.valid_to),
            "dtstart": _date(sch.dtstart),
            "freq": sch.freq,
            "interval": sch.interval,
            "byday": sch.byday,
            "bymonthday": sch.bymonthday,
            "description": sch.description,
            "opens_at": _time(sch.opens_at),
            "closes_at": _time(sch.closes_at),
            "attending_type": sch.attending_type,
            "notes": sch.notes,
        }
    )


def cost_option(cost: CostOption, *, service_id: Any) -> JSON:
    return _clean(
        {
            "id": _id(cost.public_id),
            "service_id": _id(service_id),
            "valid_from": _date(cost.valid_from),
            "valid_to": _date(cost.valid_to),
            "option": cost.option,
            "amount": _number(cost.amount),
            "currency": cost.currency if cost.amount is not None else None,
            "amount_description": cost.amount_description,
        }
    )


def service_area(area: ServiceArea, *, service_id: Any) -> JSON:
    return _clean(
        {
            "id": _id(area.public_id),
            "service_id": _id(service_id),
            "name": area.name,
            "service_area": area.name,
            "extent": area.extent,
            "extent_type": area.extent_type,
            "uri": area.uri,
        }
    )


def funding(item: Funding, *, service_id: Any) -> JSON:
    return _clean({"id": _id(item.public_id), "service_id": _id(service_id), "source": item.source})


def contact(item: Contact, *, service_id: Any) -> JSON:
    record = _clean(
        {
            "id": _id(item.public_id),
            "service_id": _id(service_id),
            "name": item.name,
            "title": item.title,
            "department": item.department,
            "email": item.email,
        }
    )
    record["phones"] = [phone(p, contact_id=item.public_id) for p in item.phones.all()]
    return record


def service_basic(svc: Service) -> JSON:
    """A service's one-to-one fields, without the nested organisation."""
    return _clean(
        {
            "id": _id(svc.public_id),
            "organization_id": _id(svc.provider.public_id),
            "name": svc.name,
            "alternate_name": svc.alternate_name,
            "description": svc.description,
            "url": svc.url,
            "email": svc.email,
            "status": svc.status,
            "fees": svc.fees_description,
            "fees_description": svc.fees_description,
            "accreditations": svc.accreditations,
            "eligibility_description": svc.eligibility_description,
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "application_process": svc.application_process,
            "wait_time": svc.wait_time,
            "interpretation_services": svc.interpretation_services,
            "assured_date": _date(svc.last_reviewed),
            "assurer_email": svc.reviewed_by_email,
            "alert": svc.alert,
            "last_modified": date_time(svc.updated_at),
        }
    )


def service(svc: Service) -> JSON:
    """A `/services` list item: one-to-one fields plus the nested organisation (`service_list.json`)."""
    record = service_basic(svc)
    record["organization"] = organization(svc.provider)
    return record


def service_minimal(svc: Service) -> JSON:
    """`minimal=true`: just the id and when it last changed."""
    return _clean({"id": _id(svc.public_id), "last_modified": date_time(svc.updated_at)})


def service_at_location_nested(sal: ServiceAtLocation, *, service_id: Any) -> JSON:
    """A service-at-location inside a full service: its full location and its own schedules."""
    record = _clean(
        {
            "id": _id(sal.public_id),
            "service_id": _id(service_id),
            "location_id": _id(sal.location.public_id),
            "description": sal.description,
        }
    )
    record["location"] = location_full(sal.location)
    record["schedules"] = [schedule(s, service_at_location_id=sal.public_id) for s in sal.schedules.all()]
    return record


def service_full(svc: Service, *, include_organization: bool = True, include_locations: bool = True) -> JSON:
    """A fully nested service (`/services/{id}`, `full=true`, exports): every array, always present.

    Load it with `service_queryset(full=True)` (or `SERVICE_FULL_PREFETCH`) so nothing is fetched
    lazily. `include_organization=False` leaves out the nested organisation (inside an
    organisation); `include_locations=False` leaves out `service_at_locations` (inside a
    service-at-location).
    """
    sid = svc.public_id
    record = service_basic(svc)
    if include_organization:
        record["organization"] = organization_full(svc.provider)
    record["schedules"] = [
        schedule(
            s,
            service_id=sid,
            service_at_location_id=s.service_at_location.public_id if s.service_at_location else None,
        )
        for s in svc.schedules.all()
    ]
    record["service_areas"] = [service_area(a, service_id=sid) for a in svc.service_areas.all()]
    if include_locations:
        record["service_at_locations"] = [
            service_at_location_nested(sal, service_id=sid) for sal in svc.service_at_locations.all()
        ]
    record["languages"] = [language(lang, service_id=sid) for lang in svc.languages.all()]
    record["funding"] = [funding(f, service_id=sid) for f in svc.funding.all()]
    record["cost_options"] = [cost_option(c, service_id=sid) for c in svc.cost_options.all()]
    record["contacts"] = [contact(c, service_id=sid) for c in svc.contacts.all()]
    record["phones"] = [phone(p, service_id=sid) for p in svc.phones.all()]
    record["attributes"] = _attributes(svc.attributes, sid)
    return record


# --- service at location -------------------------------------------------------------------


def service_at_location(sal: ServiceAtLocation) -> JSON:
    """A `/service_at_locations` list item: ids, the location's and the service's one-to-one fields."""
    record = _clean(
        {
            "id": _id(sal.public_id),
            "service_id": _id(sal.service.public_id),
            "location_id": _id(sal.location.public_id),
            "description": sal.description,
            "last_modified": date_time(sal.updated_at),
        }
    )
    record["location"] = location(sal.location)
    record["service"] = service(sal.service)
    return record


def service_at_location_full(sal: ServiceAtLocation) -> JSON:
    """`/service_at_locations/{id}`: full location, the full service (without its other locations)."""
    record = service_at_location(sal)
    record["location"] = location_full(sal.location)
    record["service"] = service_full(sal.service, include_locations=False)
    record["schedules"] = [schedule(s, service_at_location_id=sal.public_id) for s in sal.schedules.all()]
    return record


# --- loading: querysets that make the functions above query-free ---------------------------


def _by_pk(model: Any) -> QuerySet[Any]:
    return model.objects.order_by("pk")


def _attributes_qs() -> QuerySet[Attribute]:
    return Attribute.objects.select_related("taxonomy_term__taxonomy", "taxonomy_term__parent").order_by("pk")


def _phones_qs() -> QuerySet[Phone]:
    return Phone.objects.order_by("pk").prefetch_related(Prefetch("languages", _by_pk(Language)))


def location_prefetch(prefix: str = "") -> list[Prefetch]:
    """Prefetches for `location_full`, optionally under a relation path (e.g. 'location__')."""
    return [
        Prefetch(f"{prefix}addresses", _by_pk(Address)),
        Prefetch(f"{prefix}accessibility", _by_pk(Accessibility)),
        Prefetch(f"{prefix}attributes", _attributes_qs()),
        Prefetch(f"{prefix}phones", _phones_qs()),
    ]


def organization_prefetch(prefix: str = "") -> list[Prefetch]:
    """Prefetches for `organization_full` (identifiers and attributes)."""
    return [
        Prefetch(f"{prefix}identifiers", _by_pk(ProviderIdentifier)),
        Prefetch(f"{prefix}attributes", _attributes_qs()),
    ]


def service_prefetch(prefix: str = "", *, organization: bool = True, locations: bool = True) -> list[Any]:
    """Prefetches for `service_full`, optionally under a relation path (e.g. 'service__')."""
    lookups: list[Any] = [
        Prefetch(f"{prefix}schedules", Schedule.objects.select_related("service_at_location").order_by("pk")),
        Prefetch(f"{prefix}service_areas", _by_pk(ServiceArea)),
        Prefetch(f"{prefix}languages", _by_pk(Language)),
        Prefetch(f"{prefix}funding", _by_pk(Funding)),
        Prefetch(f"{prefix}cost_options", _by_pk(CostOption)),
        Prefetch(
            f"{prefix}contacts",
            Contact.objects.order_by("pk").prefetch_related(Prefetch("phones", _phones_qs())),
        ),
        Prefetch(f"{prefix}phones", _phones_qs()),
        Prefetch(f"{prefix}attributes", _attributes_qs()),
    ]
    if organization:
        lookups += organization_prefetch(f"{prefix}provider__")
    if locations:
        lookups.append(
            Prefetch(
                f"{prefix}service_at_locations",
                ServiceAtLocation.objects.select_related("location")
                .order_by("pk")
                .prefetch_related(*location_prefetch("location__"), Prefetch("schedules", _by_pk(Schedule))),
            )
        )
    return lookups


def service_queryset(*, full: bool = False) -> QuerySet[Service]:
    """Services ready for `service` (list items) or, with full=True, for `service_full`."""
    qs = Service.objects.select_related("provider__parent")
    if full:
        qs = qs.prefetch_related(*service_prefetch())
    return qs


def organization_queryset(*, full: bool = False) -> QuerySet[Provider]:
    qs = Provider.objects.select_related("parent")
    if full:
        qs = qs.prefetch_related(*organization_prefetch())
    return qs


def organization_services_queryset(*, full_service: bool = False) -> QuerySet[Service]:
    """The services nested in an organisation (`services` array)."""
    qs = Service.objects.select_related("provider__parent").order_by("name", "pk")
    if full_service:
        qs = qs.prefetch_related(*service_prefetch(organization=False))
    return qs


def service_at_location_queryset(*, full: bool = False) -> QuerySet[ServiceAtLocation]:
    qs = ServiceAtLocation.objects.select_related("service__provider__parent", "location")
    if full:
        qs = qs.prefetch_related(
            *location_prefetch("location__"),
            *service_prefetch("service__", locations=False),
            Prefetch("schedules", _by_pk(Schedule)),
        )
    return qs


def taxonomy_term_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related(*TERM_SELECT)


def service_full_by_id(public_id: Any) -> JSON | None:
    """The fully nested ORUK record of one service, or None when there is no such service."""
    svc = load_service_full(Service.objects.filter(public_id=public_id))
    return service_full(svc) if svc is not None else None


def load_service_full(services: QuerySet[Service]) -> Service | None:
    """The first of `services`, loaded for `service_full` in at most 13 queries.

    `service_queryset(full=True)` takes a query per relation and level (about 20 for one service):
    right for pages of services, where each query serves the whole page. For one service, the rows
    of the same table hanging off different parents come in one query each (phones of the service,
    of its contacts and of its locations; attributes of the service, its organisation and its
    locations; schedules of the service and of its places) and are handed to their parents here.
    """
    svc = services.select_related("provider__parent").order_by("pk").first()
    if svc is None:
        return None
    provider = svc.provider
    sals = list(ServiceAtLocation.objects.filter(service=svc).select_related("location").order_by("pk"))
    locations = {sal.location_id: sal.location for sal in sals}
    contacts = list(_by_pk(Contact).filter(service=svc))
    schedules = list(
        Schedule.objects.filter(Q(service=svc) | Q(service_at_location__in=[sal.pk for sal in sals]))
        .select_related("service_at_location")
        .order_by("pk")
    )
    phones = list(
        _by_pk(Phone).filter(
            Q(service=svc) | Q(contact__in=[c.pk for c in contacts]) | Q(location__in=list(locations))
        )
    )
    languages = list(_by_pk(Language).filter(Q(service=svc) | Q(phone__in=[p.pk for p in phones])))
    attributes = list(
        _attributes_qs().filter(Q(service=svc) | Q(provider=provider) | Q(location__in=list(locations)))
    )
    for phone_row in phones:
        _fill(phone_row, "languages", [lang for lang in languages if lang.phone_id == phone_row.pk])
    _fill(provider, "identifiers", list(_by_pk(ProviderIdentifier).filter(provider=provider)))
    _fill(provider, "attributes", [a for a in attributes if a.provider_id == provider.pk])
    addresses = list(_by_pk(Address).filter(location__in=list(locations))) if locations else []
    accessible = list(_by_pk(Accessibility).filter(location__in=list(locations))) if locations else []
    for loc in locations.values():
        _fill(loc, "addresses", [a for a in addresses if a.location_id == loc.pk])
        _fill(loc, "accessibility", [a for a in accessible if a.location_id == loc.pk])
        _fill(loc, "attributes", [a for a in attributes if a.location_id == loc.pk])
        _fill(loc, "phones", [p for p in phones if p.location_id == loc.pk])
    for sal in sals:
        _fill(sal, "schedules", [s for s in schedules if s.service_at_location_id == sal.pk])
    for item in contacts:
        _fill(item, "phones", [p for p in phones if p.contact_id == item.pk])
    _fill(svc, "service_at_locations", sals)
    _fill(svc, "contacts", contacts)
    _fill(svc, "schedules", [s for s in schedules if s.service_id == svc.pk])
    _fill(svc, "phones", [p for p in phones if p.service_id == svc.pk])
    _fill(svc, "languages", [lang for lang in languages if lang.service_id == svc.pk])
    _fill(svc, "attributes", [a for a in attributes if a.service_id == svc.pk])
    _fill(svc, "service_areas", list(_by_pk(ServiceArea).filter(service=svc)))
    _fill(svc, "funding", list(_by_pk(Funding).filter(service=svc)))
    _fill(svc, "cost_options", list(_by_pk(CostOption).filter(service=svc)))
    return svc


def _fill(obj: Any, relation: str, rows: list[Any]) -> None:
    """Make `obj.<relation>.all()` return `rows` without a query, as `prefetch_related` does."""
    manager = getattr(obj, relation)
    qs = manager.get_queryset()  # lazy: no query
    qs._result_cache = rows
    qs._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[manager.field.remote_field.cache_name] = qs
