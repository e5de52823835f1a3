"""Views reach clinical data through its owner (a scope), never through a model manager."""

import ast
from pathlib import Path

from django.apps import apps

from ipt.core.access import CLINICAL_APP_LABELS

IPT = Path(__file__).resolve().parents[2]


def _clinical_model_names() -> set[str]:
    return {
        model.__name__
        for label in CLINICAL_APP_LABELS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models()
    }


def _view_modules() -> list[Path]:
    return sorted(
        path
        for path in IPT.rglob("*.py")
        if "tests" not in path.parts
        and (
            path.name == "views.py" or path.parent.name == "views" or path.name.startswith("views_")
        )
    )


def _manager_uses(source: str, model_names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in model_names
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_the_check_knows_the_clinical_models():
    assert "Client" in _clinical_model_names()


def test_the_check_catches_a_direct_query():
    assert _manager_uses("Client.objects.get(pk=1)", {"Client"}) == ["line 1: Client.objects"]


def test_no_view_queries_a_clinical_model_directly():
    names = _clinical_model_names()
    offences = {
        str(path.relative_to(IPT.parent)): uses
        for path in _view_modules()
        if (uses := _manager_uses(path.read_text(), names))
    }
    assert offences == {}, "Reach clinical data through its scope (see ipt/core/access.py)"


def test_no_template_queries_a_model():
    offences = [
        str(path.relative_to(IPT.parent))
        for path in IPT.rglob("*.jinja")
        if ".objects" in path.read_text()
    ]
    assert offences == []
