import pytest

from ipt.clients import nhs_number


@pytest.mark.parametrize("digits", ["9434765919", "9434765870", "4010232137", "9990000026"])
def test_it_accepts_numbers_with_the_right_check_digit(digits):
    assert nhs_number.is_valid(digits)


@pytest.mark.parametrize(
    ("digits", "why"),
    [
        ("9434765918", "wrong check digit"),
        ("9434765871", "wrong check digit"),
        ("1000000010", "check digit works out as 10, which no number may have"),
        ("943476591", "nine digits"),
        ("94347659190", "eleven digits"),
        ("943476591A", "a letter"),
        ("", "empty"),
        ("９４３４７６５９１９", "full-width digits"),
    ],
)
def test_it_refuses_invalid_numbers(digits, why):
    assert not nhs_number.is_valid(digits), why


def test_it_gives_none_as_the_check_digit_when_the_remainder_would_be_ten():
    # 1*10 + 0*9 + ... + 0*3 + 1*2 = 12; 12 % 11 = 1; 11 - 1 = 10
    assert nhs_number.check_digit("100000001") is None


def test_it_gives_zero_as_the_check_digit_when_the_remainder_is_zero():
    # The weighted sum is 0, so 11 - 0 = 11, which counts as 0
    assert nhs_number.check_digit("000000000") == 0
    assert nhs_number.is_valid("0000000000")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 9434765919 ", "9434765919"),
    ],
)
def test_it_removes_spaces_and_hyphens(typed, normalised):
    assert nhs_number.normalise(typed) == normalised


def test_it_formats_three_three_four():
    assert nhs_number.format("9434765919") == "943 476 5919"
