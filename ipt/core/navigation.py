"""Header navigation by role: each user sees links to what their roles let them do."""

from django.urls import NoReverseMatch, reverse

# (url name, label, roles that see it); None means every signed-in member of staff.
_LINKS = [
    ("core:home", "Home", None),
    ("clients:list", "Clients", None),
    ("appointments:diary", "Diary", {"is_therapist", "is_service_manager"}),
    ("measures:alerts", "Risk alerts", {"is_therapist", "is_supervisor", "is_service_manager"}),
    ("supervision:caseloads", "Supervision", {"is_supervisor"}),
    ("portal:requests", "Requests", None),
    ("clients:waiting_list", "Waiting list", {"is_administrator", "is_service_manager"}),
    ("clients:break_glass_log", "Break-glass log", {"is_service_manager"}),
    ("reports:dashboard", "Reports", {"is_service_manager"}),
    ("core:audit_log", "Audit log", {"is_service_manager"}),
    ("measures:settings", "Risk settings", {"is_service_manager"}),
    ("measures:sets", "Questionnaires", {"is_service_manager", "is_administrator"}),
    ("assessments:settings", "Record settings", {"is_service_manager", "is_administrator"}),
    ("reminders:settings", "Reminders", {"is_service_manager", "is_administrator"}),
    ("accounts:user_list", "Users", {"is_administrator"}),
    ("organisations:site_list", "Sites", {"is_administrator"}),
    ("courses:variant_list", "IPT variants", {"is_administrator"}),
    ("organisations:service_settings", "Service settings", {"is_administrator"}),
]


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return []
    items = []
    for name, label, roles in _LINKS:
        if roles is not None and not any(getattr(user, flag, False) for flag in roles):
            continue
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"href": href, "text": label, "current": request.path == href})
    return items
