"""Checks a fresh demo Flipsnack next to a throwaway Home Assistant: scripts/develop --check.

Runs both through scripts/harness.py, Home Assistant in demo mode with the configuration of
config/, and onboards a throwaway owner. Then it adds the Flipsnack integration through the
config flow's REST API, as a newcomer does in the UI: first with a wrong API secret, which the
demo refuses with code 44 and the form must report under the secret, then with the demo's
credentials. The five account sensors must show the figures of the demo's state file exactly
(the demo runs with still figures), and again after the demo adds readers and one sensor is
refreshed.

Then it goes through the entry's options as a user does. Tracking all flipbooks must list the
demo's ten published flipbooks and give each a device with four sensors; refreshing one of
them runs the statistics rotation at once, rather than a minute later, and every sensor must
show its flipbook's figures. History is turned on next (scripts/check_history.py), so that
its paced import runs during the rest. Turning lead forms on must work on plain HTTP (Home Assistant runs
in demo mode) and show the webhook URL; the demo's send-lead command posts a lead there, which
the Lead form entity must fire with. Orders are turned on in the same step, and the demo's
send-order posts a priced and an unpriced order, which the Order entity and the Orders and
Order value EUR sensors must show (scripts/check_orders.py). The flipbook figures must have
survived that reload. Then the
newest days of every flipbook's history must be in the long-term statistics.
The first "Add integration" must show its form within 5 seconds, and Home Assistant must
install no package while it runs: scripts/setup installs beforehand what it would
(requirements_dev.txt, requirements_newest.txt). Finally the log must hold no error about
the integration, and no report of a deprecated or wrong use by it (scripts/deprecations.py).

    python -m scripts.check_develop [--hass .venv-newest/bin/hass]
"""

import argparse
from collections.abc import Mapping
from pathlib import Path
import re
import sys
import tempfile
import time
from typing import Any
import urllib.parse

from scripts.check_history import NEWEST_DAYS, check_history, turn_on_history
from scripts.check_orders import check_orders
from scripts.deprecations import deprecation_reports_in_log
from scripts.harness import (
    CONFIG_FLOWS,
    NO_VALUE,
    OPTIONS_FLOWS,
    ROOT,
    ROTATION_TIMEOUT,
    HarnessError,
    Sandbox,
    demo_post,
    running_sandbox,
)

# How long the sensors may take to show the figures, after setup or a refresh.
SENSOR_TIMEOUT = 60.0
# How long kept figures may take to show after a reload, well before the next rotation.
RELOAD_TIMEOUT = 15.0
SENSORS = ("impressions", "views", "time_spent", "downloads", "api_uploads_left")
FLIPBOOK_SENSORS = ("impressions", "views", "time_spent", "downloads")
LEAD_FORM_ENTITY = "event.flipsnack_7832_lead_form"
# The flipbook the sample lead comes from.
LEAD_FLIPBOOK = "k7m2q9x"
LEAD_FIELDS = frozenset({"Name", "Email", "Phone", "Message"})
WEBHOOK_PATH = re.compile(r"/api/webhook/[0-9a-f]{64}")
# Duration sensors may be shown in another unit than the API's seconds.
SECONDS_PER_UNIT = {"s": 1, "min": 60, "h": 3600, "d": 86400}
# How long the first "Add integration" may take to show its form: what a newcomer waits
# for, with a spinner, before the first field.
FIRST_FORM_LIMIT = 5.0
# What Home Assistant logs when it installs a package while it runs.
RUN_TIME_INSTALL = re.compile(
    r"\[homeassistant\.util\.package\] Attempting install of (\S+)"
)
# The last lines of each log that a failure shows, after its reason.
LOG_TAILS = (("home-assistant.log", 40), ("stdout.log", 15), ("demo.log", 15))


def add_integration(sandbox: Sandbox, api_key: str, api_secret: str) -> str:
    """Add the Flipsnack integration through the config flow, a wrong secret first.

    Returns the id of the entry.
    """
    handlers = sandbox.api("GET", "/api/config/config_entries/flow_handlers")
    if "flipsnack" not in handlers:
        raise HarnessError("Home Assistant does not list the flipsnack config flow")
    started = time.monotonic()
    flow = sandbox.start_config_flow()
    waited = time.monotonic() - started
    if waited > FIRST_FORM_LIMIT:
        raise HarnessError(
            f'the first "Add integration" took {waited:.1f} s to show its form, more'
            f" than {FIRST_FORM_LIMIT:.0f} s{run_time_installs_hint(sandbox.log)}"
        )
    print(f'develop --check: the first "Add integration" answered in {waited:.1f} s')  # noqa: T201
    if flow.get("type") != "form" or flow.get("step_id") != "user":
        raise HarnessError(f"the config flow did not show its form: {flow}")
    fields = tuple(field["name"] for field in flow["data_schema"])
    if fields != ("api_key", "api_secret"):
        raise HarnessError(f"unexpected config flow fields {fields}")

    wrong = sandbox.flow_step(
        CONFIG_FLOWS,
        flow["flow_id"],
        {"api_key": api_key, "api_secret": f"{api_secret}-WRONG"},
    )
    if wrong.get("type") != "form" or wrong.get("errors") != {
        "api_secret": "invalid_api_secret"
    }:
        raise HarnessError(
            "a wrong API secret did not give the form the error invalid_api_secret"
            f" under the secret: {wrong}"
        )
    created = sandbox.flow_step(
        CONFIG_FLOWS, flow["flow_id"], {"api_key": api_key, "api_secret": api_secret}
    )
    if created.get("type") != "create_entry":
        raise HarnessError(f"the demo's credentials did not create an entry: {created}")
    title = f"Flipsnack …{api_key[-4:]}"
    if created.get("title") != title:
        raise HarnessError(
            f"the entry is titled {created.get('title')!r}, not {title!r}"
        )
    return str(created["result"]["entry_id"])


def sensor_value(state: Mapping[str, Any]) -> float | None:
    """Return a sensor's state as a number in the API's unit, or None without one."""
    if state["state"] in NO_VALUE:
        return None
    value = float(state["state"])
    unit = state["attributes"].get("unit_of_measurement")
    if state["attributes"].get("device_class") == "duration":
        # Back to whole seconds; the conversion to hours leaves float noise.
        return round(value * SECONDS_PER_UNIT[unit])
    return value


def expect_figures(
    sandbox: Sandbox,
    expected: Mapping[str, int],
    when: str,
    timeout: float = SENSOR_TIMEOUT,
) -> None:
    """Wait until every sensor shows its figure, by entity id; fail with the differences."""
    differences: list[str] = []

    def all_shown() -> bool:
        states = sandbox.states()
        values = {
            entity_id: sensor_value(states[entity_id]) if entity_id in states else None
            for entity_id in expected
        }
        differences[:] = [
            f"  {entity_id}: {values[entity_id]}, expected {figure}"
            for entity_id, figure in expected.items()
            if values[entity_id] != figure
        ]
        return not differences

    sandbox.wait_for(
        f"the sensors showing the demo's figures {when} (time spent in seconds)",
        all_shown,
        timeout,
        explain=lambda: "\n".join(differences),
    )


def published_flipbooks(state: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the demo's published flipbooks by hash, with their whole-life figures."""
    flipbooks = {}
    for flipbook in state["flipbooks"]:
        if flipbook["status"] == "editable":
            continue
        figures = dict.fromkeys(FLIPBOOK_SENSORS, 0)
        for day in flipbook["daily"].values():
            for name in FLIPBOOK_SENSORS:
                figures[name] += day[name]
        flipbooks[flipbook["hash"]] = {"title": flipbook["title"], "figures": figures}
    return flipbooks


def flipbook_entity_id(title: str, sensor: str) -> str:
    """Return the entity id Home Assistant gives a sensor of a flipbook's device.

    The device is named after the flipbook's title; for the demo's plain ASCII titles this
    is what Home Assistant's slugify makes of the device and sensor names.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", f"{title} {sensor}".lower()).strip("_")
    return f"sensor.{slug}"


def track_all_flipbooks(sandbox: Sandbox, count: int) -> None:
    """Track all published flipbooks through the options, as the UI does."""
    form = sandbox.open_options("flipbooks")
    published = form.get("description_placeholders", {}).get("published")
    if published != str(count):
        raise HarnessError(
            f"the flipbooks step counted {published} published flipbooks, not {count}"
        )
    done = sandbox.flow_step(OPTIONS_FLOWS, form["flow_id"], {"tracking": "all"})
    if done.get("type") != "create_entry":
        raise HarnessError(f"tracking all flipbooks did not save the options: {done}")


def turn_on_webhook(sandbox: Sandbox) -> str:
    """Turn lead forms and orders on through the options; return the URL they show."""
    flow_id = sandbox.open_options("lead_forms")["flow_id"]
    shown = sandbox.flow_step(
        OPTIONS_FLOWS, flow_id, {"lead_forms": True, "orders": True}
    )
    if shown.get("step_id") != "lead_forms_url":
        raise HarnessError(
            "lead forms did not turn on over plain HTTP (is demo mode on?):"
            f" {shown.get('errors')}"
        )
    webhook_url = str(shown["description_placeholders"]["webhook_url"])
    parsed = urllib.parse.urlsplit(webhook_url)
    port = urllib.parse.urlsplit(sandbox.url).port
    if (
        parsed.scheme != "http"
        or parsed.port != port
        or not WEBHOOK_PATH.fullmatch(parsed.path)
    ):
        # Not the URL itself: it is the webhook's only secret.
        raise HarnessError(
            "the lead forms step did not show Home Assistant's local webhook URL on"
            f" port {port}"
        )
    done = sandbox.flow_step(OPTIONS_FLOWS, flow_id, {})
    if done.get("type") != "create_entry":
        raise HarnessError(f"lead forms did not turn on: {done}")
    return webhook_url


def send_lead(webhook_url: str) -> str:
    """Post a sample lead with the demo's documented command; return what it printed."""
    return demo_post("send-lead", webhook_url, "--flipbook", LEAD_FLIPBOOK)


def expect_lead(sandbox: Sandbox, flipbook: Mapping[str, Any], printed: str) -> None:
    """Wait until the Lead form entity fired with the lead send-lead posted."""
    states = sandbox.wait_for_values(
        (LEAD_FORM_ENTITY,),
        f"{LEAD_FORM_ENTITY} firing after send-lead printed: {printed.strip()}",
        SENSOR_TIMEOUT,
    )
    attributes = states[LEAD_FORM_ENTITY]["attributes"]
    fields = attributes.get("fields", {})
    if (
        attributes.get("event_type") != "contact_submitted"
        or attributes.get("flipbook_title") != flipbook["title"]
        or attributes.get("flipbook_hash") != LEAD_FLIPBOOK
        or set(fields) != LEAD_FIELDS
        or fields["Name"] not in printed
    ):
        raise HarnessError(f"{LEAD_FORM_ENTITY} fired with another lead: {attributes}")


def check_flipbooks_and_leads(sandbox: Sandbox, entry_id: str) -> float:
    """Track all flipbooks, turn history and lead forms on, and check what each brings.

    History is turned on before lead forms, so that its paced import runs meanwhile.

    Returns:
        How long the newest days' rows took to show after history was turned on.

    Raises:
        HarnessError: A step failed.
    """
    flipbooks = published_flipbooks(sandbox.read_demo_state())
    track_all_flipbooks(sandbox, len(flipbooks))
    expected = {
        flipbook_entity_id(flipbook["title"], name): flipbook["figures"][name]
        for flipbook in flipbooks.values()
        for name in FLIPBOOK_SENSORS
    }
    sandbox.wait_for_entities(expected, "after the listing")
    # Any flipbook sensor's refresh runs the rotation, which refreshes all ten.
    sandbox.refresh(next(iter(expected)))
    expect_figures(sandbox, expected, "on the flipbook sensors", ROTATION_TIMEOUT)
    # Only now: the import would take the minute's calls that the refresh needs.
    history = turn_on_history(sandbox, entry_id, len(flipbooks))

    webhook_url = turn_on_webhook(sandbox)
    sandbox.wait_for_entities((LEAD_FORM_ENTITY,), "after lead forms turned on")
    printed = send_lead(webhook_url)
    expect_lead(sandbox, flipbooks[LEAD_FLIPBOOK], printed)
    check_orders(sandbox, webhook_url)
    # The reload kept the figures on disk: they show again without waiting for a call.
    expect_figures(sandbox, expected, "after the entry reloaded", RELOAD_TIMEOUT)
    return check_history(sandbox, history)


def run_time_installs(log: Path) -> list[str]:
    """Return the packages Home Assistant installed while it ran, as it logged them."""
    text = log.read_text(encoding="utf-8")
    return [match[1] for match in RUN_TIME_INSTALL.finditer(text)]


def run_time_installs_hint(log: Path) -> str:
    """Say what Home Assistant installed while it ran, to explain a slow answer."""
    if installs := run_time_installs(log):
        return f"; Home Assistant installed {', '.join(installs)} meanwhile"
    return ""


def check_log(log: Path) -> None:
    """Fail if Home Assistant installed packages or logged a problem with the integration.

    Problems are errors about the integration and reports of its deprecated or wrong use.
    """
    if installs := run_time_installs(log):
        raise HarnessError(
            f"Home Assistant installed {', '.join(installs)} while it ran: pin them"
            " in requirements_dev.txt (or requirements_newest.txt), which scripts/setup"
            " installs beforehand"
        )
    lines = log.read_text(encoding="utf-8").splitlines()
    errors = [
        line
        for line in lines
        if "flipsnack" in line and (" ERROR " in line or " CRITICAL " in line)
    ]
    if errors:
        raise HarnessError("errors about flipsnack in the log:\n" + "\n".join(errors))
    if reports := deprecation_reports_in_log("\n".join(lines)):
        raise HarnessError(
            "Home Assistant reported a deprecated or wrong use by the integration:\n"
            + "\n".join(reports)
        )


def check(sandbox: Sandbox) -> float:
    """Run the check on a running sandbox.

    Returns:
        How long the history's newest rows took after history was turned on, in s.

    Raises:
        HarnessError: A step failed.
    """
    state = sandbox.read_demo_state()
    api_key = state["api_key"]
    entry_id = add_integration(sandbox, api_key, state["api_secret"])

    suffix = api_key[-4:].lower()
    entity_ids = {name: f"sensor.flipsnack_{suffix}_{name}" for name in SENSORS}
    expect_figures(
        sandbox,
        {entity_ids[name]: state["stats"][name] for name in SENSORS},
        "after setup",
    )

    grown = sandbox.demo("POST", "/demo/grow")["stats"]
    if grown["impressions"] <= state["stats"]["impressions"]:
        raise HarnessError(f"the demo did not grow: {state['stats']} -> {grown}")
    if sandbox.read_demo_state()["stats"] != grown:
        raise HarnessError("the demo did not save its grown figures")
    sandbox.refresh(entity_ids["views"])
    expect_figures(
        sandbox,
        {entity_ids[name]: grown[name] for name in SENSORS},
        "after a refresh",
    )
    history_took = check_flipbooks_and_leads(sandbox, entry_id)
    check_log(sandbox.log)
    return history_took


def log_tails(workdir: Path) -> str:
    """Return the last lines Home Assistant and the demo logged, to show with a failure."""
    text = "the last lines Home Assistant and the demo logged:\n"
    for name, count in LOG_TAILS:
        path = workdir / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            text += "\n".join((f"==> {path} <==", *lines[-count:], ""))
    return text


def main() -> None:
    """Run the check in a throwaway folder; exit non-zero with the reason on failure."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.check_develop", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--hass",
        type=Path,
        default=Path(sys.executable).parent / "hass",
        help="the Home Assistant to run (default: the one beside this Python)",
    )
    hass = parser.parse_args().hass.absolute()
    with tempfile.TemporaryDirectory(prefix="flipsnack-develop.") as folder:
        workdir = Path(folder)
        try:
            with running_sandbox(
                workdir,
                configuration=ROOT / "config",
                demo_mode=True,
                loopback_only=False,
                hass=hass,
            ) as sandbox:
                history_took = check(sandbox)
                url = sandbox.url
        except HarnessError as err:
            sys.exit(f"develop --check: {err}\ndevelop --check: {log_tails(workdir)}")
    print(  # noqa: T201
        f"develop --check: Home Assistant served {url}, added the Flipsnack"
        " integration with the demo's credentials (a wrong secret first) and showed"
        " the demo's figures on the five account sensors, also after they grew; it"
        " tracked the ten published flipbooks with their figures, and turned lead"
        " forms and orders on: the Lead form entity fired with the lead send-lead"
        " posted, the Order entity with a priced and an unpriced order from"
        " send-order, which the Orders and Order value EUR sensors counted; with"
        f" history on, the {NEWEST_DAYS} newest days of every flipbook were in the"
        " long-term statistics with the demo's figures, and today's views of all"
        f" tracked flipbooks, {history_took:.0f} s later, with the History import"
        " sensor above 0 %"
    )


if __name__ == "__main__":
    main()
