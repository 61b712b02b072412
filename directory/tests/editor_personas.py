"""Named people for the editor tests: a Local Offer editor, a provider editor, outsiders."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Organisation, Role, User
from accounts.testing import OrganisationFactory, member
from directory.models import Provider, Service, Taxonomy
from directory.testing import ProviderFactory, ServiceFactory, TaxonomyFactory, TaxonomyTermFactory


@dataclass
class World:
    area: Organisation
    other_area: Organisation
    editor: User
    other_editor: User
    provider_org: Organisation
    provider: Provider
    provider_editor: User
    outsider_provider_editor: User
    caseworker: User
    service: Service
    other_provider_service: Service
    other_area_service: Service


def make_world() -> World:
    area = OrganisationFactory(name="Northshire County Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    other_area = OrganisationFactory(name="Southborough Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    editor = member(Role.DIRECTORY_EDITOR, area, first_name="Edie", last_name="Editor")
    other_editor = member(Role.DIRECTORY_EDITOR, other_area, first_name="Otto", last_name="Other")
    provider_org = OrganisationFactory(name="Example Therapy CIC", kind=Organisation.Kind.SERVICE_PROVIDER)
    provider = ProviderFactory(name="Example Therapy", account=provider_org)
    provider_editor = member(Role.PROVIDER_EDITOR, provider_org, first_name="Priya", last_name="Provider")
    outsider = member(Role.PROVIDER_EDITOR, first_name="Oscar", last_name="Outsider")
    caseworker = member(Role.LA_CASEWORKER, area)
    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    TaxonomyTermFactory(taxonomy=needs, code="adhd", name="ADHD", position=1)
    categories = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    TaxonomyTermFactory(taxonomy=categories, code="therapy", name="Therapy", position=0)
    delivery = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.DELIVERY)
    TaxonomyTermFactory(taxonomy=delivery, code="in-person", name="In person", position=0)
    TaxonomyTermFactory(taxonomy=delivery, code="online", name="Online", position=1)
    service = ServiceFactory(provider=provider, name="Speech and language drop-in")
    service.areas.add(area)
    other_provider_service = ServiceFactory(name="Another provider's club")
    other_provider_service.areas.add(area)
    other_area_service = ServiceFactory(name="Southborough swimming", provider=provider)
    other_area_service.areas.add(other_area)
    return World(
        area=area,
        other_area=other_area,
        editor=editor,
        other_editor=other_editor,
        provider_org=provider_org,
        provider=provider,
        provider_editor=provider_editor,
        outsider_provider_editor=outsider,
        caseworker=caseworker,
        service=service,
        other_provider_service=other_provider_service,
        other_area_service=other_area_service,
    )
