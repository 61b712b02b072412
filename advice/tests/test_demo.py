import pytest

from accounts.models import Organisation
from advice import demo as advice_demo
from advice.models import AdviceRequest, Assignment, QualityCheck, TimeLimitException
from children import demo as children_demo
from children.models import ChildOrYoungPerson, PossibleDuplicate

pytestmark = pytest.mark.django_db


def test_demo_year_in_every_state_and_deterministic():
    assert not advice_demo.is_loaded()
    children_demo.load(children=160)
    summary = advice_demo.load()
    assert advice_demo.is_loaded() and children_demo.is_loaded()
    assert "advice requests" in summary
    statuses = set(AdviceRequest.objects.values_list("status", flat=True))
    assert {"submitted", "routed", "quality_check", "complete"} <= statuses
    assignment_statuses = set(Assignment.objects.values_list("status", flat=True))
    assert {"routed", "accepted", "advice_submitted", "released", "not_known"} <= assignment_statuses
    released = Assignment.objects.filter(status="released")
    late = [a for a in released if a.returned_on > a.due_on]
    assert late and len(late) < released.count() / 2
    assert TimeLimitException.objects.exists()
    assert QualityCheck.objects.filter(outcome="rework").exists()
    dco = Organisation.objects.get(code="DCO-DEMO")
    assert set(dco.areas.values_list("code", flat=True)) == {"E10000099", "E09000099"}
    assert Organisation.objects.get(code="RX9-SLT").parent.code == "RX9"
    for advice_request in AdviceRequest.objects.all():
        for assignment in advice_request.assignments.all():
            assert assignment.due_on == assignment.received_on + __import__("datetime").timedelta(weeks=6)
    first_names = list(ChildOrYoungPerson.objects.order_by("pk").values_list("given_name", "nhs_number")[:10])
    assert all(n == "" or n.startswith("999") for _, n in first_names)
    # One possible duplicate waits for the DCO service (ADR 0013).
    check = PossibleDuplicate.objects.get()
    assert check.local_authority.code == "E09000099" and check.existing.local_authority.code == "E10000099"


def test_children_demo_is_deterministic():
    children_demo.load(children=5, seed=7)
    first = list(
        ChildOrYoungPerson.objects.order_by("pk").values_list("given_name", "family_name", "nhs_number")
    )
    ChildOrYoungPerson.objects.all().delete()
    children_demo.load(children=5, seed=7)
    again = list(
        ChildOrYoungPerson.objects.order_by("pk").values_list("given_name", "family_name", "nhs_number")
    )
    assert first == again


def test_demo_writes_no_timestamp_in_the_future_so_later_changes_show_on_the_dashboard():
    """The dashboard caches its figures under the newest `updated_at`; a demo row stamped later
    today would hide every change a reviewer makes after `make run` (seen at 15:00 with rows at 17:00)."""
    import datetime as dt

    from django.utils import timezone

    from accounts.models import User
    from advice import dashboard

    children_demo.load(children=40)
    advice_demo.load()
    now = timezone.now()
    assert not AdviceRequest.objects.filter(updated_at__gt=now).exists()
    assert not AdviceRequest.objects.filter(created_at__gt=now).exists()
    dco = User.objects.filter(memberships__organisation__code="DCO-DEMO", memberships__role="dco").first()
    if dco is None:  # the accounts demo is not loaded in this test: make a DCO in the demo service
        from accounts.models import Membership
        from accounts.testing import UserFactory

        dco = UserFactory()
        Membership.objects.create(
            user=dco, organisation=Organisation.objects.get(code="DCO-DEMO"), role="dco"
        )
    before = dashboard.last_change(dco)
    some_request = AdviceRequest.objects.filter(local_authority__code="E10000099").first()
    AdviceRequest.objects.filter(pk=some_request.pk).update(
        updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert dashboard.last_change(dco) != before
