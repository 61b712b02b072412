"""`lib.inputs`' limits for API schemas: every input schema of our JSON APIs derives from `InputSchema`.

One wildcard validator checks every field of every subclass, so a new field is covered without
anyone remembering to: text without NUL characters, dates in range, date-times in range with an
offset PostgreSQL can store (returned in UTC), finite numbers. A breach is an ordinary validation
error, which the API answers as a 422 problem document naming the field.

`date_in_range` is the same date rule for Django forms (core.date_input.DateField uses it).
`LimitedJsonParser` bounds the JSON body itself (size, nesting, finite numbers) before any of that.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema
from ninja.parser import Parser
from pydantic import field_validator

from lib import inputs


def date_in_range(value: dt.date | None) -> None:
    """A Django form validator: the date lies where statutory clocks can count from it."""
    if value is None:
        return
    problem = inputs.date_problem(value)
    if problem:
        raise ValidationError(f"The date {problem}", code="out_of_range")


def check_value(value: Any) -> Any:
    """The value, checked against `lib.inputs`' limits (recursing into lists and dicts)."""
    if isinstance(value, str):
        if inputs.has_nul(value):
            raise ValueError(inputs.NUL_MESSAGE)
    elif isinstance(value, dt.datetime):
        return inputs.aware_utc(value)
    elif isinstance(value, dt.date):
        problem = inputs.date_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif isinstance(value, list | tuple):
        return type(value)(check_value(v) for v in value)
    elif isinstance(value, dict):
        return {check_value(k): check_value(v) for k, v in value.items()}
    return value


class InputSchema(Schema):
    """The base of every API input schema (bodies and query filters)."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value: Any) -> Any:
        return check_value(value)


class BodyRejected(ValueError):
    """A JSON body refused before validation; `status` and str(error) say why (413 or 400)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _reject_constant(name: str) -> Any:
    raise BodyRejected(f"It must not contain {name}: numbers must be finite.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyRejected(f"The number {text[:20]} is too large: numbers must be finite.")
    return value


def _depth(data: Any, limit: int) -> int:
    """How deeply `data` nests, counting no further than limit + 1 (iterative: no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            break
        stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class LimitedJsonParser(Parser):
    """django-ninja's JSON parser with limits: a size cap, a nesting cap, and finite numbers only.

    A breach raises BodyRejected, which ninja wraps in its 400 HttpError; the API's HttpError
    handler answers with the BodyRejected's status and message."""

    def __init__(self, *, max_bytes: int, max_depth: int) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return load_json(request.body, max_bytes=self.max_bytes, max_depth=self.max_depth)


def load_json(data: bytes | str, *, max_bytes: int, max_depth: int, what: str = "The body") -> Any:
    """JSON parsed within limits (size, nesting, finite numbers); BodyRejected with a reason a
    person can act on otherwise. Used for API bodies and imported files alike."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size > max_bytes:
        raise BodyRejected(f"{what} must be at most {max_bytes:,} bytes.", status=413)
    try:
        parsed = json.loads(data, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError as exc:
        raise BodyRejected(f"{what} must nest at most {max_depth} levels deep.") from exc
    except BodyRejected:
        raise
    except json.JSONDecodeError as exc:
        raise BodyRejected(f"{what} is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    except (ValueError, UnicodeDecodeError) as exc:  # an integer thousands of digits long; bad bytes
        raise BodyRejected(f"{what} must be JSON encoded as UTF-8, with numbers of a sensible size.") from exc
    if _depth(parsed, max_depth) > max_depth:
        raise BodyRejected(f"{what} must nest at most {max_depth} levels deep.")
    return parsed
