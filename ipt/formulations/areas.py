"""The four IPT problem areas: canonical codes, default labels, goals and strategies.

Pure Python (no database), shared by the formulation, the session notes and the reviews.
Codes follow docs/clinical-record.md and ipt-and-measures.md §2; a service may show its own
labels (e.g. "Interpersonal sensitivity" for deficits), but the code stored is always one of
these. Goals and strategies are summaries in our own words of the manuals' descriptions
(ipt-and-measures.md §2.1–§2.4, sources [1][14][15][16]); items the domain document marks [U]
are marked below too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ProblemArea(models.TextChoices):
    GRIEF = "grief", "Grief"
    ROLE_DISPUTE = "role_dispute", "Role dispute"
    ROLE_TRANSITION = "role_transition", "Role transition"
    DEFICITS = "deficits", "Interpersonal deficits"


class DisputeStage(models.TextChoices):
    """Stages of a role dispute (§2.2); a dispute can move between them during treatment."""

    RENEGOTIATION = "renegotiation", "Renegotiation"
    IMPASSE = "impasse", "Impasse"
    DISSOLUTION = "dissolution", "Dissolution"


@dataclass(frozen=True)
class Item:
    code: str
    text: str


GOALS: dict[str, tuple[Item, ...]] = {
    ProblemArea.GRIEF: (
        # [U] classic manual wording, consistent with [15][16]
        Item("mourning", "Help the mourning process along"),
        Item("reinvest", "Re-establish interests and relationships that make up for the loss"),
    ),
    ProblemArea.ROLE_DISPUTE: (
        Item("recognise", "See how the dispute is contributing to the depression"),
        Item("plan", "Choose a plan of action for the relationship"),
        Item("rebalance", "Renegotiate expectations towards a fairer balance, or end it"),
    ),
    ProblemArea.ROLE_TRANSITION: (
        # [U] classic manual wording, in line with [15]
        Item("mourn_old", "Mourn and accept the loss of the old role"),
        Item("see_new", "See the new role more positively"),
        Item("mastery", "Restore self-esteem through mastery of the new role"),
    ),
    ProblemArea.DEFICITS: (
        # [U] classic wording
        Item("isolation", "Reduce social isolation"),
        Item("new_relationships", "Encourage new relationships"),
    ),
}

STRATEGIES: dict[str, tuple[Item, ...]] = {
    ProblemArea.GRIEF: (
        Item("review_symptoms", "Review the symptoms"),
        Item("link_onset", "Link the onset of symptoms to the death"),
        Item("reconstruct", "Reconstruct the relationship with the person who died, good and bad"),
        Item("events_around", "Go through the events before, during and after the death"),
        Item("feelings", "Explore feelings, including guilt and anger"),
        Item("new_direction", "Find new direction, interests and social support"),
    ),
    ProblemArea.ROLE_DISPUTE: (
        Item("stage", "Stage the dispute"),
        Item("before", "Explore what the relationship was like before, and what changed"),
        Item("issues", "Clarify the issues and each person's expectations"),
        Item("wants", "Identify what the client wants to change"),
        Item("blocks", "Explore what is blocking resolution"),
        Item("options", "Consider options and practise new ways of communicating"),
    ),
    ProblemArea.ROLE_TRANSITION: (
        Item("old_role", "Review the good and bad sides of the old role"),
        Item("new_role", "Review the good and bad sides of the new role"),
        Item("loss_feelings", "Explore feelings about what was lost"),
        Item("skills_support", "Build skills and social support for the new role"),
    ),
    ProblemArea.DEFICITS: (
        Item("past_patterns", "Review past important relationships for repeating patterns"),
        Item("therapeutic", "Use the therapeutic relationship as a sample of relating"),
        Item("rehearse", "Rehearse new ways of relating (role play)"),
        Item("reach_out", "Plan and review contacts with new or existing people"),
    ),
}


def goals_for(area: str) -> tuple[Item, ...]:
    return GOALS.get(area, ())


def strategies_for(area: str) -> tuple[Item, ...]:
    return STRATEGIES.get(area, ())


def strategy_text(area: str, code: str) -> str:
    """The wording of one strategy, or the code itself if it has since been retired."""
    return next((item.text for item in strategies_for(area) if item.code == code), code)
