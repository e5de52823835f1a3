"""Background work for reminders, run by `manage.py db_worker`.

Each message is queued as `send_message` at its time (and again after a failed try); the task
re-checks the message before sending, so a stale or duplicate task is harmless.
`send_due_messages` (also `manage.py send_due_reminders`) schedules the reminders of upcoming
appointments that are missing them (a lost scheduling), schedules homework nudges that have come
due, and sends anything due whose task was lost.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: int) -> str:
    """Send one reminder if it is due and should still go; returns its status afterwards."""
    from . import services

    return services.deliver(message_id=message_id)


@task()
def send_due_messages() -> dict[str, int]:
    """Repair lost schedulings, then send every reminder that is due and unsent; returns how many
    ended in each status."""
    from . import services

    return services.send_due()
