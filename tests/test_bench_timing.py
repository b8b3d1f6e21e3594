"""The benchmark's sampling order: no mode always reads fresh rows first."""

from __future__ import annotations

from collections import Counter

from bench.timing import MODES, turned


def test_every_mode_goes_first_equally_often() -> None:
    """Over any len(MODES) consecutive runs each mode is first once, and every run times all."""
    firsts = Counter(turned(MODES, run)[0] for run in range(-5, -5 + 4 * len(MODES)))
    assert set(firsts) == set(MODES)
    assert set(firsts.values()) == {4}
    assert all(sorted(turned(MODES, run)) == sorted(MODES) for run in range(-5, 20))
