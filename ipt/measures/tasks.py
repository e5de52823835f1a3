"""Background work for risk alerts, run by `manage.py db_worker`.

Raising an alert queues `escalate_risk_alerts` to run at its escalation time (and at the start of
the client's next session when that comes first). The task escalates every alert that is due, so
a run that finds nothing to do, or finds others' alerts due too, is harmless.

A portal answer that raises a risk flag queues `submit_risky_draft`, which sends the client's
unsent questionnaire for them once it has been left for `drafts.RISKY_DRAFT_SENT_AFTER`.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def escalate_risk_alerts() -> int:
    """Escalate every unacknowledged risk alert that is due; returns how many were escalated."""
    from . import services

    return len(services.escalate_due(now=timezone.now()))


@task()
def submit_risky_draft(draft_id: int) -> int | None:
    """Send the client's questionnaire draft if it still holds a risk answer left unsent long
    enough (see `drafts.submit_risky_draft`); returns the response's id, or None if not sent."""
    from . import drafts

    response = drafts.submit_risky_draft(draft_id=draft_id)
    return response.pk if response is not None else None
