"""scripts/release.py: what the release workflow checks, stamps, zips and writes as notes."""

import json
from pathlib import Path
import shutil
import subprocess
import sys
import zipfile

import pytest

from scripts import release
from scripts.release import ReleaseError

ROOT = Path(__file__).parent.parent

CHANGELOG = """# Changelog

## [Unreleased]

### Added

- Something not released yet.

## [0.3.0] - 2027-01-10

### Fixed

- A fix.

## [0.2.0] - 2026-12-04

### Added

- The first release.

[Unreleased]: https://github.com/o/r/compare/v0.3.0...HEAD
[0.3.0]: https://github.com/o/r/compare/v0.2.0...v0.3.0
"""


def test_newest_dated_version() -> None:
    """The first dated section is the newest release; Unreleased is none."""
    assert release.newest_dated_version(CHANGELOG) == "0.3.0"
    assert (
        release.newest_dated_version("# Changelog\n\n## [Unreleased]\n\n- x\n") is None
    )
    # A dated section above Unreleased counts as well.
    assert (
        release.newest_dated_version("## [0.2.0] - 2026-12-04\n\n## [Unreleased]\n")
        == "0.2.0"
    )


def test_check_accepts_only_the_newest_dated_section() -> None:
    """The tag must name the newest dated section, as v plus its version."""
    assert release.check("v0.3.0", CHANGELOG) == "0.3.0"
    with pytest.raises(ReleaseError, match=r"newest dated section is \[0\.3\.0\]"):
        release.check("v0.2.0", CHANGELOG)
    with pytest.raises(ReleaseError, match="not a version tag"):
        release.check("0.3.0", CHANGELOG)
    with pytest.raises(ReleaseError, match="not a version tag"):
        release.check("v0.3.0-rc1", CHANGELOG)
    with pytest.raises(ReleaseError, match="no dated section"):
        release.check("v0.3.0", "## [Unreleased]\n")


def test_notes_are_the_versions_section() -> None:
    """The notes are the section's text, without its heading or the next section."""
    assert release.notes("0.3.0", CHANGELOG) == "### Fixed\n\n- A fix.\n"
    assert release.notes("0.2.0", CHANGELOG) == "### Added\n\n- The first release.\n"
    with pytest.raises(ReleaseError, match=r"no dated section \[0\.4\.0\]"):
        release.notes("0.4.0", CHANGELOG)


@pytest.fixture
def integration(tmp_path: Path) -> Path:
    """A copy of the integration, with the leftovers of a run that a release leaves out."""
    copy = tmp_path / "flipsnack"
    shutil.copytree(
        ROOT / "custom_components" / "flipsnack",
        copy,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "const.cpython-314.pyc").write_bytes(b"\0")
    (copy / ".DS_Store").write_bytes(b"\0")
    return copy


def test_stamp_changes_only_the_version(integration: Path) -> None:
    """Only the version line changes; the rest of the manifest stays as written."""
    path = integration / "manifest.json"
    before = path.read_text(encoding="utf-8")
    release.stamp("1.22.333", integration)
    after = path.read_text(encoding="utf-8")
    assert json.loads(after)["version"] == "1.22.333"
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 1
    assert changed[0][1].rstrip(",") == '  "version": "1.22.333"'
    with pytest.raises(ReleaseError, match="not a version"):
        release.stamp("v1.0.0", integration)


def test_stamp_refuses_a_manifest_without_a_version(integration: Path) -> None:
    """A manifest whose version is not a line of its own cannot be stamped."""
    path = integration / "manifest.json"
    path.write_text('{"domain": "flipsnack", "version": "0.1.0"}\n', encoding="utf-8")
    with pytest.raises(ReleaseError, match="no top-level"):
        release.stamp("0.2.0", integration)


def test_zip_has_the_integration_at_its_root(integration: Path, tmp_path: Path) -> None:
    """HACS unpacks the zip into custom_components/flipsnack: manifest.json is at its root."""
    out = tmp_path / "flipsnack.zip"
    names = release.make_zip(out, integration)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted(names)
        assert json.loads(archive.read("manifest.json"))["domain"] == "flipsnack"
    wanted = {
        path.relative_to(integration).as_posix()
        for path in integration.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.name != ".DS_Store"
    }
    assert set(names) == wanted
    assert {"__init__.py", "translations/en.json", "brand/icon.png"} <= set(names)


def test_zip_refuses_a_folder_without_a_manifest(tmp_path: Path) -> None:
    """A zip without manifest.json would install nothing HACS or Home Assistant can load."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a.py").write_text("", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"no manifest\.json"):
        release.make_zip(tmp_path / "out.zip", tmp_path / "empty")


def test_command_line_says_why_it_refuses() -> None:
    """The workflow's step fails with the reason on stderr (here: no such section)."""
    result = subprocess.run(
        [sys.executable, "scripts/release.py", "check", "v999.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("release: ")
    assert "CHANGELOG.md" in result.stderr
