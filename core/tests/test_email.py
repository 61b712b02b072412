"""The GOV.UK Notify e-mail backend, with Notify's client mocked (no network)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.test import override_settings

from core.email import NotifyEmailBackend

NOTIFY = {"NOTIFY_API_KEY": "test-key-00000000-0000-0000-0000-000000000000", "NOTIFY_TEMPLATE_ID": "tmpl-1"}


@pytest.fixture
def client_class():
    with mock.patch("core.email.NotificationsAPIClient") as cls:
        yield cls


@override_settings(**NOTIFY)
def test_each_recipient_gets_the_template_with_subject_and_body(client_class):
    message = EmailMessage(
        subject="Advice due on 4 December",
        body="Request AR-1234 is due. https://example.org/casework/AR-1234/",
        to=["team@example.org"],
        cc=["manager@example.org"],
        headers={"X-Notify-Reference": "AR-1234-reminder-1"},
    )
    assert NotifyEmailBackend().send_messages([message]) == 1
    client_class.assert_called_once_with(NOTIFY["NOTIFY_API_KEY"])
    calls = client_class.return_value.send_email_notification.call_args_list
    assert [c.kwargs["email_address"] for c in calls] == ["team@example.org", "manager@example.org"]
    for call in calls:
        assert call.kwargs["template_id"] == "tmpl-1"
        assert call.kwargs["personalisation"] == {
            "subject": "Advice due on 4 December",
            "body": "Request AR-1234 is due. https://example.org/casework/AR-1234/",
        }
        assert call.kwargs["reference"] == "AR-1234-reminder-1"


@override_settings(**NOTIFY)
def test_django_send_mail_goes_through_notify_when_configured(client_class):
    with override_settings(MAILERS={"default": {"BACKEND": "core.email.NotifyEmailBackend"}}):
        mail.send_mail("Subject", "Body", None, ["person@example.org"])
    client_class.return_value.send_email_notification.assert_called_once()
    assert (
        client_class.return_value.send_email_notification.call_args.kwargs["email_address"]
        == "person@example.org"
    )


@override_settings(**NOTIFY)
def test_errors_from_notify_are_not_swallowed(client_class):
    client_class.return_value.send_email_notification.side_effect = RuntimeError("400 BadRequestError")
    with pytest.raises(RuntimeError):
        NotifyEmailBackend().send_messages([EmailMessage("S", "B", to=["a@example.org"])])


@override_settings(**NOTIFY)
def test_nothing_to_send(client_class):
    assert NotifyEmailBackend().send_messages([]) == 0
    assert NotifyEmailBackend().send_messages([EmailMessage("S", "B", to=[])]) == 0
    client_class.return_value.send_email_notification.assert_not_called()


@override_settings(NOTIFY_API_KEY="", NOTIFY_TEMPLATE_ID="")
def test_missing_configuration_is_reported():
    with pytest.raises(ImproperlyConfigured):
        NotifyEmailBackend()
