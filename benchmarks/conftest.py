"""Fixtures and the printed report of the benchmarks."""

from collections.abc import Generator, Sequence
import logging
import statistics

import pytest

# The fake Flipsnack API and the integration pointed at it, as the tests have them.
# Imported rather than named in pytest_plugins, which pytest refuses in this conftest
# when it collects from the repository's root.
from custom_components.flipsnack.api.client import PAGE_SIZE
from tests.conftest import fake_flipsnack, flipsnack  # noqa: F401
from tests.fake_flipsnack import FakeFlipsnack

from . import (
    BUDGET_RESULTS,
    HISTORY_MEMORY_RESULTS,
    HISTORY_RESULTS,
    INTERACTIVE_RESULTS,
    MEMORY_RESULTS,
    OVERHEAD_RESULTS,
    SCALE_RESULTS,
    STORE_RESULTS,
    BudgetResult,
    HistoryMemoryResult,
    HistoryResult,
    InteractiveResult,
    MemoryResult,
    OverheadResult,
    ScaleResult,
    Spread,
    Stepping,
    StoreResult,
)


@pytest.fixture(autouse=True)
def full_list_pages(fake_flipsnack: FakeFlipsnack) -> None:  # noqa: F811
    """Answer as many flipbooks a listing call as the integration asks for.

    The tests' fake answers fewer, to exercise the paging; the figures the docs quote
    are of a Flipsnack that honours the integration's page size.
    """
    fake_flipsnack.list_page_cap = PAGE_SIZE


def pytest_addoption(parser: pytest.Parser) -> None:
    """Let the simulated time be stepped either way."""
    parser.addoption(
        "--stepping",
        choices=[str(stepping) for stepping in Stepping],
        default=str(Stepping.TIMERS),
        help=(
            "how simulated time passes. timers (default): from one pending timer to"
            " the next, exactly; advance_time: the tests' 1 s and 20 s steps"
        ),
    )


@pytest.fixture
def stepping(request: pytest.FixtureRequest) -> Stepping:
    """Return how the benchmarks let simulated time pass."""
    # The option is missing when this conftest was not loaded at startup.
    return Stepping(request.config.getoption("stepping", default=Stepping.TIMERS))


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Keep the event loop out of debug mode, as it runs in production.

    Home Assistant's test plugin turns debug mode on for every test; it checks every
    callback and slows all of them down.
    """


@pytest.fixture(autouse=True)
def production_log_level() -> Generator[None]:
    """Log warnings and worse only, as Home Assistant does by default.

    The test plugin logs at INFO, SQLAlchemy's statements included, and pytest keeps
    every record in memory: a line per new entity, or per statement of the recorder,
    would be measured as the integration's time and memory.
    """
    loggers = [logging.getLogger(), logging.getLogger("sqlalchemy.engine")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the figures the benchmarks measured."""
    scale = config.stash.get(SCALE_RESULTS, [])
    memory = config.stash.get(MEMORY_RESULTS, [])
    if scale or memory:
        _print_scale(terminalreporter, scale, memory)
    if overhead := config.stash.get(OVERHEAD_RESULTS, None):
        _print_overhead(terminalreporter, overhead)
    if store := config.stash.get(STORE_RESULTS, None):
        _print_store(terminalreporter, store)
    if interactive := config.stash.get(INTERACTIVE_RESULTS, None):
        _print_interactive(terminalreporter, interactive)
    if budget := config.stash.get(BUDGET_RESULTS, None):
        _print_budget(terminalreporter, budget)
    history = config.stash.get(HISTORY_RESULTS, [])
    history_memory = config.stash.get(HISTORY_MEMORY_RESULTS, [])
    if history or history_memory:
        _print_history(terminalreporter, history, history_memory)


def _table(
    reporter: pytest.TerminalReporter,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
) -> None:
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    for line in (header, *rows):
        reporter.write_line(
            "  ".join(
                cell.rjust(width) for cell, width in zip(line, widths, strict=True)
            )
        )


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _spread(spread: Spread | None) -> str:
    if spread is None:
        return "-"
    return f"{spread.low:.1f} / {spread.median:.1f} / {spread.high:.1f}"


def _print_scale(
    reporter: pytest.TerminalReporter,
    scale: Sequence[ScaleResult],
    memory: Sequence[MemoryResult],
) -> None:
    reporter.write_sep("=", 'flipbook scale benchmark, "all" tracking')
    results = sorted(scale, key=lambda result: result.flipbooks)
    if results:
        hours = statistics.median(result.simulated_hours for result in results)
        reporter.write_line(
            f"{hours:.2f} simulated hours from async_setup on, stepped with"
            f" {results[0].stepping}. Calls as the fake answered them, at simulated"
            f" time, {PAGE_SIZE} flipbooks a listing call; setup calls until the first"
            " listing was in."
        )
        _table(
            reporter,
            (
                "flipbooks",
                "setup calls",
                "listed after s",
                "max in 60 s",
                "max in 1 s",
                "calls",
                "getStats",
                "getList",
                "user",
                "expected cycle min",
                "refreshed every min (min / median / max)",
                "all figures after min",
            ),
            [
                (
                    str(r.flipbooks),
                    str(r.calls_at_setup),
                    f"{r.listed_after:.1f}",
                    str(r.most_per_minute),
                    str(r.most_per_second),
                    str(r.calls),
                    str(r.calls_by_action.get("collection.getStats", 0)),
                    str(r.calls_by_action.get("collection.getList", 0)),
                    str(r.calls_by_action.get("user.getStats", 0)),
                    f"{r.expected_cycle:.0f}",
                    _spread(r.cycle),
                    _number(r.all_figures_after),
                )
                for r in results
            ],
        )
        reporter.write_line("")
    reporter.write_line(
        "Wall clock on this machine. Memory: what is still allocated at the end of the"
        " first full cycle, traced from before async_setup on, test doubles left out"
        " (a separate run, as tracing slows everything down)."
    )
    walls = {result.flipbooks: result for result in results}
    memories = {result.flipbooks: result for result in memory}
    _table(
        reporter,
        (
            "flipbooks",
            "setup s",
            "setup + listing s",
            "throttled",
            "rejected",
            "run s",
            "memory KiB",
            "per flipbook KiB",
        ),
        [
            (
                str(count),
                *_wall_cells(walls.get(count)),
                *_memory_cells(memories.get(count)),
            )
            for count in sorted(walls.keys() | memories.keys())
        ],
    )


def _wall_cells(result: ScaleResult | None) -> tuple[str, ...]:
    if result is None:
        return ("-",) * 5
    return (
        f"{result.setup_seconds:.3f}",
        f"{result.listed_seconds:.2f}",
        str(result.throttled),
        str(result.rejected),
        f"{result.run_seconds:.1f}",
    )


def _memory_cells(result: MemoryResult | None) -> tuple[str, ...]:
    if result is None:
        return ("-",) * 2
    return (
        f"{result.traced_bytes / 1024:.0f}",
        _number(None if result.per_flipbook is None else result.per_flipbook / 1024),
    )


def _print_overhead(
    reporter: pytest.TerminalReporter, results: Sequence[OverheadResult]
) -> None:
    reporter.write_sep("=", "one flipbook refresh: through the integration against raw")
    for r in results:
        reporter.write_line(
            f"{len(r.integration)} runs each, wall clock, medians (means):"
            f" integration {statistics.median(r.integration) * 1e6:.0f} µs"
            f" ({statistics.mean(r.integration) * 1e6:.0f}),"
            f" raw signed GET {statistics.median(r.raw) * 1e6:.0f} µs"
            f" ({statistics.mean(r.raw) * 1e6:.0f}); ratio {r.ratio:.2f}"
        )


def _print_store(
    reporter: pytest.TerminalReporter, results: Sequence[StoreResult]
) -> None:
    reporter.write_sep("=", "flipbook figures written to disk")
    reporter.write_line(
        "Writes of .storage/flipsnack.<entry id>.flipbooks after the first hour, in"
        " simulated time; growing: every flipbook's figures grow every minute."
    )
    _table(
        reporter,
        ("flipbooks", "figures", "simulated h", "writes", "writes per hour"),
        [
            (
                str(r.flipbooks),
                "growing" if r.growing else "still",
                f"{r.simulated_hours:.1f}",
                str(r.writes),
                f"{r.per_hour:.1f}",
            )
            for r in sorted(results, key=lambda r: (r.flipbooks, r.growing))
        ],
    )


def _percentiles(seconds: Sequence[float]) -> str:
    """Return the median, the 95th percentile and the largest, in seconds."""
    if not seconds:
        return "-"
    if len(seconds) == 1:  # quantiles() needs two
        p95 = seconds[0]
    else:
        p95 = statistics.quantiles(seconds, n=20, method="inclusive")[-1]
    return f"{statistics.median(seconds):.2f} / {p95:.2f} / {max(seconds):.2f}"


def _print_interactive(
    reporter: pytest.TerminalReporter, results: Sequence[InteractiveResult]
) -> None:
    reporter.write_sep("=", "a person's calls while the rotation uses its share")
    reporter.write_line(
        "Seconds of simulated time each request waited for its slot: the action's one"
        " request, and every page of the options flow's listing."
    )
    _table(
        reporter,
        (
            "flipbooks",
            "simulated h",
            "actions",
            "action s (median / p95 / max)",
            "listing pages",
            "page s (median / p95 / max)",
            "rotation calls a minute",
        ),
        [
            (
                str(r.flipbooks),
                f"{r.simulated_hours:.1f}",
                str(len(r.action_waits)),
                _percentiles(r.action_waits),
                str(len(r.listing_waits)),
                _percentiles(r.listing_waits),
                f"{r.rotation_per_minute:.1f}",
            )
            for r in results
        ],
    )


def _print_budget(
    reporter: pytest.TerminalReporter, results: Sequence[BudgetResult]
) -> None:
    reporter.write_sep("=", "one API key over an entry's life")
    for r in results:
        reporter.write_line(
            "Calls Flipsnack received, step by step: "
            + ", ".join(f"{name} {calls}" for name, calls in r.calls_by_step)
        )
        reporter.write_line(
            f"Most in any 1 s: {r.most_per_second}; most in any 60 s:"
            f" {r.most_per_minute}; {sum(calls for _, calls in r.calls_by_step)} calls"
            f" in {r.simulated_seconds:.0f} simulated s."
        )


def _print_history(
    reporter: pytest.TerminalReporter,
    results: Sequence[HistoryResult],
    memory: Sequence[HistoryMemoryResult],
) -> None:
    reporter.write_sep("=", "history import, beside a twin entry without history")
    if results:
        reporter.write_line(
            "Calls of the importing entry's API key from async_setup until the import was"
            f" complete (or for the hours shown after >), stepped with"
            f" {results[0].stepping}; the estimate is flipbooks x days / spare calls a"
            " minute (history_plan.import_duration). Rotation cycle: minutes between two"
            " calls for a flipbook's figures that ended while the import ran, the"
            " twin's over the same time."
        )
        _table(
            reporter,
            (
                "flipbooks x days",
                "calls",
                "import calls",
                "rotation calls",
                "complete after h",
                "estimate h",
                "max in 60 s",
                "max in 1 s",
                "rotation cycle min (min / median / max)",
                "without history",
            ),
            [
                (
                    f"{r.flipbooks} x {r.days}",
                    str(r.calls),
                    str(r.import_calls),
                    str(r.rotation_calls),
                    f"{'' if r.complete else '> '}{r.measured / 3600:.2f}",
                    f"{r.estimate / 3600:.2f}",
                    str(r.most_per_minute),
                    str(r.most_per_second),
                    _spread(r.cycle),
                    _spread(r.twin_cycle),
                )
                for r in sorted(results, key=lambda r: (r.flipbooks, r.days))
            ],
        )
        reporter.write_line("")
    reporter.write_line(
        "Wall clock on this machine; recorder s: how long the recorder took to catch up"
        " once the import was complete. Memory: traced from before async_setup on, in a"
        " run without the twin where the recorder keeps up minute by minute, as in real"
        " time; the peak while importing, and what is still allocated when the import is"
        " complete, test doubles left out. The recorder's SQLite database is in memory;"
        " tracemalloc does not see SQLite's own allocations."
    )
    walls = {(r.flipbooks, r.days): r for r in results}
    memories = {(r.flipbooks, r.days): r for r in memory}
    _table(
        reporter,
        (
            "flipbooks x days",
            "throttled",
            "recorder s",
            "run s",
            "peak memory MiB",
            "held MiB",
        ),
        [
            (
                f"{flipbooks} x {days}",
                *(
                    ("-",) * 3
                    if (wall := walls.get((flipbooks, days))) is None
                    else (
                        str(wall.throttled),
                        f"{wall.recorder_seconds:.1f}",
                        f"{wall.run_seconds:.1f}",
                    )
                ),
                *(
                    ("-",) * 2
                    if (traced := memories.get((flipbooks, days))) is None
                    else (
                        f"{traced.peak_bytes / 2**20:.1f}",
                        f"{traced.held_bytes / 2**20:.1f}",
                    )
                ),
            )
            for flipbooks, days in sorted(walls.keys() | memories.keys())
        ],
    )
