"""Uploaded files are judged by what they contain, never by their name or the browser's word.

`check_upload` reads the file's first bytes and finds its type with the `filetype` package; the
type must be one we accept *and* the one its name's extension promises (an HTML page or a program
named `report.pdf` is refused). Plain text has no signature, so a `.txt` file must decode as UTF-8
with no control characters other than tabs and line breaks. Then the file is scanned for viruses
when a scanner is configured (`core.virus_scan`). The type found is what we store and later serve.

Why `filetype`: pure Python (no system library to install on every server, unlike python-magic with
libmagic, whose C parser has had its own vulnerabilities), it reads only the first 8 KB, and its
matchers cover exactly the types we accept, including the Office and OpenDocument containers (it
looks inside the zip for `word/` or the OpenDocument mimetype entry, so a plain zip or an `.xlsx`
is not taken for a Word document).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import ValidationError

from core import virus_scan

PLAIN_TEXT = "text/plain"
#: Extension -> (the content type its content must have, what to call it in messages).
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    ".doc": ("application/msword", "Word"),
    ".odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
    ".rtf": ("application/rtf", "rich text"),
    ".txt": (PLAIN_TEXT, "plain text"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
}
#: Every content type we ever serve back; anything else stored earlier goes out as a download of bytes.
SERVABLE_TYPES = frozenset(content_type for content_type, _ in ALLOWED_TYPES.values())
_TEXT_CONTROLS_ALLOWED = {"\t", "\n", "\r", "\f"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str


def _read_all(upload: Any) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data if isinstance(data, bytes) else data.encode()


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any((ord(ch) < 32 or 127 <= ord(ch) < 160) and ch not in _TEXT_CONTROLS_ALLOWED for ch in text)


def detect_type(upload: Any) -> str | None:
    """The content type the file's bytes show (None when none of the types we know)."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def content_type_for(name: str, upload: Any) -> str:
    """The content type of `upload` when its content is the type its name's extension promises;
    ValidationError (a message a person can act on) otherwise."""
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            f"{name} must be a PDF, Word, OpenDocument, rich text, plain text, JPEG or PNG file",
            code="file_type",
        )
    expected, label = ALLOWED_TYPES[extension]
    if expected == PLAIN_TEXT:
        ok = detect_type(upload) is None and _is_plain_text(_read_all(upload))
    else:
        ok = detect_type(upload) == expected
    if not ok:
        article = "an" if label[0] in "AEIOU" else "a"
        raise ValidationError(
            f"{name} is not {article} {label} file: its content does not match its name. "
            f"Save it as {label} again, or choose another file",
            code="file_content",
        )
    return expected


def check_upload(upload: Any) -> CheckedUpload:
    """Type by content, then a virus scan when one is configured. ValidationError when refused."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    content_type = content_type_for(name, upload)
    try:
        verdict = virus_scan.scan(upload)
    except virus_scan.ScannerUnavailable as exc:
        raise ValidationError(
            f"{name} could not be checked for viruses just now, so it was not accepted. Try again later",
            code="scan_unavailable",
        ) from exc
    if verdict.infected:
        raise ValidationError(
            f"{name} contains a virus ({verdict.signature}) and was not accepted", code="infected"
        )
    return CheckedUpload(name=name, content_type=content_type)


def servable_type(stored: str) -> str:
    """The content type to serve a stored file with: one we checked, else plain bytes."""
    return stored if stored in SERVABLE_TYPES else "application/octet-stream"
