"""Checks a freshly started Home Assistant and demo Flipsnack for scripts/develop --check.

Waits until the HTTP server answers and onboards a throwaway owner to get a token. Then it adds
the Flipsnack integration through the config flow's REST API, as a newcomer does in the UI:
first with a wrong API secret, which the demo refuses with code 44 and the form must report
under the secret, then with the demo's credentials. The five account sensors must show the
figures of the demo's state file exactly (the demo runs with still figures), and again after
the demo adds readers and one sensor is refreshed.

Then it goes through the entry's options as a user does. Tracking all flipbooks must list the
demo's ten published flipbooks and give each a device with four sensors; refreshing one of
them runs the statistics rotation at once, rather than a minute later, and every sensor must
show its flipbook's figures. Turning lead forms on must work on plain HTTP (Home Assistant runs
in demo mode) and show the webhook URL; the demo's send-lead command posts a lead there, which
the Lead form entity must fire with. The flipbook figures must have survived that reload.
Finally the log must hold no error about the integration.
"""

import argparse
import json
import os
from pathlib import Path
import re
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 300.0
# How long the sensors may take to show the figures, after setup or a refresh.
SENSOR_TIMEOUT = 60.0
# How long the flipbook sensors may take to show their figures after a refresh; should the
# refresh be lost, the rotation brings them a minute later.
FLIPBOOK_TIMEOUT = 90.0
# How long kept figures may take to show after a reload, well before the next rotation.
RELOAD_TIMEOUT = 15.0
# How long the entities of an entry may take to appear after it reloads.
ENTITY_TIMEOUT = 60.0
SENSORS = ("impressions", "views", "time_spent", "downloads", "api_uploads_left")
FLIPBOOK_SENSORS = ("impressions", "views", "time_spent", "downloads")
OPTIONS_MENU = ["flipbooks", "lead_forms"]
LEAD_FORM_ENTITY = "event.flipsnack_7832_lead_form"
# The flipbook the sample lead comes from.
LEAD_FLIPBOOK = "k7m2q9x"
LEAD_FIELDS = {"Name", "Email", "Phone", "Message"}
WEBHOOK_PATH = re.compile(r"/api/webhook/[0-9a-f]{64}")
# Duration sensors may be shown in another unit than the API's seconds.
SECONDS_PER_UNIT = {"s": 1, "min": 60, "h": 3600, "d": 86400}
NOT_A_VALUE = {"unknown", "unavailable"}


class CheckError(Exception):
    """The check failed; the message says why."""


def request(
    url: str,
    *,
    data: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
    method: str | None = None,
    timeout: float = 30,
) -> Any:
    """Send a request and return the decoded JSON answer.

    Raises:
        CheckError: The server answered with an HTTP error.
    """
    headers = {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        path = urllib.parse.urlsplit(url).path
        text = err.read().decode(errors="replace")[:500]
        raise CheckError(
            f"{req.get_method()} {path} answered {err.code}: {text}"
        ) from err


def check_alive(pid: int) -> None:
    """Fail if Home Assistant is no longer running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise CheckError("Home Assistant exited") from None


def wait_until_serving(url: str, pid: int) -> None:
    """Wait until the onboarding endpoint answers, or fail if Home Assistant died."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        check_alive(pid)
        try:
            request(f"{url}/api/onboarding")
        except urllib.error.URLError, ConnectionError, TimeoutError:
            time.sleep(1)
        else:
            return
    raise CheckError(f"nothing answered on {url} within {START_TIMEOUT:.0f} s")


def onboard(url: str) -> str:
    """Create the owner account of the throwaway instance and return an access token."""
    client_id = f"{url}/"
    user = request(
        f"{url}/api/onboarding/users",
        data={
            "client_id": client_id,
            "name": "Develop check",
            "username": "check",
            "password": "develop-check-password",
            "language": "en",
        },
    )
    tokens = request(
        f"{url}/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": user["auth_code"],
            "client_id": client_id,
        },
    )
    return str(tokens["access_token"])


def read_demo_state(path: Path) -> dict[str, Any]:
    """Return the demo's state file: its credentials and the totals it answers."""
    state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return state


def add_integration(url: str, token: str, api_key: str, api_secret: str) -> str:
    """Add the Flipsnack integration through the config flow, a wrong secret first.

    Returns the id of the entry.
    """
    handlers = request(f"{url}/api/config/config_entries/flow_handlers", token=token)
    if "flipsnack" not in handlers:
        raise CheckError("Home Assistant does not list the flipsnack config flow")
    flow = request(
        f"{url}/api/config/config_entries/flow",
        data={"handler": "flipsnack", "show_advanced_options": False},
        token=token,
        # The first flow loads the integration, and on a fresh environment Home
        # Assistant installs the requirements of its after-dependency cloud first.
        timeout=START_TIMEOUT,
    )
    if flow.get("type") != "form" or flow.get("step_id") != "user":
        raise CheckError(f"the config flow did not show its form: {flow}")
    fields = [field["name"] for field in flow["data_schema"]]
    if fields != ["api_key", "api_secret"]:
        raise CheckError(f"unexpected config flow fields {fields}")

    step_url = f"{url}/api/config/config_entries/flow/{flow['flow_id']}"
    wrong = request(
        step_url,
        data={"api_key": api_key, "api_secret": f"{api_secret}-WRONG"},
        token=token,
    )
    if wrong.get("type") != "form" or wrong.get("errors") != {
        "api_secret": "invalid_api_secret"
    }:
        raise CheckError(
            "a wrong API secret did not give the form the error invalid_api_secret"
            f" under the secret: {wrong}"
        )
    created = request(
        step_url, data={"api_key": api_key, "api_secret": api_secret}, token=token
    )
    if created.get("type") != "create_entry":
        raise CheckError(f"the demo's credentials did not create an entry: {created}")
    title = f"Flipsnack …{api_key[-4:]}"
    if created.get("title") != title:
        raise CheckError(f"the entry is titled {created.get('title')!r}, not {title!r}")
    return str(created["result"]["entry_id"])


def sensor_value(state: dict[str, Any]) -> float | None:
    """Return a sensor's state as a number in the API's unit, or None without one."""
    if state["state"] in NOT_A_VALUE:
        return None
    value = float(state["state"])
    unit = state["attributes"].get("unit_of_measurement")
    if state["attributes"].get("device_class") == "duration":
        # Back to whole seconds; the conversion to hours leaves float noise.
        return round(value * SECONDS_PER_UNIT[unit])
    return value


def read_sensors(url: str, token: str, entity_ids: dict[str, str]) -> dict[str, Any]:
    """Return each sensor's value in the API's unit, None while it has none."""
    states = {
        state["entity_id"]: state for state in request(f"{url}/api/states", token=token)
    }
    return {
        name: sensor_value(states[entity_id]) if entity_id in states else None
        for name, entity_id in entity_ids.items()
    }


def expect_figures(
    url: str,
    token: str,
    pid: int,
    entity_ids: dict[str, str],
    expected: dict[str, int],
    when: str,
    timeout: float = SENSOR_TIMEOUT,
) -> None:
    """Wait until every sensor shows the demo's figure; fail with the differences."""
    deadline = time.monotonic() + timeout
    while True:
        values = read_sensors(url, token, entity_ids)
        if all(values[name] == expected[name] for name in entity_ids):
            return
        if time.monotonic() > deadline:
            lines = [
                f"  {entity_ids[name]}: {values[name]}, expected {expected[name]}"
                for name in entity_ids
                if values[name] != expected[name]
            ]
            raise CheckError(
                f"the sensors did not show the demo's figures {when} within"
                f" {timeout:.0f} s (time spent in seconds):\n" + "\n".join(lines)
            )
        check_alive(pid)
        time.sleep(0.5)


def open_options(url: str, token: str, entry_id: str, step: str) -> dict[str, Any]:
    """Open the entry's options and pick step in their menu; return the step's form."""
    flow = request(
        f"{url}/api/config/config_entries/options/flow",
        data={"handler": entry_id},
        token=token,
    )
    if flow.get("type") != "menu" or flow.get("menu_options") != OPTIONS_MENU:
        raise CheckError(f"the options did not open with their menu: {flow}")
    form: dict[str, Any] = request(
        options_step_url(url, flow["flow_id"]),
        data={"next_step_id": step},
        token=token,
    )
    if form.get("type") != "form" or form.get("step_id") != step or form.get("errors"):
        raise CheckError(f"the options menu did not open the {step} step: {form}")
    return form


def options_step_url(url: str, flow_id: str) -> str:
    """Return the URL that takes the input of an options flow's current step."""
    return f"{url}/api/config/config_entries/options/flow/{flow_id}"


def published_flipbooks(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
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


def track_all_flipbooks(url: str, token: str, entry_id: str, count: int) -> None:
    """Track all published flipbooks through the options, as the UI does."""
    form = open_options(url, token, entry_id, "flipbooks")
    published = form.get("description_placeholders", {}).get("published")
    if published != str(count):
        raise CheckError(
            f"the flipbooks step counted {published} published flipbooks, not {count}"
        )
    done = request(
        options_step_url(url, form["flow_id"]), data={"tracking": "all"}, token=token
    )
    if done.get("type") != "create_entry":
        raise CheckError(f"tracking all flipbooks did not save the options: {done}")


def wait_for_entities(
    url: str, token: str, pid: int, entity_ids: set[str], when: str
) -> None:
    """Wait until all entity_ids have a state; fail with the missing ones."""
    deadline = time.monotonic() + ENTITY_TIMEOUT
    while True:
        states = request(f"{url}/api/states", token=token)
        missing = entity_ids - {state["entity_id"] for state in states}
        if not missing:
            return
        if time.monotonic() > deadline:
            raise CheckError(
                f"{len(missing)} entities did not appear {when} within"
                f" {ENTITY_TIMEOUT:.0f} s, such as {sorted(missing)[:3]}"
            )
        check_alive(pid)
        time.sleep(0.5)


def turn_on_lead_forms(url: str, token: str, entry_id: str) -> str:
    """Turn lead forms on through the options; return the webhook URL they show."""
    form = open_options(url, token, entry_id, "lead_forms")
    step_url = options_step_url(url, form["flow_id"])
    shown = request(step_url, data={"lead_forms": True}, token=token)
    if shown.get("step_id") != "lead_forms_url":
        raise CheckError(
            "lead forms did not turn on over plain HTTP (is demo mode on?):"
            f" {shown.get('errors')}"
        )
    webhook_url = str(shown["description_placeholders"]["webhook_url"])
    parsed = urllib.parse.urlsplit(webhook_url)
    port = urllib.parse.urlsplit(url).port
    if (
        parsed.scheme != "http"
        or parsed.port != port
        or not WEBHOOK_PATH.fullmatch(parsed.path)
    ):
        # Not the URL itself: it is the webhook's only secret.
        raise CheckError(
            "the lead forms step did not show Home Assistant's local webhook URL on"
            f" port {port}"
        )
    done = request(step_url, data={}, token=token)
    if done.get("type") != "create_entry":
        raise CheckError(f"lead forms did not turn on: {done}")
    return webhook_url


def send_lead(webhook_url: str) -> str:
    """Post a sample lead with the demo's documented command; return what it printed."""
    command = [sys.executable, "-m", "scripts.demo_flipsnack", "send-lead"]
    result = subprocess.run(  # noqa: S603 - our own command, with our own arguments
        [*command, webhook_url, "--flipbook", LEAD_FLIPBOOK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        # Without the URL, the webhook's only secret, which the command's errors repeat.
        stderr = result.stderr.replace(webhook_url, "<the webhook URL>")
        raise CheckError(f"send-lead failed ({result.returncode}): {stderr[-500:]}")
    return result.stdout


def expect_lead(
    url: str, token: str, pid: int, flipbook: dict[str, Any], printed: str
) -> None:
    """Wait until the Lead form entity fired with the lead send-lead posted."""
    deadline = time.monotonic() + SENSOR_TIMEOUT
    while True:
        state = request(f"{url}/api/states/{LEAD_FORM_ENTITY}", token=token)
        if state["state"] not in NOT_A_VALUE:
            break
        if time.monotonic() > deadline:
            raise CheckError(
                f"{LEAD_FORM_ENTITY} did not fire within {SENSOR_TIMEOUT:.0f} s of"
                f" the lead; send-lead printed: {printed.strip()}"
            )
        check_alive(pid)
        time.sleep(0.5)
    attributes = state["attributes"]
    fields = attributes.get("fields", {})
    if (
        attributes.get("event_type") != "contact_submitted"
        or attributes.get("flipbook_title") != flipbook["title"]
        or attributes.get("flipbook_hash") != LEAD_FLIPBOOK
        or set(fields) != LEAD_FIELDS
        or fields["Name"] not in printed
    ):
        raise CheckError(f"{LEAD_FORM_ENTITY} fired with another lead: {attributes}")


def check_flipbooks_and_leads(
    args: argparse.Namespace, token: str, entry_id: str
) -> None:
    """Track all flipbooks and turn lead forms on, and check what each brings.

    Raises:
        CheckError: A step failed.
    """
    flipbooks = published_flipbooks(read_demo_state(args.demo_state))
    track_all_flipbooks(args.url, token, entry_id, len(flipbooks))
    entity_ids = {
        (flipbook_hash, name): flipbook_entity_id(flipbook["title"], name)
        for flipbook_hash, flipbook in flipbooks.items()
        for name in FLIPBOOK_SENSORS
    }
    wait_for_entities(
        args.url, token, args.pid, set(entity_ids.values()), "after the listing"
    )
    # Any flipbook sensor's refresh runs the rotation, which refreshes all ten.
    request(
        f"{args.url}/api/services/homeassistant/update_entity",
        data={"entity_id": next(iter(entity_ids.values()))},
        token=token,
    )
    # expect_figures names each figure by its entity id here.
    names = {entity_id: entity_id for entity_id in entity_ids.values()}
    expected = {
        entity_id: flipbooks[flipbook_hash]["figures"][name]
        for (flipbook_hash, name), entity_id in entity_ids.items()
    }
    expect_figures(
        args.url,
        token,
        args.pid,
        names,
        expected,
        "on the flipbook sensors",
        FLIPBOOK_TIMEOUT,
    )

    webhook_url = turn_on_lead_forms(args.url, token, entry_id)
    wait_for_entities(
        args.url, token, args.pid, {LEAD_FORM_ENTITY}, "after lead forms turned on"
    )
    printed = send_lead(webhook_url)
    expect_lead(args.url, token, args.pid, flipbooks[LEAD_FLIPBOOK], printed)
    # The reload kept the figures on disk: they show again without waiting for a call.
    expect_figures(
        args.url,
        token,
        args.pid,
        names,
        expected,
        "after the entry reloaded",
        RELOAD_TIMEOUT,
    )


def check_log(log: Path) -> None:
    """Fail if Home Assistant logged an error about the integration."""
    errors = [
        line
        for line in log.read_text(encoding="utf-8").splitlines()
        if "flipsnack" in line and (" ERROR " in line or " CRITICAL " in line)
    ]
    if errors:
        raise CheckError("errors about flipsnack in the log:\n" + "\n".join(errors))


def check(args: argparse.Namespace) -> None:
    """Run the check.

    Raises:
        CheckError: A step failed.
    """
    wait_until_serving(args.url, args.pid)
    token = onboard(args.url)
    state = read_demo_state(args.demo_state)
    api_key = state["api_key"]
    entry_id = add_integration(args.url, token, api_key, state["api_secret"])

    suffix = api_key[-4:].lower()
    entity_ids = {name: f"sensor.flipsnack_{suffix}_{name}" for name in SENSORS}
    expect_figures(args.url, token, args.pid, entity_ids, state["stats"], "after setup")

    grown = request(f"{args.demo}/demo/grow", method="POST")["stats"]
    if grown["impressions"] <= state["stats"]["impressions"]:
        raise CheckError(f"the demo did not grow: {state['stats']} -> {grown}")
    if read_demo_state(args.demo_state)["stats"] != grown:
        raise CheckError("the demo did not save its grown figures")
    request(
        f"{args.url}/api/services/homeassistant/update_entity",
        data={"entity_id": entity_ids["views"]},
        token=token,
    )
    expect_figures(args.url, token, args.pid, entity_ids, grown, "after a refresh")
    check_flipbooks_and_leads(args, token, entry_id)
    check_log(args.log)


def main() -> None:
    """Run the check; exit non-zero with the reason on failure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="Home Assistant's URL")
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--pid", required=True, type=int)
    parser.add_argument("--demo", required=True, help="the demo's root URL")
    parser.add_argument("--demo-state", required=True, type=Path)
    args = parser.parse_args()

    try:
        check(args)
    except CheckError as err:
        sys.exit(f"develop --check: {err}")
    print(  # noqa: T201
        f"develop --check: Home Assistant served {args.url}, added the Flipsnack"
        " integration with the demo's credentials (a wrong secret first) and showed"
        " the demo's figures on the five account sensors, also after they grew; it"
        " tracked the ten published flipbooks with their figures, and turned lead"
        " forms on, whose event entity fired with the lead send-lead posted"
    )


if __name__ == "__main__":
    main()
