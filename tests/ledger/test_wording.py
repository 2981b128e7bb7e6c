"""The federation's rounding words, rule by rule (the rules are stated in ledger/wording.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lianggang.ledger.wording import Kind, count, count_en, money, money_en, words


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (0, "0元"),  # M1
        (8_500, "8500元"),
        (Decimal("9999.49"), "9999元"),
        (Decimal("9999.5"), "1万元"),  # rounds into M2
        (10_000, "1万元"),  # M2
        (38_000_000, "3800万元"),
        (3_226_000, "322.6万元"),
        (3_225_000, "322.5万元"),
        (3_225_500, "322.6万元"),  # half up
        (15_320_000, "1532万元"),
        (99_940_000, "9994万元"),
        (99_950_000, "9995万元"),
        (99_999_999, "1亿元"),  # rounds to 10000万元: written by M3
        (100_000_000, "1亿元"),  # M3
        (125_000_000, "1.25亿元"),
        (125_050_000, "1.25亿元"),
        (125_060_000, "1.25亿元"),
        (126_000_000, "1.26亿元"),
    ],
)
def test_money(yuan: Decimal | int, text: str) -> None:
    assert money(yuan) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),  # E: below 1 000, in full
        (63, "63"),
        (999, "999"),
        (1_000, "1000"),  # C1
        (3_000, "3000"),
        (1_005, "1000余"),  # C3
        (1_683, "1680余"),
        (3_264, "3260余"),
        (3_260, "3260"),  # a multiple of ten, in full
        (4_899, "4890余"),
        (4_900, "近5000"),  # C2: from 98 % of the next thousand
        (4_960, "近5000"),
        (9_850, "近1万"),
        (10_000, "1万"),  # C1
        (30_000, "3万"),
        (29_300, "2.9万"),  # C4
        (29_400, "近3万"),  # C2
        (29_960, "近3万"),
        (30_412, "3万余"),  # C4, the decimal 0
        (32_400, "3.2万"),
        (32_449, "3.2万"),
        (32_450, "3.2万"),  # below the next thousand's 98 %: C4 (3.245 → 3.2)
        (32_550, "3.3万"),  # half up
        (95_000, "9.5万"),
        (97_999, "9.8万"),
        (98_000, "近10万"),  # C2
        (99_960, "近10万"),
        (100_000, "10万"),  # C1
        (181_234, "18余万"),  # C5
        (260_000, "26万"),
        (263_641, "26余万"),
        (685_000, "68余万"),
        (686_000, "近70万"),  # C2: 98 % of 70万
        (697_000, "近70万"),
        (703_000, "70余万"),
        (1_200_000, "120万"),
        (1_252_298, "125余万"),
    ],
)
def test_counts(n: int, text: str) -> None:
    assert count(n) == text


@pytest.mark.parametrize("n", [2_563, 4_960, 703_000])
def test_stocks_are_written_in_full(n: int) -> None:
    assert count(n, stock=True) == str(n)
    assert words(n, Kind.STOCK, "个") == f"{n}个"


def test_the_measure_word_follows_the_number() -> None:
    assert words(32_400, Kind.COUNT, "人次") == "3.2万人次"
    assert words(703_000, Kind.COUNT, "人次") == "70余万人次"
    assert words(3_264, Kind.COUNT, "户") == "3260余户"
    assert words(38_000_000, Kind.MONEY, "") == "3800万元"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (999, "999"),
        (3_260, "3,260"),
        (3_264, "over 3,260"),
        (4_960, "nearly 5,000"),
        (32_400, "32,000"),
        (30_412, "over 30,000"),
        (703_000, "over 700,000"),
        (1_200_000, "1,200,000"),
    ],
)
def test_english(n: int, text: str) -> None:
    assert count_en(n) == text


def test_english_money() -> None:
    assert money_en(8_500) == "8,500 yuan"
    assert money_en(38_000_000) == "38 million yuan"
    assert words(3_226_000, Kind.MONEY, english=True) == "3.23 million yuan"


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        count(-1)


@pytest.mark.parametrize("module", ["lianggang.ledger.wording", "lianggang.ledger.crypto"])
def test_the_modules_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0
