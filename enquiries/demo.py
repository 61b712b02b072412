"""Demo enquiries to the DCO service (synthetic people only), in every state (new, acknowledged,
assigned, answered, closed, reopened), spread over the last year, some late, so the dashboard has
something to show (called by `manage.py load_demo_data`, after the accounts, children and section 23
demo data, whose DCO service and local authorities it uses).

Enquiries are made through enquiries.services (so references, targets, reminders, involvements and the
access log are as the product makes them), then dated back. Reminders that would already have gone are
recorded as sent, so the worker does not send a year of them at once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Organisation, Role, User
from audit.context import AuditContext
from casework import reminders, targets
from casework.models import CaseReminder
from children.models import ChildOrYoungPerson
from enquiries import services
from enquiries.models import Channel, EnquirerRole, Enquiry, Kind, Need, Outcome, Theme
from enquiries.testing import enquiry_details

CONTEXT = AuditContext.worker("load_demo_data:enquiries")
SERVICES = [
    "Children's speech and language therapy",
    "Community paediatrics",
    "Children's occupational therapy",
    "Wheelchair service",
    "Child and adolescent mental health services (CAMHS)",
    "Children's continence service",
    "Neurodevelopmental (autism and ADHD) assessment",
]
NAMES = ["Alex", "Sam", "Jordan", "Casey", "Riley", "Morgan", "Jamie", "Taylor"]
DETAILS = {
    Theme.WAITING: "We were told the wait is 40 weeks. Is there anything that can happen sooner?",
    Theme.ACCESS: "The referral was turned down and we do not understand why.",
    Theme.EHC_PLAN: "The health provision in section G of the plan is not being delivered.",
    Theme.THERAPY: "Therapy sessions stopped when the therapist left and have not restarted.",
    Theme.EQUIPMENT: "A new seating system was promised in the spring and has not arrived.",
    Theme.DIAGNOSIS: "We would like to know where our child is on the assessment pathway.",
    Theme.TRANSITION: "Our son turns 18 soon; who will provide his care after children's services?",
    Theme.COMMUNICATION: "Letters from the clinic are not in easy read as we asked.",
    Theme.OTHER: "Which service should we ask about sleep problems?",
}
STATES = ["new", "acknowledged", "assigned", "answered", "closed", "reopened"]


def is_loaded() -> bool:
    return Enquiry.objects.filter(dco_service__code="DCO-DEMO").exists()


def _backdate(enquiry: Enquiry, received: dt.date, today: dt.date, rng: random.Random) -> None:
    ack_by = targets.due_after(received, services.acknowledge_working_days())
    respond_by = targets.due_after(received, services.respond_working_days())
    fields: dict[str, Any] = {
        "received_on": received,
        "acknowledge_by": ack_by,
        "respond_by": respond_by,
        "created_at": timezone.make_aware(dt.datetime.combine(received, dt.time(9, 30))),
    }
    if enquiry.acknowledged_on:
        fields["acknowledged_on"] = min(today, targets.due_after(received, rng.choice([1, 2, 3, 3, 5])))
    if enquiry.responded_on:
        fields["responded_on"] = min(today, targets.due_after(received, rng.choice([8, 12, 15, 19, 20, 26])))
    if enquiry.closed_on:
        fields["closed_on"] = min(today, (fields.get("responded_on") or received) + dt.timedelta(days=3))
    if enquiry.reopen_count:
        fields["respond_by"] = targets.due_after(min(today, received + dt.timedelta(days=40)), 20)
    Enquiry.objects.filter(pk=enquiry.pk).update(**fields)
    _backdate_history(enquiry, fields, today)
    enquiry.refresh_from_db()
    now = timezone.now()
    for reminder in reminders.reminders_for(enquiry):
        kind = reminder.kind.split(":")[0]
        target = enquiry.acknowledge_by if kind.startswith("acknowledge") else enquiry.respond_by
        day = (
            targets.due_after(target, 1)
            if kind.endswith("overdue")
            else services.working_days_before(target, 1 if kind.startswith("acknowledge") else 3)
        )
        due = reminders.at_start_of(day)
        CaseReminder.objects.filter(pk=reminder.pk).update(due_at=due, sent_at=due if due < now else None)


def _backdate_history(enquiry: Enquiry, fields: dict[str, Any], today: dt.date) -> None:
    """Date each history line (and each contact) on the day its step was taken, in order: received,
    acknowledged, then assignments and contacts, the outcome, closing and reopening. One day per
    step, never earlier than the step before it."""
    received: dt.date = fields["received_on"]
    step_days = {
        "Acknowledged": fields.get("acknowledged_on"),
        "Outcome": fields.get("responded_on"),
        "Closed": fields.get("closed_on"),
        "Reopened": min(today, received + dt.timedelta(days=40)),
    }
    day = received
    contacts = list(enquiry.contacts.order_by("pk"))
    for event in enquiry.events.order_by("pk"):
        step = next((day_of for text, day_of in step_days.items() if event.text.startswith(text)), None)
        day = max(day, step or day)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        type(event).objects.filter(pk=event.pk).update(at=at)
        if event.text.startswith("Contact") and contacts:
            type(contacts[0]).objects.filter(pk=contacts.pop(0).pk).update(contacted_on=day)


def load(stdout: TextIO | None = None, seed: int = 2026, **options: Any) -> str:
    rng = random.Random(f"enquiries-{seed}")  # repeatable demo data, not a secret  # nosec B311
    today = timezone.localdate()
    dco_service = Organisation.objects.filter(code="DCO-DEMO").first()
    if dco_service is None:
        return "no demo DCO service: load the section 23 demo data first"
    las = list(dco_service.areas.filter(is_active=True).order_by("code"))
    dco = User.objects.filter(
        memberships__organisation=dco_service, memberships__role=Role.DCO, is_active=True
    ).first()
    teams = list(
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER_TEAM, is_active=True).order_by("code")[:4]
    )
    if not las or dco is None:
        return "no demo local authorities or DCO"
    made = 0
    for n in range(72):
        # Most recent ones in the early states; every state appears at least twice.
        age = int(360 * (n / 72) ** 1.3)
        received = today - dt.timedelta(days=age)
        if n < 12:
            state = STATES[n % 6]
        elif age < 20:
            state = rng.choice(["new", "acknowledged", "assigned"])
        else:
            state = rng.choice(["answered", "closed", "closed", "closed", "reopened", "assigned"])
        theme = rng.choice(list(Theme))
        role = rng.choice(list(EnquirerRole))
        name = f"{rng.choice(NAMES)} Demo-Enquirer{n}"
        by_phone = rng.random() < 0.2
        details = enquiry_details(
            enquirer_role=role,
            enquirer_name=name,
            relationship=""
            if role == EnquirerRole.YOUNG_PERSON
            else rng.choice(["Mother", "Father", "Foster carer", "Class teacher"]),
            reply_by="phone" if by_phone else "email",
            email="" if by_phone else f"enquirer{n}@example.org",
            phone=f"01632 960{n:03d}",
            interpreter=rng.random() < 0.1,
            language="Polish",
            easy_read=rng.random() < 0.1,
            child_name=f"{rng.choice(NAMES)} Demo-Child{n}",
            service_name=rng.choice(SERVICES),
            kind=rng.choice(list(Kind)),
            theme=theme,
            need=rng.choice(list(Need)),
            details=DETAILS[theme],
            tried=rng.choice(
                ["", "Phoned the service.", "Spoke to the school SENCO.", "Made a complaint to the trust."]
            ),
            urgent=rng.random() < 0.08,
            consent_to_share=rng.random() < 0.9,
        )
        channel = rng.choice(
            [Channel.ONLINE, Channel.ONLINE, Channel.ONLINE, Channel.PHONE, Channel.EMAIL, Channel.LETTER]
        )
        enquiry = services.submit_enquiry(
            user=AnonymousUser() if channel == Channel.ONLINE else dco,
            context=CONTEXT,
            local_authority=las[n % len(las)],
            details=details,
            channel=channel,
            received_on=None if channel == Channel.ONLINE else timezone.localdate(),
        )
        args: dict[str, Any] = {"user": dco, "context": CONTEXT}
        steps = STATES[1 : STATES.index(state) + 1]
        for step in steps:
            enquiry.refresh_from_db()
            each: dict[str, Any] = {**args, "enquiry": enquiry, "expected_version": enquiry.version}
            if step == "acknowledged":
                services.acknowledge(
                    **each, triage_note="Contacted the enquirer; asked the service for an update."
                )
            elif step == "assigned":
                services.assign(
                    **each, person=dco, team=rng.choice(teams) if teams and rng.random() < 0.5 else None
                )
                enquiry.refresh_from_db()
                services.record_contact(
                    **args,
                    enquiry=enquiry,
                    service_name=enquiry.service_name,
                    method="phone",
                    contacted_on=today,
                    summary="Asked for the expected date and the reason for the delay.",
                )
            elif step == "answered":
                services.record_outcome(
                    **each,
                    outcome=rng.choice(list(Outcome)),
                    detail="Explained the waiting list and what to do if things change.",
                )
            elif step == "closed":
                services.close(**each)
            else:
                services.reopen(**each, reason="The enquirer called back: the promised date was missed.")
        enquiry.refresh_from_db()
        if n % 9 == 0:  # some linked to a demo child of that LA
            children = ChildOrYoungPerson.objects.filter(local_authority=enquiry.local_authority).order_by(
                "pk"
            )
            child = children[n // 9 : n // 9 + 1].first()
            if child is not None:
                Enquiry.objects.filter(pk=enquiry.pk).update(child=child)
                enquiry.refresh_from_db()
        _backdate(enquiry, received, today, rng)
        services._update_involvements(enquiry)
        made += 1
    return f"{made} enquiries"
