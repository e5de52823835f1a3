"""Shared helpers for the assessments tests."""

import html as html_module
import re
import xml.etree.ElementTree as ET

from django.template import engines

SVG = "{http://www.w3.org/2000/svg}"


def render_circle(circle, **options) -> str:
    template = engines["jinja2"].from_string(
        '{% from "assessments/_circle.jinja" import closeness_circle %}'
        "{{ closeness_circle(circle, **options) }}"
    )
    return template.render({"circle": circle, "options": options})


def svg_of(html: str, index: int = 0) -> ET.Element:
    """The nth inline <svg> of a page, parsed as XML (it must be well formed)."""
    found = re.findall(r"<svg class=\"ipt-chart.*?</svg>", html, flags=re.DOTALL)
    return ET.fromstring(found[index])


def people_on_rings(svg: ET.Element) -> dict[str, int]:
    return {
        group.get("data-name"): int(group.get("data-ring"))
        for group in svg.iter(f"{SVG}g")
        if group.get("class") == "ipt-circle__person"
    }


def text(html: str) -> str:
    """The page's words without markup, spaces collapsed: what a reader sees."""
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
