"""The names people know pages by, for the access log ("shown on DCO dashboard", never the URL's
internal name "advice:dashboard"). Pages that show children are named here; any other page gets a
name made from its URL name ("request-new-details" -> "Request new details")."""

from __future__ import annotations

import re

PAGE_NAMES: dict[str, str] = {
    "core:home": "Home",
    "core:work": "Your work",
    "advice:dashboard": "DCO dashboard",
    "advice:dashboard-csv": "DCO dashboard download",
    "advice:dashboard-csv-with-names": "DCO dashboard download with names",
    "advice:triage": "Requests to triage",
    "advice:la-requests": "Your local authority's requests",
    "advice:request-new": "New request: the child",
    "advice:request-new-match": "New request: matching the child",
    "advice:request-new-details": "New request: details",
    "advice:request-detail": "Health advice request",
    "advice:request-sent": "Request sent",
    "advice:request-route": "Send the request to a team",
    "advice:request-pdf": "Advice PDF",
    "advice:request-cancel": "Cancel the request",
    "advice:request-clock": "Change the request's dates",
    "advice:request-clock-changed": "Request's dates changed",
    "advice:team-inbox": "Team inbox",
    "advice:attachment": "Attachment",
    "advice:assignment-detail": "Assignment",
    "advice:assignment-accept": "Accept the assignment",
    "advice:assignment-not-known": "Child not known to the team",
    "advice:assignment-exception": "Exception to the deadline",
    "advice:assignment-advice": "Write the advice",
    "advice:assignment-advice-draft": "Advice draft",
    "advice:assignment-quality-check": "Quality check",
    "children:search": "Find a child",
    "children:possible-duplicates": "Possible duplicate children",
    "children:possible-duplicate": "Possible duplicate check",
    "children:child-detail": "Child's record",
    "children:child-edit": "Change the child's details",
    "children:carer-add": "Add a parent or carer",
    "children:carer-edit": "Change a parent or carer",
    "children:carer-remove": "Remove a parent or carer",
    "children:consent-add": "Record consent",
    "children:consent-withdraw": "Withdraw consent",
    "audit:search": "Access log",
    "audit:export": "Access log download",
    "audit:child": "Who has looked at a child's records",
    "audit:child-export": "Download of who has looked at a child's records",
}

_URL_NAME = re.compile(r"\b(?:[a-z0-9_]+:)+[a-z0-9_-]+\b")


def page_name(url_name: str) -> str:
    """The page's name as people know it."""
    if url_name in PAGE_NAMES:
        return PAGE_NAMES[url_name]
    if ":" not in url_name:
        return url_name  # a path (no URL name matched)
    words = url_name.rsplit(":", 1)[1].replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def readable_detail(detail: str) -> str:
    """A logged detail with URL names ("shown on advice:dashboard", written before pages were named)
    read as page names."""
    return _URL_NAME.sub(lambda m: page_name(m.group(0)), detail or "")
