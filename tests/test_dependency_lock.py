"""The hashed locks (`make lock`) stay in step with pyproject.toml.

A dependency added to pyproject.toml without running `make lock` would not be installed by `make install`
(which installs only from the lock), so this fails first, naming the command to run.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    pins: dict[str, str] = {}
    for line in text.splitlines():
        if match := PIN.match(line):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _requirements(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    if dev:
        listed += project["optional-dependencies"]["dev"]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize(("lock", "dev"), [("requirements.txt", False), ("requirements-dev.txt", True)])
def test_every_declared_dependency_is_locked_at_an_allowed_version(lock, dev):
    pins = _pins(lock)
    for requirement in _requirements(dev=dev):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in {lock}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}: run `make lock`"
        )


def test_every_pin_carries_a_hash():
    for lock in ("requirements.txt", "requirements-dev.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text())
        for entry in entries:
            if PIN.match(entry):
                assert "--hash=sha256:" in entry, f"{entry.split()[0]} in {lock} has no hash"


def test_the_runtime_lock_takes_the_development_locks_versions():
    runtime, development = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: development.get(name) for name in runtime} == runtime
