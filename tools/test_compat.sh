#!/usr/bin/env bash
# Runs the test suite on the oldest and newest Python the package supports (3.10, 3.13),
# each in its own virtual environment (.venv-3.10, .venv-3.13), when that interpreter
# exists on this machine: the transport has version-specific code (task.uncancel() only
# exists from 3.11) that the main 3.11 run cannot reach. A missing interpreter is
# reported and skipped, never a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local version="$1" candidate
    for candidate in "python$version" $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version".*/bin/python 2>/dev/null); do
        if "$candidate" -c 'import sys; sys.exit(0)' >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

for version in 3.10 3.13; do
    if ! python=$(find_python "$version"); then
        echo "test-compat: no Python $version on this machine; skipped"
        continue
    fi
    venv=".venv-$version"
    if [ ! -x "$venv/bin/python" ] || [ pyproject.toml -nt "$venv/.installed" ]; then
        "$python" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
        "$venv/bin/python" -m pip install --quiet -e '.[test]'
        touch "$venv/.installed"
    fi
    echo "test-compat: Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')"
    "$venv/bin/python" -m pytest -q -p no:cacheprovider
done
