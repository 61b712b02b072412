"""Every state change in advice.services, as the people involved would notice it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from advice import services
from advice.models import (
    AdviceRequest,
    Assignment,
    EHCNeedsAssessment,
    QualityCheck,
    ReminderKind,
    TimeLimitException,
)
from advice.testing import GOOD_ADVICE, GOOD_SCORES, make_request, make_world, route
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from casework import reminders
from children.testing import ChildFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def world():
    return make_world()


def _submit(world, assignment, user=None, **overrides):
    assignment.refresh_from_db()
    values = {**GOOD_ADVICE, **overrides}
    return services.submit_advice(
        context=TEST_CONTEXT,
        user=user or world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **values,
    )


def _release(world, assignment, **kwargs):
    assignment.refresh_from_db()
    return services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
        **kwargs,
    )


class TestAssessment:
    def test_la_dates_stored_from_the_clock_start(self, world):
        child = ChildFactory(local_authority=world.la)
        assessment = services.request_advice(
            context=TEST_CONTEXT,
            user=world.la_user,
            local_authority=world.la,
            child=child,
            request_received_on=dt.date(2025, 1, 6),
            questions="What are the child's health needs?",
        ).assessment
        assert assessment.clock_start_date == dt.date(2025, 1, 6)
        assert (assessment.decision_due, assessment.no_plan_notice_due, assessment.final_plan_due) == (
            dt.date(2025, 2, 17),
            dt.date(2025, 4, 28),
            dt.date(2025, 5, 26),
        )

    def test_changing_the_clock_start_recomputes_the_dates(self, world):
        child = ChildFactory(local_authority=world.la)
        assessment = services.request_advice(
            context=TEST_CONTEXT,
            user=world.la_user,
            local_authority=world.la,
            child=child,
            request_received_on=dt.date(2025, 1, 6),
            questions="What are the child's health needs?",
        ).assessment
        services.change_assessment_clock(
            context=TEST_CONTEXT,
            user=world.la_user,
            assessment=assessment,
            expected_version=assessment.version,
            clock_start_type="s24_became_responsible",
            clock_start_date=dt.date(2025, 1, 13),
            reason="The LA became responsible a week later than first recorded",
        )
        assessment.refresh_from_db()
        assert assessment.final_plan_due == dt.date(2025, 6, 2)

    def test_another_la_cannot_record_for_this_one(self, world):
        child = ChildFactory(local_authority=world.la)
        with pytest.raises(PermissionDenied):
            services.request_advice(
                context=TEST_CONTEXT,
                user=world.other_la_user,
                local_authority=world.la,
                child=child,
                request_received_on=TODAY,
                questions="What are the child's health needs?",
            )


class TestSubmitRequest:
    def test_due_six_weeks_after_health_received_it(self, world):
        advice_request = make_request(world, received=dt.date(2025, 1, 6))
        assert advice_request.due_on == dt.date(2025, 2, 17)
        assert advice_request.status == AdviceRequest.Status.SUBMITTED
        assert advice_request.reference == f"HA{advice_request.pk:07d}"

    def test_dco_told_without_names_or_health_details(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            advice_request = make_request(world)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert set(message.to) == {world.dco.email, world.dco_admin.email}
        assert advice_request.reference in message.subject
        assert str(advice_request.public_id) in message.body
        assert advice_request.child.given_name not in message.body + message.subject
        assert "speech" not in message.body.lower()

    def test_questions_required_and_nothing_recorded_without_them(self, world):
        child = ChildFactory(local_authority=world.la)
        with pytest.raises(ValidationError) as error:
            services.request_advice(
                context=TEST_CONTEXT,
                user=world.la_user,
                local_authority=world.la,
                child=child,
                request_received_on=TODAY + dt.timedelta(days=1),
                questions="  ",
            )
        assert {"questions", "request_received_on"} <= set(error.value.message_dict)  # all at once
        assert not EHCNeedsAssessment.objects.filter(child=child).exists()

    def test_an_api_token_acts_for_its_own_la_only(self, world):
        from accounts.models import ApiToken
        from audit.context import AuditContext

        token, _ = ApiToken.issue(organisation=world.la, name="Case system")
        api = AuditContext(via="api", token=token)
        child = ChildFactory(local_authority=world.la)
        created = services.request_advice(
            context=api,
            user=None,
            local_authority=world.la,
            child=child,
            request_received_on=TODAY,
            questions="What are the child's health needs?",
        )
        assert created.created_via_api and created.requested_by is None
        with pytest.raises(PermissionDenied):
            services.request_advice(
                context=api,
                user=None,
                local_authority=world.other_la,
                child=ChildFactory(local_authority=world.other_la),
                request_received_on=TODAY,
                questions="What are the child's health needs?",
            )
        with pytest.raises(PermissionDenied):  # no person and no token: nobody speaks for the LA
            services.request_advice(
                context=TEST_CONTEXT,
                user=None,
                local_authority=world.la,
                child=child,
                request_received_on=TODAY,
                questions="What are the child's health needs?",
            )

    def test_audited(self, world):
        advice_request = make_request(world)
        event = AuditEvent.objects.filter(object_id=str(advice_request.public_id)).get()
        assert AuditEvent.objects.filter(object_id=str(advice_request.assessment.public_id)).exists()
        assert event.action == "create" and event.child_public_id == advice_request.child.public_id


class TestRouting:
    def test_each_team_has_its_own_clock(self, world):
        advice_request = make_request(world, received=TODAY - dt.timedelta(days=5))
        (first,) = route(world, advice_request, world.team, received_on=TODAY - dt.timedelta(days=3))
        (second,) = route(world, advice_request, world.other_team)
        assert first.due_on == TODAY - dt.timedelta(days=3) + dt.timedelta(weeks=6)
        assert second.due_on == TODAY + dt.timedelta(weeks=6)
        advice_request.refresh_from_db()
        assert advice_request.status == AdviceRequest.Status.ROUTED

    def test_a_team_is_not_assigned_twice(self, world):
        advice_request = make_request(world)
        route(world, advice_request, world.team)
        assert route(world, advice_request, world.team) == []
        assert advice_request.assignments.count() == 1

    def test_only_the_areas_dco_routes(self, world):
        advice_request = make_request(world)
        for user in (world.other_dco, world.la_user, world.clinician):
            with pytest.raises(PermissionDenied):
                services.triage_and_route(
                    context=TEST_CONTEXT,
                    user=user,
                    advice_request=advice_request,
                    expected_version=1,
                    teams=[world.team],
                    lawful_basis="legal_obligation",
                )

    def test_only_to_provider_teams(self, world):
        advice_request = make_request(world)
        with pytest.raises(ValidationError):
            route(world, advice_request, world.la)

    def test_team_told_and_reminders_scheduled(self, world, django_capture_on_commit_callbacks):
        advice_request = make_request(world)
        with django_capture_on_commit_callbacks(execute=True):
            (assignment,) = route(world, advice_request, world.team)
        assert {tuple(m.to) for m in mail.outbox} == {
            tuple(sorted([world.clinician.email, world.manager.email]))
        }
        kinds = set(reminders.reminders_for(assignment).values_list("kind", "recipient"))
        assert (ReminderKind.DUE_SOON, world.clinician.email) in kinds
        assert (ReminderKind.AT_RISK, world.manager.email) in kinds
        assert (ReminderKind.AT_RISK, world.dco.email) in kinds
        assert (ReminderKind.OVERDUE, world.dco_admin.email) in kinds
        assert (ReminderKind.AT_RISK, world.clinician.email) not in kinds


class TestTeamResponses:
    def test_accept_then_submit_then_release(self, world, django_capture_on_commit_callbacks):
        advice_request = make_request(world)
        (assignment,) = route(world, advice_request, world.team)
        services.accept_assignment(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=assignment,
            expected_version=assignment.version,
        )
        assert assignment.status == Assignment.Status.ACCEPTED
        advice = _submit(world, assignment)
        assert advice.revision == 1
        advice_request.refresh_from_db()
        assert advice_request.status == AdviceRequest.Status.QUALITY_CHECK
        with django_capture_on_commit_callbacks(execute=True):
            check = _release(world, assignment)
        assert check.outcome == QualityCheck.Outcome.RELEASE and check.total == 24 and check.maximum == 24
        assignment.refresh_from_db()
        advice_request.refresh_from_db()
        assert assignment.status == Assignment.Status.RELEASED and assignment.returned_on == TODAY
        assert advice_request.status == AdviceRequest.Status.COMPLETE and advice_request.completed_on == TODAY
        assert any(world.la_user.email in m.to for m in mail.outbox)

    def test_not_known_with_reason(self, world):
        advice_request = make_request(world)
        (assignment,) = route(world, advice_request, world.team)
        with pytest.raises(ValidationError):
            services.decline_not_known(
                context=TEST_CONTEXT,
                user=world.clinician,
                assignment=assignment,
                expected_version=1,
                reason="no",
            )
        services.decline_not_known(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=assignment,
            expected_version=assignment.version,
            reason="Not known to the service; a health assessment was offered to the family.",
        )
        advice_request.refresh_from_db()
        assert assignment.status == Assignment.Status.NOT_KNOWN and assignment.returned_on == TODAY
        assert advice_request.status == AdviceRequest.Status.COMPLETE

    def test_only_the_team_answers(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        for user in (world.other_clinician, world.dco, world.la_user):
            with pytest.raises(PermissionDenied):
                services.accept_assignment(
                    context=TEST_CONTEXT,
                    user=user,
                    assignment=assignment,
                    expected_version=assignment.version,
                )

    def test_trust_manager_can_answer_for_its_teams(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        services.accept_assignment(
            context=TEST_CONTEXT, user=world.trust_manager, assignment=assignment, expected_version=1
        )

    def test_cannot_accept_twice(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        services.accept_assignment(
            context=TEST_CONTEXT, user=world.clinician, assignment=assignment, expected_version=1
        )
        with pytest.raises(services.InvalidTransition):
            services.accept_assignment(
                context=TEST_CONTEXT, user=world.clinician, assignment=assignment, expected_version=2
            )

    def test_provision_must_be_specific_and_quantified(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        vague = [{"what": "Speech therapy", "who": "", "how_often": "", "how_long": "", "section": "X"}]
        with pytest.raises(ValidationError) as error:
            _submit(world, assignment, provision=vague)
        messages = error.value.message_dict
        assert "Enter who, how often, how long for provision 1" in messages["provision_1"]
        assert "provision_1_section" in messages

    def test_author_registration_required(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        with pytest.raises(ValidationError) as error:
            _submit(world, assignment, author_registration_number=" ")
        assert "author_registration_number" in error.value.message_dict

    def test_needs_and_outcomes_required(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        with pytest.raises(ValidationError) as error:
            _submit(world, assignment, needs=[], outcomes=[{"outcome": ""}])
        assert {"needs", "outcomes"} <= set(error.value.message_dict)


class TestQualityCheck:
    def test_rework_then_resubmit_then_release(self, world, django_capture_on_commit_callbacks):
        (assignment,) = route(world, make_request(world), world.team)
        _submit(world, assignment)
        assignment.refresh_from_db()
        with pytest.raises(ValidationError):
            services.request_rework(
                context=TEST_CONTEXT,
                user=world.dco,
                assignment=assignment,
                expected_version=assignment.version,
                scores={"Q7": 1},
                comments="",
            )
        with django_capture_on_commit_callbacks(execute=True):
            check = services.request_rework(
                context=TEST_CONTEXT,
                user=world.dco,
                assignment=assignment,
                expected_version=assignment.version,
                scores={"Q7": 1, "Q8": 0},
                comments="Please quantify the provision.",
            )
        assert check.outcome == QualityCheck.Outcome.REWORK and check.total == 1 and check.maximum == 4
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.REWORK_REQUESTED
        assert "still due" in mail.outbox[-1].body and "reasons" in mail.outbox[-1].body
        with pytest.raises(ValidationError) as unanswered:
            _submit(world, assignment)
        assert unanswered.value.message_dict["response"] == [
            "Answer the DCO service's reasons for returning the advice"
        ]
        second = _submit(world, assignment, response="Each provision now says how often and how long.")
        assert second.revision == 2
        check.refresh_from_db()
        assert check.author_response == "Each provision now says how often and how long."
        assert check.responded_by == world.clinician and check.responded_at is not None
        _release(world, assignment)
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.RELEASED
        assert assignment.quality_checks.count() == 2

    def test_release_needs_every_criterion_scored_or_not_applicable(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        _submit(world, assignment)
        assignment.refresh_from_db()
        one_of_thirteen = {"Q1": 2}
        with pytest.raises(ValidationError) as error:
            services.release_advice(
                context=TEST_CONTEXT,
                user=world.dco,
                assignment=assignment,
                expected_version=assignment.version,
                scores=one_of_thirteen,
            )
        errors = error.value.message_dict
        assert sorted(errors, key=lambda k: int(k[1:])) == [f"Q{n}" for n in range(2, 14)]
        assert errors["Q3"] == ["Score Q3"] and errors["Q13"] == ["Score Q13 or choose Does not apply"]
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.ADVICE_SUBMITTED

    def test_does_not_apply_only_where_the_guidance_says(self, world):
        young = ChildFactory(
            local_authority=world.la, date_of_birth=dt.date.today() - dt.timedelta(days=6 * 365)
        )
        older = ChildFactory(
            local_authority=world.la, date_of_birth=dt.date.today() - dt.timedelta(days=15 * 365)
        )
        assert services.may_not_apply(young) == {"Q10", "Q11", "Q13"}
        assert services.may_not_apply(older) == {"Q11", "Q13"}  # preparing for adulthood applies
        (assignment,) = route(world, make_request(world, child=older), world.team)
        _submit(world, assignment)
        assignment.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            services.release_advice(
                context=TEST_CONTEXT,
                user=world.dco,
                assignment=assignment,
                expected_version=assignment.version,
                scores={**GOOD_SCORES, "Q10": "n/a", "Q5": "n/a"},
            )
        assert error.value.message_dict == {
            "Q10": ["Q10 applies to this advice: score it 0, 1 or 2"],
            "Q5": ["Q5 applies to this advice: score it 0, 1 or 2"],
        }
        check = services.release_advice(
            context=TEST_CONTEXT,
            user=world.dco,
            assignment=assignment,
            expected_version=assignment.version,
            scores={**GOOD_SCORES, "Q11": "n/a"},
        )
        assert check.total == 22 and check.maximum == 22 and check.not_applicable() == ["Q11", "Q13"]

    def test_scores_are_0_1_or_2(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        _submit(world, assignment)
        assignment.refresh_from_db()
        for bad in ({"Q1": 3}, {"Q99": 1}, {}, {"Q1": "x"}):
            with pytest.raises(ValidationError):
                services.release_advice(
                    context=TEST_CONTEXT,
                    user=world.dco,
                    assignment=assignment,
                    expected_version=assignment.version,
                    scores=bad,
                )

    def test_only_the_areas_dco_checks(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        _submit(world, assignment)
        assignment.refresh_from_db()
        for user in (world.other_dco, world.clinician, world.la_user):
            with pytest.raises(PermissionDenied):
                services.release_advice(
                    context=TEST_CONTEXT,
                    user=user,
                    assignment=assignment,
                    expected_version=assignment.version,
                    scores=GOOD_SCORES,
                )

    def test_nothing_to_check_before_submission(self, world):
        (assignment,) = route(world, make_request(world), world.team)
        with pytest.raises(services.InvalidTransition):
            _release(world, assignment)

    def test_request_complete_only_when_every_team_has_answered(self, world):
        advice_request = make_request(world)
        first, second = route(world, advice_request, world.team, world.other_team)
        _submit(world, first)
        _release(world, first)
        advice_request.refresh_from_db()
        assert advice_request.status == AdviceRequest.Status.ROUTED
        _submit(world, second, user=world.other_clinician)
        advice_request.refresh_from_db()
        assert advice_request.status == AdviceRequest.Status.QUALITY_CHECK
        _release(world, second)
        advice_request.refresh_from_db()
        assert advice_request.status == AdviceRequest.Status.COMPLETE


class TestCancel:
    def test_la_cancels_and_teams_cannot_then_answer(self, world):
        advice_request = make_request(world)
        (assignment,) = route(world, advice_request, world.team)
        advice_request.refresh_from_db()
        services.cancel_request(
            context=TEST_CONTEXT,
            user=world.la_user,
            advice_request=advice_request,
            expected_version=advice_request.version,
            reason="Assessment withdrawn",
        )
        assert advice_request.status == AdviceRequest.Status.CANCELLED
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.CANCELLED
        assert not Assignment.objects.overdue(TODAY + dt.timedelta(weeks=10)).exists()
        with pytest.raises(services.InvalidTransition):  # an up-to-date page: told why not
            services.accept_assignment(
                context=TEST_CONTEXT,
                user=world.clinician,
                assignment=assignment,
                expected_version=assignment.version,
            )


class TestExceptions:
    def _assignment(self, world, received):
        advice_request = make_request(world, received=received)
        (assignment,) = route(world, advice_request, world.team, received_on=received)
        return assignment

    def test_missed_appointment_recorded_beside_the_deadline(self, world):
        received = TODAY - dt.timedelta(days=20)
        assignment = self._assignment(world, received)
        due = assignment.due_on
        exception = services.record_exception(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=assignment,
            expected_version=assignment.version,
            code="missed_appointment",
            start_on=received + dt.timedelta(days=10),
            reason="Did not attend the clinic appointment",
            approved_by=world.manager,
        )
        assert isinstance(exception, TimeLimitException)
        assignment.refresh_from_db()
        assert assignment.due_on == due  # never moved

    def test_outside_the_six_weeks_refused_with_the_reason(self, world):
        received = TODAY - dt.timedelta(days=60)
        assignment = self._assignment(world, received)
        with pytest.raises(ValidationError) as error:
            services.record_exception(
                context=TEST_CONTEXT,
                user=world.dco,
                assignment=assignment,
                expected_version=assignment.version,
                code="missed_appointment",
                start_on=received + dt.timedelta(days=50),
                reason="Did not attend",
                approved_by=world.dco,
            )
        assert "within the 6-week period" in str(error.value)

    def test_approver_must_be_the_dco_or_the_team_manager(self, world):
        received = TODAY - dt.timedelta(days=20)
        assignment = self._assignment(world, received)
        with pytest.raises(ValidationError):
            services.record_exception(
                context=TEST_CONTEXT,
                user=world.clinician,
                assignment=assignment,
                expected_version=assignment.version,
                code="exceptional_circumstances",
                start_on=received + dt.timedelta(days=2),
                reason="Family bereavement",
                approved_by=world.clinician,
            )

    def test_la_cannot_record_one(self, world):
        assignment = self._assignment(world, TODAY - dt.timedelta(days=20))
        with pytest.raises(PermissionDenied):
            services.record_exception(
                context=TEST_CONTEXT,
                user=world.la_user,
                assignment=assignment,
                expected_version=assignment.version,
                code="exceptional_circumstances",
                start_on=TODAY - dt.timedelta(days=2),
                reason="x",
                approved_by=world.dco,
            )


class TestOptimisticLocking:
    def test_the_second_writer_is_told(self, world):
        advice_request = make_request(world)
        (assignment,) = route(world, advice_request, world.team)
        seen_by_clinician = Assignment.objects.get(pk=assignment.pk)
        seen_by_manager = Assignment.objects.get(pk=assignment.pk)
        services.accept_assignment(
            context=TEST_CONTEXT,
            user=world.clinician,
            assignment=seen_by_clinician,
            expected_version=seen_by_clinician.version,
        )
        with pytest.raises(services.ConcurrentUpdate) as error:
            services.decline_not_known(
                context=TEST_CONTEXT,
                user=world.manager,
                assignment=seen_by_manager,
                expected_version=seen_by_manager.version,
                reason="Not known to our service at all, assessment offered.",
            )
        assert "Someone else changed this" in str(error.value)
        seen_by_manager.refresh_from_db()
        assert seen_by_manager.status == Assignment.Status.ACCEPTED  # the first change was kept

    def test_stale_request_version_refused_and_nothing_written(self, world):
        advice_request = make_request(world)
        stale = advice_request.version
        route(world, advice_request, world.team)
        with pytest.raises(services.ConcurrentUpdate):
            services.triage_and_route(
                context=TEST_CONTEXT,
                user=world.dco_admin,
                advice_request=advice_request,
                expected_version=stale,
                teams=[world.other_team],
                lawful_basis="legal_obligation",
            )
        assert advice_request.assignments.count() == 1
