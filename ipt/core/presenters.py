"""Display values for audit events."""

from __future__ import annotations

from django.utils import timezone


def audit_rows(events) -> list[dict[str, str]]:
    rows = []
    for event in events:
        changed = "; ".join(
            f"{name}: {old!r} → {new!r}" for name, (old, new) in (event.changes or {}).items()
        )
        rows.append(
            {
                "sequence": str(event.sequence),
                "when": timezone.localtime(event.occurred_at).strftime("%d %b %Y %H:%M:%S"),
                "who": event.actor_label,
                "action": event.get_action_display(),
                "what": f"{event.object_type} {event.object_id}".strip(),
                "client": "" if event.client_id is None else str(event.client_id),
                "summary": event.summary,
                "changes": changed,
                "ip": event.ip or "",
            }
        )
    return rows
