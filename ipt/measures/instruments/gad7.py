"""GAD-7 (Spitzer, Kroenke, Williams & Löwe 2006): seven items scored 0–3, total 0–21
(domain §6.2 [30] [V]). The lowest answer is "Not at all", never "Not at all sure"."""

from __future__ import annotations

from pathlib import Path

from ipt.measures import thresholds
from ipt.measures.instruments.base import Band, Codes, Item, SummedInstrument
from ipt.measures.instruments.data import load_wording

ITEMS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")
_LABELS = (
    "nervous",
    "cannot stop worrying",
    "worrying too much",
    "trouble relaxing",
    "restless",
    "irritable",
    "afraid",
)
_ITEM_LOINC = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")

GAD7 = SummedInstrument(
    code="GAD7",
    name="GAD-7",
    items=tuple(
        Item(id=i, label=label, values=(0, 1, 2, 3))
        for i, label in zip(ITEMS, _LABELS, strict=True)
    ),
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
    codes=Codes(
        loinc_panel="69737-5",
        loinc_total="70274-6",
        snomed_total="445455005",
        item_loinc=dict(zip(ITEMS, _ITEM_LOINC, strict=True)),
        note="Panel and total LOINC [49] [S]; item LOINC consistent across implementations, to be "
        "confirmed on loinc.org [S]; SNOMED CT observable 445455005 [49] [S]. Domain §6.2.",
    ),
    licence='Free to reproduce: Pfizer, via phqscreeners.com: "No permission required to '
    'reproduce, translate, display or distribute."',
    source="Spitzer, Kroenke, Williams & Löwe 2006; scoring as CamCOPS tasks/gad7.py [30]",
    threshold=thresholds.GAD7,
).with_wording(load_wording(Path(__file__).parent / "wording" / "gad7.json"))
