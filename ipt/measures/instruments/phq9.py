"""PHQ-9 (Kroenke, Spitzer & Williams): nine symptom items scored 0–3 and an unscored item 10 on
how difficult the problems have made life (domain §6.1 [30] [V]).

Item 10 is required once any symptom is scored above 0. Item 9 (thoughts of death or self-harm)
raises `PHQ9_Q9` at 1 or more, read from item 9 alone (§8.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipt.measures import thresholds
from ipt.measures.instruments.base import (
    Answers,
    Band,
    Codes,
    FlagRule,
    Item,
    SummedInstrument,
)
from ipt.measures.instruments.data import load_wording

SYMPTOMS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9")
DIFFICULTY = "q10"
RISK_FLAG = "PHQ9_Q9"

_LABELS = (
    "anhedonia",
    "low mood",
    "sleep",
    "energy",
    "appetite",
    "self-esteem or guilt",
    "concentration",
    "psychomotor",
    "thoughts of death or self-harm",
)
_ITEM_LOINC = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)


@dataclass(frozen=True)
class PHQ9Instrument(SummedInstrument):
    def required(self, answers: Answers) -> tuple[str, ...]:
        symptoms_total = sum(answers.get(item_id, 0) for item_id in SYMPTOMS)
        if all(item_id in answers for item_id in SYMPTOMS) and symptoms_total == 0:
            return SYMPTOMS
        return (*SYMPTOMS, DIFFICULTY)


PHQ9 = PHQ9Instrument(
    code="PHQ9",
    name="PHQ-9",
    items=(
        *(
            Item(id=i, label=label, values=(0, 1, 2, 3))
            for i, label in zip(SYMPTOMS, _LABELS, strict=True)
        ),
        Item(id=DIFFICULTY, label="difficulty", values=(0, 1, 2, 3), scored=False),
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    codes=Codes(
        loinc_panel="44249-1",
        loinc_total="44261-6",
        snomed_total="720433000",
        item_loinc={
            **dict(zip(SYMPTOMS, _ITEM_LOINC, strict=True)),
            DIFFICULTY: "69722-7",
        },
        note="LOINC from the HL7 US Core examples [33] [V]; SNOMED CT observable 720433000 "
        "[30] [V]. Domain §6.1.",
    ),
    licence='Free to reproduce: Pfizer, via phqscreeners.com: "No permission required to '
    'reproduce, translate, display or distribute."',
    source="Kroenke, Spitzer & Williams 2001; scoring as CamCOPS tasks/phq9.py [30]",
    flag_rules=(FlagRule(code=RISK_FLAG, item="q9", at_least=1),),
    threshold=thresholds.PHQ9,
).with_wording(load_wording(Path(__file__).parent / "wording" / "phq9.json"))
