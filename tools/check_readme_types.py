"""Type-check the README's runnable Python examples with ``mypy --strict``.

The blocks marked ``<!-- readme-test: NAME -->`` run in order in one namespace (see
``tests/test_readme.py``), so they are checked the same way: joined, in order, into one
module. An example a user copies must type-check as written; this is how a result type
that promises less than the client guarantees (``str | Unset | None`` for an id that is
always there) shows up. Exit status: mypy's.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"<!-- readme-test: ([\w-]+) -->\n```python\n(.*?)```", re.S)


def readme_module(text: str) -> str:
    """The marked blocks of ``text`` as one module, each headed by its name."""
    blocks = _BLOCK.findall(text)
    if not blocks:
        raise SystemExit(f"{README}: no '<!-- readme-test: NAME -->' blocks found")
    return "\n".join(f"# --- README block {name}\n{code}" for name, code in blocks)


def main() -> int:
    from mypy import api

    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "readme_examples.py"
        module.write_text(readme_module(README.read_text(encoding="utf-8")), encoding="utf-8")
        out, err, status = api.run(["--strict", str(module)])
    sys.stdout.write(out.replace(str(module), "README.md[examples]"))
    sys.stderr.write(err)
    return status


if __name__ == "__main__":
    sys.exit(main())
