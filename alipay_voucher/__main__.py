"""``python -m alipay_voucher``: the same commands as the ``alipay-voucher`` script."""

from .cli import main

raise SystemExit(main())
