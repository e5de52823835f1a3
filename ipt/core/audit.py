"""Write and verify the audit log. Every clinical write calls `record` in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import request_context
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
Action = AuditEvent.Action


def _plain(value: Any) -> Any:
    """A JSON-safe copy: what is hashed is exactly what the database stores and returns."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def event_hash(event: AuditEvent) -> str:
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_id": event.client_id,
        "summary": event.summary,
        "changes": event.changes,
        "ip": event.ip,
        "request_id": event.request_id,
        "previous_hash": event.previous_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named field values of a model instance, for `changes_between`."""
    return _plain({name: getattr(instance, name) for name in fields})


def client_actor(client) -> str:
    """How the audit log names a client acting for themselves in the portal ("client 1042")."""
    return f"client {client.reference}"


def record(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    client_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that makes the change.

    `by` is the member of staff acting; a client acting through the portal is recorded with
    `by=None` and `actor_label` naming them (e.g. "client 1042")."""
    context = request_context.current()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            occurred_at=timezone.now(),
            actor=by if by is not None and by.pk else None,
            actor_label=actor_label
            or (by.get_username() if by is not None and by.pk else "system"),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            client_id=client_id,
            summary=summary[:300],
            changes=_plain(dict(changes or {})),
            ip=context.ip,
            request_id=context.request_id,
            previous_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.intact:
            return f"intact ({self.checked} events checked)"
        return f"broken at event #{self.broken_at}: {self.reason}"


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the log in order; report the first event whose hash or link does not hold."""
    expected_previous, expected_sequence, checked = GENESIS_HASH, 1, 0
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for event in events:
        if event.sequence != expected_sequence:
            return ChainReport(False, checked, expected_sequence, "an event is missing")
        if event.previous_hash != expected_previous:
            return ChainReport(False, checked, event.sequence, "it does not link to the one before")
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.sequence, "its contents were changed")
        expected_previous, expected_sequence, checked = (
            event.hash,
            expected_sequence + 1,
            checked + 1,
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.sequence != checked:
        return ChainReport(False, checked, checked + 1, "events after it were removed")
    return ChainReport(True, checked)
