"""Uploads are judged by their content (core.uploads) and scanned by clamd when configured
(core.virus_scan), tested against a stand-in clamd speaking the INSTREAM protocol."""

from __future__ import annotations

import io
import socket
import socketserver
import struct
import threading
import zipfile
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads, virus_scan

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def upload(name: str, content: bytes, claimed: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=claimed)


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("letter.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("report.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("report.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("notes.rtf", b"{\\rtf1\\ansi Hello}", "application/rtf"),
        ("notes.txt", "Café notes\r\n\tindented\n".encode(), "text/plain"),
    ],
)
def test_files_whose_content_matches_their_name_are_accepted_with_the_type_found(name, content, found):
    assert uploads.check_upload(upload(name, content, claimed="text/html")).content_type == found


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", HTML),  # an HTML page named as a PDF
        ("scan.pdf", EXE),  # a Windows program named as a PDF
        ("photo.png", JPEG),  # a real image, but not the type its name says
        ("report.docx", plain_zip()),  # a zip is not a Word document
        ("report.doc", EXE),
        ("notes.txt", EXE),  # binary is not plain text
        ("notes.txt", PDF[:4] + b"\x00\x01\x02"),
        ("notes.txt", b"\xff\xfe\x00bad"),
    ],
)
def test_files_whose_content_does_not_match_their_name_are_refused(name, content):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload(name, content))
    assert f"{name} is not a" in error.value.messages[0]
    assert "content does not match its name" in error.value.messages[0]


def test_an_extension_we_do_not_take_is_refused_by_name():
    with pytest.raises(ValidationError, match="run.exe must be a PDF, Word"):
        uploads.check_upload(upload("run.exe", EXE))


def test_stored_types_we_never_checked_are_served_as_plain_bytes():
    assert uploads.servable_type("application/pdf") == "application/pdf"
    assert uploads.servable_type("text/html") == "application/octet-stream"
    assert uploads.servable_type("") == "application/octet-stream"


# --- the stand-in clamd ---------------------------------------------------------------------------


class _Clamd(socketserver.BaseRequestHandler):
    """Speaks clamd's zINSTREAM: length-prefixed chunks, a zero length, then one NUL-ended answer."""

    received: list[bytes]

    def handle(self) -> None:
        sock: socket.socket = self.request
        command = b""
        while not command.endswith(b"\0"):
            command += sock.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(sock, 4))
            if length == 0:
                break
            data += self._exactly(sock, length)
        type(self).received.append(data)
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        sock.sendall(answer)

    @staticmethod
    def _exactly(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data


@pytest.fixture
def clamd(settings) -> Iterator[list[bytes]]:
    handler = type("Handler", (_Clamd,), {"received": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD_URL = f"tcp://127.0.0.1:{server.server_address[1]}"
    settings.CLAMD_TIMEOUT_SECONDS = 5
    yield handler.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_unix(settings, tmp_path) -> Iterator[list[bytes]]:
    handler = type("Handler", (_Clamd,), {"received": []})
    path = tmp_path / "clamd.sock"
    server = socketserver.ThreadingUnixStreamServer(str(path), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CLAMD_URL = f"unix://{path}"
    settings.CLAMD_TIMEOUT_SECONDS = 5
    yield handler.received
    server.shutdown()
    server.server_close()


def test_a_clean_file_is_streamed_whole_to_clamd_and_accepted(clamd):
    content = b"Plain notes\n" * 20_000  # bigger than one chunk
    checked = uploads.check_upload(upload("notes.txt", content))
    assert checked.content_type == "text/plain"
    assert clamd == [content]


def test_a_clean_file_over_a_unix_socket(clamd_unix):
    assert uploads.check_upload(upload("letter.pdf", PDF)).content_type == "application/pdf"
    assert clamd_unix == [PDF]


def test_an_infected_file_is_refused_naming_the_signature(clamd):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload("notes.txt", EICAR))
    assert error.value.messages == ["notes.txt contains a virus (Eicar-Test-Signature) and was not accepted"]


def test_an_unreachable_scanner_fails_closed_with_a_clear_message(settings):
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CLAMD_URL = f"tcp://127.0.0.1:{port}"
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload("letter.pdf", PDF))
    assert error.value.messages == [
        "letter.pdf could not be checked for viruses just now, so it was not accepted. Try again later"
    ]


def test_a_scanner_that_answers_nonsense_fails_closed(settings):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def answer_badly() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        conn.close()

    threading.Thread(target=answer_badly, daemon=True).start()
    settings.CLAMD_URL = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    with pytest.raises(ValidationError, match="could not be checked for viruses"):
        uploads.check_upload(upload("letter.pdf", PDF))
    server.close()


def test_no_scanner_configured_scans_nothing(settings):
    settings.CLAMD_URL = ""
    assert virus_scan.scan(io.BytesIO(EICAR)) == virus_scan.CLEAN
