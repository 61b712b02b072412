"""What members of the public can change: they can only report a problem with a service's page."""

from __future__ import annotations

from django.db import transaction

from directory.models import ProblemReport, Service


@transaction.atomic
def record_problem_report(
    *, service: Service, topic: str, details: str, reporter_email: str = ""
) -> ProblemReport:
    """Record a "report a problem with this page" for the directory's editors to act on.

    The report joins the editors' queue (ProblemReport.Status.NEW); nothing is sent to the
    reporter, and the e-mail address is kept only so an editor can reply.
    """
    return ProblemReport.objects.create(
        service=service, topic=topic, details=details.strip(), reporter_email=reporter_email.strip()
    )
