"""Where clinical data lives, for the check that views reach it only through its owner.

Views never call `<ClinicalModel>.objects`: they go through a scope such as
`ipt.clients.access.visible_clients(request.user)`. `ipt/core/tests/test_architecture.py`
enforces this for every model in these apps; add an app here when it holds clinical data.
"""

CLINICAL_APP_LABELS: tuple[str, ...] = (
    "clients",
    "courses",
    "appointments",
    "measures",
    "assessments",
    "formulations",
    "notes",
    "portal",
    "diaries",
    "supervision",
    "reports",
)
