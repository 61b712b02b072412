"""Released health advice as a PDF for the LA (fpdf2, pure Python).

Accessible as far as fpdf2 allows: real text (searchable, readable by screen readers), a document
title shown in the window title bar, the language set (en-GB), headings as PDF bookmarks, and a
reading order that follows the page. The built-in Helvetica font needs Latin-1 text, so typographic
characters are replaced with plain ones (`_latin1`) rather than bundling a font file. Lists (needs,
outcomes) are bulleted lists with a hanging indent: the bullet is Helvetica's own (its Windows-1252
encoding has one, so it is real text), wrapped lines start under the item's text, not under the bullet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from advice.models import AdviceRequest, Assignment
from core.formatting import long_date

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
}


def _latin1(text: Any) -> str:
    value = "" if text is None else str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return value.encode("latin-1", "replace").decode("latin-1")


def by_when_text(text: str) -> str:
    """ "by July 2027"; "by the next annual review" when the team typed "By the next annual review"."""
    text = str(text).strip()
    return f"by {text[3:]}" if text[:3].lower() == "by " else f"by {text}"


class AdvicePDF(FPDF):
    reference = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.core_fonts_encoding = "windows-1252"  # Latin-1 and a bullet (BULLET) for the built-in fonts

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(
            0,
            10,
            _latin1(f"{self.reference} - page {self.page_no()} of {{nb}} - OFFICIAL-SENSITIVE"),
            align="C",
        )


LINE = 6  # mm: one line of 11pt text
ORPHAN_LINES = 2  # a value starts on its label's page with at least this many lines (or all of it)


def _line_count(pdf: AdvicePDF, text: str, style: str = "", size: int = 11, height: float = LINE) -> int:
    pdf.set_font("Helvetica", style, size)
    lines = pdf.multi_cell(0, height, _latin1(text), dry_run=True, output=MethodReturnValue.LINES)
    return max(1, len(lines) if isinstance(lines, list) else 1)


def _keep_together(pdf: AdvicePDF, height: float) -> None:
    """Start a new page unless `height` fits on this one: a label never ends a page without its
    value, nor a heading without what follows it."""
    if pdf.will_page_break(height):
        pdf.add_page()


def _heading(pdf: AdvicePDF, text: str, level: int) -> None:
    size = {0: 18, 1: 14, 2: 12}[level]
    height = size * 0.5 + 2
    # The heading and (at least) the first two lines under it share a page.
    _keep_together(pdf, height * _line_count(pdf, text, "B", size, height) + 1 + ORPHAN_LINES * LINE)
    pdf.start_section(_latin1(text), level=level)
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.5 + 2, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _label(pdf: AdvicePDF, text: str, following: float = ORPHAN_LINES * LINE) -> None:
    """A bold line that belongs to what follows it: kept on its page with `following` (mm) after it,
    by default two lines."""
    _keep_together(pdf, LINE * _line_count(pdf, text, "B") + 1 + following)
    _para(pdf, text, bold=True)


def _pair_start(pdf: AdvicePDF, key: str, value: str) -> float:
    """The height of a pair's label and the first lines of its value, which `_pairs` keeps together."""
    return LINE * (_line_count(pdf, key, "B") + min(ORPHAN_LINES, _line_count(pdf, value or "-")))


def _para(pdf: AdvicePDF, text: str, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11)
    pdf.multi_cell(0, 6, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


BULLET = "\u2022"
BULLET_INDENT = 6  # mm from the margin to an item's text; the bullet sits in the space before it


def _bullets(pdf: AdvicePDF, items: Sequence[str]) -> None:
    """A bulleted list: each item's bullet, then its text in a column of its own (a hanging indent)."""
    width = pdf.epw - BULLET_INDENT
    pdf.set_font("Helvetica", "", 11)
    for item in items:
        text = _latin1(item)
        lines = pdf.multi_cell(width, LINE, text, dry_run=True, output=MethodReturnValue.LINES)
        count = len(lines) if isinstance(lines, list) else 1
        _keep_together(pdf, LINE * min(ORPHAN_LINES, max(1, count)))
        top = pdf.get_y()
        pdf.set_xy(pdf.l_margin + 1.5, top)
        pdf.cell(BULLET_INDENT - 1.5, LINE, BULLET)
        pdf.set_xy(pdf.l_margin + BULLET_INDENT, top)
        pdf.multi_cell(width, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)


def _pairs(pdf: AdvicePDF, rows: Sequence[tuple[str, str]]) -> None:
    for key, value in rows:
        value = value or "-"
        _keep_together(pdf, _pair_start(pdf, key, value))
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin1(key), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)


def _organisation(assignment: Assignment) -> str:
    """ "Speech and language therapy, Northshire Community Health NHS Trust": the team that wrote the
    advice and the provider organisation it belongs to."""
    team = assignment.team
    parent = team.parent if team.parent_id else None
    return f"{team.name}, {parent.name}" if parent is not None else team.name


def released_advice_pdf(advice_request: AdviceRequest, assignments: Sequence[Assignment]) -> bytes:
    """The released advice of one request: each team's needs, outcomes and provision, who gave it."""
    child = advice_request.child
    pdf = AdvicePDF(format="A4")
    pdf.reference = advice_request.reference
    title = f"Health advice {advice_request.reference}"
    pdf.set_title(_latin1(title))
    pdf.set_lang("en-GB")
    pdf.set_subject("EHC needs assessment health advice (SEND Regulations 2014, regulation 6(1)(c))")
    pdf.set_author(_latin1(settings.SERVICE_NAME))
    pdf.set_creator(_latin1(settings.SERVICE_NAME))
    pdf.set_display_mode("fullwidth")
    pdf.set_creation_date(timezone.now())
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _heading(pdf, title, 0)
    _para(pdf, f"For {advice_request.local_authority.name}. Produced {long_date(timezone.localdate())}.")
    _para(pdf, "Advice from: " + "; ".join(_organisation(a) for a in assignments) + ".")
    _heading(pdf, "Child or young person", 1)
    _pairs(
        pdf,
        [
            ("Name", child.full_name),
            ("Date of birth", long_date(child.date_of_birth)),
            ("NHS number", child.nhs_number_display or "Not recorded"),
            ("School or setting", child.school_or_setting or "Not recorded"),
        ],
    )
    _heading(pdf, "The request", 1)
    _pairs(
        pdf,
        [
            ("Questions for health", advice_request.questions),
            ("Received by health", long_date(advice_request.received_by_health)),
            ("Advice due (6 weeks, regulation 8)", long_date(advice_request.due_on)),
        ],
    )
    for assignment in assignments:
        _heading(pdf, f"Advice from {assignment.team.name}", 1)
        _pairs(pdf, [("Provider organisation and team", _organisation(assignment))])
        if assignment.status == Assignment.Status.NOT_KNOWN:
            _para(pdf, "Not known to this service.", bold=True)
            _para(pdf, assignment.not_known_reason)
            _para(pdf, f"Returned {long_date(assignment.returned_on)}.")
            continue
        advice = assignment.advice.order_by("-revision").first()
        if advice is None:
            continue
        _heading(pdf, "Health needs", 2)
        sen = " (relates to special educational needs: section C)"
        _bullets(
            pdf,
            [
                f"{need.get('description', '')}{sen if need.get('relates_to_sen') else ''}"
                for need in advice.needs
            ],
        )
        _heading(pdf, "Outcomes sought", 2)
        _bullets(
            pdf,
            [
                f"{outcome.get('outcome', '')}"
                + (f" ({by_when_text(outcome['by_when'])})" if outcome.get("by_when") else "")
                for outcome in advice.outcomes
            ],
        )
        _heading(pdf, "Provision required", 2)
        if not advice.provision:
            _para(pdf, "No provision recorded.")
        for number, item in enumerate(advice.provision, start=1):
            # The provision's heading stays on the page with its first label and value ("What").
            _label(
                pdf,
                f"Provision {number} (section {item.get('section', '')})",
                following=_pair_start(pdf, "What", item.get("what", "")),
            )
            _pairs(
                pdf,
                [
                    ("What", item.get("what", "")),
                    ("Who", item.get("who", "")),
                    ("How often", item.get("how_often", "")),
                    ("For how long", item.get("how_long", "")),
                    ("Where", item.get("where", "")),
                ],
            )
        extra = [
            ("Views and aspirations", advice.views_and_aspirations),
            ("Strengths", advice.strengths),
            ("Preparing for adulthood", advice.preparing_for_adulthood),
            ("Related plans", advice.related_plans),
        ]
        _pairs(pdf, [(k, v) for k, v in extra if v])
        registration = " ".join(
            part for part in (advice.author_registration_body, advice.author_registration_number) if part
        )
        _heading(pdf, "Who gave the advice", 2)
        _pairs(
            pdf,
            [
                ("Name", advice.author_name),
                ("Profession", advice.author_profession),
                ("Registration", registration),
                ("Date of advice", long_date(advice.advice_date)),
                ("Released to the LA", long_date(assignment.returned_on)),
            ],
        )
    return bytes(pdf.output())
