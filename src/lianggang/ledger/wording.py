"""How the federation writes its totals: 3800万元, 500期, 3.2万人次, 3260余户, 近5000场次.

The rules, applied in this order (the test file holds a case for each):

Money (yuan) is an account and is never approximated:
  M1. rounded half up to whole yuan; below 10 000 yuan written so: 8500元.
  M2. below 100 million: 万元 with one decimal, rounded half up, a trailing ".0" dropped:
      3800万元, 322.6万元 (what rounds to 10000万元 is written by M3).
  M3. from there: 亿元 with two decimals, rounded half up, trailing zeros dropped: 1.25亿元.

Stocks (what exists at a date: 妇女之家达2563个) and any count below 1 000 are written in full
(rule E).

Other counts (sums of what was done over the period), from 1 000:
  C1. a multiple of the unit of its range is written as such: 3000名, 3万人次, 120万份;
  C2. within 2 % below the next round figure of its leading digit, "近" that figure: 4 960 →
      近5000, 697 000 → 近70万 (round figures: multiples of 1 000 below 10 000, of 1万 below
      10万, of 10万 from there);
  C3. from 1 000 to below 10 000: the tens, then "余": 3 264 → 3260余, 1 683 → 1680余 (a
      multiple of ten in full: 3260);
  C4. from 10 000 to below 100 000: 万 with one decimal, rounded half up: 32 400 → 3.2万;
      when that decimal is 0 the count is "N万余": 30 412 → 3万余;
  C5. from 100 000: whole 万, then "余" before 万: 703 000 → 70余万, 181 234 → 18余万.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

NEAR = Decimal("0.98")
WAN = 10_000


class Kind(StrEnum):
    MONEY = "money"  # yuan
    STOCK = "stock"  # things existing at a date
    COUNT = "count"  # sums over a period


def _plain(d: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 3800, 322.6, 1.25."""
    return format(d.normalize(), "f")


def money(yuan: Decimal | int | float) -> str:
    """Money in the federation's style.

    >>> money(38_000_000)
    '3800万元'
    >>> money(3_226_000)
    '322.6万元'
    >>> money(8_500)
    '8500元'
    """
    y = Decimal(str(yuan)).quantize(Decimal(1), ROUND_HALF_UP)
    if y < 10_000:
        return f"{_plain(y)}元"
    wan = (y / 10_000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if wan < 10_000:
        return f"{_plain(wan)}万元"
    yi = (y / 100_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{_plain(yi)}亿元"


def _round_figure(n: int) -> int:
    """The next round figure above n of its range's unit (1 000, 1万 or 10万)."""
    unit = 1_000 if n < 10_000 else 10_000 if n < 100_000 else 100_000
    return (n // unit + 1) * unit


@dataclass(frozen=True)
class Approx:
    """A count as written: ``mode`` "" (exact), "near" (近) or "over" (余); ``value`` in units
    of ``scale`` (1 or 10 000, 万)."""

    mode: str
    value: Decimal
    scale: int = 1

    @property
    def amount(self) -> Decimal:
        return self.value * self.scale


def approximate(n: int, *, stock: bool = False) -> Approx:
    """Apply rules E and C1–C5 to a count."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    if stock or n < 1_000:
        return Approx("", Decimal(n))  # E
    if n < 10_000 and n % 1_000 == 0:  # C1
        return Approx("", Decimal(n))
    if n >= 10_000 and n % 10_000 == 0:
        return Approx("", Decimal(n // 10_000), WAN)
    figure = _round_figure(n)
    if n >= NEAR * figure:  # C2
        if figure < 10_000:
            return Approx("near", Decimal(figure))
        return Approx("near", Decimal(figure // 10_000), WAN)
    if n < 10_000:  # C3
        return Approx("" if n % 10 == 0 else "over", Decimal(n // 10 * 10))
    if n < 100_000:  # C4
        wan = (Decimal(n) / WAN).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if wan == wan.to_integral_value():
            return Approx("over", wan.to_integral_value(), WAN)
        return Approx("", wan, WAN)
    return Approx("over", (Decimal(n) / WAN).to_integral_value(ROUND_DOWN), WAN)  # C5


def count(n: int, *, stock: bool = False) -> str:
    """A count in the federation's style (without its measure word).

    >>> count(500), count(3264), count(4960), count(32_400), count(703_000)
    ('500', '3260余', '近5000', '3.2万', '70余万')
    >>> count(2563, stock=True)
    '2563'
    """
    a = approximate(n, stock=stock)
    number = _plain(a.value)
    if a.mode == "near":
        return f"近{number}" + ("万" if a.scale == WAN else "")
    if a.scale == 1:
        return number + ("余" if a.mode == "over" else "")
    if a.mode != "over":
        return f"{number}万"
    return f"{number}万余" if a.value < 10 else f"{number}余万"


def count_en(n: int, *, stock: bool = False) -> str:
    """The same approximation in English figures.

    >>> count_en(3264), count_en(4960), count_en(32_400), count_en(703_000)
    ('over 3,260', 'nearly 5,000', '32,000', 'over 700,000')
    """
    a = approximate(n, stock=stock)
    number = f"{a.amount:,.0f}"
    return {"near": f"nearly {number}", "over": f"over {number}"}.get(a.mode, number)


def money_en(yuan: Decimal | int | float) -> str:
    """Money in English: 38.0 million yuan → "38 million yuan".

    >>> money_en(38_000_000), money_en(3_226_000), money_en(8_500)
    ('38 million yuan', '3.23 million yuan', '8,500 yuan')
    """
    y = Decimal(str(yuan)).quantize(Decimal(1), ROUND_HALF_UP)
    if y < 1_000_000:
        return f"{y:,.0f} yuan"
    return f"{_plain((y / 1_000_000).quantize(Decimal('0.01'), ROUND_HALF_UP))} million yuan"


def words(
    value: Decimal | int | float, kind: Kind, measure: str = "", *, english: bool = False
) -> str:
    """The figure as a sentence writes it, with its measure word (个, 户, 人次, …) in Chinese."""
    if kind is Kind.MONEY:
        return money_en(value) if english else money(value)
    if english:
        return count_en(int(value), stock=kind is Kind.STOCK)
    return count(int(value), stock=kind is Kind.STOCK) + measure
