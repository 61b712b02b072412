"""The shared personas (tests/personas.py): everyone is there, their records open, and what one test
changes does not leak into the next."""

import pytest
from django.urls import reverse

from accounts.models import Organisation, Role
from advice.models import AdviceRequest, Assignment
from children.models import ChildOrYoungPerson

pytestmark = pytest.mark.django_db


def test_every_role_in_two_organisations_of_each_kind(personas):
    for n in (1, 2):
        roles = {p.role for p in personas.of_side(n)}
        assert roles == set(Role.values)
        kinds = {p.organisation.kind for p in personas.of_side(n)}
        assert kinds == set(Organisation.Kind.values)
    assert personas.anonymous.user is None
    first, second = personas.side(1), personas.side(2)
    assert not set(first.dco_service.areas.all()) & set(second.dco_service.areas.all())


def test_each_side_has_casework_to_open(personas):
    side = personas.side(1)
    assert side.new_request.status == AdviceRequest.Status.SUBMITTED
    assert side.assignment.team == side.team and side.assignment.advice.exists()
    assert side.other_assignment.team == side.other_team and not side.other_assignment.advice.exists()
    assert side.released_assignment.status == Assignment.Status.RELEASED
    assert side.released_request.status == AdviceRequest.Status.COMPLETE
    clinician = personas["clinician_1"].client()
    assert (
        clinician.get(reverse("advice:assignment-detail", args=[side.assignment.public_id])).status_code
        == 200
    )
    caseworker = personas["caseworker_1"].client()
    response = caseworker.get(reverse("advice:attachment", args=[side.attachment.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert caseworker.get(reverse("children:child-detail", args=[side.child.public_id])).status_code == 200


def test_route_kwargs_fill_paths_with_real_records(personas):
    (kwargs,) = personas.route_kwargs("children:carer-edit", ["public_id", "carer_id"], side=2)
    assert kwargs == {
        "public_id": personas.side(2).child.public_id,
        "carer_id": personas.side(2).carer.public_id,
    }
    assert personas.route_kwargs("core:home") == [{}]
    with pytest.raises(KeyError, match="ROUTE_RECORDS"):
        personas.route_kwargs("no:such-route", ["public_id"])
    with pytest.raises(KeyError, match="takes"):
        personas.route_kwargs("children:carer-edit", ["public_id"])


def test_a_change_made_in_one_test(personas):
    child = personas.side(1).child
    ChildOrYoungPerson.objects.filter(pk=child.pk).update(given_name="Changed")


def test_is_gone_in_the_next(personas):
    assert ChildOrYoungPerson.objects.get(pk=personas.side(1).child.pk).given_name == "Robin"
