"""Virus scanning of uploaded files through ClamAV's daemon (clamd), when configured.

Set `CLAMD_URL` to `tcp://host:3310` or `unix:///run/clamav/clamd.ctl`; unset, nothing is scanned
(the default for one machine in demo mode). When set, every file is streamed to clamd with its
INSTREAM command (`zINSTREAM\\0`, then chunks each prefixed by their length as 4 bytes big-endian,
then a zero length) and the answer read back (`stream: OK`, or `stream: <signature> FOUND`).
Scanning fails closed: a scanner that cannot be reached, times out or answers anything else raises
ScannerUnavailable, and the file is refused with a message to try again.

Hand-written (about forty lines) because the protocol is tiny and the Python clients for it on
PyPI (`clamd`, `pyclamd`) have had no release for years.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

CHUNK_BYTES = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd is configured but did not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


CLEAN = Verdict(infected=False)


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname:
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    raise ScannerUnavailable(f"CLAMD_URL must be tcp://host:port or unix:///path, not {url!r}")


def scan(upload: Any, *, url: str | None = None) -> Verdict:
    """Scan a file-like object with clamd (CLAMD_URL); CLEAN when no scanner is configured."""
    url = settings.CLAMD_URL if url is None else url
    if not url:
        return CLEAN
    upload.seek(0)
    try:
        with _connect(url, settings.CLAMD_TIMEOUT_SECONDS) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := upload.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                answer += received
    except OSError as exc:  # refused, unreachable, timed out, reset
        raise ScannerUnavailable(f"clamd at {url} did not answer: {exc}") from exc
    finally:
        upload.seek(0)
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(": OK"):
        return CLEAN
    if text.endswith(" FOUND"):
        signature = text.split(": ", 1)[-1].removesuffix(" FOUND").strip()
        return Verdict(infected=True, signature=signature)
    raise ScannerUnavailable(f"clamd at {url} answered {text[:200]!r}")
