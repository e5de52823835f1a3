"""What changed between two versions of the interpersonal inventory (snapshots, or a snapshot
and now). Pure: each side is a list of entry dicts as frozen by `services.take_snapshot`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["added", "removed", "inward", "outward"]
ORDER: dict[str, int] = {"added": 0, "removed": 1, "inward": 2, "outward": 3}


@dataclass(frozen=True)
class Change:
    kind: Kind
    name: str
    from_ring: int | None = None
    to_ring: int | None = None

    @property
    def text(self) -> str:
        if self.kind == "added":
            return f"{self.name} added on ring {self.to_ring}"
        if self.kind == "removed":
            return f"{self.name} no longer in the inventory (was on ring {self.from_ring})"
        closer = "closer" if self.kind == "inward" else "less close"
        return f"{self.name} moved from ring {self.from_ring} to ring {self.to_ring} ({closer})"


def compare(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> list[Change]:
    """People added, removed, and moved inward (closer) or outward, matched by entry id."""
    old = {entry["id"]: entry for entry in before}
    new = {entry["id"]: entry for entry in after}
    changes = [
        Change("added", new[key]["name"], to_ring=new[key]["ring"])
        for key in new.keys() - old.keys()
    ]
    changes += [
        Change("removed", old[key]["name"], from_ring=old[key]["ring"])
        for key in old.keys() - new.keys()
    ]
    for key in old.keys() & new.keys():
        was, now = old[key]["ring"], new[key]["ring"]
        if now != was:
            kind: Kind = "inward" if now < was else "outward"
            changes.append(Change(kind, new[key]["name"], from_ring=was, to_ring=now))
    return sorted(changes, key=lambda change: (ORDER[change.kind], change.name.lower()))
