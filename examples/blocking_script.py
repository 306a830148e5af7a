"""A blocking script: create a fixed-amount voucher activity, activate it, issue one
voucher to a user and read the activity back, with :class:`VoucherClient`.

Configuration comes from the environment (``AlipayConfig.from_env``)::

    export ALIPAY_APP_ID=2021...
    export ALIPAY_PRIVATE_KEY=/path/to/app_private_key.pem   # or the key text itself
    export ALIPAY_PUBLIC_KEY=/path/to/alipay_public_key.pem  # key mode
    # certificate mode instead: ALIPAY_APP_CERT, ALIPAY_ALIPAY_CERT, ALIPAY_ROOT_CERT
    export ALIPAY_BASE_URL=sandbox                           # or a URL; default production
    python examples/blocking_script.py --user-id 2088...

``--base-url`` overrides ``ALIPAY_BASE_URL`` (the tests point it at a local gateway).
Exit status: 0 done, 1 Alipay refused, 2 the outcome of a call is unknown, 3 other error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import uuid
from decimal import Decimal

from alipay_voucher import (
    AlipayConfig,
    AlipayError,
    APIError,
    OutcomeUnknownError,
    VoucherClient,
)
from alipay_voucher.models import (
    BEIJING,
    PaymentFixVoucher,
    PaymentVoucherBudgetInfo,
    PaymentVoucherSendRule,
    PaymentVoucherUseRule,
    VoucherCreateRequest,
    VoucherType,
)


def build_create_request(name: str, amount: Decimal, quantity: int) -> VoucherCreateRequest:
    # Issuance opens at once: a send right after create and publish is then accepted
    # (Alipay refuses one before publish_start_time with ACTIVITY_NOT_START).
    start = dt.datetime.now(BEIJING).replace(microsecond=0)
    return VoucherCreateRequest(
        # Keep the out_biz_no of a money-moving call until it succeeds: repeating the call
        # with it can never create a second activity.
        out_biz_no=f"create-{uuid.uuid4().hex}",
        activity_name=name,
        voucher_type=VoucherType.FIX_VOUCHER,
        publish_start_time=start,
        publish_end_time=start + dt.timedelta(days=30),
        voucher_use_rule=PaymentVoucherUseRule(fix_voucher=PaymentFixVoucher(amount=amount)),
        voucher_send_rule=PaymentVoucherSendRule(
            voucher_quantity=quantity, voucher_quantity_limit_per_user=1
        ),
        voucher_budget_info=PaymentVoucherBudgetInfo(amount=amount * quantity),
    )


def run(client: VoucherClient, args: argparse.Namespace) -> None:
    activity_id = args.activity_id
    if activity_id is None:
        created = client.create(build_create_request(args.name, args.amount, args.quantity))
        activity_id = created.activity_id
        print(f"created activity {activity_id} (trace id {created.trace_id})")
        published = client.publish({"activity_id": activity_id})
        print(f"publish accepted (trace id {published.trace_id}); Alipay confirms by message")

    recipient = {"open_id": args.open_id} if args.open_id else {"user_id": args.user_id}
    sent = client.send({"activity_id": activity_id, **recipient})
    print(f"issued voucher {sent.voucher_id} (trace id {sent.trace_id})")

    activity = client.query(activity_id)
    inventory = activity.voucher_inventory_info
    print(
        f"activity {activity.activity_id}: status {activity.activity_status}, inventory {inventory}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="gateway URL or 'sandbox' (default: ALIPAY_BASE_URL)")
    parser.add_argument("--activity-id", help="issue from this activity instead of creating one")
    parser.add_argument("--user-id", default="2088102177846880", help="recipient (2088...)")
    parser.add_argument("--open-id", help="recipient by open_id instead of user_id")
    parser.add_argument("--name", default="Example: 5 CNY off")
    parser.add_argument("--amount", type=Decimal, default=Decimal("5.00"))
    parser.add_argument("--quantity", type=int, default=100)
    args = parser.parse_args(argv)

    config = AlipayConfig.from_env()
    if args.base_url:
        config = config.with_options(base_url=args.base_url)

    try:
        with VoucherClient(config) as client:
            run(client, args)
    except OutcomeUnknownError as exc:
        print(f"outcome unknown: {exc}", file=sys.stderr)
        print(f"repeat with out_biz_no={exc.out_biz_no!r}, or check with query", file=sys.stderr)
        return 2
    except APIError as exc:
        print(
            f"Alipay refused: {exc.code} {exc.message} (trace id {exc.trace_id})", file=sys.stderr
        )
        return 1
    except AlipayError as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
