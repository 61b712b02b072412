import pytest

from accounts.models import Organisation
from advice import demo as advice_demo
from advice.models import AdviceRequest, Assignment, QualityCheck, TimeLimitException
from children import demo as children_demo
from children.models import ChildOrYoungPerson

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
