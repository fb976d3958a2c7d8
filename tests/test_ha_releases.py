"""scripts/ha_releases.py and FLIPSNACK_HA_VERSION in scripts/setup, without PyPI.

PyPI's JSON API is replaced by a dictionary of the documents the script asks for, shaped as
PyPI serves them: /pypi/NAME/json has "releases" (each version's files, with
"upload_time_iso_8601" and "yanked"), /pypi/NAME/VERSION/json has "info" ("requires_dist";
only asked of pytest-homeassistant-custom-component).
"""

import importlib.metadata
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
from typing import Any

import pytest

from scripts import ha_releases
from scripts.ha_releases import PYPI, ReleaseLookupError

ROOT = Path(__file__).parent.parent


def _files(day: int, *, yanked: bool = False) -> list[dict[str, Any]]:
    return [{"upload_time_iso_8601": f"2026-12-{day:02d}T10:00:00Z", "yanked": yanked}]


class FakePypi:
    """The JSON documents of Home Assistant and phcc releases, and which were asked for."""

    def __init__(self) -> None:
        """Home Assistant 2026.9 to 2026.12 (with betas, a yanked one) and phcc 1.0.x."""
        self.ha = {
            "2026.8.3": _files(1),
            "2026.9.0b0": _files(1),
            "2026.9.0": _files(2),
            "2026.9.4": _files(3),
            "2026.10.0": _files(4),
            "2026.10.5": _files(5),
            "2026.10.6": _files(6, yanked=True),
            "2026.11.0b1": _files(6),
            "2026.11.0": _files(7),
            "2026.11.1": _files(8),
            "2026.12.0": _files(9),
        }
        # phcc release: (day published, the Home Assistant it pins).
        self.phcc = {
            "1.0.9": (1, "2026.8.3"),
            "1.0.10": (3, "2026.9.4"),
            "1.0.11": (5, "2026.10.5"),
            "1.0.12": (6, "2026.11.0b1"),
            "1.0.13": (9, "2026.12.0"),
        }
        self.asked: list[str] = []

    def __call__(self, url: str) -> Any:
        """Return the document at url, as PyPI would."""
        self.asked.append(url)
        path = url.removeprefix(f"{PYPI}/").removesuffix("/json").split("/")
        match path:
            case ["homeassistant"]:
                return {"releases": self.ha}
            case ["pytest-homeassistant-custom-component"]:
                return {
                    "releases": {v: _files(day) for v, (day, _) in self.phcc.items()}
                }
            case ["pytest-homeassistant-custom-component", version]:
                pins = self.phcc[version][1]
                return {
                    "info": {
                        "requires_dist": ["pytest==9.0.0", f"homeassistant=={pins}"]
                    }
                }
        raise AssertionError(url)


@pytest.fixture
def pypi() -> FakePypi:
    """PyPI, as far as the script asks it."""
    return FakePypi()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose floor is 2026.9.0 and whose newest release is 2026.11.0."""
    (tmp_path / "hacs.json").write_text('{"homeassistant": "2026.9.0"}')
    (tmp_path / "requirements_newest.txt").write_text(
        "# newest\nhomeassistant==2026.11.0\nhome-assistant-frontend==20261028.4\n"
        "openai==3.26.0\n"
    )
    (tmp_path / "requirements_test_floor.txt").write_text(
        "# floor\npytest-homeassistant-custom-component==1.0.10\nhypothesis==6.0.0\n"
    )
    return tmp_path


def test_newest_patches_per_month(pypi: FakePypi) -> None:
    """One release a month from the floor's to the newest's, no beta, nothing yanked."""
    assert ha_releases.newest_patches(pypi.ha, "2026.9.0", "2026.11.0") == [
        "2026.9.4",
        "2026.10.5",
        "2026.11.1",
    ]
    assert ha_releases.newest_patches(pypi.ha, "2026.10.0", "2026.10.0") == [
        "2026.10.5"
    ]


def test_newest_patches_across_a_year() -> None:
    """December comes before January."""
    releases = {v: _files(1) for v in ("2026.12.3", "2027.1.0", "2027.1.1", "2027.2.0")}
    assert ha_releases.newest_patches(releases, "2026.12.0", "2027.1.0") == [
        "2026.12.3",
        "2027.1.1",
    ]


def test_phcc_for_each_release(pypi: FakePypi) -> None:
    """The phcc release pinning the version, or none once a newer one is pinned."""
    assert ha_releases.phcc_for("2026.9.4", pypi) == "1.0.10"
    assert ha_releases.phcc_for("2026.10.5", pypi) == "1.0.11"
    # 1.0.13, the first published after it, pins the next month: none for 2026.11.1.
    pypi.asked.clear()
    assert ha_releases.phcc_for("2026.11.1", pypi) is None
    assert pypi.asked[-1].endswith("/pytest-homeassistant-custom-component/1.0.13/json")
    # Releases published before the Home Assistant release are not read.
    assert not any(url.endswith("/1.0.9/json") for url in pypi.asked)


def test_phcc_for_an_unknown_release(pypi: FakePypi) -> None:
    """A version PyPI does not have, or only yanked, is an error, not a missing phcc."""
    for version in ("2026.10.9", "2026.10.6"):
        with pytest.raises(
            ReleaseLookupError, match=f"no files of homeassistant {version}"
        ):
            ha_releases.phcc_for(version, pypi)


def test_phcc_for_reads_a_bounded_number(pypi: FakePypi) -> None:
    """Without a newer pin, it stops after PHCC_LOOKAHEAD releases."""
    pypi.phcc = {f"2.0.{n}": (9, "2026.11.0b1") for n in range(100)}
    pypi.asked.clear()
    assert ha_releases.phcc_for("2026.11.1", pypi) is None
    assert len(pypi.asked) == 2 + ha_releases.PHCC_LOOKAHEAD


def test_pinned_ha() -> None:
    """Only an exact pin counts, with or without a marker."""
    assert ha_releases.pinned_ha(
        ["homeassistant==2026.10.4; python_version>='3.14'"]
    ) == ("2026.10.4")
    assert (
        ha_releases.pinned_ha(["homeassistant>=2026.1", "homeassistant-stubs==1"])
        is None
    )
    assert ha_releases.pinned_ha(None) is None


def test_matrix(pypi: FakePypi, root: Path) -> None:
    """Each month from the floor to the newest, with its phcc release or an empty one."""
    assert ha_releases.matrix(pypi, root) == {
        "include": [
            {"ha": "2026.9.4", "phcc": "1.0.10"},
            {"ha": "2026.10.5", "phcc": "1.0.11"},
            {"ha": "2026.11.1", "phcc": ""},
        ]
    }


def test_requirements_for_the_floor(pypi: FakePypi, root: Path) -> None:
    """The floor's file with the phcc release of that Home Assistant; none is an error."""
    text = ha_releases.requirements_for("floor", "2026.10.5", pypi, root)
    assert "pytest-homeassistant-custom-component==1.0.11\n" in text
    assert "1.0.10" not in text
    assert "hypothesis==6.0.0\n" in text
    with pytest.raises(ReleaseLookupError, match="develop --newest --check"):
        ha_releases.requirements_for("floor", "2026.11.1", pypi, root)


def test_requirements_for_the_newest(pypi: FakePypi, root: Path) -> None:
    """The newest's file with that Home Assistant, its other pins, and no frontend pin."""
    text = ha_releases.requirements_for("newest", "2026.11.1", pypi, root)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == ["homeassistant==2026.11.1", "openai==3.26.0"]
    assert not pypi.asked
    with pytest.raises(ReleaseLookupError, match="floor or newest"):
        ha_releases.requirements_for("main", "2026.11.1", pypi, root)


def test_the_project_files_are_what_the_script_reads() -> None:
    """The real files have the pins the script replaces, and the floor it starts from."""
    for name, package in (
        ("requirements_newest.txt", "homeassistant"),
        ("requirements_newest.txt", "home-assistant-frontend"),
        ("requirements_test_floor.txt", "pytest-homeassistant-custom-component"),
    ):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert ha_releases.pin(text, package), (name, package)
    assert (
        ha_releases.floor_version()
        == json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))["homeassistant"]
    )


def test_frontend_of_the_installed_home_assistant() -> None:
    """The frontend Home Assistant names is the one requirements_dev.txt pins for it."""
    tested_with = ha_releases.pin(
        (ROOT / "requirements_test.txt").read_text(encoding="utf-8"),
        "pytest-homeassistant-custom-component",
    )
    installed = importlib.metadata.version("pytest-homeassistant-custom-component")
    if installed != tested_with:
        pytest.skip(
            "requirements_dev.txt pins the frontend of the Home Assistant that"
            f" requirements_test.txt installs (pytest-homeassistant-custom-component"
            f" {tested_with}); this environment has {installed}, the floor's"
        )
    pinned = ha_releases.pin(
        (ROOT / "requirements_dev.txt").read_text(encoding="utf-8"),
        "home-assistant-frontend",
    )
    assert ha_releases.frontend_requirement() == f"home-assistant-frontend=={pinned}"


def test_only_pypi_is_fetched() -> None:
    """The script reads PyPI's JSON API and nothing else."""
    with pytest.raises(ReleaseLookupError, match="not PyPI"):
        ha_releases.fetch_pypi_json("https://example.com/pypi/homeassistant/json")


def test_command_line_usage() -> None:
    """Unknown arguments print the usage and exit 2."""
    assert ha_releases.main(["nothing"]) == 2
    assert ha_releases.main(["requirements", "main", "2026.11.0"]) == 1


# FLIPSNACK_HA_VERSION in scripts/setup, in a copy of the project's layout where the
# environments exist and their python only logs what it is asked; ha_releases.py is a
# stand-in that writes what it was asked into the requirements it prints.
HA_RELEASES_STAND_IN = """
import sys
if sys.argv[1] == "frontend":
    print("home-assistant-frontend==1")
else:
    print(f"# made for {sys.argv[2]} {sys.argv[3]}")
"""
PYTHON_STAND_IN = """#!/usr/bin/env bash
if [[ $1 == -c ]]; then exit 0; fi
if [[ $1 == --version ]]; then echo "Python 3.14.9"; exit 0; fi
if [[ $1 == scripts/ha_releases.py ]]; then exec "$REAL_PYTHON" "$@"; fi
echo "$0 $*" >>"$SETUP_LOG"
if [[ $* == *" -r "* ]]; then cat "${@: -1}" >>"$SETUP_LOG"; fi
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """scripts/setup beside the requirements, with stand-ins for its programs."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "setup", tmp_path / "scripts" / "setup")
    (tmp_path / "scripts" / "ha_releases.py").write_text(HA_RELEASES_STAND_IN)
    for name in ("requirements_test.txt", "requirements_test_floor.txt"):
        (tmp_path / name).write_text(f"# {name}\n")
    (tmp_path / "requirements_newest.txt").write_text("# requirements_newest.txt\n")
    for venv in (".venv", ".venv-floor", ".venv-newest"):
        python = tmp_path / venv / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.write_text(PYTHON_STAND_IN)
        python.chmod(0o755)
    # python3.14 on PATH runs the stand-in ha_releases.py.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python3.14").symlink_to(sys.executable)
    return tmp_path


def _setup(project: Path, *args: str, ha: str | None = None) -> str:
    env = {
        **os.environ,
        "PATH": f"{project / 'bin'}:{os.environ['PATH']}",
        "REAL_PYTHON": sys.executable,
        "SETUP_LOG": str(project / "setup.log"),
    }
    env.pop("FLIPSNACK_HA_VERSION", None)
    if ha:
        env["FLIPSNACK_HA_VERSION"] = ha
    (project / "setup.log").write_text("")
    subprocess.run(  # noqa: S603 - the project's own script, with the test's arguments
        ["bash", "scripts/setup", *args],  # noqa: S607 - bash from PATH, as scripts run it
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return (project / "setup.log").read_text()


def test_setup_installs_another_release_into_floor(project: Path) -> None:
    """--floor installs the requirements ha_releases.py made for that release."""
    log = _setup(project, "--floor", ha="2026.10.5")
    assert ".venv-floor/bin/python -m pip install" in log
    assert "# made for floor 2026.10.5\n" in log
    assert "requirements_test_floor.txt" not in log
    # Without it, the pinned file again (the stamp changed).
    log = _setup(project, "--floor")
    assert "# requirements_test_floor.txt\n" in log
    assert "made for" not in log


def test_setup_installs_another_release_into_newest(project: Path) -> None:
    """--newest installs that release's requirements, then the frontend it names."""
    log = _setup(project, "--newest", ha="2026.11.1")
    assert "# made for newest 2026.11.1\n" in log
    assert log.rstrip().endswith(
        "-m pip install --quiet --disable-pip-version-check home-assistant-frontend==1"
    )
    # Once installed, the same release is up to date.
    assert _setup(project, "--newest", ha="2026.11.1") == ""


def test_setup_of_dot_venv_ignores_it(project: Path) -> None:
    """.venv, which the demo and the check run from, keeps its pinned release."""
    log = _setup(project, ha="2026.11.1")
    assert "# requirements_test.txt\n" in log
    assert "made for" not in log
