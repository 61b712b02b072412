"""Missing consent to share, or no parent or carer recorded: a warning wherever the request is handled,
with the area's own wording; the DCO confirms the lawful basis before routing, kept in the access log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice import services
from advice.testing import GOOD_ADVICE, make_request, make_world
from advice.tests.test_views import date_fields
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children.testing import ChildFactory, ConsentFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db
NO_CONSENT = "No current consent to share health information is recorded"
NO_PARENT = "No parent or carer is recorded"


@pytest.fixture
def world():
    return make_world()


def client_for(user) -> Client:
    return sign_in(Client(), user)


def _route(world, advice_request, **extra):
    advice_request.refresh_from_db()
    return services.triage_and_route(
        context=TEST_CONTEXT,
        user=world.dco,
        advice_request=advice_request,
        expected_version=advice_request.version,
        teams=[world.team],
        **extra,
    )


def test_warnings_say_what_is_missing(world):
    bare = ChildFactory(local_authority=world.la)
    texts = " ".join(services.sharing_warnings(bare))
    assert NO_CONSENT in texts and NO_PARENT in texts
    complete = ChildFactory(local_authority=world.la)
    ParentCarerFactory(child=complete)
    ConsentFactory(child=complete)
    assert services.sharing_warnings(complete) == []


def test_shown_wherever_the_request_is_handled(world):
    advice_request = make_request(world)
    request_url = reverse("advice:request-detail", args=[advice_request.public_id])
    assert NO_CONSENT in client_for(world.la_user).get(request_url).content.decode()
    dco = client_for(world.dco)
    triage = dco.get(reverse("advice:triage")).content.decode()
    assert "No consent to share" in triage and "No parent or carer recorded" in triage
    dco_page = dco.get(request_url).content.decode()
    assert (
        NO_CONSENT in dco_page
        and NO_PARENT in dco_page
        and "Confirm the lawful basis for sharing" in dco_page
    )
    (assignment,) = _route(world, advice_request, lawful_basis="legal_obligation")
    clinician = client_for(world.clinician)
    assignment_url = reverse("advice:assignment-detail", args=[assignment.public_id])
    assert NO_CONSENT in clinician.get(assignment_url).content.decode()
    advice_url = reverse("advice:assignment-advice", args=[assignment.public_id])
    assert NO_CONSENT in clinician.get(advice_url).content.decode()
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **GOOD_ADVICE,
    )
    qc = dco.get(reverse("advice:assignment-quality-check", args=[assignment.public_id])).content.decode()
    assert NO_CONSENT in qc and NO_PARENT in qc  # where the DCO releases it


def test_no_warning_when_consent_and_a_parent_are_recorded(world):
    child = ChildFactory(local_authority=world.la)
    ParentCarerFactory(child=child)
    ConsentFactory(child=child)
    advice_request = make_request(world, child=child)
    page = client_for(world.dco).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    html = page.content.decode()
    assert "Check before sharing" not in html and "Confirm the lawful basis" not in html
    assert _route(world, advice_request)  # no basis needed


def test_the_dco_confirms_the_lawful_basis_before_routing(world):
    advice_request = make_request(world)
    with pytest.raises(ValidationError) as error:
        _route(world, advice_request)
    assert "lawful_basis" in error.value.message_dict
    client = client_for(world.dco)
    url = reverse("advice:request-route", args=[advice_request.public_id])
    data = {
        "version": advice_request.version,
        f"teams_{world.trust.pk}": [world.team.pk],
        **date_fields("received_on", advice_request.received_by_health),
    }
    refused = client.post(url, data)
    assert "Confirm the lawful basis for sharing before you route this request" in refused.content.decode()
    assert not advice_request.assignments.exists()
    assert client.post(url, {**data, "lawful_basis": "legal_obligation"}).status_code == 302
    event = AuditEvent.objects.filter(action="change", detail__startswith="routed to").get()
    assert NO_CONSENT in event.detail and NO_PARENT in event.detail
    assert "Lawful basis confirmed: Legal obligation: health must give advice" in event.detail


def test_the_wording_is_the_areas_own(world, settings):
    settings.ADVICE_NO_CONSENT_WARNING = "Ask the family: nothing on file about sharing."
    advice_request = make_request(world)
    page = client_for(world.la_user).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    assert "Ask the family: nothing on file about sharing." in page.content.decode()
    assert NO_CONSENT not in page.content.decode()
