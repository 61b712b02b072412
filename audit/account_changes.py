"""Every change to what a person may reach is written to the access log, wherever it is made.

Memberships (organisation and role), organisations (kind, parent, areas a DCO service covers, active),
accounts (active, staff, superuser, e-mail), two-factor devices and API tokens. These are model
signals, not service calls, on purpose (ADR 0014): the point is to catch changes made *outside* the
product's services too, in the Django admin, a shell or a data fix, so no code path can skip them.
Who made the change is the signed-in person of the current request (audit.trail), or nobody for a
command or shell, which the event says.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, Organisation, User
from audit import trail
from audit.models import Action

# model -> the fields whose change matters (anything that grants or removes reach, or identifies).
WATCHED: dict[type[Model], tuple[str, ...]] = {
    Membership: ("user_id", "organisation_id", "role", "is_active"),
    Organisation: ("name", "kind", "parent_id", "is_active"),
    User: ("email", "is_active", "is_staff", "is_superuser"),
    TOTPDevice: ("user_id", "key", "confirmed", "name"),
    ApiToken: ("organisation_id", "name", "token_hash", "revoked_at", "is_demo"),
}


def _describe(instance: Any) -> str:
    if isinstance(instance, Membership):
        return f"membership of {instance.user.email}: {instance.get_role_display()} at {instance.organisation.name}"
    if isinstance(instance, Organisation):
        return f"organisation {instance.name} ({instance.get_kind_display()})"
    if isinstance(instance, User):
        return f"account {instance.email}"
    if isinstance(instance, TOTPDevice):
        return f"two-factor device '{instance.name}' of {instance.user.email}"
    if isinstance(instance, ApiToken):
        return f"API token {instance.name} ({instance.prefix}...) of {instance.organisation.name}"
    return str(instance)


def _log(instance: Any, what: str) -> None:
    from audit.services import record_access

    noted = trail.current()
    request = noted.request if noted is not None else None
    user = getattr(request, "user", None) if request is not None else None
    actor = user if user is not None and user.is_authenticated else None
    where = "" if request is not None else " (outside a web request: a command or shell)"
    record_access(
        user=actor,
        action=Action.ACCOUNT,
        obj=instance,
        request=request,
        detail=f"{what}: {_describe(instance)}{where}",
    )


def _before(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        instance._audit_before = None
        return
    fields = WATCHED[sender]
    instance._audit_before = sender._default_manager.filter(pk=instance.pk).values(*fields).first()


def _after(sender: type[Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if created:
        _log(instance, "added")
        return
    before = getattr(instance, "_audit_before", None) or {}
    changed = []
    for name in WATCHED[sender]:
        old, new = before.get(name), getattr(instance, name)
        new = new.value if isinstance(new, Enum) else new
        if old != new:
            secret = name in {"key", "token_hash"}
            changed.append(f"{name} changed" if secret else f"{name} {old!r} -> {new!r}")
    if changed:
        _log(instance, "changed (" + "; ".join(changed) + ")")


def _deleted(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    _log(instance, "removed")


def _areas_changed(sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if kwargs.get("reverse"):
        # An LA added to or removed from DCO services' areas from the LA's side.
        names = ", ".join(Organisation.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        _log(instance, f"areas {action.removeprefix('post_')} (DCO services {names})")
        return
    names = ", ".join(Organisation.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    what = {"post_add": "areas added", "post_remove": "areas removed", "post_clear": "all areas removed"}[
        action
    ]
    _log(instance, f"{what}{': ' + names if names else ''}")


def connect() -> None:
    for model in WATCHED:
        uid = f"audit-account-changes-{model._meta.label}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(_areas_changed, sender=Organisation.areas.through, dispatch_uid="audit-org-areas")
