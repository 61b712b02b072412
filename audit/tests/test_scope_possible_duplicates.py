"""The DCO can read the log of both records of every possible-duplicate check in its queue.

A record an LA made without sending a request yet has no involvement, so the children app does not show
it to the DCO; but the DCO is asked to compare it, so it must be able to see who has looked at it (found
by walking the product as a DCO: the log of such a record answered 404 and the search hid the LA's
events about it).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.scope import visible_events
from audit.services import record_access
from children.models import Involvement

pytestmark = pytest.mark.django_db


def test_the_dco_reads_the_log_of_a_record_in_its_possible_duplicate_queue(personas, persona_sessions):
    side = personas.side(1)
    new_child = side.new_child
    assert not Involvement.objects.filter(child=new_child).exists()  # the case the walk found
    # The LA's caseworker looked at the record (not a colleague of the DCO: only the child links them).
    event = record_access(
        user=personas["caseworker_1"].user, action=Action.VIEW, obj=new_child, child=new_child
    )
    dco = personas["dco_1"]

    page = persona_sessions.as_("dco_1").get(reverse("audit:child", args=[new_child.public_id]))

    assert page.status_code == 200
    assert event in visible_events(AuditEvent.objects.all(), dco.user)


def test_another_dco_service_still_gets_404_for_that_record(personas, persona_sessions):
    new_child = personas.side(1).new_child

    page = persona_sessions.as_("dco_2").get(reverse("audit:child", args=[new_child.public_id]))

    assert page.status_code == 404


def test_the_dco_does_not_read_the_log_of_the_other_areas_record_it_is_compared_with(
    personas, persona_sessions
):
    existing = personas.side(1).possible_duplicate.existing  # side 2's child
    assert existing == personas.side(2).child

    page = persona_sessions.as_("dco_1").get(reverse("audit:child", args=[existing.public_id]))

    assert page.status_code == 404
