"""The closeness circle: where each person of the interpersonal inventory sits on the diagram.

Pure: people in, positions out. The Jinja macro `assessments/_circle.jinja` draws the result as
inline SVG with the same information as a list, ring by ring.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

SIZE = 480  # room round the outer ring for the labels of its people
CENTRE = SIZE / 2
OUTER_RADIUS = 200
CENTRE_RADIUS = 34
LABEL_LENGTH = 14


@dataclass(frozen=True)
class Person:
    name: str
    ring: int
    relationship: str = ""


@dataclass(frozen=True)
class Node:
    name: str
    label: str  # the name, shortened to fit the diagram
    relationship: str
    ring: int
    x: float
    y: float
    label_y: float


@dataclass(frozen=True)
class Ring:
    number: int
    radius: float
    label: str  # "Ring 1 (closest)"
    people: tuple[Person, ...]


@dataclass(frozen=True)
class Circle:
    id: str
    centre_label: str
    rings: tuple[Ring, ...]
    nodes: tuple[Node, ...]
    title: str
    description: str
    size: int = SIZE
    centre: float = CENTRE
    centre_radius: float = CENTRE_RADIUS

    @property
    def people_count(self) -> int:
        return len(self.nodes)

    @property
    def rings_outermost_first(self) -> tuple[Ring, ...]:
        return tuple(reversed(self.rings))


def initials(name: str) -> str:
    """'Jane Smith' -> 'JS'."""
    return "".join(word[0].upper() for word in name.split() if word[:1].isalpha()) or "?"


def ring_label(number: int, count: int) -> str:
    if number == 1:
        return "Ring 1 (closest)"
    if number == count:
        return f"Ring {number} (least close)"
    return f"Ring {number}"


def _short(name: str) -> str:
    return name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1].rstrip() + "…"


def _describe(centre_label: str, rings: tuple[Ring, ...]) -> str:
    parts = [f"{centre_label} at the centre"]
    for ring in rings:
        names = ", ".join(person.name for person in ring.people) or "nobody"
        parts.append(f"{ring.label.lower()}: {names}")
    return "; ".join(parts) + "."


def people_text(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def build_circle(
    *, people: Iterable[Person], rings: int, centre_label: str, id: str = "closeness-circle"
) -> Circle:
    """Each person on their ring (1 = closest), evenly spread round it. A ring number above
    `rings` (the service reduced its rings later) widens the circle rather than hide anyone."""
    people = list(people)
    count = max([rings, *(person.ring for person in people)])
    step = (OUTER_RADIUS - CENTRE_RADIUS) / count
    ring_list = []
    nodes = []
    for number in range(1, count + 1):
        on_ring = tuple(person for person in people if person.ring == number)
        ring_list.append(
            Ring(
                number=number,
                radius=round(CENTRE_RADIUS + number * step, 2),
                label=ring_label(number, count),
                people=on_ring,
            )
        )
        radius = CENTRE_RADIUS + (number - 0.5) * step
        offset = (number - 1) * 0.45  # stagger the rings so neighbours' labels do not line up
        for index, person in enumerate(on_ring):
            angle = -math.pi / 2 + offset + 2 * math.pi * index / len(on_ring)
            x = round(CENTRE + radius * math.cos(angle), 2)
            y = round(CENTRE + radius * math.sin(angle), 2)
            nodes.append(
                Node(
                    name=person.name,
                    label=_short(person.name),
                    relationship=person.relationship,
                    ring=number,
                    x=x,
                    y=y,
                    label_y=round(y + 18, 2),
                )
            )
    ring_tuple = tuple(ring_list)
    return Circle(
        id=id,
        centre_label=centre_label,
        rings=ring_tuple,
        nodes=tuple(nodes),
        title=f"Closeness circle: {people_text(len(nodes))} on {count} rings",
        description=_describe(centre_label, ring_tuple),
    )
