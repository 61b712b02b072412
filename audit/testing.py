"""Test helpers for services that take an audit context."""

from __future__ import annotations

from audit.context import AuditContext

# What a person on a page would bring: a documentation address (RFC 5737), a browser, a path.
TEST_CONTEXT = AuditContext(
    via="web", ip="192.0.2.10", user_agent="pytest", path="/test/", request_id="test-request"
)
