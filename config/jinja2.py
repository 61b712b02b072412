"""The Jinja2 environment for every page: the NHS.UK frontend macros plus the project's helpers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from children.registry import records_linked_to
from core import formatting
from core.forms_nhsuk import error_summary_params, field_params, remembered_component
from core.navigation import header_params


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    options["undefined"] = ChainableUndefined  # the NHS.UK macros rely on it
    options.setdefault("autoescape", True)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do", "jinja2.ext.loopcontrols"]
    env = Environment(**options)  # noqa: S701 - autoescape is set above  # nosec B701
    env.globals.update(
        {
            "static": static,
            "url": url,
            "now": timezone.now,
            "get_messages": messages.get_messages,
            "field_params": field_params,
            "error_summary_params": error_summary_params,
            "remembered_component": remembered_component,
            "header_params": header_params,
            "records_linked_to": records_linked_to,  # other apps' records naming a case's reference
        }
    )
    env.filters.update(formatting.FILTERS)
    return env
