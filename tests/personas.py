"""One set of test personas for the whole suite: every role in two organisations of each kind, plus
someone who is not signed in, each with a realistic set of records to open.

The world has two sides, 1 and 2, built the same way: an integrated care board with its DCO service, the
local authority that DCO service covers, a provider trust with two teams, a school, a voluntary
organisation and an independent service provider.

On each side a child of that LA (at that side's school, with a parent carer and consent recorded) has four
advice requests: one waiting for triage; one routed to both teams with triage notes (the first team has
submitted its advice, the second has not yet accepted; the LA's letter is attached); one whose advice the
DCO has released to the LA; and one whose advice the DCO sent back for changes. Typed text has `&`, `'`,
`"` and `<` in it, so a page that escapes it twice shows. The Local Offer lists a service of each
provider in that LA's area, with a provider editor's change waiting for approval and a problem reported
by the public.

The sides share only the taxonomies and one link: each side's LA has recorded a new child with the other
side's child's name and date of birth, held for its own DCO service's duplicate check (a child who may
have moved area).

Use the module-scoped `personas` fixture (root conftest.py): it is built once per test module, inside
a transaction rolled back when the module ends, and each test's own changes roll back as usual.

    def test_something(personas):
        side = personas.side(1)
        response = personas["clinician_1"].client().get(f"/casework/assignments/{side.assignment.public_id}/")

For walks over many routes, the module-scoped `persona_sessions` fixture signs everyone in once on one
shared client: `persona_sessions.as_("dco_1").get(path)` (a new Client per persona costs about a second).

`route_kwargs(name, params)` gives the path parameters that fill a route with these records, so a walk over
every route opens real pages rather than 404s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, cast

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken, Organisation, Role, User
from accounts.testing import make_organisation, member, sign_in
from advice import services as advice_services
from advice.models import AdviceRequest, Assignment, Attachment, EHCNeedsAssessment
from advice.testing import GOOD_ADVICE, GOOD_SCORES
from audit.testing import TEST_CONTEXT
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer, PossibleDuplicate
from children.testing import ChildFactory, ConsentFactory, ParentCarerFactory
from directory import services as directory_services
from directory.models import ChangeProposal, ProblemReport, Provider, Service, Taxonomy
from directory.testing import ProviderFactory, ServiceFactory, TaxonomyFactory, TaxonomyTermFactory
from enquiries import services as enquiry_services
from enquiries.models import Enquiry
from enquiries.testing import submit as submit_enquiry
from enquiries.testing import take_to as take_enquiry_to
from section23 import services as s23_services
from section23.models import Attachment as S23Attachment
from section23.models import Concern, Notification
from section23.testing import complete_details, young_birth_date

Kind = Organisation.Kind

# Each side's two areas have made-up names; everything else is named after them.
AREAS = {1: "Aldermoor", 2: "Brackenfield"}

# persona name -> (role, which of the side's organisations). Every role appears; provider team managers
# both in a team and at the trust, provider editors at the trust, the voluntary organisation and the
# independent provider; clinicians in both teams.
ROLES: dict[str, tuple[str, str]] = {
    "caseworker": (Role.LA_CASEWORKER, "la"),
    "local_offer_editor": (Role.DIRECTORY_EDITOR, "la"),
    "dco": (Role.DCO, "dco_service"),
    "dco_admin": (Role.DCO_ADMIN, "dco_service"),
    "clinician": (Role.PROVIDER_CLINICIAN, "team"),
    "team_manager": (Role.PROVIDER_TEAM_MANAGER, "team"),
    "other_team_clinician": (Role.PROVIDER_CLINICIAN, "other_team"),
    "trust_manager": (Role.PROVIDER_TEAM_MANAGER, "trust"),
    "trust_editor": (Role.PROVIDER_EDITOR, "trust"),
    "voluntary_editor": (Role.PROVIDER_EDITOR, "voluntary"),
    "provider_editor": (Role.PROVIDER_EDITOR, "service_provider"),
    "school_staff": (Role.SCHOOL_STAFF, "school"),
    "system_admin": (Role.SYSTEM_ADMIN, "icb"),
    "org_admin": (Role.ORGANISATION_ADMIN, "la"),
    "gp": (Role.HEALTH_PRACTITIONER, "gp_practice"),
}


@dataclass(frozen=True)
class Persona:
    """Someone using the service: `user` is None for a visitor who has not signed in."""

    name: str
    side: int  # 1 or 2; 0 for anonymous
    role: str | None = None
    organisation: Organisation | None = None
    user: User | None = None

    def client(self) -> Client:
        """A test client signed in as this persona (two-factor passed), or anonymous."""
        client = Client()
        return sign_in(client, self.user) if self.user is not None else client

    def __str__(self) -> str:
        return self.name


@dataclass
class Side:
    """One side's organisations and the records they hold."""

    n: int
    icb: Organisation
    dco_service: Organisation
    la: Organisation
    trust: Organisation
    team: Organisation
    other_team: Organisation
    school: Organisation
    voluntary: Organisation
    service_provider: Organisation
    gp_practice: Organisation
    child: ChildOrYoungPerson = field(init=False)
    carer: ParentCarer = field(init=False)
    consent: ConsentToShare = field(init=False)
    new_request: AdviceRequest = field(init=False)  # waiting for the DCO's triage
    request: AdviceRequest = field(init=False)  # routed to `team` and `other_team`
    assignment: Assignment = field(init=False)  # `team`: advice submitted, waiting for quality check
    other_assignment: Assignment = field(init=False)  # `other_team`: routed, not yet accepted
    released_request: AdviceRequest = field(init=False)
    released_assignment: Assignment = field(init=False)  # `team`: advice released to the LA
    rework_request: AdviceRequest = field(init=False)
    rework_assignment: Assignment = field(init=False)  # `team`: the DCO asked for changes to the advice
    attachment: Attachment = field(init=False)  # the LA's letter on `request`
    # A child this LA recorded with the other side's child's name and date of birth, held for this side's
    # DCO service to check (the one link between the sides: a child who may have moved area).
    new_child: ChildOrYoungPerson = field(init=False)
    possible_duplicate: PossibleDuplicate = field(init=False)
    provider: Provider = field(init=False)  # the independent provider's listing
    service: Service = field(init=False)  # the independent provider's service, in this LA's Local Offer
    trust_service: Service = field(init=False)
    voluntary_service: Service = field(init=False)
    proposal: ChangeProposal = field(init=False)  # the provider editor's change, waiting for approval
    problem: ProblemReport = field(init=False)  # reported by the public on `service`
    api_token: ApiToken = field(init=False)  # the LA's case-management system's token
    # Section 23, by `team` about a 2-year-old of this LA: a draft; one sent (the parent objects, a report
    # attached); one acknowledged; one decided. A concern from the GP practice, open; one decided.
    s23_draft: Notification = field(init=False)
    s23_sent: Notification = field(init=False)
    s23_acknowledged: Notification = field(init=False)
    s23_decided: Notification = field(init=False)
    s23_attachment: S23Attachment = field(init=False)
    concern: Concern = field(init=False)
    decided_concern: Concern = field(init=False)
    # Enquiries to the side's DCO service: new; acknowledged; assigned to `team` and linked to `child`;
    # answered; closed.
    enquiry_new: Enquiry = field(init=False)
    enquiry_acknowledged: Enquiry = field(init=False)
    enquiry_assigned: Enquiry = field(init=False)
    enquiry_answered: Enquiry = field(init=False)
    enquiry_closed: Enquiry = field(init=False)


class Personas:
    """Everyone, by name (`personas["dco_1"]`), and both sides' records (`personas.side(1)`)."""

    def __init__(self, sides: dict[int, Side], people: dict[str, Persona]) -> None:
        self.sides = sides
        self.people = people
        self.anonymous = people["anonymous"]

    def __getitem__(self, name: str) -> Persona:
        return self.people[name]

    def __iter__(self) -> Iterator[Persona]:
        return iter(self.people.values())

    def side(self, n: int) -> Side:
        return self.sides[n]

    def of_side(self, n: int) -> list[Persona]:
        """Side n's signed-in personas: one per role and place, as in ROLES."""
        return [p for p in self if p.side == n]

    def one_per_role(self) -> list[Persona]:
        """Side 1's personas and the anonymous visitor: enough to render every page once per role."""
        return [self.anonymous, *self.of_side(1)]

    def route_kwargs(self, name: str, params: Iterable[str] = (), side: int = 1) -> list[dict[str, Any]]:
        """The path parameters that open the route `name` (namespace:name), whose pattern has the
        parameters `params`, on real records of `side`: one dict per record worth opening (for example a
        request in each state); [{}] for a route without parameters. A route with parameters that
        ROUTE_RECORDS below does not know raises KeyError: add it there."""
        params = set(params)
        if not params:
            return [{}]
        if name not in ROUTE_RECORDS and (admin := _admin_kwargs(name, params)) is not None:
            return admin
        if name not in ROUTE_RECORDS:
            raise KeyError(
                f"{name} has path parameters {sorted(params)}: say which records fill them in ROUTE_RECORDS (tests/personas.py)"
            )
        filled = [
            {key: value(self, self.side(side)) for key, value in kwargs.items()}
            for kwargs in ROUTE_RECORDS[name]
        ]
        for kwargs in filled:
            if set(kwargs) != params:
                raise KeyError(
                    f"ROUTE_RECORDS fills {name} with {sorted(kwargs)}, but it takes {sorted(params)}"
                )
        return filled


class PersonaSessions:
    """One test client holding every persona's signed-in session: `as_(name)` swaps that persona's
    cookies in and returns the client. For walks over many routes and personas: every new Client builds
    its own middleware chain, and WhiteNoise then re-reads every static file (about a second each)."""

    def __init__(self, personas: Personas) -> None:
        self.client = Client()
        self.cookies: dict[str, SimpleCookie] = {}
        for persona in personas:
            self.client.cookies = SimpleCookie()
            if persona.user is not None:
                sign_in(self.client, persona.user)
            self.cookies[persona.name] = self.client.cookies

    def as_(self, name: str) -> Client:
        self.client.cookies = self.cookies[name]
        return self.client


def _admin_kwargs(name: str, params: set[str]) -> list[dict[str, Any]] | None:
    """A Django admin page about one object (`admin:<app>_<model>_<view>`): the first row of that model,
    or no page at all when the model has no rows. None for a route that is not one of these."""
    from django.contrib import admin

    if len(params) != 1:
        return None
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            first = model._default_manager.order_by("pk").first()
            return [] if first is None else [{next(iter(params)): str(first.pk)}]
    return None


def _id(attribute: str, *path: str) -> Any:
    """A path value: the public id of a side's record (`side.<attribute>`), or of a record under it."""

    def value(personas: Personas, side: Side) -> Any:
        record: Any = getattr(side, attribute)
        for step in path:
            record = getattr(record, step)
        return record.public_id

    return value


def _const(text: str) -> Any:
    return lambda personas, side: text


def _reset_uid(personas: Personas, side: Side) -> str:
    user = personas[f"caseworker_{side.n}"].user
    assert user is not None
    return urlsafe_base64_encode(force_bytes(user.pk))


def _reset_token(personas: Personas, side: Side) -> str:
    return default_token_generator.make_token(personas[f"caseworker_{side.n}"].user)


def _synonym(personas: Personas, side: Side) -> Any:
    """A synonym group of the search words (the whole directory's, not a side's: the default list)."""
    from directory.models import Synonym

    synonym = Synonym.objects.order_by("pk").first()
    if synonym is None:
        synonym = Synonym.objects.create(words="physiotherapy, physio")
    return synonym.public_id


REQUESTS = [
    {"public_id": _id(name)} for name in ("new_request", "request", "released_request", "rework_request")
]
ASSIGNMENTS = [
    {"public_id": _id(name)}
    for name in ("assignment", "other_assignment", "released_assignment", "rework_assignment")
]
SERVICES = [{"public_id": _id(name)} for name in ("service", "trust_service", "voluntary_service")]
CHILD = [{"public_id": _id("child")}]
NOTIFICATIONS = [
    {"public_id": _id(name)} for name in ("s23_draft", "s23_sent", "s23_acknowledged", "s23_decided")
]


# Route name -> the records that fill its path parameters (as functions of the personas and a side).
# Routes without parameters need no entry. A new route with parameters fails the site-wide walks until
# it is added here.
def _caseworker_id(personas: Personas, side: Side) -> Any:
    user = personas[f"caseworker_{side.n}"].user
    assert user is not None
    return user.public_id


ROUTE_RECORDS: dict[str, list[dict[str, Any]]] = {
    "accounts:password-reset-confirm": [{"uidb64": _reset_uid, "token": _reset_token}],
    "directory:a-to-z-letter": [{"letter": _const("s")}],
    "directory:service": SERVICES,
    "directory:report-problem": [{"public_id": _id("service")}],
    "directory:report-problem-sent": [{"public_id": _id("service")}],
    "directory:editor-service": SERVICES,
    "directory:editor-service-history": SERVICES,
    "directory:editor-service-reviewed": [{"public_id": _id("service")}],
    "directory:editor-service-archive": [{"public_id": _id("service")}],
    "directory:editor-proposal": [{"public_id": _id("proposal")}],
    "directory:editor-proposal-approve": [{"public_id": _id("proposal")}],
    "directory:editor-proposal-reject": [{"public_id": _id("proposal")}],
    "directory:editor-proposal-withdraw": [{"public_id": _id("proposal")}],
    "directory:editor-problem": [{"public_id": _id("problem")}],
    "directory:editor-export-download": [{"kind": _const("services")}],
    "directory:editor-synonym": [{"public_id": _synonym}],
    "directory:editor-synonym-delete": [{"public_id": _synonym}],
    "directory:editor-synonym-history": [{"public_id": _synonym}],
    "advice:dashboard-csv": [{"slug": _const("overdue")}],
    "advice:dashboard-csv-with-names": [{"slug": _const("overdue")}],
    "advice:request-detail": REQUESTS,
    "advice:request-sent": [{"public_id": _id("new_request")}],
    "advice:request-route": REQUESTS[:2],
    "advice:request-pdf": [{"public_id": _id("released_request")}],
    "advice:request-cancel": REQUESTS[:2],
    "advice:request-clock": REQUESTS[:2],
    "advice:request-clock-changed": [{"public_id": _id("request")}],
    "advice:attachment": [{"public_id": _id("attachment")}],
    "advice:assignment-detail": ASSIGNMENTS,
    "advice:assignment-accept": [{"public_id": _id("other_assignment")}],
    "advice:assignment-not-known": [{"public_id": _id("other_assignment")}],
    "advice:assignment-exception": [{"public_id": _id("other_assignment")}],
    "advice:assignment-advice": ASSIGNMENTS,
    "advice:assignment-advice-draft": [{"public_id": _id("other_assignment")}],
    "advice:assignment-quality-check": [{"public_id": _id("assignment")}],
    "children:child-detail": CHILD,
    "children:child-edit": CHILD,
    "children:carer-add": CHILD,
    "children:carer-edit": [{"public_id": _id("child"), "carer_id": _id("carer")}],
    "children:carer-remove": [{"public_id": _id("child"), "carer_id": _id("carer")}],
    "children:consent-add": CHILD,
    "children:consent-withdraw": [{"public_id": _id("child"), "consent_id": _id("consent")}],
    "children:possible-duplicate": [{"public_id": _id("possible_duplicate")}],
    "audit:child": [{"child_public_id": _id("child")}],
    "admin:app_list": [{"app_label": _const("accounts")}],
    "admin:auth_user_password_change": [
        {"id": lambda personas, side: personas[f"caseworker_{side.n}"].user.pk}
    ],
    "admin:view_on_site": [
        {
            "content_type_id": lambda personas, side: ContentType.objects.get_for_model(Organisation).pk,
            "object_id": lambda personas, side: side.la.pk,
        }
    ],
    "audit:child-export": [{"child_public_id": _id("child")}],
    "accounts:invitation": [{"token": _const("not-a-real-invitation")}],
    "accounts:organisation": [{"public_id": _id("la")}, {"public_id": _id("dco_service")}],
    "accounts:invite": [{"public_id": _id("la")}],
    "accounts:organisation-edit": [{"public_id": _id("la")}, {"public_id": _id("dco_service")}],
    "accounts:organisation-areas": [{"public_id": _id("dco_service")}],
    "accounts:tokens": [{"public_id": _id("la")}],
    "accounts:organisation-notifications": [{"public_id": _id("la")}, {"public_id": _id("dco_service")}],
    "accounts:token-rename": [{"public_id": _id("api_token")}],
    "accounts:token-rotate": [{"public_id": _id("api_token")}],
    "accounts:token-revoke": [{"public_id": _id("api_token")}],
    **{
        f"accounts:{name}": [{"public_id": _id("la"), "person_id": _caseworker_id}]
        for name in ("staff-member", "staff-roles", "staff-reset-two-factor", "staff-remove")
    },
    "section23:notification-detail": NOTIFICATIONS,
    "section23:notification-edit": [{"public_id": _id("s23_draft")}],
    "section23:notification-acknowledge": [{"public_id": _id("s23_sent")}],
    "section23:notification-decision": [{"public_id": _id("s23_acknowledged")}],
    "section23:notification-advice-link": [{"public_id": _id("s23_sent")}],
    "section23:attachment": [{"public_id": _id("s23_attachment")}],
    "section23:concern-detail": [{"public_id": _id("concern")}, {"public_id": _id("decided_concern")}],
    "enquiries:detail": [
        {"public_id": _id(name)}
        for name in ("enquiry_new", "enquiry_assigned", "enquiry_answered", "enquiry_closed")
    ],
    "enquiries:triage": [{"public_id": _id("enquiry_new")}],
    "enquiries:assign": [{"public_id": _id("enquiry_acknowledged")}],
    "enquiries:link": [{"public_id": _id("enquiry_assigned")}],
    "enquiries:contact": [{"public_id": _id("enquiry_assigned")}],
    "enquiries:outcome": [{"public_id": _id("enquiry_assigned")}],
    "enquiries:close": [{"public_id": _id("enquiry_answered")}],
    "enquiries:reopen": [{"public_id": _id("enquiry_closed")}],
}


def _taxonomies() -> None:
    needs = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    TaxonomyTermFactory(taxonomy=needs, code="autism", name="Autism", position=0)
    TaxonomyTermFactory(taxonomy=needs, code="speech-language", name="Speech and language", position=1)
    categories = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    TaxonomyTermFactory(taxonomy=categories, code="therapy", name="Therapy", position=0)
    delivery = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.DELIVERY)
    TaxonomyTermFactory(taxonomy=delivery, code="in-person", name="In person", position=0)


def _organisations(n: int) -> Side:
    area = AREAS[n]
    icb = make_organisation(kind=Kind.INTEGRATED_CARE_BOARD, name=f"{area} Integrated Care Board")
    dco_service = make_organisation(kind=Kind.DCO_SERVICE, name=f"{area} DCO service", parent=icb)
    la = make_organisation(kind=Kind.LOCAL_AUTHORITY, name=f"{area} Council", email=f"send.{n}@example.org")
    dco_service.areas.add(la)
    trust = make_organisation(kind=Kind.PROVIDER_TRUST, name=f"{area} Community Health NHS Trust")
    team = make_organisation(
        kind=Kind.PROVIDER_TEAM,
        name=f"{area} speech and language therapy",
        parent=trust,
        specialism="Speech and language therapy",
    )
    other_team = make_organisation(
        kind=Kind.PROVIDER_TEAM,
        name=f"{area} occupational therapy",
        parent=trust,
        specialism="Occupational therapy",
    )
    return Side(
        n=n,
        icb=icb,
        dco_service=dco_service,
        la=la,
        trust=trust,
        team=team,
        other_team=other_team,
        school=make_organisation(kind=Kind.SCHOOL, name=f"{area} Primary School"),
        voluntary=make_organisation(kind=Kind.VOLUNTARY, name=f"{area} Parent Carer Forum"),
        service_provider=make_organisation(kind=Kind.SERVICE_PROVIDER, name=f"{area} Therapy CIC"),
        gp_practice=make_organisation(kind=Kind.GP_PRACTICE, name=f"{area} Surgery"),
    )


def _people(side: Side) -> dict[str, Persona]:
    people = {}
    for name, (role, where) in ROLES.items():
        organisation = getattr(side, where)
        key = f"{name}_{side.n}"
        user = member(
            role,
            organisation,
            email=f"{name.replace('_', '.')}.{side.n}@example.org",
            first_name=name.replace("_", " ").capitalize(),
            last_name=AREAS[side.n],
        )
        people[key] = Persona(name=key, side=side.n, role=role, organisation=organisation, user=user)
    return people


def _user(people: dict[str, Persona], name: str) -> User:
    return cast(User, people[name].user)


def _request(side: Side, caseworker: User, *, received: dt.date, **kwargs: Any) -> AdviceRequest:
    return advice_services.request_advice(
        context=TEST_CONTEXT,
        user=caseworker,
        local_authority=side.la,
        child=side.child,
        request_received_on=received - dt.timedelta(days=14),
        clock_start_type=EHCNeedsAssessment.ClockStart.S36_REQUEST,
        questions="What are the child's health needs, and what health provision do they need?",
        known_health_involvement="Known to speech and language therapy since 2024",
        sent_on=received,
        received_by_health=received,
        **kwargs,
    )


def _route(
    dco: User, advice_request: AdviceRequest, *teams: Organisation, notes: str = ""
) -> list[Assignment]:
    advice_request.refresh_from_db()
    return advice_services.triage_and_route(
        context=TEST_CONTEXT,
        user=dco,
        advice_request=advice_request,
        expected_version=advice_request.version,
        teams=list(teams),
        lawful_basis="legal_obligation",
        triage_notes=notes,
    )


def _submit(clinician: User, assignment: Assignment) -> Assignment:
    assignment.refresh_from_db()
    advice_services.submit_advice(
        context=TEST_CONTEXT,
        user=clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )
    assignment.refresh_from_db()
    return assignment


def _casework(side: Side, people: dict[str, Persona]) -> None:
    n, area = side.n, AREAS[side.n]
    caseworker, dco, clinician = (_user(people, f"{name}_{n}") for name in ("caseworker", "dco", "clinician"))
    side.child = cast(
        ChildOrYoungPerson,
        ChildFactory(
            given_name="Robin" if n == 1 else "Sasha",
            family_name=f"{area}-Testchild",
            date_of_birth=dt.date(2017, 3, 4 + n),
            local_authority=side.la,
            school=side.school,
            created_by=caseworker,
        ),
    )
    side.carer = cast(ParentCarer, ParentCarerFactory(child=side.child, name=f"Jordan {area}-Testparent"))
    side.consent = cast(ConsentToShare, ConsentFactory(child=side.child, parent_carer=side.carer))
    today = timezone.localdate()

    side.new_request = _request(side, caseworker, received=today - dt.timedelta(days=2))

    letter = SimpleUploadedFile(
        "parent-letter.pdf", b"%PDF-1.4 a synthetic letter", content_type="application/pdf"
    )
    side.request = _request(side, caseworker, received=today - dt.timedelta(days=10), attachments=[letter])
    side.attachment = side.request.attachments.get()
    side.assignment, side.other_assignment = sorted(
        _route(
            dco,
            side.request,
            side.team,
            side.other_team,
            notes="Known to SLT & OT; OT to see within <6 weeks",
        ),
        key=lambda a: a.team_id != side.team.pk,
    )
    side.assignment = _submit(clinician, side.assignment)

    side.released_request = _request(side, caseworker, received=today - dt.timedelta(days=30))
    (released,) = _route(dco, side.released_request, side.team)
    released = _submit(clinician, released)
    advice_services.release_advice(
        context=TEST_CONTEXT,
        user=dco,
        assignment=released,
        expected_version=released.version,
        scores=GOOD_SCORES,
    )
    released.refresh_from_db()
    side.released_assignment = released

    side.rework_request = _request(side, caseworker, received=today - dt.timedelta(days=20))
    (rework,) = _route(dco, side.rework_request, side.team)
    rework = _submit(clinician, rework)
    advice_services.request_rework(
        context=TEST_CONTEXT,
        user=dco,
        assignment=rework,
        expected_version=rework.version,
        scores=GOOD_SCORES,
        comments="Please add the child's & family's views (\"in their words\").",
    )
    rework.refresh_from_db()
    side.rework_assignment = rework
    for record in (
        side.new_request,
        side.request,
        side.released_request,
        side.rework_request,
        side.other_assignment,
    ):
        record.refresh_from_db()


def _local_offer(side: Side, people: dict[str, Persona]) -> None:
    area = AREAS[side.n]

    def listing(
        organisation: Organisation, provider_name: str, service_name: str
    ) -> tuple[Provider, Service]:
        provider = cast(Provider, ProviderFactory(name=provider_name, account=organisation))
        service = cast(Service, ServiceFactory(provider=provider, name=service_name))
        service.areas.add(side.la)
        return provider, service

    side.provider, side.service = listing(side.service_provider, f"{area} Therapy", f"{area} speech drop-in")
    _, side.trust_service = listing(
        side.trust, f"{area} Community Health", f"{area} children's physiotherapy"
    )
    _, side.voluntary_service = listing(
        side.voluntary, f"{area} Parent Carer Forum", f"{area} parents' coffee morning"
    )
    side.proposal = directory_services.propose_change(
        service=side.service,
        provider=side.provider,
        data={"name": f"{area} speech and language drop-in"},
        user=_user(people, f"provider_editor_{side.n}"),
        context=TEST_CONTEXT,
        note="Our new name from January",
    )
    side.problem = directory_services.record_problem_report(
        service=side.service,
        topic=ProblemReport.Topic.OUT_OF_DATE,
        details="The phone number on this page no longer works.",
        reporter_email="a.parent@example.org",
    )


def _section23(side: Side, people: dict[str, Persona]) -> None:
    area = AREAS[side.n]
    clinician, caseworker, dco, gp = (
        _user(people, f"{name}_{side.n}") for name in ("clinician", "caseworker", "dco", "gp")
    )

    def notify(given: str, send: bool = True, **details: Any) -> Notification:
        return s23_services.create_notification(
            user=clinician,
            context=TEST_CONTEXT,
            acting_for=side.team,
            local_authority=side.la,
            given_name=given,
            family_name=f"{area}-Toddler{given}",
            date_of_birth=young_birth_date(),
            details=complete_details(**details),
            send=send,
        )

    side.s23_draft = notify("Ash", send=False)
    report = SimpleUploadedFile(
        "two-year-review.pdf", b"%PDF-1.4 a synthetic report", content_type="application/pdf"
    )
    side.s23_sent = s23_services.create_notification(
        user=clinician,
        context=TEST_CONTEXT,
        acting_for=side.team,
        local_authority=side.la,
        given_name="Bo",
        family_name=f"{area}-ToddlerBo",
        date_of_birth=young_birth_date(),
        details=complete_details(
            parent_view="disagrees", parent_views='Thinks it\'s too early & "not needed" for <6 months'
        ),
        attachments=[report],
        send=True,
    )
    side.s23_attachment = side.s23_sent.attachments.get()
    side.s23_acknowledged = notify("Cai")
    s23_services.acknowledge(
        user=caseworker,
        context=TEST_CONTEXT,
        notification=side.s23_acknowledged,
        expected_version=side.s23_acknowledged.version,
    )
    side.s23_decided = notify("Dee")
    s23_services.record_decision(
        user=caseworker,
        context=TEST_CONTEXT,
        notification=side.s23_decided,
        expected_version=side.s23_decided.version,
        decision=Notification.Decision.EARLY_YEARS,
    )

    def concern(given: str) -> Concern:
        return s23_services.raise_concern(
            user=gp,
            context=TEST_CONTEXT,
            organisation=side.gp_practice,
            local_authority=side.la,
            given_name=given,
            family_name=f"{area}-Toddler{given}",
            date_of_birth=young_birth_date(years=3),
            professional_name=f"Dr Casey {area}",
            profession="gp",
            concern="Not walking at 3 & parents worried.",
        )

    side.concern = concern("Eli")
    side.decided_concern = concern("Fen")
    s23_services.decide_concern(
        user=dco,
        context=TEST_CONTEXT,
        concern=side.decided_concern,
        expected_version=side.decided_concern.version,
        decision=Concern.Decision.NO_NOTIFICATION,
        reason="Already known to the community paediatric team, which will notify.",
    )
    for record in (
        side.s23_draft,
        side.s23_sent,
        side.s23_acknowledged,
        side.s23_decided,
        side.concern,
        side.decided_concern,
    ):
        record.refresh_from_db()


def _enquiries(side: Side, people: dict[str, Persona]) -> None:
    dco = _user(people, f"dco_{side.n}")
    side.enquiry_new = submit_enquiry(side.la, child_name=f"{AREAS[side.n]} Enquirychild")
    side.enquiry_acknowledged = take_enquiry_to(submit_enquiry(side.la), "acknowledged", dco=dco)
    side.enquiry_assigned = take_enquiry_to(submit_enquiry(side.la), "assigned", dco=dco, team=side.team)
    enquiry_services.link_records(
        user=dco,
        context=TEST_CONTEXT,
        enquiry=side.enquiry_assigned,
        expected_version=side.enquiry_assigned.version,
        given_name=side.child.given_name,
        family_name=side.child.family_name,
        date_of_birth=side.child.date_of_birth,
        nhs_number=side.child.nhs_number or "",
    )
    side.enquiry_assigned.refresh_from_db()
    side.enquiry_answered = take_enquiry_to(submit_enquiry(side.la), "answered", dco=dco)
    side.enquiry_closed = take_enquiry_to(submit_enquiry(side.la), "closed", dco=dco)


def _possible_duplicates(sides: dict[int, Side]) -> None:
    for n, other in ((1, 2), (2, 1)):
        side, elsewhere = sides[n], sides[other].child
        side.new_child = cast(
            ChildOrYoungPerson,
            ChildFactory(
                given_name=elsewhere.given_name,
                family_name=elsewhere.family_name,
                date_of_birth=elsewhere.date_of_birth,
                local_authority=side.la,
                awaiting_identity_check=True,
            ),
        )
        side.possible_duplicate = PossibleDuplicate.objects.create(
            new_record=side.new_child,
            existing=elsewhere,
            local_authority=side.la,
            reason=PossibleDuplicate.Reason.NAME_AND_BIRTH,
        )


def build_personas() -> Personas:
    """Make the whole world (about 1 s on SQLite). Needs attachments stored somewhere writable: the
    fixture points MEDIA_ROOT at a temporary folder."""
    _taxonomies()
    sides: dict[int, Side] = {}
    people: dict[str, Persona] = {"anonymous": Persona(name="anonymous", side=0)}
    for n in AREAS:
        side = sides[n] = _organisations(n)
        side.api_token = ApiToken.issue(organisation=side.la, name=f"{AREAS[n]} case system")[0]
        people.update(_people(side))
        _casework(side, people)
        _local_offer(side, people)
        _section23(side, people)
        _enquiries(side, people)
    _possible_duplicates(sides)
    return Personas(sides, people)
