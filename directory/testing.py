"""Factories for directory records, shared by every test that needs a service. Synthetic data only."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone

from directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Location,
    Phone,
    Postcode,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy
        django_get_or_create = ("vocabulary",)

    vocabulary = Taxonomy.Vocabulary.NEEDS
    name = factory.LazyAttribute(lambda o: Taxonomy.Vocabulary(o.vocabulary).label)
    description = factory.LazyAttribute(lambda o: f"Terms for {o.name.lower()}")


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm
        django_get_or_create = ("taxonomy", "code")

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"term-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    description = factory.LazyAttribute(lambda o: f"About {o.name}")
    position = factory.Sequence(lambda n: n % 60)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Example Provider {n}")
    description = "A synthetic provider for tests."
    email = factory.Sequence(lambda n: f"provider{n}@example.org")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Example Service {n}")
    description = "A synthetic service for tests."
    status = Service.Status.ACTIVE
    minimum_age = 0
    maximum_age = 25
    last_reviewed = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))

    @factory.post_generation
    def terms(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """ServiceFactory(terms=[term, ...]) links taxonomy terms through attributes."""
        if create and extracted:
            for term in extracted:
                Attribute.objects.create(
                    taxonomy_term=term, service=cast(Service, self), link_type=Attribute.LinkType.SERVICE
                )


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Example Centre {n}")
    latitude = 52.63
    longitude = -1.13


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda n: f"{n} Example Street")
    city = "Northtown"
    state_province = "Northshire"
    postal_code = "NS1 1AA"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    name = "Duty team"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"01632 960{n % 1000:03d}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    byday = "MO,TU,WE,TH,FR"
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)
    attending_type = Schedule.AttendingType.IN_PERSON


class CostOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostOption

    service = factory.SubFactory(ServiceFactory)
    option = "Per session"
    amount = 5


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode
        django_get_or_create = ("key",)

    postcode = "NS1 1AA"
    key = factory.LazyAttribute(lambda o: o.postcode.replace(" ", "").upper())
    latitude = 52.63
    longitude = -1.13
    la_code = "E10000099"
