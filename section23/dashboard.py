"""What the DCO's section 23 dashboard shows (local KPIs N1 to N4, statutory.md 5.4), for any period:
notifications sent in the period by the NHS bodies to the LAs in the DCO service's areas.

- N1 volumes by notifying organisation, profession, area of need and the child's age when notified;
- N2 the share with the parent told and a discussion held or offered on or before the day it was sent;
- N3 the share with signposting recorded (organisations named, or none considered likely to help);
- N4 days from the opinion to the notification; and working days from notification to acknowledgement,
  with the share acknowledged within the local target.

Reads only; the figures hold no child's name (statutory.md 9.1: reporting uses pseudonymised data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from accounts.access import reach_for
from casework import dashboard as shared
from casework import targets
from lib.phases import age_on
from section23.models import AreaOfNeed, Notification, Profession

AGE_BANDS = ("Under 1", "1 year", "2 years", "3 years", "4 years or over")


def age_band(date_of_birth: dt.date, on: dt.date) -> str:
    return AGE_BANDS[min(age_on(date_of_birth, on), 4)]


def scope(user: Any, period: shared.Period) -> QuerySet[Notification]:
    """Sent notifications to the LAs in the user's DCO areas, sent within the period."""
    return (
        Notification.objects.visible_to(user)
        .sent()
        .filter(
            local_authority_id__in=reach_for(user).dco_area_ids,
            sent_on__gte=period.start,
            sent_on__lte=period.end,
        )
    )


STEPS_BEFORE_SENDING = (
    Q(parent_told_on__isnull=False, parent_told_on__lte=F("sent_on"))
    & Q(discussion_on__isnull=False, discussion_on__lte=F("sent_on"))
    & ~Q(discussion="")
)
SIGNPOSTING = Q(no_voluntary_organisation=True) | ~Q(voluntary_organisations="")


@dataclass(frozen=True)
class Figures:
    total: int
    by_body: list[shared.Count_]
    by_profession: list[shared.Count_]
    by_area: list[shared.Count_]
    by_age: list[shared.Count_]
    steps_before: shared.Share
    signposting: shared.Share
    objections: int
    opinion_to_notification: shared.Spread  # calendar days
    notification_to_acknowledgement: shared.Spread  # working days
    acknowledged_within_target: shared.Share
    awaiting_acknowledgement: int


@dataclass(frozen=True)
class _Facts:
    areas: list[str]
    born: dt.date
    sent: dt.date
    formed: dt.date | None
    acknowledged: dt.date | None
    acknowledge_by: dt.date | None


def figures(user: Any, period: shared.Period) -> Figures:
    rows = scope(user, period)
    total = rows.count()
    facts = [
        _Facts(areas, born, sent, formed, acknowledged, due)
        for areas, born, sent, formed, acknowledged, due in rows.values_list(
            "areas_of_need",
            "child__date_of_birth",
            "sent_on",
            "opinion_formed_on",
            "acknowledged_on",
            "acknowledge_by",
        )
        if sent is not None  # every sent notification has its day sent
    ]
    order = {band: i for i, band in enumerate(AGE_BANDS)}
    ages = shared.counts_of(age_band(f.born, f.sent) for f in facts)
    acknowledged = [(f.sent, f.acknowledged, f.acknowledge_by) for f in facts if f.acknowledged is not None]
    return Figures(
        total=total,
        by_body=shared.counts_by(rows, "notifying_body__name"),
        by_profession=shared.counts_by(rows, "profession", dict(Profession.choices)),
        by_area=shared.counts_of((a for f in facts for a in f.areas), dict(AreaOfNeed.choices)),
        by_age=sorted(ages, key=lambda c: order[c.value]),
        steps_before=shared.Share(rows.filter(STEPS_BEFORE_SENDING).count(), total),
        signposting=shared.Share(rows.filter(SIGNPOSTING).count(), total),
        objections=rows.filter(parent_view=Notification.ParentView.DISAGREES).count(),
        opinion_to_notification=shared.spread(
            [(f.sent - f.formed).days for f in facts if f.formed is not None and f.sent >= f.formed]
        ),
        notification_to_acknowledgement=shared.spread(
            [targets.working_days_between(s, a) for s, a, _ in acknowledged]
        ),
        acknowledged_within_target=shared.Share(
            sum(1 for _, ack, due in acknowledged if due and targets.within_target(due_on=due, done_on=ack)),
            len(acknowledged),
        ),
        awaiting_acknowledgement=rows.filter(status=Notification.Status.SENT).count(),
    )


CSV_HEADER = [
    "reference",
    "local authority",
    "notifying organisation",
    "team or DCO service",
    "profession",
    "areas of need",
    "age band when notified",
    "opinion formed",
    "parent told",
    "discussion",
    "discussion date",
    "steps recorded before sending",
    "signposting recorded",
    "parent's view",
    "sent",
    "acknowledge by",
    "acknowledged",
    "working days to acknowledge",
    "decision",
]


def csv_rows(user: Any, period: shared.Period) -> Iterator[list[Any]]:
    rows = (
        scope(user, period)
        .annotate(
            steps_ok=ExpressionWrapper(STEPS_BEFORE_SENDING, output_field=BooleanField()),
            signposted=ExpressionWrapper(SIGNPOSTING, output_field=BooleanField()),
        )
        .select_related("local_authority", "notifying_body", "team", "dco_service", "child")
        .order_by("sent_on", "pk")
    )
    for n in rows.iterator(chunk_size=500):
        yield [
            n.reference,
            n.local_authority.name,
            n.notifying_body.name,
            n.notifier.name,
            n.get_profession_display(),
            "; ".join(n.area_labels()),
            age_band(n.child.date_of_birth, n.sent_on) if n.sent_on else "",
            n.opinion_formed_on.isoformat() if n.opinion_formed_on else "",
            n.parent_told_on.isoformat() if n.parent_told_on else "",
            n.get_discussion_display(),
            n.discussion_on.isoformat() if n.discussion_on else "",
            "yes" if n.steps_ok else "no",
            "yes" if n.signposted else "no",
            n.get_parent_view_display(),
            n.sent_on.isoformat() if n.sent_on else "",
            n.acknowledge_by.isoformat() if n.acknowledge_by else "",
            n.acknowledged_on.isoformat() if n.acknowledged_on else "",
            targets.working_days_between(n.sent_on, n.acknowledged_on)
            if n.sent_on and n.acknowledged_on
            else "",
            n.get_decision_display(),
        ]
