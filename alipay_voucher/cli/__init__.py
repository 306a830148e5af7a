"""``alipay-voucher`` / ``python -m alipay_voucher``: demo, sandbox, doctor, query, activity,
send-batch, notify.

One module per command, each with ``register`` (its parser) and ``run`` (what it
does); ``_app`` assembles them. Importing this package loads only the standard
library; each command imports what it needs when it runs, so ``--help`` is instant
and a broken optional piece cannot stop the others.

Exit status: 0 success, 1 failure (the reason is printed), 2 bad usage.
"""

from __future__ import annotations

from ._app import main

__all__ = ["main"]
