"""``python -m alipay_voucher demo``: the whole voucher lifecycle against the sandbox.

It runs twice, in key mode and then in certificate mode with AES on, through the real
:class:`~alipay_voucher.AsyncVoucherClient`, and waits for the asynchronous messages
at a loopback receiver that verifies them with
:func:`~alipay_voucher.notify.parse_notification`, the way a merchant's service
would. Any failure ends the demo with a non-zero status.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
from collections.abc import Callable
from typing import Any

from ..client import AsyncVoucherClient
from ..config import RetryPolicy
from ..errors import AlipayError
from ..models import ActivityBaseInfo, VoucherInventoryInfo, VoucherQueryResponse, VoucherSummary
from ..notify import parse_notification
from ._receiver import NotifyReceiver
from ._rules import BEIJING, format_time
from .sandbox import Sandbox

__all__ = ["run_demo"]

USERS = ("2088102000000001", "2088102000000002", "2088102000000003")
_WAIT = 5.0


def _create_request(run: str) -> dict[str, Any]:
    now = _dt.datetime.now(BEIJING)
    return {
        "out_biz_no": f"demo-create-{run}",
        "activity_name": "满10减1 demo",
        "voucher_type": "FIX_VOUCHER",
        "publish_start_time": format_time(now - _dt.timedelta(minutes=1)),
        "publish_end_time": format_time(now + _dt.timedelta(days=30)),
        "voucher_send_rule": {"voucher_quantity": 10, "voucher_quantity_limit_per_user": 1},
        "voucher_use_rule": {"fix_voucher": {"amount": "1.00", "floor_amount": "10.00"}},
        "voucher_budget_info": {"budget_type": "NO_CASH"},
    }


class DemoError(AlipayError):
    """The sandbox answered something the demo did not expect."""


def _counters(query: VoucherQueryResponse) -> str:
    summary, inventory = query.summary, query.voucher_inventory_info
    if not isinstance(summary, VoucherSummary) or not isinstance(inventory, VoucherInventoryInfo):
        raise DemoError("query answered without summary or voucher_inventory_info")
    return (
        f"issued {summary.publish_count}, used {summary.used_count} "
        f"(inventory: sent {inventory.send_count}, used {inventory.use_count})"
    )


async def _lifecycle(
    sandbox: Sandbox, mode: str, encrypt: bool, say: Callable[[str], None]
) -> None:
    config = sandbox.config(mode, encrypt, retry=RetryPolicy(max_attempts=3, deadline=10))  # type: ignore[arg-type]
    run = f"{mode}-{'aes' if encrypt else 'plain'}"
    title = "key mode" if mode == "key" else "certificate mode"
    say(f"== {title}, {'AES on' if encrypt else 'plaintext'} ==")

    async with NotifyReceiver(verify=lambda body: parse_notification(body, config)) as receiver:
        sandbox.notify_url = receiver.url

        async def message(kind: str, activity_id: str) -> str:
            got = await receiver.wait_for(kind, activity_id=activity_id, timeout=_WAIT)
            return f"message {kind} verified (notify_id {got.params['notify_id'][:8]}…)"

        async with AsyncVoucherClient(config) as client:
            created = await client.create(_create_request(run))
            activity_id = created.activity_id
            if not isinstance(activity_id, str):
                raise DemoError("create answered without an activity_id")
            say(f"create   -> activity {activity_id} (trace {created.trace_id})")
            await client.publish({"activity_id": activity_id, "out_biz_no": f"demo-pub-{run}"})
            say(f"publish  -> accepted; {await message('created', activity_id)}")
            for n, user in enumerate(USERS):
                sent = await client.send(
                    {
                        "activity_id": activity_id,
                        "out_biz_no": f"demo-send-{run}-{n}",
                        "user_id": user,
                    }
                )
                say(f"send     -> user {user}: voucher {sent.voucher_id}")
            query = await client.query(activity_id)
            say(f"query    -> status {query.activity_status}; {_counters(query)}")
            await client.append(
                {
                    "activity_id": activity_id,
                    "out_biz_no": f"demo-append-{run}",
                    "voucher_quantity": 20,
                }
            )
            say(f"append   -> total 20; {await message('appended', activity_id)}")
            await client.modify(
                {
                    "activity_id": activity_id,
                    "out_biz_no": f"demo-modify-{run}",
                    "activity_base_info": {"activity_name": "满10减1 demo (renamed)"},
                }
            )
            say(f"modify   -> renamed; {await message('modified', activity_id)}")
            await client.stop({"activity_id": activity_id, "out_biz_no": f"demo-stop-{run}"})
            say(f"stop     -> accepted; {await message('stopped', activity_id)}")
            final = await client.query(activity_id)
            base = final.activity_base_info
            name = base.activity_name if isinstance(base, ActivityBaseInfo) else final.activity_name
            say(f"query    -> status {final.activity_status}, name {name!r}; {_counters(final)}")
        received = len(receiver.acknowledged("received"))
        total = len(receiver.acknowledged())
        say(
            f"messages -> {total} acknowledged: {total - received} about the activity, "
            f"{received} vouchers received"
        )


async def run_demo(say: Callable[[str], None] = print) -> int:
    """Run both lifecycles; 0 when everything worked, 1 otherwise (reason printed)."""
    try:
        async with Sandbox() as sandbox:
            say(f"sandbox gateway on {sandbox.base_url} (app {sandbox.app_id})")
            await _lifecycle(sandbox, "key", False, say)
            await _lifecycle(sandbox, "cert", True, say)
    except AlipayError as exc:
        say(f"demo failed: {type(exc).__name__}: {exc}")
        return 1
    except asyncio.TimeoutError:
        say("demo failed: an expected message did not arrive in time")
        return 1
    say("demo finished: every call verified, every message acknowledged")
    return 0
