"""Checks a freshly started Home Assistant and demo Flipsnack for scripts/develop --check.

Waits until the HTTP server answers and onboards a throwaway owner to get a token. Then it adds
the Flipsnack integration through the config flow's REST API, as a newcomer does in the UI:
first with a wrong API secret, which the demo refuses with code 44 and the form must report
under the secret, then with the demo's credentials. The five account sensors must show the
figures of the demo's state file exactly (the demo runs with still figures), and again after
the demo adds readers and one sensor is refreshed. Finally the log must hold no error about the
integration.
"""

import argparse
import json
import os
from pathlib import Path
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

START_TIMEOUT = 300.0
# How long the sensors may take to show the figures, after setup or a refresh.
SENSOR_TIMEOUT = 60.0
SENSORS = ("impressions", "views", "time_spent", "downloads", "api_uploads_left")
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
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
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


def add_integration(url: str, token: str, api_key: str, api_secret: str) -> None:
    """Add the Flipsnack integration through the config flow, a wrong secret first."""
    handlers = request(f"{url}/api/config/config_entries/flow_handlers", token=token)
    if "flipsnack" not in handlers:
        raise CheckError("Home Assistant does not list the flipsnack config flow")
    flow = request(
        f"{url}/api/config/config_entries/flow",
        data={"handler": "flipsnack", "show_advanced_options": False},
        token=token,
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
    values: dict[str, Any] = {}
    for name, entity_id in entity_ids.items():
        try:
            state = request(f"{url}/api/states/{entity_id}", token=token)
        except CheckError:
            values[name] = None  # not created yet
        else:
            values[name] = sensor_value(state)
    return values


def expect_figures(
    url: str,
    token: str,
    pid: int,
    entity_ids: dict[str, str],
    expected: dict[str, int],
    when: str,
) -> None:
    """Wait until every sensor shows the demo's figure; fail with the differences."""
    deadline = time.monotonic() + SENSOR_TIMEOUT
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
                f" {SENSOR_TIMEOUT:.0f} s (time spent in seconds):\n" + "\n".join(lines)
            )
        check_alive(pid)
        time.sleep(0.5)


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
    add_integration(args.url, token, api_key, state["api_secret"])

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
        " the demo's figures on the five account sensors, also after they grew"
    )


if __name__ == "__main__":
    main()
