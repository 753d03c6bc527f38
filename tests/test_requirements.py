"""The lock file that `make setup` installs covers every pinned requirement."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(path: Path) -> dict[str, str]:
    """Package name (normalised) -> pinned version, from a requirements file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def test_every_requirement_is_locked_at_the_same_version():
    required = pins(ROOT / "requirements.txt")
    locked = pins(ROOT / "requirements.lock")

    missing = {name: version for name, version in required.items() if locked.get(name) != version}

    assert not missing, f"run `make lock`: requirements.lock lacks or differs on {missing}"
