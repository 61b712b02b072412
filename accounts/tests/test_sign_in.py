"""Staff sign-in as a person meets it: password, security code, lockout, idle timeout, reset, sign-out."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from accounts.middleware import IDLE_COOKIE
from accounts.testing import make_user, member, sign_in, totp_device
from core.testing import committed

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Password reset limits are counted in the cache."""
    from django.core.cache import cache

    cache.clear()


def current_code(user) -> str:
    device = totp_device(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def test_two_steps_sign_in_and_nobody_is_signed_in_after_only_the_password():
    user = member("dco")
    totp_device(user)
    client = Client()
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/security-code/"
    assert not client.get("/").wsgi_request.user.is_authenticated
    response = client.post("/accounts/sign-in/security-code/", {"token": current_code(user)})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.is_authenticated


def test_wrong_password_shows_an_error_and_does_not_say_whether_the_account_exists():
    user = member("dco")
    client = Client()
    wrong = password_step(client, user.email, "not the password")
    unknown = password_step(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.text
        assert "<title>Error: Sign in" in response.text


def test_wrong_security_codes_are_throttled():
    user = member("dco")
    totp_device(user)
    client = Client()
    password_step(client, user.email)
    response = client.post("/accounts/sign-in/security-code/", {"token": "000000"})
    assert "The security code is not right" in response.text
    # django-otp's throttle: straight after a failure even the right code is refused.
    response = client.post("/accounts/sign-in/security-code/", {"token": current_code(user)})
    assert response.status_code == 200
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_idle_session_is_signed_out_but_one_in_use_is_not():
    idle = settings.SESSION_IDLE_MINUTES
    user = member("dco")
    start = timezone.now()
    client = sign_in(Client(), user)
    assert client.get("/").wsgi_request.user.is_authenticated

    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=idle - 5)):
        assert client.get("/").wsgi_request.user.is_authenticated  # in use: renewed
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=2 * idle - 10)):
        assert client.get("/").wsgi_request.user.is_authenticated  # still in use
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=3 * idle)):
        assert not client.get("/").wsgi_request.user.is_authenticated  # idle too long


def test_idle_session_longer_than_the_limit_from_sign_in_is_signed_out():
    user = member("dco")
    client = sign_in(Client(), user)
    later = timezone.now() + dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not client.get("/").wsgi_request.user.is_authenticated


def test_people_signed_out_for_being_idle_are_told_why():
    user = member("system_admin")
    client = sign_in(Client(), user)
    assert client.get("/audit/").status_code == 200
    later = timezone.now() + dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get("/audit/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/sign-in/?next=/audit/")
    assert f"had not used SEND Health Hub for {settings.SESSION_IDLE_MINUTES} minutes" in response.text
    # Said once: the marker cookie is deleted. Someone arriving fresh is not told that.
    assert "had not used" not in client.get("/accounts/sign-in/?next=/audit/").text
    assert "had not used" not in Client().get("/accounts/sign-in/?next=/audit/").text


def test_only_an_ended_session_leaves_the_idle_marker():
    """The marker cookie (accounts.middleware.IdleSignOutMiddleware) is set on the redirect to sign in
    only when the browser sent the cookie of a session that no longer exists."""
    fresh = Client().get("/audit/")
    assert fresh.status_code == 302 and IDLE_COOKIE not in fresh.cookies
    anonymous_with_a_session = Client()
    session = anonymous_with_a_session.session
    session["something"] = "kept"
    session.save()
    anonymous_with_a_session.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    live = anonymous_with_a_session.get("/audit/")
    assert live.status_code == 302 and IDLE_COOKIE not in live.cookies
    client = sign_in(Client(), member("system_admin"))
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    ended = client.get("/audit/")
    marker = ended.cookies[IDLE_COOKIE]
    assert marker.value == "1" and marker["path"] == "/accounts/sign-in/" and marker["httponly"]
    assert ended.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0  # the session's own cookie goes


def test_sign_out():
    user = member("dco")
    client = sign_in(Client(), user)
    page = client.get("/accounts/sign-out/")
    assert page.status_code == 200 and "<h1>Sign out</h1>" in page.text
    assert client.get("/").wsgi_request.user.is_authenticated  # GET alone does not sign out
    response = client.post("/accounts/sign-out/")
    assert "You have signed out" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_password_reset_sends_a_link_and_no_other_details():
    user = make_user(email="sam.reset@example.org", first_name="Samira", last_name="Quinton")
    client = Client()
    page = client.get("/accounts/password-reset/")
    assert 'autocomplete="email"' in page.text
    with committed():  # the e-mail is queued when the request commits
        response = client.post("/accounts/password-reset/", {"email": "SAM.RESET@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    links = re.findall(r"https?://\S+", str(message.body))
    assert len(links) == 1 and "/accounts/password-reset/" in links[0]
    for detail in ("Samira", "Quinton", user.email, "sam.reset"):
        assert detail not in message.body and detail not in message.subject

    # Following the link lets the person choose a new password, but does not sign them in.
    path = links[0].split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.text
    assert form_page.text.count('autocomplete="new-password"') == 2
    new = "purple elephants dance quietly"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password has changed" in done.text
    assert not done.wsgi_request.user.is_authenticated
    user.refresh_from_db()
    assert user.check_password(new)
    # The link works once.
    assert "This link has expired" in client.get(path, follow=True).text


def test_password_reset_answer_is_the_same_whether_or_not_the_address_exists():
    make_user(email="known@example.org")
    with committed():  # the e-mail is queued when the request commits
        known = Client().post("/accounts/password-reset/", {"email": "known@example.org"}, follow=True)
    with committed():  # the e-mail is queued when the request commits
        unknown = Client().post("/accounts/password-reset/", {"email": "unknown@example.org"}, follow=True)

    def main(response) -> str:
        return re.sub(r'nonce="[^"]+"', "", response.text)

    assert main(known) == main(unknown)
    assert "If that email address belongs to an account" in unknown.text
    assert len(mail.outbox) == 1


def test_password_reset_emails_are_limited_per_address():
    make_user(email="flooded@example.org")
    for _ in range(5):
        with committed():  # the e-mail is queued when the request commits
            response = Client().post("/accounts/password-reset/", {"email": "flooded@example.org"})
        assert response.status_code == 302  # the same neutral answer every time
    assert len(mail.outbox) == 3


def test_a_security_code_cannot_be_used_twice():
    user = member("dco")
    totp_device(user)
    code = current_code(user)
    first = Client()
    password_step(first, user.email)
    first.post("/accounts/sign-in/security-code/", {"token": code})
    assert first.get("/").wsgi_request.user.is_authenticated
    second = Client()
    password_step(second, user.email)
    response = second.post("/accounts/sign-in/security-code/", {"token": code})
    assert "The security code is not right" in response.text
    assert not second.get("/").wsgi_request.user.is_authenticated


def test_password_reset_rejects_weak_passwords():
    user = make_user()
    client = Client()
    with committed():  # the e-mail is queued when the request commits
        client.post("/accounts/password-reset/", {"email": user.email})
    path = re.findall(r"https?://testserver(\S+)", str(mail.outbox[0].body))[0]
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert "<title>Error: Choose a new password" in response.text
    assert "too short" in response.text


def test_sign_in_form_supports_password_managers_and_pasting():
    """WCAG 3.3.8 Accessible Authentication: autocomplete right, nothing that blocks paste."""
    page = Client().get("/accounts/sign-in/").text
    assert re.search(r'<input[^>]*autocomplete="username"[^>]*>', page)
    assert re.search(r'<input[^>]*type="email"[^>]*>', page)
    assert re.search(r'<input[^>]*type="password"[^>]*autocomplete="current-password"', page) or re.search(
        r'<input[^>]*autocomplete="current-password"[^>]*type="password"', page
    )
    for blocker in ("onpaste", "oncopy", "oncut", "ondrop"):
        assert blocker not in page.lower()
    assert "Forgotten your password?" in page

    user = member("dco")
    totp_device(user)
    client = Client()
    password_step(client, user.email)
    code_page = client.get("/accounts/sign-in/security-code/").text
    assert 'autocomplete="one-time-code"' in code_page and 'inputmode="numeric"' in code_page
    assert "onpaste" not in code_page.lower()
    # A code pasted with a space in the middle (as many apps show it) is accepted.
    code = current_code(user)
    client.post("/accounts/sign-in/security-code/", {"token": f"{code[:3]} {code[3:]}"})
    assert client.get("/").wsgi_request.user.is_authenticated


def test_passwords_are_hashed_with_argon2_outside_tests():
    """Tests use a fast hasher; the real settings put Argon2 first (checked in a fresh interpreter)."""
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings; from django.contrib.auth.hashers import make_password;"
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('a long pass phrase').split('$')[0])"
    )
    env = {"PATH": "/usr/bin:/bin", "TESTING": "false", "DEMO_MODE": "true"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    hasher, prefix = result.stdout.split()
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert prefix == "argon2"


def test_old_hashes_are_upgraded_to_the_first_hasher_on_sign_in():
    from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password

    user = make_user()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    totp_device(user)
    password_step(Client(), user.email)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == get_hasher("default").algorithm != "pbkdf2_sha256"


def test_the_sign_in_service_records_the_sign_in_without_the_request_and_refuses_a_strangers_device():
    """`complete_sign_in` takes the user, the device and an audit context; the view logs them in."""
    from django.core.exceptions import PermissionDenied

    from accounts import services
    from audit.models import Action, AuditEvent
    from audit.testing import TEST_CONTEXT

    user, other = member("dco"), member("dco")
    device = totp_device(user)
    services.complete_sign_in(user=user, device=device, context=TEST_CONTEXT, method="password")
    event = AuditEvent.objects.get(action=Action.SIGN_IN, user=user)
    assert event.ip_address == TEST_CONTEXT.ip and "password and security code" in event.detail
    with pytest.raises(PermissionDenied):
        services.complete_sign_in(user=other, device=device, context=TEST_CONTEXT)
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN, user=other).exists()
