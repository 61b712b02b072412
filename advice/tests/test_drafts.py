"""Drafts of advice: saved at any point (nothing required, input limits kept), reopened and carried
on, seen only by the author and the team's managers, never quality-checked; version-checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice import services
from advice.models import AdviceDraft, Assignment, HealthAdvice
from advice.testing import GOOD_ADVICE, make_request, make_world, route
from advice.tests.test_views import advice_post
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from core.concurrency import ConcurrentUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def assignment(world):
    (routed,) = route(world, make_request(world), world.team)
    return routed


def _save(world, assignment, user=None, version=0, **data):
    assignment.refresh_from_db()
    return services.save_advice_draft(
        user=user or world.clinician,
        assignment=assignment,
        expected_version=version,
        data={"strengths": ["Enjoys music"], **data},
        context=TEST_CONTEXT,
    )


class TestDraftService:
    def test_saved_and_saved_again_with_version_checks(self, world, assignment):
        draft = _save(world, assignment)
        assert draft.version == 1 and draft.created_by == world.clinician
        again = _save(world, assignment, version=1, strengths=["Enjoys music and drawing"])
        assert again.version == 2 and AdviceDraft.objects.get().data["strengths"] == [
            "Enjoys music and drawing"
        ]
        with pytest.raises(ConcurrentUpdate) as stale:
            _save(world, assignment, version=1)
        assert stale.value.current_version == 2
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.ROUTED  # a draft changes nothing else
        assert AuditEvent.objects.filter(action="change", detail="advice draft started").exists()

    def test_only_the_author_and_team_managers_may_carry_on(self, world, assignment):
        from accounts.models import Role
        from accounts.testing import member

        draft = _save(world, assignment)
        colleague = member(Role.PROVIDER_CLINICIAN, world.team)
        with pytest.raises(services.InvalidTransition):
            _save(world, assignment, user=colleague, version=draft.version)
        managed = _save(world, assignment, user=world.manager, version=draft.version)
        assert managed.saved_by == world.manager and managed.created_by == world.clinician
        with pytest.raises(PermissionDenied):  # not the team: refused
            _save(world, assignment, user=world.other_clinician, version=managed.version)

    def test_input_limits_still_apply(self, world, assignment):
        with pytest.raises(ValidationError):
            _save(world, assignment, strengths=["x" * 10001])
        with pytest.raises(ValidationError):
            _save(world, assignment, strengths=["nul\x00"])
        assert not AdviceDraft.objects.exists()

    def test_submitting_replaces_the_draft(self, world, assignment):
        _save(world, assignment)
        assignment.refresh_from_db()
        services.submit_advice(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=assignment,
            expected_version=assignment.version,
            **GOOD_ADVICE,
        )
        assert not AdviceDraft.objects.exists() and HealthAdvice.objects.count() == 1


def client_for(user) -> Client:
    return sign_in(Client(), user)


class TestDraftPages:
    def test_save_as_draft_skips_required_fields_and_reopens(self, world, assignment):
        client = client_for(world.clinician)
        url = reverse("advice:assignment-advice", args=[assignment.public_id])
        half = advice_post(
            assignment,
            draft_version="0",
            save_draft="1",
            **{"author_name": "", "outcome-0-outcome": "", "strengths": "Loves the trampoline"},
        )
        response = client.post(url, half)
        assert response.status_code == 302 and response["Location"] == url
        page = client.get(url).content.decode()
        assert "Draft saved at" in page and "Loves the trampoline" in page
        assert "Expressive language difficulty" in page and "You are carrying on from the draft" in page
        assert 'name="draft_version" value="1"' in page or 'value="1" name="draft_version"' in page
        assert not HealthAdvice.objects.exists()
        detail = client.get(reverse("advice:assignment-detail", args=[assignment.public_id])).content.decode()
        assert "Carry on writing the draft advice" in detail
        # the DCO never sees a draft
        dco_page = client_for(world.dco).get(reverse("advice:assignment-detail", args=[assignment.public_id]))
        assert "Loves the trampoline" not in dco_page.content.decode()
        assert "draft of this advice" not in dco_page.content.decode()

    def test_a_draft_keeps_input_limits(self, world, assignment):
        client = client_for(world.clinician)
        url = reverse("advice:assignment-advice", args=[assignment.public_id])
        response = client.post(url, advice_post(assignment, save_draft="1", author_name="x" * 201))
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert "Enter at least one" not in page  # required fields are not asked for in a draft
        assert not AdviceDraft.objects.exists()

    def test_a_stale_draft_page_is_told_and_keeps_typing(self, world, assignment):
        _save(world, assignment, version=0)
        response = client_for(world.clinician).post(
            reverse("advice:assignment-advice", args=[assignment.public_id]),
            advice_post(assignment, save_draft="1", draft_version="0", strengths="Typed on the old page"),
        )
        page = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved this draft since you opened it" in page and "Typed on the old page" in page

    def test_autosave_endpoint(self, world, assignment):
        client = client_for(world.clinician)
        url = reverse("advice:assignment-advice-draft", args=[assignment.public_id])
        saved = client.post(url, advice_post(assignment, draft_version="0", strengths="Autosaved words"))
        assert saved.status_code == 200 and saved.json()["saved"] is True and saved.json()["version"] == 1
        stale = client.post(url, advice_post(assignment, draft_version="0"))
        assert stale.status_code == 409 and stale.json()["version"] == 1
        too_long = client.post(url, advice_post(assignment, draft_version="1", strengths="x" * 10001))
        assert too_long.status_code == 400
        assert client_for(world.other_clinician).post(url, advice_post(assignment)).status_code == 404
        assert client_for(world.dco).post(url, advice_post(assignment)).status_code == 404
        assert AdviceDraft.objects.get().data["strengths"] == ["Autosaved words"]

    def test_keep_alive_and_the_warning_dialog(self, world, assignment):
        client = client_for(world.clinician)
        ping = client.get(reverse("core:session-keep-alive"))
        assert ping.status_code == 200 and ping.json()["signed_in"] is True
        page = client.get(reverse("advice:assignment-advice", args=[assignment.public_id])).content.decode()
        assert 'id="session-warning"' in page and "Stay signed in" in page
        assert Client().get(reverse("core:session-keep-alive")).status_code == 302
