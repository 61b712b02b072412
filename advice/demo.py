"""A realistic year of EHC health advice casework for the demo: deterministic (seeded).

For each demo child (children.demo) an EHC needs assessment and a request for health advice, received
over the last 12 months, routed to one to three of the demo trust's teams. Older requests are mostly
complete (most on time, some late, some with reg 8(2) exceptions, some "not known to this service");
recent ones are in every open state: awaiting triage, awaiting acceptance, accepted, awaiting quality
check, rework requested, at risk, overdue; a few are cancelled. Rows are written directly (services
use today's date) with every statutory date computed by lib.clocks, as the services would.

Organisations are looked up (or made) by code: ICB "ICB-DEMO", DCO service "DCO-DEMO" (areas: both
LAs), LAs "E10000099" and "E09000099", trust "RX9" with teams RX9-PAED, -SLT, -OT, -PHYSIO, -CAMHS,
-HV and -SN. Reminder rows whose time has passed are marked sent, so the worker does not send a
year of reminders on its first run.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from advice.involvements import record_involvements
from advice.models import (
    NOT_APPLICABLE,
    QUALITY_CRITERIA,
    AdviceRequest,
    Assignment,
    EHCNeedsAssessment,
    HealthAdvice,
    QualityCheck,
    TimeLimitException,
)
from advice.services import schedule_reminders
from audit.context import AuditContext
from casework.models import CaseReminder
from children.demo import DEMO_LAS, demo_local_authorities
from children.models import ChildOrYoungPerson
from children.services import record_child
from lib import clocks

TEAMS = {
    "RX9-PAED": (
        "Community paediatrics",
        "Community paediatrics",
        "Consultant community paediatrician",
        "GMC",
    ),
    "RX9-SLT": (
        "Speech and language therapy",
        "Speech and language therapy",
        "Speech and language therapist",
        "HCPC",
    ),
    "RX9-OT": ("Children's occupational therapy", "Occupational therapy", "Occupational therapist", "HCPC"),
    "RX9-PHYSIO": ("Children's physiotherapy", "Physiotherapy", "Physiotherapist", "HCPC"),
    "RX9-CAMHS": ("CAMHS", "Child and adolescent mental health", "Clinical psychologist", "HCPC"),
    "RX9-HV": ("Health visiting", "Health visiting", "Specialist community public health nurse", "NMC"),
    "RX9-SN": ("School nursing", "School nursing", "School nurse", "NMC"),
}

ADVICE_TEMPLATES: dict[str, dict[str, Any]] = {
    "RX9-SLT": {
        "need": "Expressive and receptive language difficulties that limit access to classroom teaching",
        "outcome": "Follows two-part instructions in class without visual prompts",
        "provision": (
            "Direct speech and language therapy in school",
            "Speech and language therapist (Band 6)",
            "Weekly, 30 minutes",
            "One academic year, reviewed termly",
            "F",
        ),
    },
    "RX9-OT": {
        "need": "Fine motor and sensory processing difficulties affecting handwriting and self-care",
        "outcome": "Dresses independently after PE within the time allowed",
        "provision": (
            "Sensory diet and fine-motor programme delivered by teaching assistant",
            "Teaching assistant trained by an occupational therapist",
            "Daily, 15 minutes",
            "Two terms, reviewed by OT each half term",
            "F",
        ),
    },
    "RX9-PHYSIO": {
        "need": "Low muscle tone and reduced stamina affecting mobility around school",
        "outcome": "Walks between classrooms independently using a walking aid",
        "provision": (
            "Physiotherapy review and stretching programme",
            "Children's physiotherapist",
            "Every 6 weeks review; daily programme",
            "12 months",
            "G",
        ),
    },
    "RX9-PAED": {
        "need": "Autism diagnosis with co-occurring sleep difficulties affecting attention",
        "outcome": "Sleeps through the night at least five nights a week",
        "provision": (
            "Medical review of sleep and medication",
            "Community paediatrician",
            "Every 6 months",
            "Until the next annual review",
            "G",
        ),
    },
    "RX9-CAMHS": {
        "need": "Anxiety causing school avoidance and difficulty joining group work",
        "outcome": "Attends school full time and joins one group activity a week",
        "provision": (
            "Cognitive behavioural therapy",
            "CAMHS clinical psychologist",
            "Fortnightly, 50 minutes",
            "12 sessions, then review",
            "G",
        ),
    },
    "RX9-HV": {
        "need": "Global developmental delay noted at the 2-year review",
        "outcome": "Uses 50 single words and some two-word phrases at nursery",
        "provision": (
            "Developmental review and parenting support",
            "Health visitor",
            "Monthly",
            "Until school entry",
            "G",
        ),
    },
    "RX9-SN": {
        "need": "Type 1 diabetes requiring support with blood glucose monitoring at school",
        "outcome": "Manages glucose checks with minimal adult prompting",
        "provision": (
            "Individual healthcare plan and staff training",
            "School nurse",
            "Annual training; plan reviewed yearly",
            "While at this school",
            "G",
        ),
    },
}


def demo_organisations() -> dict[str, Organisation]:
    """Every demo organisation by code, made if accounts.demo has not made them."""
    las = demo_local_authorities()
    icb, _ = Organisation.objects.get_or_create(
        code="ICB-DEMO",
        defaults={
            "name": "Northshire and Eastbury Integrated Care Board",
            "kind": Organisation.Kind.INTEGRATED_CARE_BOARD,
        },
    )
    dco, _ = Organisation.objects.get_or_create(
        code="DCO-DEMO",
        defaults={
            "name": "Northshire and Eastbury DCO service",
            "kind": Organisation.Kind.DCO_SERVICE,
            "parent": icb,
        },
    )
    dco.areas.add(*las.values())
    trust, _ = Organisation.objects.get_or_create(
        code="RX9",
        defaults={"name": "Northshire Community Health NHS Trust", "kind": Organisation.Kind.PROVIDER_TRUST},
    )
    orgs = {"ICB-DEMO": icb, "DCO-DEMO": dco, "RX9": trust, **las}
    for code, (name, specialism, _, _) in TEAMS.items():
        orgs[code], _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": Organisation.Kind.PROVIDER_TEAM,
                "parent": trust,
                "specialism": specialism,
            },
        )
    return orgs


def _approver(dco: Organisation) -> User:
    """A DCO of the demo service, to approve exceptions (made, unable to sign in, if there is none)."""
    membership = (
        Membership.objects.filter(organisation=dco, role=Role.DCO, is_active=True)
        .select_related("user")
        .first()
    )
    if membership:
        return membership.user
    user, _ = User.objects.get_or_create(
        email="dco-approver.demo@example.org",
        defaults={
            "first_name": "Demo",
            "last_name": "Approver",
            "is_demo": True,
            "password": make_password(None),
        },
    )
    Membership.objects.get_or_create(user=user, organisation=dco, role=Role.DCO)
    return user


def is_loaded() -> bool:
    return AdviceRequest.objects.filter(local_authority__code__in=DEMO_LAS).exists()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """That day at that hour, but never later than now: a timestamp in the future would hide real
    changes made after loading (the dashboard's cache key is the newest `updated_at`)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), timezone.now())


def _teams_for(rng: random.Random, age_years: int) -> list[str]:
    if age_years < 5:
        pool = ["RX9-HV", "RX9-SLT", "RX9-PAED", "RX9-PHYSIO"]
    elif age_years < 11:
        pool = ["RX9-SLT", "RX9-OT", "RX9-PAED", "RX9-SN", "RX9-CAMHS", "RX9-PHYSIO"]
    else:
        pool = ["RX9-CAMHS", "RX9-SN", "RX9-PAED", "RX9-OT", "RX9-SLT"]
    return rng.sample(pool, k=rng.choice([1, 1, 2, 2, 2, 3]))


def _write_advice(
    rng: random.Random, assignment: Assignment, code: str, revision: int, day: dt.date
) -> HealthAdvice:
    template = ADVICE_TEMPLATES[code]
    what, who, how_often, how_long, section = template["provision"]
    _, _, profession, body = TEAMS[code]
    return HealthAdvice.objects.create(
        assignment=assignment,
        revision=revision,
        views_and_aspirations="The family's and the child's views were gathered at a clinic appointment.",
        strengths="Sociable and motivated; enjoys practical activities.",
        needs=[{"description": template["need"], "relates_to_sen": True}],
        outcomes=[{"outcome": template["outcome"], "by_when": "By the next annual review"}],
        provision=[
            {
                "what": what,
                "who": who,
                "how_often": how_often,
                "how_long": how_long,
                "where": "School",
                "section": section,
                "commissioned": rng.random() > 0.1,
            }
        ],
        author_name=f"{rng.choice(['A.', 'J.', 'R.', 'S.', 'T.'])} {rng.choice(['Clinician', 'Practitioner', 'Therapist'])}",
        author_profession=profession,
        author_registration_body=body,
        author_registration_number=f"{body[:2]}{rng.randrange(100000, 999999)}",
        advice_date=day,
        submitted_at=_at(day, 15),
    )


def _quality_check(
    rng: random.Random,
    assignment: Assignment,
    advice: HealthAdvice,
    outcome: str,
    day: dt.date,
    checker: User,
) -> None:
    scores: dict[str, int | str] = {
        key: (2 if rng.random() < 0.8 else 1) for key in QUALITY_CRITERIA if key not in ("Q13",)
    }
    scores["Q13"] = NOT_APPLICABLE
    if outcome == QualityCheck.Outcome.REWORK:
        scores["Q7"] = 0
    numbers = [v for v in scores.values() if isinstance(v, int)]
    QualityCheck.objects.create(
        assignment=assignment,
        advice=advice,
        scores=scores,
        total=sum(numbers),
        maximum=2 * len(numbers),
        outcome=outcome,
        comments="Please quantify how often and for how long." if outcome == "rework" else "",
        checked_by=checker,
        checked_at=_at(day, 16),
    )


def _possible_duplicate() -> None:
    """One possible duplicate for the DCO service to check (ADR 0013): Eastbury sent a Northshire
    child's NHS number with another name and date of birth. Eastbury was told nothing of that child."""
    las = demo_local_authorities()
    northshire = (
        ChildOrYoungPerson.objects.filter(local_authority=las["E10000099"])
        .exclude(nhs_number="")
        .order_by("pk")
        .first()
    )
    if northshire is not None:
        record_child(
            user=None,
            context=AuditContext.worker("demo data"),
            local_authority=las["E09000099"],
            given_name="Jesse",
            family_name="Wrenfield",
            date_of_birth=northshire.date_of_birth.replace(day=1),
            nhs_number=northshire.nhs_number,
        )


def load(stdout: TextIO | None = None, seed: int = 2026, **options: Any) -> str:
    """Make a year of casework for the demo children (called by `manage.py load_demo_data`)."""
    rng = random.Random(f"advice-{seed}")  # repeatable demo data, not a secret  # nosec B311
    orgs = demo_organisations()
    approver = _approver(orgs["DCO-DEMO"])
    today = timezone.localdate()
    children = list(ChildOrYoungPerson.objects.filter(local_authority__code__in=DEMO_LAS).order_by("pk"))
    counts: dict[str, int] = {}
    for index, child in enumerate(children):
        # Received over the last 365 days, a little busier in the most recent months.
        age_days = int(rng.triangular(0, 365, 0))
        received = today - dt.timedelta(days=age_days)
        clock_start = received - dt.timedelta(days=rng.randrange(20, 45))
        if clock_start > today:
            clock_start = today
        assessment = EHCNeedsAssessment.objects.create(
            child=child,
            local_authority_id=child.local_authority_id,
            la_reference=f"EHC/{clock_start:%Y}/{index + 1:04d}",
            request_received_on=clock_start,
            clock_start_type=rng.choice(["s36_request"] * 9 + ["s24_became_responsible"]),
            clock_start_date=clock_start,
            decision_to_assess_on=min(received, clock_start + dt.timedelta(days=35)),
            decision_due=clocks.decision_to_assess_due(clock_start),
            no_plan_notice_due=clocks.no_plan_notice_due(clock_start),
            final_plan_due=clocks.final_plan_due(clock_start),
            created_at=_at(received, 9),
        )
        advice_request = AdviceRequest.objects.create(
            reference=f"tmp-{index}",
            assessment=assessment,
            child=child,
            local_authority_id=child.local_authority_id,
            questions="Please describe the child's health needs related to their SEN, the outcomes sought and the "
            "health provision required.",
            known_health_involvement=", ".join(TEAMS[c][0] for c in _teams_for(rng, child.age(received))),
            sent_on=received - dt.timedelta(days=rng.choice([0, 0, 1, 2])),
            received_by_health=received,
            due_on=clocks.health_advice_due(received),
            created_at=_at(received, 9),
            updated_at=_at(received, 9),
        )
        advice_request.reference = f"HA{advice_request.pk:07d}"
        if age_days <= 5 and rng.random() < 0.8:
            advice_request.save(update_fields=["reference"])
            counts["awaiting triage"] = counts.get("awaiting triage", 0) + 1
            continue
        if rng.random() < 0.02:
            advice_request.status = AdviceRequest.Status.CANCELLED
            advice_request.cancelled_reason = "The LA decided not to continue the assessment."
            advice_request.save(update_fields=["reference", "status", "cancelled_reason"])
            counts["cancelled"] = counts.get("cancelled", 0) + 1
            continue
        routed_on = min(today, received + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3])))
        advice_request.triaged_by = approver
        advice_request.triaged_at = _at(routed_on, 11)
        statuses = []
        last_change = routed_on
        for code in _teams_for(rng, child.age(received)):
            team = orgs[code]
            due = clocks.health_advice_due(routed_on)
            assignment = Assignment.objects.create(
                advice_request=advice_request,
                local_authority_id=advice_request.local_authority_id,
                team=team,
                received_on=routed_on,
                due_on=due,
                routed_by=approver,
                routed_at=_at(routed_on, 11),
                created_at=_at(routed_on, 11),
            )
            schedule_reminders(assignment)
            elapsed = (today - routed_on).days
            # How long this team takes: most within 6 weeks, about one in six late.
            takes = int(rng.triangular(10, 60, 33)) if rng.random() > 0.17 else rng.randrange(43, 80)
            if rng.random() < 0.07:  # not known to this service
                if elapsed >= 5:
                    day = routed_on + dt.timedelta(days=min(elapsed, rng.randrange(2, 10)))
                    assignment.status = Assignment.Status.NOT_KNOWN
                    assignment.not_known_reason = (
                        "Not known to the service. A health assessment appointment was offered to the family."
                    )
                    assignment.submitted_on = assignment.returned_on = day
                    last_change = max(last_change, day)
                assignment.save()
                statuses.append(assignment.status)
                continue
            slow_to_accept = elapsed < 21 and rng.random() < 0.25  # some teams have not accepted yet
            if elapsed >= 3 and not slow_to_accept:
                assignment.status = Assignment.Status.ACCEPTED
                assignment.accepted_at = _at(routed_on + dt.timedelta(days=min(elapsed, 3)), 12)
            if takes > 35 and rng.random() < 0.15:
                # A reg 8(2) exception inside the window; the deadline stays where it is.
                kind = rng.choice(
                    ["missed_appointment", "missed_appointment", "exceptional_circumstances", "absence"]
                )
                start = routed_on + dt.timedelta(days=rng.randrange(3, 12))
                end = start + dt.timedelta(days=29) if kind == "absence" else None
                if start <= today and clocks.check_health_exception(
                    code=kind, received_by_health=routed_on, start=start, end=end
                ):
                    assignment.has_exception = True
                    TimeLimitException.objects.create(
                        assignment=assignment,
                        code=kind,
                        start_on=start,
                        end_on=end,
                        approved_by=approver,
                        recorded_by=approver,
                        recorded_at=_at(start + dt.timedelta(days=1)),
                        reason={
                            "missed_appointment": "The child was not brought to the clinic appointment.",
                            "exceptional_circumstances": "A family bereavement during the assessment period.",
                            "absence": "The family was abroad for five weeks.",
                        }[kind],
                    )
                    takes += rng.randrange(5, 20)
            submitted_day = routed_on + dt.timedelta(days=takes)
            if submitted_day <= today:
                advice = _write_advice(rng, assignment, code, 1, submitted_day)
                assignment.submitted_on = submitted_day
                assignment.status = Assignment.Status.ADVICE_SUBMITTED
                check_day = submitted_day + dt.timedelta(days=rng.choice([1, 2, 3, 5]))
                if check_day <= today:
                    if rng.random() < 0.12:  # sent back for rework
                        _quality_check(
                            rng, assignment, advice, QualityCheck.Outcome.REWORK, check_day, approver
                        )
                        assignment.status = Assignment.Status.REWORK_REQUESTED
                        resubmit = check_day + dt.timedelta(days=rng.randrange(3, 10))
                        if resubmit <= today:
                            advice = _write_advice(rng, assignment, code, 2, resubmit)
                            assignment.status = Assignment.Status.ADVICE_SUBMITTED
                            check_day = resubmit + dt.timedelta(days=2)
                    if assignment.status == Assignment.Status.ADVICE_SUBMITTED and check_day <= today:
                        _quality_check(
                            rng, assignment, advice, QualityCheck.Outcome.RELEASE, check_day, approver
                        )
                        assignment.status = Assignment.Status.RELEASED
                        assignment.returned_on = check_day
                        last_change = max(last_change, check_day)
                last_change = max(last_change, submitted_day)
            assignment.save()
            statuses.append(assignment.status)
        from advice.services import request_status_from

        advice_request.status = request_status_from(statuses, advice_request.status)
        if advice_request.status == AdviceRequest.Status.COMPLETE:
            advice_request.completed_on = last_change
        advice_request.updated_at = _at(min(last_change, today), 17)
        advice_request.save()
        record_involvements(advice_request)
        label = advice_request.get_status_display().lower()
        counts[label] = counts.get(label, 0) + 1
    _possible_duplicate()
    # Reminders whose time has passed were "sent" long ago: the worker must not send them now.
    CaseReminder.objects.filter(
        record_type="advice.assignment",
        record_id__in=Assignment.objects.filter(advice_request__local_authority__code__in=DEMO_LAS).values(
            "public_id"
        ),
        due_at__lte=timezone.now(),
        sent_at__isnull=True,
    ).update(sent_at=timezone.now())
    open_assignments = Assignment.objects.filter(
        advice_request__local_authority__code__in=DEMO_LAS, status__in=Assignment.OPEN_STATUSES
    )
    overdue = open_assignments.filter(due_on__lt=today).count()
    summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    return (
        f"{len(children)} advice requests ({summary}); {overdue} team assignments overdue; "
        f"{TimeLimitException.objects.count()} reg 8(2) exceptions"
    )
