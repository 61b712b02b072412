"""System checks for settings that would quietly weaken the product."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@register()
def uploads_outside_web_root(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Uploaded files must never be reachable as static files (WhiteNoise serves STATIC_ROOT and
    WHITENOISE_ROOT to anyone): they go out only through access-checked views."""
    media = Path(settings.MEDIA_ROOT)
    served = [Path(settings.STATIC_ROOT), *(Path(str(d)) for d in settings.STATICFILES_DIRS)]
    whitenoise_root = getattr(settings, "WHITENOISE_ROOT", None)
    if whitenoise_root:
        served.append(Path(whitenoise_root))
    errors = [
        Error(
            f"MEDIA_ROOT ({media}) is inside {root}, which is served to anyone.",
            hint="Keep uploads outside the static files; they are served only through access-checked views.",
            id="core.E001",
        )
        for root in served
        if _inside(media, root) or _inside(root, media)
    ]
    return errors
