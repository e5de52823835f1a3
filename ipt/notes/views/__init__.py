"""Session notes, homework, the mid-point review and the ending of a course.

Courses and appointments are fetched through `access`, so anyone outside scope gets a 404; a
reader who may not write gets a 403 for a write. Each write is one call to `services`.
"""

from .homework import homework_new, homework_review
from .records import ending, ending_print, ending_summary, midpoint, relapse_plan
from .sessions import course_notes, note, note_addendum, note_edit, note_new, note_sign

__all__ = [
    "course_notes",
    "ending",
    "ending_print",
    "ending_summary",
    "homework_new",
    "homework_review",
    "midpoint",
    "note",
    "note_addendum",
    "note_edit",
    "note_new",
    "note_sign",
    "relapse_plan",
]
