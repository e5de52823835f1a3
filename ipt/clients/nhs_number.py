"""NHS numbers: normalise what staff type, check the modulus 11 check digit, format for display."""

from __future__ import annotations

LENGTH = 10
_WEIGHTS = range(10, 1, -1)  # 10, 9, ... 2 for the first nine digits


def normalise(text: str) -> str:
    """The text without spaces or hyphens: "943 476-5919" becomes "9434765919"."""
    return "".join(text.split()).replace("-", "")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the number cannot be valid (remainder 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid(digits: str) -> bool:
    """True for ten ASCII digits whose last digit is the modulus 11 check digit of the rest."""
    if len(digits) != LENGTH or not (digits.isascii() and digits.isdigit()):
        return False
    return check_digit(digits[:9]) == int(digits[9])


def format(digits: str) -> str:
    """Ten digits spaced 3-3-4, as the NHS shows them: "943 476 5919"."""
    if len(digits) != LENGTH:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
