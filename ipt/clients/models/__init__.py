"""Clients, their referrals, each referral's status history, and break-glass access grants."""

from .break_glass import BreakGlassAccess, BreakGlassAccessQuerySet
from .clients import Client, ClientQuerySet, ContactMethod
from .referrals import (
    OPEN_STATUSES,
    TRANSITIONS,
    AppendOnlyError,
    ProblemDescriptor,
    Referral,
    ReferralQuerySet,
    ReferralSource,
    ReferralStatus,
    ReferralStatusChange,
    Urgency,
)

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "AppendOnlyError",
    "BreakGlassAccess",
    "BreakGlassAccessQuerySet",
    "Client",
    "ClientQuerySet",
    "ContactMethod",
    "ProblemDescriptor",
    "Referral",
    "ReferralQuerySet",
    "ReferralSource",
    "ReferralStatus",
    "ReferralStatusChange",
    "Urgency",
]
