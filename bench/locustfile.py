"""Locust users for `bench/load_pages.py`: each walks the plan's pages in turn, ROUNDS times.

The plan (a JSON file named by LOAD_PLAN, written by load_pages.py) lists each page's path, the
session cookie of the user who opens it and a phrase its heading must carry. A response counts as
a failure unless it is a 200 carrying that phrase, so a redirect to sign-in or an error page can
never pass as a fast page. Requests carry `X-Forwarded-Proto: https`, as from the TLS proxy in
front of production. When every user has done its rounds, the run stops, so each page gets exactly USERS x ROUNDS requests.
"""

from __future__ import annotations

import json
import os

import gevent
from locust import HttpUser, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
ROUNDS, USERS = int(PLAN["rounds"]), int(PLAN["users"])
finished = 0
quitting = False


class Staff(HttpUser):
    """One member of staff after another, with no pause between pages."""

    def on_start(self) -> None:
        self.rounds = 0

    @task
    def walk(self) -> None:
        global finished, quitting
        if self.rounds == ROUNDS:  # done: wait for the others, then end the run
            self.rounds += 1
            finished += 1
        if self.rounds > ROUNDS:
            if finished >= USERS and not quitting:
                # From a greenlet of its own: quitting stops every user's greenlet, and one
                # stopping itself from inside left the run waiting for ever (seen once in four
                # runs with two users, after every request had been made).
                quitting = True
                gevent.spawn(self.environment.runner.quit)
            gevent.sleep(0.05)
            return
        self.rounds += 1
        for page in PLAN["pages"]:
            headers = {
                "Cookie": f"{PLAN['cookie_name']}={page['session']}",
                "X-Forwarded-Proto": "https",
            }
            with self.client.get(
                page["path"],
                name=page["name"],
                headers=headers,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                elif page["marker"] not in response.text:
                    response.failure(f"no {page['marker']!r} on the page")


@events.quitting.add_listener
def _write_figures(environment, **_kwargs) -> None:
    """Each page's figures as the run ends (locust's own CSV is written every second or so, and
    would miss the last requests); a failed request fails the run."""
    figures = {}
    for (name, _method), entry in environment.stats.entries.items():
        figures[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{
                f"p{round(q * 100)}": entry.get_response_time_percentile(q)
                for q in (0.5, 0.95, 0.99)
            },
            "max": entry.max_response_time,
        }
    with open(os.environ["LOAD_FIGURES"], "w", encoding="utf-8") as out:
        json.dump(figures, out, indent=1)
    if environment.stats.total.num_failures:
        environment.process_exit_code = 1
