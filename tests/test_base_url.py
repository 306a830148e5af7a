"""``base_url``: no credentials inside it, and no plain http beyond this machine.

A ``user:password@`` part used to be kept and printed by every repr and by ``doctor``;
plain ``http://`` to another host sent tokens and user ids in clear, and let anything on
the path replay answers. Both are refused when the config is built (``with_options``
too), with messages that never repeat the password.
"""

from __future__ import annotations

import pytest

from alipay_voucher.cli import main
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import ConfigurationError

from .vectors import APP_ID, KEYS

PASSWORD = "s3cr3t-Passw0rd"


@pytest.mark.parametrize(
    "url",
    [
        f"https://merchant:{PASSWORD}@openapi.alipay.com",
        f"https://{PASSWORD}@openapi.alipay.com",
        f"http://merchant:{PASSWORD}@127.0.0.1:8080",
        f"merchant:{PASSWORD}@openapi.alipay.com",  # no scheme at all
        f"ftp://merchant:{PASSWORD}@openapi.alipay.com/path",  # wrong in three ways
    ],
)
def test_user_info_is_refused_without_repeating_it(key_config: AlipayConfig, url: str) -> None:
    with pytest.raises(ConfigurationError, match="must not carry a user name or password") as info:
        key_config.with_options(base_url=url)
    assert PASSWORD not in str(info.value) and "merchant" not in str(info.value)


def test_user_info_is_refused_by_every_constructor() -> None:
    url = f"https://merchant:{PASSWORD}@openapi.alipay.com"
    with pytest.raises(ConfigurationError) as info:
        AlipayConfig.key_mode(
            app_id=APP_ID,
            private_key=KEYS / "app_private_pkcs8.pem",
            alipay_public_key=KEYS / "alipay_public_spki.pem",
            base_url=url,
        )
    assert PASSWORD not in str(info.value)
    env = {
        "ALIPAY_APP_ID": APP_ID,
        "ALIPAY_PRIVATE_KEY": str(KEYS / "app_private_pkcs8.pem"),
        "ALIPAY_PUBLIC_KEY": str(KEYS / "alipay_public_spki.pem"),
        "ALIPAY_BASE_URL": url,
    }
    with pytest.raises(ConfigurationError) as info:
        AlipayConfig.from_env(env)
    assert PASSWORD not in str(info.value)


def test_doctor_names_the_problem_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "doctor",
            "--app-id", APP_ID,
            "--private-key", str(KEYS / "app_private_pkcs8.pem"),
            "--alipay-public-key", str(KEYS / "alipay_public_spki.pem"),
            "--base-url", f"https://merchant:{PASSWORD}@openapi.alipay.com",
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert status == 1
    assert "must not carry a user name or password" in captured.err
    assert PASSWORD not in captured.err + captured.out


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.10.20.30",
        "http://[::1]:8080",
        "http://localhost:8080",
        "http://LocalHost",
        "https://openapi.alipay.com",
        "https://10.0.0.5",
    ],
)
def test_https_and_loopback_http_are_accepted(key_config: AlipayConfig, url: str) -> None:
    assert key_config.with_options(base_url=url).base_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://openapi.alipay.com",
        "http://10.0.0.5:8080",
        "http://128.0.0.1",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com",
        "http://[::2]",
    ],
)
def test_plain_http_elsewhere_needs_an_explicit_yes(key_config: AlipayConfig, url: str) -> None:
    with pytest.raises(ConfigurationError, match="allow_insecure_http=True") as info:
        key_config.with_options(base_url=url)
    assert "plain http to another machine" in str(info.value)
    allowed = key_config.with_options(base_url=url, allow_insecure_http=True)
    assert allowed.base_url == url
    # switching the permission off again is checked like any change
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        allowed.with_options(allow_insecure_http=False)


def test_the_constructors_take_the_permission() -> None:
    config = AlipayConfig.key_mode(
        app_id=APP_ID,
        private_key=KEYS / "app_private_pkcs8.pem",
        alipay_public_key=KEYS / "alipay_public_spki.pem",
        base_url="http://gateway.internal:8080",
        allow_insecure_http=True,
    )
    assert config.allow_insecure_http and config.base_url == "http://gateway.internal:8080"
    with pytest.raises(ConfigurationError, match="True or False"):
        config.with_options(allow_insecure_http="yes")
