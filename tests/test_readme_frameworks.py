"""The README's FastAPI, Django and Flask recipes, run as written in each framework.

Each ``<!-- readme-framework: NAME -->`` block is executed with a ``config`` in scope,
in a fresh directory (the recipes put their SQLite store there). Every framework gets
a GBK message with Chinese text (the raw-body case that re-decoding breaks), a
redelivery, a forgery and an oversize body; and the pitfall: handing the framework's
parsed form to ``parse_notification`` fails with the message that says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import pytest

from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import SignatureVerificationError
from alipay_voucher.notify import MAX_BODY, SUCCESS, parse_notification

from .notify_helpers import signed_params

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"<!-- readme-framework: ([\w-]+) -->\n```python\n(.*?)```", re.S)
CREATED = "alipay.marketing.activity.message.created"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
RAW_BODY_ADVICE = "pass the raw request body"


def recipe(name: str) -> str:
    blocks: dict[str, str] = dict(_BLOCK.findall(README.read_text(encoding="utf-8")))
    assert sorted(blocks) == ["django", "fastapi", "flask"]
    return blocks[name]


def run_recipe(name: str, config: AlipayConfig) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"readme_{name}", "config": config}
    exec(compile(recipe(name), f"README.md[{name}]", "exec"), namespace)
    return namespace


def gbk_body(notify_id: str) -> bytes:
    biz = {"id": f"ev-{notify_id}", "activity_id": "a1", "voucher_name": "满100减20券"}
    params = signed_params(CREATED, biz, notify_id=notify_id, extra={"charset": "GBK"})
    return urlencode(params, encoding="gbk").encode("ascii")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_deliveries(post: Any, capsys: pytest.CaptureFixture[str], receiver: Any) -> None:
    """``post(body) -> (status, text)`` through the framework; the callback prints."""
    try:
        body = gbk_body("fw-1")
        assert post(body) == (200, SUCCESS)
        assert post(body) == (200, SUCCESS)  # a redelivery: acknowledged, not handled
        assert post(body.replace(b"a1", b"a2"))[0] == 400
        assert post(b"a=" + b"x" * MAX_BODY)[0] == 413
        assert capsys.readouterr().out.splitlines() == [f"{CREATED} fw-1"]
    finally:
        receiver.close()
        receiver.dedupe.close()  # the recipe's SQLite store (3.13 warns about an unclosed one)


def test_fastapi_recipe(
    key_config: AlipayConfig, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastapi.testclient import TestClient
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse

    ns = run_recipe("fastapi", key_config)
    app = ns["app"]

    async def parsed(request: Request) -> PlainTextResponse:  # a plain Starlette route
        parse_notification(await request.form(), key_config)
        return PlainTextResponse(SUCCESS)

    app.add_route("/parsed", parsed, methods=["POST"])

    with TestClient(app) as client:

        def post(body: bytes) -> tuple[int, str]:
            response = client.post("/alipay/notify", content=body, headers=FORM)
            return response.status_code, response.text

        check_deliveries(post, capsys, ns["receiver"])
        with pytest.raises(SignatureVerificationError, match=RAW_BODY_ADVICE):
            client.post("/parsed", content=gbk_body("fw-2"), headers=FORM)


@pytest.fixture
def django_settings() -> Iterator[None]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="test only",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,  # replaced per test below
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        )
        django.setup()
    yield


def test_django_recipe(
    key_config: AlipayConfig,
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    django_settings: None,
) -> None:
    from django.http import HttpRequest, HttpResponse
    from django.test import Client, override_settings
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    ns = run_recipe("django", key_config)

    def parse_view(request: HttpRequest) -> HttpResponse:
        parse_notification(request.POST, key_config)
        return HttpResponse(SUCCESS)

    parsed = csrf_exempt(parse_view)

    class Urls:
        urlpatterns: ClassVar[list[Any]] = [
            path("alipay/notify", ns["alipay_notify"]),
            path("parsed", parsed),
        ]

    with override_settings(ROOT_URLCONF=Urls):
        client = Client(enforce_csrf_checks=True)  # the recipe must be csrf_exempt

        def post(body: bytes) -> tuple[int, str]:
            response = client.post("/alipay/notify", body, content_type=FORM["Content-Type"])
            return response.status_code, response.content.decode()

        check_deliveries(post, capsys, ns["receiver"])
        with pytest.raises(SignatureVerificationError, match=RAW_BODY_ADVICE):
            client.post("/parsed", gbk_body("fw-2"), content_type=FORM["Content-Type"])


def test_flask_recipe(
    key_config: AlipayConfig, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flask import request

    ns = run_recipe("flask", key_config)
    app = ns["app"]

    def parsed() -> str:
        parse_notification(request.form, key_config)
        return SUCCESS

    app.post("/parsed")(parsed)

    app.config["PROPAGATE_EXCEPTIONS"] = True
    client = app.test_client()

    def post(body: bytes) -> tuple[int, str]:
        response = client.post("/alipay/notify", data=body, headers=FORM)
        return response.status_code, response.get_data(as_text=True)

    check_deliveries(post, capsys, ns["receiver"])
    with pytest.raises(SignatureVerificationError, match=RAW_BODY_ADVICE):
        client.post("/parsed", data=gbk_body("fw-2"), headers=FORM)
