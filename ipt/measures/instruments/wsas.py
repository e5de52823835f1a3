"""WSAS, the Work and Social Adjustment Scale (Mundt, Marks, Shear & Greist 2002): five areas
scored 0 (no impairment) to 8 (very severe), total 0–40 (domain §6.3 [30] [V]).

Not working: when the client is retired or chooses not to work for reasons unrelated to their
problem, the answers carry `work_not_applicable` = 1. The work item (q1) must then be left out,
the other four are required, and the maximum is 32. Without the key, or with 0, all five count.

The item wording is not shipped: the licence is unclear (© Isaac M. Marks; CamCOPS ships the
scale as data collection only). A service with permission adds the text with `with_wording`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ipt.measures.instruments.base import (
    Answers,
    Band,
    Codes,
    InvalidAnswers,
    Item,
    SummedInstrument,
)
from ipt.measures.instruments.data import load_wording

WORK = "q1"
NOT_APPLICABLE = "work_not_applicable"
_VALUES = (0, 1, 2, 3, 4, 5, 6, 7, 8)


@dataclass(frozen=True)
class WSASInstrument(SummedInstrument):
    def not_working(self, answers: Answers) -> bool:
        return answers.get(NOT_APPLICABLE) == 1

    def permitted(self, answers: Answers) -> dict[str, tuple[int, ...]]:
        permitted = {**super().permitted(answers), NOT_APPLICABLE: (0, 1)}
        if self.not_working(answers):
            del permitted[WORK]
        return permitted

    def check(self, answers: Answers) -> None:
        if isinstance(answers, Mapping) and NOT_APPLICABLE in answers:
            self._check_value(NOT_APPLICABLE, answers[NOT_APPLICABLE], (0, 1))
            if self.not_working(answers) and WORK in answers:
                raise InvalidAnswers(
                    f"{self.name} {WORK} (work) must be left out when {NOT_APPLICABLE} is 1"
                )
        super().check(answers)

    def required(self, answers: Answers) -> tuple[str, ...]:
        items = super().required(answers)
        return tuple(i for i in items if i != WORK) if self.not_working(answers) else items

    def scored(self, answers: Answers) -> tuple[str, ...]:
        items = super().scored(answers)
        return tuple(i for i in items if i != WORK) if self.not_working(answers) else items


WSAS = WSASInstrument(
    code="WSAS",
    name="WSAS",
    items=(
        Item(id="q1", label="work", values=_VALUES),
        Item(id="q2", label="home management", values=_VALUES),
        Item(id="q3", label="social leisure activities", values=_VALUES),
        Item(id="q4", label="private leisure activities", values=_VALUES),
        Item(id="q5", label="close relationships", values=_VALUES),
    ),
    bands=(
        Band(0, 9, "subclinical"),
        Band(10, 20, "significant functional impairment"),
        Band(21, 40, "moderately severe or worse"),
    ),
    codes=Codes(
        note="No LOINC code found [U]. UK SNOMED CT concepts exist for the scale, the total and "
        "each area, but their IDs were not retrieved [U]; left empty. Domain §6.3, §11.5."
    ),
    licence="Copyright Isaac M. Marks. Reproduction is not clearly permitted (CamCOPS ships it "
    "as data collection only); the wording is not shipped. Get written permission, or use the "
    "text the NHS Talking Therapies programme provides, before adding it.",
    source="Mundt, Marks, Shear & Greist 2002 [32]; scoring as CamCOPS tasks/wsas.py [30]",
).with_wording(load_wording(Path(__file__).parent / "wording" / "wsas.json"))
