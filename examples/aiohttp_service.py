"""An aiohttp web service that awaits :class:`AsyncVoucherClient` in its handlers.

One client is made when the app starts and closed when it stops (``cleanup_ctx``), so
every request shares one connection pool. Routes::

    GET  /healthz
    POST /activities                   {"name", "amount", "quantity"} -> create + publish
    GET  /activities/{activity_id}     the activity with its counters
    POST /activities/{activity_id}/vouchers
                                       {"user_id" | "open_id", "out_biz_no"?} -> one voucher
    POST /activities/{activity_id}/stop   stop, then wait for Alipay's confirmation
    POST /alipay/notify                Alipay's messages (verified, acknowledged "success")
    GET  /notifications                the messages this process has handled

Callers of ``/vouchers`` should send their own ``out_biz_no`` (an order id, say) and
repeat the request with it when they get no answer or a 503 "outcome unknown": the
same key can never issue a second voucher.

Configuration comes from the environment (``AlipayConfig.from_env``, see
``blocking_script.py``); ``--base-url`` overrides ``ALIPAY_BASE_URL``::

    python examples/aiohttp_service.py --port 8080
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from alipay_voucher import (
    AlipayConfig,
    APIError,
    AsyncVoucherClient,
    OutcomeUnknownError,
    RequestValidationError,
    TransportError,
)
from alipay_voucher.models import BEIJING, VoucherType
from alipay_voucher.notify import Notification, NotificationHub, aiohttp_handler

CONFIG = web.AppKey("config", AlipayConfig)
CLIENT = web.AppKey("client", AsyncVoucherClient)
HUB = web.AppKey("hub", NotificationHub)
RECEIVED: list[Notification] = []
"""Messages handled by this process (a real service would write them to its database)."""
log = logging.getLogger("voucher_service")

routes = web.RouteTableDef()


async def _client_context(app: web.Application) -> AsyncIterator[None]:
    async with AsyncVoucherClient(app[CONFIG]) as client:
        app[CLIENT] = client
        yield


@web.middleware
async def alipay_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn the SDK's errors into answers a caller of this service can act on."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except RequestValidationError as exc:
        return web.json_response(
            {"error": "invalid", "field": exc.field, "detail": str(exc)}, status=400
        )
    except OutcomeUnknownError as exc:
        return web.json_response(
            {"error": "outcome_unknown", "out_biz_no": exc.out_biz_no, "retry": "same out_biz_no"},
            status=503,
        )
    except APIError as exc:
        return web.json_response(
            {"error": "alipay", "code": exc.code, "message": exc.message, "trace_id": exc.trace_id},
            status=502,
        )
    except TransportError as exc:
        return web.json_response({"error": "unreachable", "detail": str(exc)}, status=504)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@routes.post("/activities")
async def create_activity(request: web.Request) -> web.Response:
    client = request.app[CLIENT]
    data = await request.json()
    try:
        amount = Decimal(str(data.get("amount", "5.00")))
        quantity = int(data.get("quantity", 100))
    except (InvalidOperation, ValueError):
        raise web.HTTPBadRequest(
            text="amount must be a decimal string, quantity an integer"
        ) from None
    # Issuance opens at once: a send right after create and publish is then accepted
    # (Alipay refuses one before publish_start_time with ACTIVITY_NOT_START).
    start = dt.datetime.now(BEIJING).replace(microsecond=0)
    created = await client.create(
        {
            "out_biz_no": data.get("out_biz_no") or f"create-{uuid.uuid4().hex}",
            "activity_name": data.get("name", "voucher"),
            "voucher_type": VoucherType.FIX_VOUCHER,
            "publish_start_time": start,
            "publish_end_time": start + dt.timedelta(days=30),
            "voucher_use_rule": {"fix_voucher": {"amount": amount}},
            "voucher_send_rule": {"voucher_quantity": quantity},
            "voucher_budget_info": {"amount": amount * quantity},
        }
    )
    await client.publish({"activity_id": created.activity_id})
    return web.json_response(
        {"activity_id": created.activity_id, "trace_id": created.trace_id}, status=201
    )


@routes.get("/activities/{activity_id}")
async def get_activity(request: web.Request) -> web.Response:
    activity = await request.app[CLIENT].query(request.match_info["activity_id"])
    inventory = activity.voucher_inventory_info
    return web.json_response(
        {
            "activity_id": activity.activity_id,
            "status": str(activity.activity_status),
            "send_count": getattr(inventory, "send_count", None),
            "use_count": getattr(inventory, "use_count", None),
            "trace_id": activity.trace_id,
        }
    )


@routes.post("/activities/{activity_id}/vouchers")
async def send_voucher(request: web.Request) -> web.Response:
    data = await request.json()
    recipient = {k: data[k] for k in ("user_id", "open_id") if k in data}
    out_biz_no = data.get("out_biz_no") or f"send-{uuid.uuid4().hex}"
    sent = await request.app[CLIENT].send(
        {"activity_id": request.match_info["activity_id"], "out_biz_no": out_biz_no, **recipient}
    )
    return web.json_response(
        {"voucher_id": sent.voucher_id, "out_biz_no": out_biz_no, "trace_id": sent.trace_id},
        status=201,
    )


async def on_message(notification: Notification) -> None:
    """Act on one verified message. Raise to make Alipay deliver it again later."""
    log.info(
        "message %s for activity %s (event %s)",
        notification.msg_method,
        notification.activity_id,
        notification.message_id,
    )
    RECEIVED.append(notification)


@routes.get("/notifications")
async def list_notifications(request: web.Request) -> web.Response:
    return web.json_response(
        [
            {"msg_method": n.msg_method, "activity_id": n.activity_id, "id": n.message_id}
            for n in RECEIVED
        ]
    )


@routes.post("/activities/{activity_id}/stop")
async def stop_activity(request: web.Request) -> web.Response:
    """Stop an activity and wait (up to 30 s) until Alipay confirms it."""
    activity_id = request.match_info["activity_id"]
    client = request.app[CLIENT]
    await client.stop({"activity_id": activity_id})
    stopped = await client.wait_for_status(
        activity_id, "FINISHED", timeout=30, hub=request.app[HUB]
    )
    return web.json_response({"activity_id": activity_id, "status": str(stopped.activity_status)})


def create_app(config: AlipayConfig) -> web.Application:
    app = web.Application(middlewares=[alipay_errors])
    app[CONFIG] = config
    app[HUB] = NotificationHub()
    app.cleanup_ctx.append(_client_context)
    app.add_routes(routes)

    # ------------------------------------------------------------------ notifications
    # Alipay POSTs its asynchronous messages (…message.created / appended / modified /
    # stopped, and the user-level received / used / expired) to the URL set in the
    # console. The handler verifies each from the raw body, runs on_message, and
    # answers "success" only after it returned; duplicates are acknowledged unhandled.
    app.router.add_post("/alipay/notify", aiohttp_handler(config, on_message, hub=app[HUB]))
    # ------------------------------------------------------------------ end notifications

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="voucher web service example")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--base-url", help="gateway URL or 'sandbox' (default: ALIPAY_BASE_URL)")
    args = parser.parse_args(argv)
    config = AlipayConfig.from_env()
    if args.base_url:
        config = config.with_options(base_url=args.base_url)
    web.run_app(create_app(config), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
