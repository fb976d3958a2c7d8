"""The busiest window of calls, as Flipsnack's rate limits count them.

One count for the tests and the benchmarks: a window includes both its edges, so a call
exactly 60 s after another shares its minute, and a call a float's rounding later still
does.
"""

from bisect import bisect_right
from collections.abc import Iterable

# How far past a window's end a call still counts: the rounding of simulated clocks.
EDGE = 1e-6


def most_in_any_window(times: Iterable[float], seconds: float) -> int:
    """Return the most calls in any window [t, t + seconds] that starts at a call."""
    ordered = sorted(times)
    return max(
        (
            bisect_right(ordered, start + seconds + EDGE) - index
            for index, start in enumerate(ordered)
        ),
        default=0,
    )
