from datetime import UTC, datetime, timedelta

import pytest

from mockpost.core.clock import Clock, iso_utc, parse_duration, parse_instant


def test_real_clock_follows_wall_time():
    clock = Clock()
    assert clock.is_real
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 1


def test_frozen_clock_stands_still_and_can_be_set():
    clock = Clock()
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    clock.freeze(at)
    assert clock.now() == at and clock.frozen
    clock.set(at + timedelta(hours=2))
    assert clock.now() == at + timedelta(hours=2)


def test_unfreezing_keeps_the_virtual_instant():
    clock = Clock()
    future = datetime(2040, 6, 1, tzinfo=UTC)
    clock.freeze(future)
    clock.unfreeze()
    assert not clock.frozen
    assert 0 <= (clock.now() - future).total_seconds() < 1


def test_reset_returns_to_real_time():
    clock = Clock()
    clock.freeze(datetime(2040, 6, 1, tzinfo=UTC))
    clock.reset()
    assert clock.is_real and abs((clock.now() - datetime.now(UTC)).total_seconds()) < 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h30m", 9000),
        ("7d", 604800),
        ("500ms", 0.5),
        ("1d2h", 93600),
        (42, 42),
        ("12", 12),
    ],
)
def test_durations_are_read_in_every_documented_form(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "abc", "5 parsecs", "2h-3m", -1, True])
def test_bad_durations_are_refused_with_a_hint(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_instants_accept_z_offsets_dates_and_long_fractions():
    assert parse_instant("2030-01-02T03:04:05Z") == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_instant("2030-01-02T05:04:05+02:00") == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_instant("2030-01-02") == datetime(2030, 1, 2, tzinfo=UTC)
    assert parse_instant("2021-06-07T10:48:29.1234567Z").microsecond == 123456
    assert iso_utc(datetime(2030, 1, 2, tzinfo=UTC)) == "2030-01-02T00:00:00Z"
