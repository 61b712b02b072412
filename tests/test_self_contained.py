"""The repository stands on its own: no tracked file reads or points to a path outside it.

A clone with nothing beside it must install, run and pass its tests, so the product, its tests and its
documents may not refer to a sibling folder (the reference folder beside it), to this workspace's absolute paths, or climb
out of the project root (`BASE_DIR.parent`, `Path(__file__).parents[n]` past the root, a relative
Markdown link that leaves the repository).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# The sibling folder's name, written so that this file does not itself name a path outside the repository.
SIBLING = "sha" + "red"

# Text that names a place outside the repository, wherever it appears.
OUTSIDE = [
    (re.compile(rf"\.\./{SIBLING}\b"), "the reference folder beside the project"),
    (re.compile(rf"/work/(?:{SIBLING}|main|wt-)"), "this workspace's absolute paths"),
    (re.compile(r"BASE_DIR\)?\s*\.\s*parent\b"), "the folder above BASE_DIR"),
    (re.compile(rf"""\.parent\s*/\s*["']{SIBLING}["']"""), "the reference folder beside the project"),
]
PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")
PARENT_CHAIN = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent)+)")
MARKDOWN_LINK = re.compile(r"\]\((\.\.?/[^)#\s]*)")


def tracked_files() -> list[str]:
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
        ).stdout
        return [name for name in listed.split("\0") if name]
    skip = {".git", ".venv", "node_modules", "var", "staticfiles", "__pycache__"}
    return [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
    ]


def text_of(name: str) -> str | None:
    path = ROOT / name
    if not path.is_file() or path.stat().st_size > 2_000_000:
        return None
    data = path.read_bytes()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def problems_in(name: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        for pattern, what in OUTSIDE:
            if pattern.search(line):
                found.append(f"{where} refers to {what}: {line.strip()[:120]}")
        if name.endswith(".py"):
            depth = len(Path(name).parts) - 1  # folders between the root and this file
            for match in PARENTS.finditer(line):
                if int(match[1]) >= depth + 1:
                    found.append(f"{where} climbs out of the repository: {match[0]}")
            for match in PARENT_CHAIN.finditer(line):
                if match[1].count(".parent") > depth + 1:
                    found.append(f"{where} climbs out of the repository: {match[0]}")
        if name.endswith(".md"):
            for match in MARKDOWN_LINK.finditer(line):
                target = (ROOT / name).parent / match[1]
                if not target.resolve().is_relative_to(ROOT):
                    found.append(f"{where} links outside the repository: {match[1]}")
    return found


def test_no_tracked_file_refers_to_a_path_outside_the_repository():
    files = tracked_files()
    assert len(files) > 100, "the walk found too few files to be the repository"
    problems = [
        problem
        for name in files
        if name != THIS_FILE and (text := text_of(name)) is not None
        for problem in problems_in(name, text)
    ]
    assert not problems, "Read only what the repository holds:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("directory/tests/test_x.py", f'SPEC = Path(settings.BASE_DIR).parent / "{SIBLING}" / "oruk"'),
        ("directory/tests/conformance/validate.py", "return Path(__file__).resolve().parents[4]"),
        ("directory/tests/x.py", "Path(__file__).parent.parent.parent.parent / 'data'"),
        ("README.md", f"See [the architecture](../{SIBLING}/ARCHITECTURE.md)."),
        ("docs/x.md", "See [the notes](../../notes.md)."),
        ("scripts/x.sh", f"cat /work/{SIBLING}/oruk/openapi.json"),
    ],
)
def test_the_guard_catches_a_path_outside(name, line):
    assert problems_in(name, line)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("directory/tests/conformance/validate.py", 'Path(__file__).resolve().parents[2] / "oruk_spec"'),
        ("config/settings.py", "BASE_DIR = Path(__file__).resolve().parent.parent"),
        ("docs/architecture.md", "See [ADR 9](decisions/0009-oruk-api.md) and [the README](../README.md)."),
    ],
)
def test_the_guard_lets_paths_inside_pass(name, line):
    assert problems_in(name, line) == []


def test_no_tracked_link_points_outside_the_repository():
    """A committed symbolic link (for example a development checkout's link to a common .venv) would be
    broken in a stranger's clone, and checking it out replaces whatever was there."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: links are checked where the history is")
    staged = subprocess.run(
        ["git", "ls-files", "-s", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    )
    links = [entry.split("\t", 1)[1] for entry in staged.stdout.split("\0") if entry.startswith("120000 ")]
    outside = []
    for name in links:
        target = (ROOT / name).parent / Path((ROOT / name).readlink() if (ROOT / name).is_symlink() else "")
        if not target.resolve().is_relative_to(ROOT) or name in {".venv", "node_modules"}:
            outside.append(name)
    assert outside == [], f"tracked links that point outside the repository: {outside}"
