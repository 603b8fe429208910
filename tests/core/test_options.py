from dataclasses import dataclass
from datetime import timedelta

import pytest

from mockpost.core.options import read_options


@dataclass(frozen=True)
class Timeline:
    print_after: timedelta = timedelta(days=1)
    strict: bool = False


def test_options_take_their_fields_types():
    assert read_options(Timeline, {"print_after": "2h30m", "strict": "yes"}, "p") == {
        "print_after": timedelta(hours=2, minutes=30),
        "strict": True,
    }


def test_an_unknown_option_is_refused_with_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown p option\(s\) \['prnit_after'\]; known: \['print_after', 'strict'\]"
    ):
        read_options(Timeline, {"prnit_after": "1d"}, "p")


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_flag_is_true_or_false_nothing_else(value):
    with pytest.raises(ValueError, match="must be true or false"):
        read_options(Timeline, {"strict": value}, "p")
