"""Background work for risk alerts, run by `manage.py db_worker`.

Raising an alert queues `escalate_risk_alerts` to run at its escalation time (and at the start of
the client's next session when that comes first). The task escalates every alert that is due, so
a run that finds nothing to do, or finds others' alerts due too, is harmless.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def escalate_risk_alerts() -> int:
    """Escalate every unacknowledged risk alert that is due; returns how many were escalated."""
    from . import services

    return len(services.escalate_due(now=timezone.now()))
