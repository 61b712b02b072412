"""The released advice as a PDF: readable, each label on the same page as (the start of) its value
however long the advice, and the provider organisation and team that wrote it named."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from advice import services
from advice.models import Assignment
from advice.pdf import released_advice_pdf
from advice.testing import GOOD_ADVICE, GOOD_SCORES, make_request, make_world, route
from audit.testing import TEST_CONTEXT

pytestmark = pytest.mark.django_db

LABELS = ("What", "Who", "How often", "For how long", "Where")
KEYS = ("what", "who", "how_often", "how_long", "where")


def _long_advice(rows: int) -> dict:
    filler = "reviewed with the family and the school each term, with a written summary for the LA "
    provision = []
    for n in range(rows):
        row = {}
        for key in KEYS:
            # Each value starts with a marker the test finds, and is long enough to wrap a varying number of lines.
            row[key] = f"Start{key}{n}z " + filler * ((n * 7 + len(key)) % 5)
        row["section"] = "F" if n % 2 else "G"
        provision.append(row)
    needs = [{"description": f"Need {n}: " + filler * (n % 4), "relates_to_sen": True} for n in range(12)]
    return {**GOOD_ADVICE, "provision": provision, "needs": needs}


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_labels_never_split_from_their_values_and_the_team_is_named():
    world = make_world()
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **_long_advice(40),
    )
    assignment.refresh_from_db()
    services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
    )
    released = list(Assignment.objects.filter(pk=assignment.pk).select_related("team", "team__parent"))
    pages = _pages(released_advice_pdf(advice_request, released))
    assert len(pages) > 10  # long enough for labels to fall at every point of a page
    checked = 0
    for n in range(40):
        for label, key in zip(LABELS, KEYS, strict=True):
            marker = f"Start{key}{n}z"
            (page,) = [number for number, text in enumerate(pages) if marker in text]
            assert f"{label}\n{marker}" in pages[page], f"{label!r} is not on page {page + 1} with {marker}"
            checked += 1
    assert checked == 200
    text = "\n".join(pages)
    assert "Speech and language therapy, Test Community Trust" in text
    assert "Provider organisation and team" in text
    for page in pages:  # no page ends with a label or heading left alone
        last = [line for line in page.splitlines() if line.strip()][-2]  # the line before the footer
        assert last not in LABELS and not last.startswith("Provision "), page[-300:]
