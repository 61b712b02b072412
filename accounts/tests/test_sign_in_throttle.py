"""Password guessing is slowed per account (from any address) and per address (for any account),
without anyone being able to keep a person out of their usual browser (accounts.throttle). Each case
the issue found is a test here: four wrong passwords on each of four accounts from one address, the
right password from another address while the account is held, and attempts during a wait."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP

from accounts import throttle
from accounts.models import SignInThrottle
from accounts.testing import member, totp_device
from audit.models import Action, AuditEvent

PASSWORD = "correct horse battery staple"
WRONG = "not the password"
pytestmark = pytest.mark.django_db


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def passed(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/accounts/sign-in/security-code/"


def held(response) -> bool:
    return response.status_code == 429 and "You can try again after" in response.text


def staff(n: int = 1) -> list:
    people = [member("la_caseworker") for _ in range(n)]
    for person in people:
        totp_device(person)
    return people


def at(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_four_wrong_passwords_on_each_of_four_accounts_from_one_address_slow_that_address():
    people = staff(4)
    attacker = from_address("198.51.100.7")
    results = [password_step(attacker, person.email, WRONG) for person in people for _ in range(4)]
    # The first nine are ordinary failures; the tenth failure from the address makes it wait.
    assert all(r.status_code == 200 for r in results[:9])
    assert held(results[9])
    assert all(held(r) for r in results[10:])
    # Even the right password is not checked from that address now ...
    assert held(password_step(attacker, people[0].email))
    # ... but each account has only 4 failures, so its owner elsewhere signs in as usual.
    assert passed(password_step(from_address("192.0.2.20"), people[0].email))


def test_wrong_passwords_on_one_account_from_many_addresses_hold_the_account_everywhere():
    (person,) = staff(1)
    for n in range(9):
        assert password_step(from_address(f"203.0.113.{n + 1}"), person.email, WRONG).status_code == 200
    assert held(password_step(from_address("203.0.113.10"), person.email, WRONG))
    # The right password from yet another address (and no trusted-device cookie) must wait too.
    response = password_step(from_address("192.0.2.99"), person.email)
    assert held(response) and "security-code" not in response.get("Location", "")


def test_the_owner_signs_in_as_usual_on_their_own_browser_while_someone_guesses_elsewhere():
    (person,) = staff(1)
    own_browser = from_address("192.0.2.50")
    assert passed(password_step(own_browser, person.email))
    device = totp_device(person)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    own_browser.post("/accounts/sign-in/security-code/", {"token": code})
    assert own_browser.cookies[throttle.DEVICE_COOKIE].value
    own_browser.post("/accounts/sign-out/")

    for n in range(30):  # an attacker anywhere, as often as they like
        password_step(from_address(f"203.0.113.{n + 1}"), person.email, WRONG)
    assert held(password_step(from_address("203.0.113.99"), person.email))
    # The owner's browser is counted on its own, so the guessing does not touch it.
    assert passed(password_step(own_browser, person.email))
    # A cookie is only good for the account it was set for.
    other = staff(1)[0]
    assert throttle.trusted_device(own_browser.get("/").wsgi_request, other.email) is None


def test_attempts_during_a_wait_neither_count_nor_make_it_longer():
    (person,) = staff(1)
    start = timezone.now()
    client = from_address("198.51.100.9")
    with at(start):
        for _ in range(9):
            password_step(client, person.email, WRONG)
        response = password_step(client, person.email, WRONG)  # the 10th: wait 60 s
    assert held(response) and response["Retry-After"] == "60"
    with at(start + dt.timedelta(seconds=30)):
        for _ in range(5):
            response = password_step(client, person.email)  # refused unchecked, even the right one
            assert held(response)
        assert response["Retry-After"] == "30"  # still the same end time
    with at(start + dt.timedelta(seconds=61)):
        assert passed(password_step(client, person.email))  # the wait ended when first said


def test_the_wait_doubles_with_each_further_failure_up_to_a_limit():
    (person,) = staff(1)
    start = timezone.now()
    client = from_address("198.51.100.10")
    with at(start):
        for _ in range(10):
            password_step(client, person.email, WRONG)
    waits = []
    moment = start
    for _ in range(8):
        moment += dt.timedelta(hours=1)  # long after each wait, within a day
        with at(moment):
            waits.append(int(password_step(client, person.email, WRONG)["Retry-After"]))
    assert waits == [120, 240, 480, 960, 1800, 1800, 1800, 1800]
    assert throttle.delay_after(9) is None and throttle.delay_after(10) == dt.timedelta(seconds=60)


def test_failures_are_forgotten_after_a_day_without_any():
    (person,) = staff(1)
    start = timezone.now()
    client = from_address("198.51.100.11")
    with at(start):
        for _ in range(9):
            password_step(client, person.email, WRONG)
    with at(start + dt.timedelta(hours=25)):
        assert password_step(client, person.email, WRONG).status_code == 200  # one failure, not ten


def test_the_right_password_forgets_the_accounts_failures_but_not_the_addresses():
    people = staff(2)
    client = from_address("198.51.100.12")
    for _ in range(5):
        password_step(client, people[0].email, WRONG)
    assert passed(password_step(client, people[0].email))
    # The account starts again from nothing: from elsewhere, 9 more failures do not hold it.
    for n in range(9):
        assert password_step(from_address(f"192.0.2.{n + 1}"), people[0].email, WRONG).status_code == 200
    # The address still remembers its 5 failures: 5 more, on another account, and it waits.
    for _ in range(4):
        assert password_step(client, people[1].email, WRONG).status_code == 200
    assert held(password_step(client, people[1].email, WRONG))


def test_an_address_without_an_account_is_treated_the_same():
    client = from_address("198.51.100.13")
    for _ in range(9):
        assert password_step(client, "nobody@example.org", WRONG).status_code == 200
    assert held(password_step(client, "nobody@example.org", WRONG))


def test_the_page_says_when_to_try_again_and_refusals_are_logged():
    (person,) = staff(1)
    client = from_address("198.51.100.14")
    for _ in range(10):
        password_step(client, person.email, WRONG)
    response = password_step(client, person.email)
    assert response.status_code == 429
    until = timezone.localtime(timezone.now() + dt.timedelta(seconds=int(response["Retry-After"])))
    assert f"You can try again after <strong>{until:%H:%M}</strong>" in response.text
    assert "in 1 minute" in response.text
    assert "<title>Wait before trying again" in response.text
    refused = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, detail__startswith="Refused")
    assert refused.count() == 1 and refused.get().user_id == person.pk


def test_the_counts_hold_no_email_or_ip_address():
    (person,) = staff(1)
    password_step(from_address("198.51.100.15"), person.email, WRONG)
    keys = list(SignInThrottle.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any(person.email in key or "198.51.100.15" in key for key in keys)


@override_settings(SIGN_IN_FREE_FAILURES=3, SIGN_IN_FIRST_DELAY_SECONDS=10)
def test_the_limits_are_settings():
    (person,) = staff(1)
    client = from_address("198.51.100.16")
    password_step(client, person.email, WRONG)
    password_step(client, person.email, WRONG)
    response = password_step(client, person.email, WRONG)
    assert held(response) and response["Retry-After"] == "10"
