"""The wheel and sdist are what users install, so they are built and installed the way users
do it: ``python -m build`` (the wheel made from the sdist, which proves the sdist holds
what a build needs), ``twine check``, then ``pip install`` of the wheel into a fresh
virtual environment, run from a directory outside the repository with no editable
install and nothing of the repository on the path.

Long (``make test-long``): it builds in an isolated environment and installs the runtime
dependencies from the configured package index, about a minute in all.
"""

from __future__ import annotations

import email.parser
import importlib.metadata
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import alipay_voucher

pytestmark = pytest.mark.long

REPO = Path(__file__).resolve().parent.parent
NAME = f"alipay_voucher-{alipay_voucher.__version__}"
DEMO_DONE = "demo finished: every call verified, every message acknowledged"


def _run(argv: list[str | Path], *, cwd: Path, timeout: float = 300) -> str:
    """Run a command with nothing of the repository on its path; its output, or a failure
    that shows it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"{argv} exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it, as ``make dist`` builds them."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, REPO], cwd=out)
    return out


def test_sdist_holds_what_a_build_and_a_user_need(dist: Path) -> None:
    with tarfile.open(dist / f"{NAME}.tar.gz") as sdist:
        names = set(sdist.getnames())
    for member in ("LICENSE", "README.md", "README.zh-CN.md", "CHANGELOG.md", "pyproject.toml"):
        assert f"{NAME}/{member}" in names
    assert f"{NAME}/alipay_voucher/py.typed" in names
    assert f"{NAME}/alipay_voucher/__init__.py" in names
    assert f"{NAME}/tests/conftest.py" in names
    assert not any("/.venv" in name or "__pycache__" in name for name in names)


def test_wheel_metadata_is_the_projects(dist: Path) -> None:
    with zipfile.ZipFile(dist / f"{NAME}-py3-none-any.whl") as wheel:
        names = set(wheel.namelist())
        metadata = email.parser.Parser().parsestr(
            wheel.read(f"{NAME}.dist-info/METADATA").decode("utf-8")
        )
        entry_points = wheel.read(f"{NAME}.dist-info/entry_points.txt").decode("utf-8")
    assert "alipay_voucher/py.typed" in names
    assert f"{NAME}.dist-info/licenses/LICENSE" in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    # One version: the wheel's is alipay_voucher.__version__, read from the source.
    assert metadata["Version"] == alipay_voucher.__version__
    assert metadata["License-Expression"] == "MIT"
    # The same dependencies as the installed project's metadata (both from pyproject.toml).
    assert sorted(metadata.get_all("Requires-Dist") or []) == sorted(
        importlib.metadata.requires("alipay_voucher") or []
    )
    assert "alipay-voucher = alipay_voucher.cli:main" in entry_points
    # PyPI renders the README as the project page.
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "# alipay_voucher" in metadata.get_payload()


def test_twine_accepts_both(dist: Path) -> None:
    files = sorted(dist.iterdir())
    out = _run([sys.executable, "-m", "twine", "check", "--strict", *files], cwd=dist)
    assert out.count("PASSED") == 2


def test_the_wheel_installs_and_runs_in_a_fresh_venv(
    dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=home)
    python, command = venv / "bin" / "python", venv / "bin" / "alipay-voucher"
    _run([python, "-m", "pip", "install", "--quiet", dist / f"{NAME}-py3-none-any.whl"], cwd=home)
    _run([python, "-m", "pip", "check"], cwd=home)

    # The package comes from the venv's site-packages, never from the repository.
    show = "import alipay_voucher, sys; print(alipay_voucher.__file__); print(sys.path)"
    where = _run([python, "-c", show], cwd=home)
    package_file, path = where.splitlines()
    package = Path(package_file).parent
    assert package.is_relative_to(venv) and package.parent.name == "site-packages"
    assert str(REPO) not in path
    assert (package / "py.typed").is_file()

    assert _run([command, "--version"], cwd=home).strip() == (
        f"alipay-voucher {alipay_voucher.__version__}"
    )
    demo = _run([command, "demo"], cwd=home)
    assert "== key mode, plaintext ==" in demo
    assert "== certificate mode, AES on ==" in demo
    assert demo.rstrip().endswith(DEMO_DONE)
