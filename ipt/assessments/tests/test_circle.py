"""The closeness circle: positions (pure) and the SVG and list the macro draws from them."""

import math
import re

from ipt.assessments.circle import CENTRE, Person, build_circle, initials

from .support import SVG, people_on_rings, render_circle, svg_of, text

PEOPLE = [
    Person("Dev", 1, "Partner (husband)"),
    Person("Priya", 1, "Child"),
    Person("Anil", 2, "Child"),
    Person("Mr K", 3, "Colleague (line manager)"),
]


def _distance(node) -> float:
    return math.hypot(node.x - CENTRE, node.y - CENTRE)


def test_it_puts_each_person_between_the_edges_of_their_ring():
    circle = build_circle(people=PEOPLE, rings=3, centre_label="JS")

    for node in circle.nodes:
        ring = circle.rings[node.ring - 1]
        inner = circle.rings[node.ring - 2].radius if node.ring > 1 else circle.centre_radius
        assert inner < _distance(node) < ring.radius


def test_it_spreads_the_people_of_a_ring_evenly():
    circle = build_circle(people=[Person(f"P{n}", 2) for n in range(4)], rings=3, centre_label="X")
    angles = sorted(math.atan2(n.y - CENTRE, n.x - CENTRE) for n in circle.nodes)
    gaps = [b - a for a, b in zip(angles, angles[1:], strict=False)]
    assert all(math.isclose(gap, math.pi / 2, abs_tol=0.01) for gap in gaps)


def test_it_draws_one_node_per_person_on_the_right_ring():
    html = render_circle(build_circle(people=PEOPLE, rings=3, centre_label="JS"))
    svg = svg_of(html)

    assert people_on_rings(svg) == {"Dev": 1, "Priya": 1, "Anil": 2, "Mr K": 3}
    rings = [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "ipt-circle__ring"]
    assert sorted(int(c.get("data-ring")) for c in rings) == [1, 2, 3]
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Closeness circle: 4 people on 3 rings"
    assert "JS at the centre; ring 1 (closest): Dev, Priya" in svg.find(f"{SVG}desc").text
    centre = [t.text for t in svg.iter(f"{SVG}text")]
    assert "JS" in centre


def test_the_list_alternative_names_the_same_people_ring_by_ring():
    html = render_circle(build_circle(people=PEOPLE, rings=3, centre_label="JS"))
    listed = text(html.split("</svg>")[1])

    assert "Ring 1 (closest): Dev (Partner (husband)), Priya (Child)" in listed
    assert "Ring 2: Anil (Child)" in listed
    assert "Ring 3 (least close): Mr K (Colleague (line manager))" in listed


def test_an_empty_ring_says_nobody_and_an_empty_circle_still_draws():
    html = render_circle(build_circle(people=[], rings=4, centre_label="JS"))
    svg = svg_of(html)

    assert people_on_rings(svg) == {}
    assert svg.find(f"{SVG}title").text == "Closeness circle: 0 people on 4 rings"
    assert text(html.split("</svg>")[1]).count("nobody") == 4


def test_a_person_beyond_the_services_rings_widens_the_circle():
    circle = build_circle(people=[Person("Old friend", 5)], rings=3, centre_label="JS")
    assert len(circle.rings) == 5 and circle.nodes[0].ring == 5


def test_names_are_escaped_and_long_ones_shortened_on_the_drawing():
    html = render_circle(
        build_circle(people=[Person("<b>Bartholomew-Smythe</b>", 1)], rings=3, centre_label="JS")
    )
    svg = svg_of(html)

    assert "<b>" not in html
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<b>Bartholome…" in labels
    assert people_on_rings(svg) == {"<b>Bartholomew-Smythe</b>": 1}


def test_two_circles_on_a_page_have_their_own_ids():
    before = render_circle(build_circle(people=PEOPLE, rings=3, centre_label="A", id="c-before"))
    after = render_circle(build_circle(people=PEOPLE, rings=3, centre_label="A", id="c-after"))
    assert re.search(r'aria-labelledby="c-before-title c-before-desc"', before)
    assert 'id="c-after-title"' in after


def test_initials_of_the_client():
    assert initials("Jane Mary Smith") == "JMS"
    assert initials("  ") == "?"
