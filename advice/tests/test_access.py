"""The access matrix: every role, inside and outside its reach, for requests and assignments."""

import pytest
from django.http import Http404

from advice.access import get_advice_request_for_user, get_assignment_for_user
from advice.models import AdviceRequest, Assignment
from advice.testing import make_request, make_world, route

pytestmark = pytest.mark.django_db

# persona -> (sees the request, may write the request, sees the assignment, may write the assignment)
INSIDE = {
    "la_user": (True, True, True, False),
    "dco": (True, True, True, True),
    "dco_admin": (True, True, True, True),
    "clinician": (True, False, True, True),
    "manager": (True, False, True, True),
    "trust_manager": (True, False, True, True),
    "other_clinician": (False, False, False, False),  # another team of the same trust, not assigned
    "other_la_user": (False, False, False, False),
    "other_dco": (False, False, False, False),
    "sysadmin": (False, False, False, False),  # manages accounts, does not read children's records
    "school_staff": (False, False, False, False),
    "outsider": (False, False, False, False),  # member of the LA, but not a caseworker
}


def _allowed(fn, user, public_id, write):
    try:
        fn(user, public_id, write=write)
    except Http404:
        return False
    return True


def test_access_matrix():
    world = make_world()
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    elsewhere = make_request(world, la=world.other_la)  # the other area's request, routed nowhere
    for persona, (read, write, read_a, write_a) in INSIDE.items():
        user = getattr(world, persona)
        assert _allowed(get_advice_request_for_user, user, advice_request.public_id, False) is read, persona
        assert _allowed(get_advice_request_for_user, user, advice_request.public_id, True) is write, persona
        assert _allowed(get_assignment_for_user, user, assignment.public_id, False) is read_a, persona
        assert _allowed(get_assignment_for_user, user, assignment.public_id, True) is write_a, persona
        assert (advice_request in AdviceRequest.objects.visible_to(user)) is read, persona
        assert (assignment in Assignment.objects.visible_to(user)) is read_a, persona
        # Outside reach for everyone here except the other area's LA and DCO.
        sees_elsewhere = persona in ("other_la_user", "other_dco")
        assert _allowed(get_advice_request_for_user, user, elsewhere.public_id, False) is sees_elsewhere, (
            persona
        )


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    world = make_world()
    advice_request = make_request(world)
    assert not AdviceRequest.objects.visible_to(AnonymousUser()).exists()
    with pytest.raises(Http404):
        get_advice_request_for_user(AnonymousUser(), advice_request.public_id)


def test_inactive_membership_sees_nothing():
    world = make_world()
    advice_request = make_request(world)
    world.la_user.memberships.update(is_active=False)
    fresh = type(world.la_user).objects.get(pk=world.la_user.pk)  # reach is cached per user object (request)
    assert advice_request not in AdviceRequest.objects.visible_to(fresh)


def test_garbage_ids_are_404():
    world = make_world()
    for bad in ("nonsense", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            get_advice_request_for_user(world.dco, bad)
        with pytest.raises(Http404):
            get_assignment_for_user(world.dco, bad)


def test_visible_to_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = make_world()
    for _ in range(3):
        route(world, make_request(world), world.team)
    user = type(world.clinician).objects.get(pk=world.clinician.pk)
    with django_assert_max_num_queries(3):  # memberships, teams, the list itself
        assert len(list(AdviceRequest.objects.visible_to(user))) == 3
