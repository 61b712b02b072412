"""Factories for children and their carers (synthetic names only)."""

from __future__ import annotations

import datetime as dt

import factory

from accounts.models import Organisation
from accounts.testing import OrganisationFactory
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildOrYoungPerson

    given_name = factory.Sequence(lambda n: f"Testchild{n}")
    family_name = "Example"
    date_of_birth = dt.date(2016, 5, 17)
    local_authority = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.LOCAL_AUTHORITY)


class ParentCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentCarer

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Parent Example{n}")
    relationship = ParentCarer.Relationship.PARENT
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    phone = "07700 900123"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentToShare

    child = factory.SubFactory(ChildFactory)
    given_by = ConsentToShare.GivenBy.PARENT_CARER
    given_on = dt.date(2025, 1, 6)
    scope = ConsentToShare.Scope.EHC_ASSESSMENT
