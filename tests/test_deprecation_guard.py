"""The suite fails when Home Assistant reports a deprecated use by the integration.

Each test makes Home Assistant report one on purpose, from code that Home Assistant takes
for the integration's, and expects the guard of tests/conftest.py to fail with it.
"""

from collections.abc import Callable
import logging
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from homeassistant.helpers.deprecation import deprecated_function
import pytest

from custom_components.flipsnack import coordinator
from scripts.deprecations import deprecation_reports_in_log, is_deprecation_report

from .deprecation_guard import failing_on_deprecation_reports

# Code compiled with this file name runs, for Home Assistant's frame helper, in the
# integration.
INTEGRATION_FILE = str(Path(coordinator.__file__))


def run_as_integration(call: Callable[[], Any]) -> None:
    """Call `call` from a frame of the integration's coordinator module."""
    code = compile("call()", INTEGRATION_FILE, "exec")
    exec(code, {"call": call})  # noqa: S102 - our own one-line call


@deprecated_function("a_new_helper", breaks_in_ha_version="2099.1.0")
def an_old_helper() -> None:
    """Stand for a Home Assistant helper that is deprecated."""


@pytest.fixture(autouse=True)
def unreported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let Home Assistant report again what an earlier test made it report."""
    monkeypatch.setattr(frame, "_REPORTED_INTEGRATIONS", set())


async def test_report_usage_fails_the_test(hass: HomeAssistant) -> None:
    """`report_usage` about the integration, as for a removed behaviour, fails the test."""
    with (
        pytest.raises(pytest.fail.Exception, match="will stop working"),
        failing_on_deprecation_reports(),
    ):
        run_as_integration(
            lambda: frame.report_usage(
                "calls something that goes away", breaks_in_ha_version="2099.1.0"
            )
        )


async def test_deprecated_helper_fails_the_test(hass: HomeAssistant) -> None:
    """A deprecated helper called from the integration fails the test."""
    with (
        pytest.raises(
            pytest.fail.Exception,
            match="deprecated function an_old_helper was called from flipsnack",
        ),
        failing_on_deprecation_reports(),
    ):
        run_as_integration(an_old_helper)


async def test_reports_about_others_pass(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """What Home Assistant reports about code outside the integration does not count."""
    with failing_on_deprecation_reports():
        an_old_helper()
    assert "The deprecated function an_old_helper was called" in caplog.text


def test_the_integration_s_own_words_do_not_count() -> None:
    """The integration's own log may say "deprecated"; only Home Assistant reports."""
    message = "Flipsnack called flipsnack's deprecated endpoint from flipsnack"
    assert not is_deprecation_report("custom_components.flipsnack.api", message)
    assert is_deprecation_report("homeassistant.helpers.deprecation", message)
    logging.getLogger("custom_components.flipsnack").warning(message)


def test_reports_in_a_log_file() -> None:
    """scripts/develop --check finds the same reports in home-assistant.log."""
    ours = (
        "2026-12-03 23:02:28.791 WARNING (MainThread) [homeassistant.helpers.frame]"
        " Detected that custom integration 'flipsnack' calls X at"
        " custom_components/flipsnack/coordinator.py, line 9: x(). This will stop"
        " working in Home Assistant 2027.1.0, please report it"
    )
    others = (
        "2026-12-03 23:02:29.001+00:00 WARNING (MainThread)"
        " [homeassistant.helpers.frame] Detected that custom integration 'other'"
        " calls X. This will stop working in Home Assistant 2027.1.0"
    )
    install = (
        "2026-12-03 23:02:29.311 INFO (SyncWorker_1) [homeassistant.util.package]"
        " Attempting install of rf-protocols==4.3.0"
    )
    own_words = (
        "2026-12-03 23:02:30.000 WARNING (MainThread) [custom_components.flipsnack]"
        " The deprecated flipsnack API answered"
    )
    log = f"{ours}\n{others}\n{install}\n{own_words}"
    assert deprecation_reports_in_log(log) == [ours]
