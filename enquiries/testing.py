"""Helpers for tests of enquiries (and the site-wide walks): an enquiry's details as a parent would
give them, and one enquiry taken to each state through the services. Synthetic people only."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User
from audit.testing import TEST_CONTEXT
from enquiries import services
from enquiries.models import Enquiry


def enquiry_details(**overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "enquirer_role": "parent",
        "enquirer_name": "Sam Example-Parent",
        "relationship": "Mother",
        "reply_by": "email",
        "email": "sam.parent@example.org",
        "phone": "01632 960002",
        "interpreter": True,
        "language": "Polish",
        "easy_read": False,
        "child_name": "Robin Example",
        "service_name": "Children's speech and language therapy",
        "kind": "concern",
        "theme": "waiting",
        "need": "communication",
        "details": "We have waited 40 weeks for speech therapy & nobody has told us when it starts (<6 months?).",
        "tried": "Phoned the service twice.",
        "urgent": False,
        "consent_to_share": True,
    }
    details.update(overrides)
    return details


def submit(local_authority: Organisation, user: Any = None, **overrides: Any) -> Enquiry:
    from django.contrib.auth.models import AnonymousUser

    return services.submit_enquiry(
        user=user or AnonymousUser(),
        context=TEST_CONTEXT,
        local_authority=local_authority,
        details=enquiry_details(**overrides),
    )


def take_to(enquiry: Enquiry, state: str, *, dco: User, team: Organisation | None = None) -> Enquiry:
    """Move a new enquiry on to `state` (acknowledged, assigned, answered, closed, reopened)."""
    steps = ["acknowledged", "assigned", "answered", "closed", "reopened"]
    done = steps.index(enquiry.status) + 1 if enquiry.status in steps else 0
    for step in steps[done : steps.index(state) + 1]:
        enquiry.refresh_from_db()
        args: dict[str, Any] = {
            "user": dco,
            "context": TEST_CONTEXT,
            "enquiry": enquiry,
            "expected_version": enquiry.version,
        }
        if step == "acknowledged":
            services.acknowledge(**args, triage_note="Waiting list question: ask the service for a date.")
        elif step == "assigned":
            services.assign(**args, person=dco, team=team)
        elif step == "answered":
            services.record_outcome(
                **args, outcome="answered", detail="The service gave a start date; told the parent."
            )
        elif step == "closed":
            services.close(**args)
        else:
            services.reopen(**args, reason="The start date was missed.")
    enquiry.refresh_from_db()
    return enquiry
