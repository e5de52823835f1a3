"""Questionnaires before every session: scoring, risk flags and NHS Talking Therapies outcomes.

`ipt.measures.instruments` and `ipt.measures.outcomes` are pure Python and import without a
database; the rest of the app stores responses and raises risk alerts.
"""
