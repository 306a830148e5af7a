"""alipay_voucher: the async-first Python SDK for Alipay OpenAPI v3 payment vouchers."""
