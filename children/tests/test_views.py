"""The child's record page: who may see it (200/404), signed out -> sign in, and the access log."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice.testing import make_request, make_world, route
from audit.models import AuditEvent
from children.testing import ConsentFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

SEES = {"la_user", "dco", "dco_admin", "clinician", "manager", "trust_manager"}
PERSONAS = [*SEES, "other_la_user", "other_dco", "other_clinician", "sysadmin", "school_staff", "outsider"]


def test_child_record_by_role():
    world = make_world()
    advice_request = make_request(world)
    route(world, advice_request, world.team)
    child = advice_request.child
    carer = ParentCarerFactory(child=child, name="Jo Example", phone="07700 900123")
    ConsentFactory(child=child, parent_carer=carer)
    url = reverse("children:child-detail", args=[child.public_id])
    for persona in PERSONAS:
        response = sign_in(Client(), getattr(world, persona)).get(url)
        assert response.status_code == (200 if persona in SEES else 404), persona
    page = sign_in(Client(), world.clinician).get(url).content.decode()
    assert "Jo Example" in page and "07700 900123" in page and advice_request.reference in page
    assert AuditEvent.objects.filter(
        action="view", user=world.clinician, child_public_id=child.public_id
    ).exists()
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
