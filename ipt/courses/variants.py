"""The IPT variants a new service starts with (administrators can change them).

Figures from shared/domain/ipt-and-measures.md: §1.2 (16 weekly sessions of 45–50 minutes,
phases 1–4 / 5–12 / 13–16, ending named 2–4 sessions ahead), §4 (IPT-A 12 weekly sessions with a
parent at the first, a mid-phase and the last session; group IPT; IPT for binge eating about 20
sessions; IPSRT adjunctive to medication), §1.5 (maintenance IPT monthly).
"""

from __future__ import annotations

from typing import Any

DEFAULT_VARIANTS: list[dict[str, Any]] = [
    {
        "code": "individual",
        "name": "IPT for depression",
        "description": "Individual IPT, face to face, by telephone or by video.",
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
    },
    {
        "code": "telephone",
        "name": "Telephone IPT",
        "description": "IPT delivered entirely by telephone.",
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
    },
    {
        "code": "adolescent",
        "name": "IPT-A for adolescents",
        "description": "For young people aged about 12 to 18. A parent or carer joins the first "
        "session, a session in the middle phase and the final session.",
        "planned_sessions": 12,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 8,
        "mid_point_review": 6,
        "ending_named_at": 9,
        "carer_joins": True,
    },
    {
        "code": "group",
        "name": "Group IPT",
        "description": "Members work on their problem areas together; the group is a place to "
        "practise relating to others.",
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 90,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
        "therapy_mode": "03",
    },
    {
        "code": "conjoint",
        "name": "Couples (conjoint) IPT",
        "description": "The partner attends the sessions.",
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
        "therapy_mode": "02",
        "partner_attends": True,
    },
    {
        "code": "eating_disorders",
        "name": "IPT for eating disorders",
        "description": "About 20 sessions, individual or in a group.",
        "planned_sessions": 20,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 5,
        "middle_last": 16,
        "mid_point_review": 10,
        "ending_named_at": 16,
    },
    {
        "code": "ipsrt",
        "name": "IPSRT for bipolar disorder",
        "description": "Interpersonal and social rhythm therapy, alongside medication. Social "
        "rhythms (sleep, waking, meals, activity) are reviewed each week.",
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
        "adjunct_to_medication": True,
    },
    {
        "code": "maintenance",
        "name": "Maintenance IPT (IPT-M)",
        "description": "Monthly sessions after an acute course, to prevent relapse.",
        "planned_sessions": 12,
        "frequency": "monthly",
        "session_minutes": 50,
        "initial_last": 1,
        "middle_last": 11,
        "mid_point_review": 6,
        "ending_named_at": 10,
    },
]
