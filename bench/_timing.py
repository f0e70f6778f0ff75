"""The benchmarks' timing protocol, in one place: rotated rounds and a settle pause.

Solvers that leave threads spinning after they return (celer's OpenMP team, OpenBLAS
workers) slow whichever solver runs next, by 1.5-2.5x on a 2-core machine; in a fixed
order that is always the same solver. So every round of an interleaved benchmark starts
one solver later than the last (:func:`round_order`), and every timed call follows a
pause of :data:`SETTLE` seconds (:func:`timed`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

#: idle time before each timed call (s)
SETTLE = 0.3


def round_order(names: Sequence[str], r: int) -> list[str]:
    """The order of round ``r``: ``names`` rotated by ``r``."""
    k = r % len(names) if names else 0
    return list(names[k:]) + list(names[:k])


def timed(fn: Callable[[], object]) -> float:
    """Wall time of one call of ``fn`` after a :data:`SETTLE` pause."""
    time.sleep(SETTLE)
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
