"""The queued mode's safety sweep looks at a bounded slice of the connected firms each run, and
at every firm in turn."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from lawsync.sync.jobs import SWEEP_FIRMS, SWEEP_SECONDS, sweep_turn


@given(
    firms=st.sets(st.integers(min_value=1, max_value=10**6), max_size=400),
    start=st.integers(min_value=0, max_value=10**10),
)
def test_each_firm_is_looked_at_once_in_a_round_of_sweeps(firms: set[int], start: int) -> None:
    rounds = max(1, -(-len(firms) // SWEEP_FIRMS))
    seen: Counter[int] = Counter()
    for run in range(rounds):
        turn = sweep_turn(list(firms), start + run * SWEEP_SECONDS)
        assert len(turn) <= SWEEP_FIRMS
        seen.update(turn)
    assert set(seen) == firms
    assert all(n == 1 for n in seen.values())


def test_no_firm_no_sweep() -> None:
    assert sweep_turn([], 1_700_000_000) == []
