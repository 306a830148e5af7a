"""README.zh-CN.md stays in step with README.md.

The Chinese README is written for Chinese developers, not translated line by line, but
what can be checked is checked: its code blocks are README.md's, identical and in the
same order (so they run and type-check wherever README.md's do); it has the same
sections; the two link to each other; every in-page link finds its heading; and the
troubleshooting tables of both are what ``tools/gen_error_tables.py`` makes of
``alipay_voucher.error_hints`` today.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path
from types import ModuleType

import pytest

from alipay_voucher.error_hints import GATEWAY_CODES, HINTS, OPERATION_CODES

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "README.md"
ZH = ROOT / "README.zh-CN.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.M)
_LINK = re.compile(r"\]\(([^)\s]*)\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _blocks(text: str) -> list[tuple[str, str]]:
    return _FENCE.findall(text)


def _prose(text: str) -> str:
    """The text without its code blocks (a ``# comment`` in a block is no heading)."""
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (CJK kept),
    spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {_slug(title) for _, title in _HEADING.findall(_prose(text))}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_error_tables", ROOT / "tools" / "gen_error_tables.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_code_blocks_are_readme_md_s_identical_and_in_order() -> None:
    english, chinese = _blocks(_text(EN)), _blocks(_text(ZH))
    assert len(english) >= 19
    for number, (en_block, zh_block) in enumerate(zip(english, chinese, strict=False), 1):
        first_line = en_block[1].splitlines()[0]
        assert zh_block == en_block, (
            f"code block {number} of README.md ({first_line!r}) differs in README.zh-CN.md: "
            "copy README.md's block there unchanged, in the matching section"
        )
    assert len(chinese) == len(english), (
        f"README.md has {len(english)} code blocks, README.zh-CN.md {len(chinese)}: "
        "add the missing ones to README.zh-CN.md (identical, in the matching section)"
    )


def test_it_has_the_same_sections_in_chinese() -> None:
    english = [level for level, _ in _HEADING.findall(_prose(_text(EN)))]
    chinese = _HEADING.findall(_prose(_text(ZH)))
    assert [level for level, _ in chinese] == english, (
        "README.zh-CN.md's headings do not follow README.md's: a section was added or "
        "removed on one side only"
    )
    for _, title in chinese[1:]:  # the first is the package's name
        assert _CJK.search(title), f"heading {title!r} is not in Chinese"


def test_the_two_readmes_link_to_each_other_at_the_top() -> None:
    assert "[简体中文](README.zh-CN.md)" in "\n".join(_text(EN).splitlines()[:5])
    assert "[English](README.md)" in "\n".join(_text(ZH).splitlines()[:5])


@pytest.mark.parametrize("path", [EN, ZH], ids=["README.md", "README.zh-CN.md"])
def test_every_in_page_link_finds_its_heading(path: Path) -> None:
    anchors = {EN.name: _anchors(_text(EN)), ZH.name: _anchors(_text(ZH))}
    links = _LINK.findall(_prose(_text(path)))
    checked = 0
    for target in links:
        file, _, anchor = target.partition("#")
        if (file and file not in anchors) or not anchor:
            continue
        assert anchor in anchors[file or path.name], f"{path.name}: no heading for {target}"
        checked += 1
    assert checked >= 2


def test_the_operation_table_is_readme_md_s() -> None:
    def rows(text: str) -> list[str]:
        table = text.split("<!-- operation-table -->\n", 1)[1].split("<!-- /operation-table")[0]
        return table.splitlines()[2:]  # the header row is in each README's language

    chinese = [
        row.replace("| 是 |", "| yes |").replace("| 否 |", "| no |") for row in rows(_text(ZH))
    ]
    assert chinese == rows(_text(EN))


@pytest.mark.parametrize("path", [EN, ZH], ids=["README.md", "README.zh-CN.md"])
def test_the_error_tables_are_current(path: Path) -> None:
    generator = _generator()
    language = next(lang for lang in generator.LANGUAGES if lang.readme == path.name)
    text = _text(path)
    assert generator.updated(text, language) == text, (
        f"{path.name}'s error tables are stale: run python tools/gen_error_tables.py"
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_error_tables_have_every_documented_code_with_its_hint(language: str) -> None:
    generator = _generator()
    lang = generator.ENGLISH if language == "en" else generator.CHINESE
    section = generator.render(lang)
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    codes = [row.split("`")[1] for row in rows]
    business = list(dict.fromkeys(code for codes in OPERATION_CODES.values() for code in codes))
    assert codes == business + list(GATEWAY_CODES)
    assert set(codes) == set(HINTS)
    for code, row in zip(codes, rows, strict=True):
        cause, _, fix = getattr(HINTS[code], language).partition(lang.colon)
        assert f"| {cause} | {fix} |" in row
    send_only = next(row for row in rows if row.startswith("| `COUNT_OVER_LIMIT`"))
    assert "`send`" in send_only and "`create`" not in send_only


def test_chinese_paragraphs_are_one_line_each() -> None:
    """A line break inside a Chinese paragraph renders as a stray space between two
    characters, so each paragraph and list item of README.zh-CN.md is one line."""
    lines = _prose(_text(ZH)).splitlines()
    for line, following in itertools.pairwise(lines):
        prose = line.strip() and line.lstrip()[0] not in "#|<"
        continued = following.strip() and not re.match(r"\s*([#|<]|- |\* |\d+\. )", following)
        assert not (prose and continued and _CJK.search(line + following)), (
            f"README.zh-CN.md: paragraph broken across lines near {line[:40]!r}: join them"
        )
