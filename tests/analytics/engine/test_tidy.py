import io

import pytest

from lianggang.analytics.engine.tidy import ErrorCode, TidyInputError, read_series

HEADER = "series,year,value,direction,target,target_year,baseline_year,scale,kind,factor\n"


def _error(text: str) -> TidyInputError:
    with pytest.raises(TidyInputError) as info:
        read_series(io.StringIO(text))
    return info.value


def test_text_in_a_number_cell_names_row_and_column() -> None:
    e = _error(
        HEADER
        + "a,2020,70,>=,90,2030,2020,linear,value,1\n"
        + "a,2021,seventy,>=,90,2030,2020,linear,value,1\n"
    )
    assert (e.code, e.row, e.column, e.params["text"]) == (
        ErrorCode.NOT_A_NUMBER,
        3,
        "value",
        "seventy",
    )


def test_inconsistent_configuration_within_a_series() -> None:
    e = _error(
        HEADER
        + "a,2020,70,>=,90,2030,2020,linear,value,1\na,2021,71,>=,95,2030,2020,linear,value,1\n"
    )
    assert (e.code, e.row, e.column, e.params["first_row"]) == (
        ErrorCode.INCONSISTENT,
        3,
        "target",
        2,
    )


@pytest.mark.parametrize(
    ("line", "code", "column"),
    [
        ("a,20x0,70,>=,90,2030,2020,linear,value,1", ErrorCode.NOT_A_YEAR, "year"),
        ("a,2020,70,>,90,2030,2020,linear,value,1", ErrorCode.BAD_CHOICE, "direction"),
        ("a,2020,70,>=,90,2030,2020,cubic,value,1", ErrorCode.BAD_CHOICE, "scale"),
        ("a,2020,,>=,90,2030,2020,linear,value,1", ErrorCode.MISSING_VALUE, "value"),
        ("a,2020,70,>=,,2030,2020,linear,value,1", ErrorCode.NO_TARGET, "target"),
        (",2020,70,>=,90,2030,2020,linear,value,1", ErrorCode.MISSING_VALUE, "series"),
    ],
)
def test_bad_cells(line: str, code: ErrorCode, column: str) -> None:
    e = _error(HEADER + line + "\n")
    assert (e.code, e.row, e.column) == (code, 2, column)


def test_missing_columns_and_duplicate_years() -> None:
    assert _error("series,year,value\n").column == "direction"
    assert _error("series,year,direction,target_year\n").column == "value"
    e = _error(
        HEADER
        + "a,2020,70,>=,90,2030,2020,linear,value,1\na,2020,71,>=,90,2030,2020,linear,value,1\n"
    )
    assert (e.code, e.row) == (ErrorCode.DUPLICATE_YEAR, 3)
    assert _error("").code == ErrorCode.EMPTY


def test_numbers_with_thousands_separators_are_read() -> None:
    text = (
        "series,year,numerator,denominator,direction,target,target_year\n"
        'm,2024,"2,200","100,000",<=,25,2030\n'
    )
    (s,) = read_series(io.StringIO(text))
    assert s.observations[0].numerator == 2200
    assert s.observations[0].denominator == 100000
    assert s.rule.baseline_year is None  # without one, the window is the ten latest years
    assert s.rule.scale == "linear"
