"""Home Assistant's reports that this integration uses something deprecated, or wrongly.

Home Assistant logs them as warnings and goes on: `report_usage` of
homeassistant.helpers.frame ("Detected that custom integration 'flipsnack' … This will stop
working in Home Assistant …") and the helpers of homeassistant.helpers.deprecation ("The
deprecated function … was called from flipsnack …"), each under the logger of the module
that reports. The test suite (tests/conftest.py) and `scripts/develop --check` fail on any
of them, so that a deprecation is fixed in the release that announces it, not found in the
one that removes it.
"""

import re

# What the integration logs itself is not Home Assistant's report, whatever it says.
OWN_LOGGER = "custom_components.flipsnack"
# How Home Assistant names the integration in a report.
_ABOUT_THE_INTEGRATION = re.compile(
    r"integration 'flipsnack'|\bfrom flipsnack\b|custom_components[/.]flipsnack\b"
)
_REPORT = re.compile(r"\bdeprecated\b|will stop working|^Detected that", re.IGNORECASE)
# A line of home-assistant.log: time, level, (thread), [logger], message.
_LOG_LINE = re.compile(
    r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) \([^)]*\) \[(?P<logger>[^\]]+)\] (?P<message>.*)$"
)


def is_deprecation_report(logger: str, message: str) -> bool:
    """Return whether a log message is Home Assistant reporting this integration."""
    if logger == OWN_LOGGER or logger.startswith(f"{OWN_LOGGER}."):
        return False
    return bool(_ABOUT_THE_INTEGRATION.search(message) and _REPORT.search(message))


def deprecation_reports_in_log(text: str) -> list[str]:
    """Return the lines of a home-assistant.log that report this integration."""
    return [
        line
        for line in text.splitlines()
        if (match := _LOG_LINE.match(line))
        and is_deprecation_report(match["logger"], match["message"])
    ]
