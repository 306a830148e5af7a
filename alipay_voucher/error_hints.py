"""What to do about each error code Alipay documents for the voucher API, in English and Chinese.

One entry per code: the gateway (platform) codes shared by every v3 API, in kebab-case,
and the business codes of the seven voucher operations, in UPPER_SNAKE. ``APIError.hint``
and ``APIError.hint_zh`` read this table; the README's troubleshooting tables are
generated from it. ``tests/test_error_hints.py`` checks it against the spec, so a code the
spec adds fails the tests until it has a hint here.

The table is plain data on purpose (it imports only the generated operation table, for each
operation's codes), so that tools can read it without loading the client::

    from alipay_voucher.error_hints import HINTS, GATEWAY_CODES, OPERATION_CODES
    for code, hint in HINTS.items():
        print(code, hint.en, hint.zh)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ._generated_operations import OPERATIONS

__all__ = ["GATEWAY_CODES", "HINTS", "OPERATION_CODES", "Hint"]


class Hint(NamedTuple):
    """What to do about one error code: ``en`` in English, ``zh`` in Simplified Chinese."""

    en: str
    zh: str


_PROXY_EN = "a proxy between this machine and Alipay may have removed or rewritten it"
_PROXY_ZH = "可能是本机与支付宝之间的代理删除或改写了它"
_SUPPORT_EN = "quote the trace_id to Alipay support if it persists"
_SUPPORT_ZH = "若持续出现，请向支付宝客服提供 trace_id"

_GATEWAY: dict[str, Hint] = {
    "invalid-parameter": Hint(
        "a request parameter is missing or malformed: the message names it; check it against "
        "the API reference",
        "请求参数缺失或格式错误：错误信息中给出了参数名，请对照接口文档检查",
    ),
    "upload-fail": Hint(
        f"the file upload failed: retry, and {_SUPPORT_EN}",
        f"文件上传失败：请重试；{_SUPPORT_ZH}",
    ),
    "invalid-file-extension": Hint(
        "the file's type is not accepted: upload a file with an extension the API allows "
        "(e.g. jpg or png for images)",
        "文件类型不被接受：请上传接口允许的格式（如图片用 jpg、png）",
    ),
    "invalid-file-size": Hint(
        "the file is empty or larger than the API allows: upload one within the documented size",
        "文件为空或超过接口允许的大小：请按文档规定的大小上传",
    ),
    "file-check-fail": Hint(
        "the uploaded file failed Alipay's content check: upload a different file",
        "上传的文件未通过支付宝的内容校验：请更换文件",
    ),
    "app-call-limited": Hint(
        "the app has used up its call quota: send more slowly (lower rate= or concurrency=, or "
        "--rate) and retry later",
        "应用调用量超出限额：请降低调用速度（调小 rate=、concurrency= 或 --rate）后稍后重试",
    ),
    "method-call-limited": Hint(
        "the app has used up its quota for this API: send more slowly and retry later, or ask "
        "Alipay to raise the limit",
        "应用对该接口的调用量超出限额：请降低调用速度后稍后重试，或联系支付宝提高限额",
    ),
    "insufficient-isv-permissions": Hint(
        "the app may not call this API: add the API (sign its product) for this app in the "
        "Alipay console",
        "应用没有调用该接口的权限：请在支付宝开放平台为应用签约对应产品或添加该接口",
    ),
    "illegal-client-ip": Hint(
        "this machine's IP address is not on the app's IP allowlist: add it in the console's "
        "development settings",
        "本机 IP 不在应用的 IP 白名单中：请在开放平台应用的开发设置中添加该 IP",
    ),
    "insufficient-user-permissions": Hint(
        "the merchant has not authorised the app for this API: have the merchant authorise it, "
        "and pass the merchant's app_auth_token",
        "商户未授权应用调用该接口：请商户完成授权，并在调用时传入商户的 app_auth_token",
    ),
    "self-invoke-forbidden": Hint(
        "the app may not call this API for itself: call it for a merchant with app_auth_token, "
        "or from the merchant's own app",
        "应用不能以自身身份调用该接口：请用 app_auth_token 代商户调用，或使用商户自己的应用",
    ),
    "app-auth-invoke-limit": Hint(
        "calls made for merchants (with app_auth_token) exceeded their limit: send more slowly "
        "and retry later",
        "代商户调用（app_auth_token）的次数超出限制：请降低调用速度后稍后重试",
    ),
    "app-api-punished": Hint(
        "Alipay has restricted this app's use of the API: read the notices in the Alipay "
        "console, or contact Alipay support",
        "应用调用该接口的权限已被支付宝限制：请查看开放平台的通知，或联系支付宝客服",
    ),
    "missing-method": Hint(
        "the gateway could not tell which API was called: use the client's operation methods; "
        "with request(), check the path",
        "网关无法识别调用的接口：请使用客户端的接口方法；使用 request() 时请检查路径",
    ),
    "missing-platform": Hint(
        f"the gateway missed a field this SDK always sends: {_PROXY_EN}; {_SUPPORT_EN}",
        f"网关缺少本 SDK 总会发送的字段：{_PROXY_ZH}；{_SUPPORT_ZH}",
    ),
    "invalid-platform": Hint(
        f"the gateway refused a field this SDK always sends: {_PROXY_EN}; {_SUPPORT_EN}",
        f"网关拒绝了本 SDK 总会发送的字段：{_PROXY_ZH}；{_SUPPORT_ZH}",
    ),
    "invalid-method": Hint(
        "the API path is unknown to the gateway: check the path given to request() and the "
        "config's base_url",
        "网关不认识该接口路径：请检查传给 request() 的路径和配置中的 base_url",
    ),
    "forbidden-api": Hint(
        "this API is closed to the app: check in the console that its product is signed and "
        "the API is enabled for the app",
        "该接口对应用关闭：请在开放平台确认已签约对应产品并为应用开通该接口",
    ),
    "invalid-format": Hint(
        "the body's format was refused: it must be a JSON object; with request(), pass a "
        "mapping, not a string",
        "请求体格式被拒绝：必须是 JSON 对象；使用 request() 时请传入字典而不是字符串",
    ),
    "missing-signature": Hint(
        f"the request reached Alipay without its signature (Authorization header): {_PROXY_EN}",
        f"请求到达支付宝时没有签名（Authorization 请求头）：{_PROXY_ZH}",
    ),
    "missing-app-access-token": Hint(
        "the gateway expected an app access token, which the voucher API does not use: check "
        f"the path given to request(); {_SUPPORT_EN}",
        f"网关要求应用访问令牌，而代金券接口不使用它：请检查传给 request() 的路径；{_SUPPORT_ZH}",
    ),
    "missing-signature-type": Hint(
        "the Authorization header lacked its signing algorithm (ALIPAY-SHA256withRSA): "
        f"{_PROXY_EN}",
        f"Authorization 请求头缺少签名算法（ALIPAY-SHA256withRSA）：{_PROXY_ZH}",
    ),
    "missing-default-signature-type": Hint(
        "the app has no signing method set up: set an RSA2 key or certificate for the app in "
        "the Alipay console",
        "应用尚未设置加签方式：请在支付宝开放平台为应用设置 RSA2 公钥或证书",
    ),
    "missing-signature-key": Hint(
        "the app has no public key or certificate uploaded: set its signing method (key or "
        "certificate) in the Alipay console",
        "应用未上传公钥或证书：请在支付宝开放平台设置应用的加签方式（公钥或证书）",
    ),
    "invalid-signature-type": Hint(
        "the signing type does not match the app's settings: this SDK signs with RSA2 "
        "(SHA256withRSA); set the app to RSA2 in the console",
        "签名类型与应用设置不符：本 SDK 使用 RSA2（SHA256withRSA）签名，"
        "请在开放平台将应用设为 RSA2",
    ),
    "invalid-signature-type-said-interface": Hint(
        "this API does not accept the app's signing type: use RSA2 (SHA256withRSA) keys",
        "该接口不接受应用的签名类型：请使用 RSA2（SHA256withRSA）密钥",
    ),
    "invalid-signature": Hint(
        "Alipay could not verify the request signature: check that the private key belongs to "
        "this app_id and that its public key (or app certificate) is the one uploaded in the "
        "Alipay console",
        "支付宝验签失败：请确认私钥属于该 app_id，且其公钥（或应用证书）就是在开放平台上传的那一份",
    ),
    "unsupported-expired-app-key-sign": Hint(
        "the app's key has expired: generate a new key pair, upload the public key (or get a new "
        "certificate) in the console, and configure the new private_key",
        "应用密钥已过期：请生成新的密钥对，在开放平台上传新公钥（或申请新证书），"
        "并配置新的 private_key",
    ),
    "app-key-security-risk": Hint(
        "Alipay considers the app's key compromised: generate a new key pair, replace it in the "
        "console, and configure the new private_key",
        "支付宝认为应用密钥存在泄露风险：请生成新的密钥对，在开放平台替换，并配置新的 private_key",
    ),
    "app-cert-expired": Hint(
        "the app certificate has expired: renew it in the console and configure the new "
        "appCertPublicKey_<app_id>.crt (app_cert) with its private key",
        "应用证书已过期：请在开放平台续期，并配置新的 appCertPublicKey_<app_id>.crt"
        "（app_cert）及其私钥",
    ),
    "app-cert-not-exist": Hint(
        "the app certificate's SN is unknown: upload the app certificate in the console, or pass "
        "the appCertPublicKey_<app_id>.crt the console issued as app_cert",
        "应用证书序列号不存在：请在开放平台上传应用证书，"
        "或将开放平台签发的 appCertPublicKey_<app_id>.crt 作为 app_cert 传入",
    ),
    "alipay-cert-not-exist": Hint(
        "Alipay's certificate is unknown: download the current alipayCertPublicKey_RSA2.crt from "
        "the console and pass it as alipay_cert",
        "支付宝公钥证书不存在："
        "请从开放平台下载最新的 alipayCertPublicKey_RSA2.crt 并作为 alipay_cert 传入",
    ),
    "missing-app-cert-sn": Hint(
        "the app uses certificates but the request carried no app certificate SN: build the "
        "config with AlipayConfig.cert_mode(...), not key_mode",
        "应用使用证书模式，但请求未携带应用证书序列号："
        "请用 AlipayConfig.cert_mode(...) 而非 key_mode 构建配置",
    ),
    "missing-alipay-cert-sn": Hint(
        "the app uses certificates but the request carried no Alipay certificate SN: build the "
        "config with AlipayConfig.cert_mode(...) and pass alipay_cert",
        "应用使用证书模式，但请求未携带支付宝证书序列号："
        "请用 AlipayConfig.cert_mode(...) 并传入 alipay_cert",
    ),
    "missing-alipay-root-cert-sn": Hint(
        "the app uses certificates but the request carried no root certificate SN: pass "
        "alipayRootCert.crt as alipay_root_cert to AlipayConfig.cert_mode",
        "应用使用证书模式，但请求未携带支付宝根证书序列号："
        "请将 alipayRootCert.crt 作为 alipay_root_cert 传给 AlipayConfig.cert_mode",
    ),
    "invalid-alipay-root-cert-sn": Hint(
        "the alipay-root-cert-sn header does not match: pass the alipayRootCert.crt downloaded "
        "from the console as alipay_root_cert",
        "alipay-root-cert-sn 请求头不匹配："
        "请将从开放平台下载的 alipayRootCert.crt 作为 alipay_root_cert 传入",
    ),
    "invalid-request-data": Hint(
        "Alipay could not read the request body: check that encrypt_key is this app's AES key "
        "from the console, or call without encryption if the app has none",
        "支付宝无法读取请求体：请确认 encrypt_key 是开放平台上该应用的 AES 密钥；"
        "若应用未设置 AES 密钥，请不加密调用",
    ),
    "invalid-response-data": Hint(
        f"Alipay could not build its answer: retry later; {_SUPPORT_EN}",
        f"支付宝无法生成应答：请稍后重试；{_SUPPORT_ZH}",
    ),
    "missing-encrypt-type": Hint(
        "this API needs an encrypted body: configure encrypt_key (the app's AES key from the "
        "console) and encrypt=True",
        "该接口要求请求体加密：请配置 encrypt_key（开放平台上应用的 AES 密钥）并设置 encrypt=True",
    ),
    "missing-encrypt-key": Hint(
        "the app has no AES key in the console: set content encryption for the app there, or "
        "call without encryption",
        "应用在开放平台未设置 AES 密钥：请在开放平台为应用设置内容加密，或不加密调用",
    ),
    "invalid-encrypt-type": Hint(
        "the encryption type was refused: this SDK encrypts with AES; set the app's content "
        "encryption to AES in the console",
        "加密类型被拒绝：本 SDK 使用 AES 加密，请在开放平台将应用的内容加密方式设为 AES",
    ),
    "invalid-encrypt": Hint(
        "the encrypted body is invalid: check that encrypt_key is the AES key the console shows "
        "for this app_id",
        "加密的请求体无效：请确认 encrypt_key 是开放平台上该 app_id 的 AES 密钥",
    ),
    "missing-session": Hint(
        "the gateway expected a user session, which the voucher API does not use: check the "
        "path given to request()",
        "网关要求用户会话，而代金券接口不使用它：请检查传给 request() 的路径",
    ),
    "missing-app-id": Hint(
        f"the request reached Alipay without an app_id: check the config's app_id; {_PROXY_EN}",
        f"请求到达支付宝时没有 app_id：请检查配置中的 app_id；{_PROXY_ZH}",
    ),
    "invalid-app-id": Hint(
        "the app_id is unknown to this gateway: production and sandbox app ids differ, so check "
        "the app_id against the base_url",
        "该网关不认识此 app_id：正式环境与沙箱的 app_id 不同，请核对 app_id 与 base_url 是否对应",
    ),
    "missing-timestamp": Hint(
        f"the Authorization header was missing or malformed: {_PROXY_EN}",
        f"Authorization 请求头缺失或格式错误：{_PROXY_ZH}",
    ),
    "invalid-timestamp": Hint(
        "the request timestamp is out of range: synchronise this machine's clock (NTP)",
        "请求时间戳超出允许范围：请校准本机时钟（NTP）",
    ),
    "illegal-timestamp": Hint(
        "the request timestamp is malformed or too far from Alipay's clock: synchronise this "
        "machine's clock (NTP)",
        "请求时间戳格式错误或与支付宝时间相差过大：请校准本机时钟（NTP）",
    ),
    "missing-version": Hint(
        "the gateway saw no API version: call the /v3/ paths (the client's methods do)",
        "网关未识别到接口版本：请调用 /v3/ 路径（客户端的接口方法即是如此）",
    ),
    "invalid-version": Hint(
        "the API version is wrong: call the /v3/ path given in the API reference",
        "接口版本错误：请调用接口文档中的 /v3/ 路径",
    ),
    "unsupported-version": Hint(
        "this API is not offered in that version: call the /v3/ path given in the API reference",
        "该接口不提供此版本：请调用接口文档中的 /v3/ 路径",
    ),
    "invalid-encoding": Hint(
        "the body's encoding was refused: send UTF-8 text (the SDK does; check the values given "
        "to request())",
        "请求体编码被拒绝：请使用 UTF-8 文本（SDK 即如此；请检查传给 request() 的值）",
    ),
    "invalid-charset": Hint(
        f"the charset was refused: send UTF-8; {_PROXY_EN}",
        f"字符集被拒绝：请使用 UTF-8；{_PROXY_ZH}",
    ),
    "invalid-digest-type": Hint(
        f"the digest type was refused: {_PROXY_EN}; {_SUPPORT_EN}",
        f"摘要类型被拒绝：{_PROXY_ZH}；{_SUPPORT_ZH}",
    ),
    "invalid-digest": Hint(
        f"the body's digest did not match: the body changed in transit; {_PROXY_EN}",
        f"请求体摘要不匹配：请求体在传输中被改动；{_PROXY_ZH}",
    ),
    "invalid-app-state": Hint(
        "the app is not online (in development, under review or taken offline): put it online "
        "in the console, or use a sandbox app_id with the sandbox base_url",
        "应用不是已上线状态（开发中、审核中或已下线）：请在开放平台上线应用，"
        "或使用沙箱 app_id 与沙箱 base_url",
    ),
    "invalid-subscribe-relations": Hint(
        "the app has not subscribed to this API or message: subscribe to it in the console",
        "应用未订阅该接口或消息：请在开放平台订阅",
    ),
    "invalid-auth-token": Hint(
        "the user's auth token is invalid: have the user authorise again for a new one",
        "用户授权令牌无效：请让用户重新授权以获取新令牌",
    ),
    "auth-token-time-out": Hint(
        "the user's auth token has expired: refresh it, or have the user authorise again",
        "用户授权令牌已过期：请刷新令牌，或让用户重新授权",
    ),
    "invalid-app-auth-token": Hint(
        "the app_auth_token is invalid or expired: obtain a new one from the merchant's "
        "authorisation",
        "app_auth_token 无效或已过期：请通过商户授权获取新的令牌",
    ),
    "invalid-app-auth-token-no-api": Hint(
        "the merchant's authorisation (app_auth_token) does not cover this API: have the "
        "merchant authorise the app again, including this API",
        "商户授权（app_auth_token）不包含该接口：请商户重新授权并勾选该接口",
    ),
    "app-auth-token-time-out": Hint(
        "the app_auth_token has expired: refresh it with its refresh token, or have the "
        "merchant authorise again",
        "app_auth_token 已过期：请用刷新令牌换取新令牌，或请商户重新授权",
    ),
    "not-support-app-auth": Hint(
        "this API cannot be called for a merchant: call it without app_auth_token, from the "
        "merchant's own app",
        "该接口不支持代商户调用：请不传 app_auth_token，由商户自己的应用调用",
    ),
    "access-data-time-out": Hint(
        "the authorisation to access this data has expired: have the merchant or user "
        "authorise again",
        "访问该数据的授权已过期：请商户或用户重新授权",
    ),
    "unsupport-operation": Hint(
        "the operation is not supported for this app or request: check the API reference and "
        "the products the app has signed",
        "该应用或请求不支持此操作：请对照接口文档并检查应用已签约的产品",
    ),
    "openid-error": Hint(
        "an open_id is malformed or belongs to another app: use the open_id this app obtained, "
        "or user_id if the app uses user ids",
        "open_id 格式错误或属于其他应用：请使用本应用获取的 open_id；若应用使用 user_id，"
        "请传 user_id",
    ),
    "unknow-error": Hint(
        f"the gateway failed without saying why: retry later; {_SUPPORT_EN}",
        f"网关出错且未说明原因：请稍后重试；{_SUPPORT_ZH}",
    ),
    "invalid-app-method": Hint(
        "the app may not call this API: add the API (sign its product) for the app in the console",
        "应用无权调用该接口：请在开放平台为应用添加该接口（签约对应产品）",
    ),
    "missing-app-uid": Hint(
        f"the app's owner account could not be found: check the app in the console; {_SUPPORT_EN}",
        f"找不到应用所属账号：请在开放平台检查该应用；{_SUPPORT_ZH}",
    ),
    "illegal-json": Hint(
        "the body is not valid JSON: with request(), pass a mapping; with encryption, check "
        "that encrypt_key is the app's AES key",
        "请求体不是合法的 JSON：使用 request() 时请传入字典；若加密，"
        "请确认 encrypt_key 是应用的 AES 密钥",
    ),
    "illegal-card-no": Hint(
        "a card number in the request is invalid: check it",
        "请求中的卡号无效：请检查",
    ),
    "invalid-partnerid": Hint(
        "the merchant (partner) id is invalid: check the merchant's PID (2088…) in the request",
        "商户（合作伙伴）ID 无效：请检查请求中的商户 PID（2088…）",
    ),
    "no-product-reg-by-partner": Hint(
        "the merchant has not signed the product this API belongs to: sign it in the console",
        "商户未签约该接口所属的产品：请在开放平台签约",
    ),
    "decryption-error": Hint(
        "Alipay could not decrypt the body: check that encrypt_key is this app's AES key",
        "支付宝无法解密请求体：请确认 encrypt_key 是该应用的 AES 密钥",
    ),
    "decryption-error-missing-encrypt-type": Hint(
        "Alipay expected an encrypted body: configure encrypt_key and encrypt=True",
        "支付宝要求请求体加密：请配置 encrypt_key 并设置 encrypt=True",
    ),
    "decryption-error-not-valid-encrypt-type": Hint(
        "the encryption type is not the one set for the app: set AES as its content encryption "
        "in the console",
        "加密类型与应用设置不符：请在开放平台将应用的内容加密方式设为 AES",
    ),
    "decryption-error-not-valid-encrypt-key": Hint(
        "the AES key is wrong: copy this app_id's AES key from the console into encrypt_key",
        "AES 密钥错误：请将开放平台上该 app_id 的 AES 密钥填入 encrypt_key",
    ),
    "decryption-error-unknown": Hint(
        f"Alipay could not decrypt the body: check encrypt_key, retry; {_SUPPORT_EN}",
        f"支付宝无法解密请求体：请检查 encrypt_key 并重试；{_SUPPORT_ZH}",
    ),
    "missing-signature-config": Hint(
        "the app has no signing configuration: set an RSA2 key or certificate for it in the "
        "console",
        "应用没有加签配置：请在开放平台为应用设置 RSA2 公钥或证书",
    ),
    "sevice-not-been-subscribed-to": Hint(
        "the app has not subscribed to this service: sign its product in the console",
        "应用未订阅该服务：请在开放平台签约对应产品",
    ),
    "unknown-sub-code": Hint(
        f"Alipay answered with a code it does not explain: {_SUPPORT_EN}",
        f"支付宝返回了未说明的错误码：{_SUPPORT_ZH}",
    ),
    "suspected-attack": Hint(
        "Alipay's risk control took the request for an attack: send more slowly, check the "
        f"request; {_SUPPORT_EN}",
        f"支付宝风控将该请求视为攻击：请降低调用速度并检查请求；{_SUPPORT_ZH}",
    ),
    "invalid-auth-relations": Hint(
        "the authorisation between the app and the merchant is invalid: have the merchant "
        "authorise the app again",
        "应用与商户之间的授权关系无效：请商户重新授权应用",
    ),
    "invalid-product": Hint(
        "the product is invalid or not signed: check the app's products in the console",
        "产品无效或未签约：请在开放平台检查应用的产品",
    ),
    "method-forbidden-batch-invoke": Hint(
        "this API cannot be called in a batch request: call it one request at a time "
        "(send_many does)",
        "该接口不能批量调用：请逐个请求调用（send_many 即如此）",
    ),
    "exist-blank-sub-request-id": Hint(
        "a batch request carried a blank sub-request id: give each sub-request an id",
        "批量请求中有空的子请求 ID：请为每个子请求设置 ID",
    ),
    "exist-repeated-sub-request-id": Hint(
        "a batch request carried the same sub-request id twice: give each sub-request its own id",
        "批量请求中有重复的子请求 ID：请为每个子请求设置不同的 ID",
    ),
    "invalid-app-auth-relations": Hint(
        "the app is not authorised by this merchant: check that the app_auth_token belongs to "
        "the merchant and has not been revoked",
        "该商户未授权此应用：请确认 app_auth_token 属于该商户且未被撤销",
    ),
    "app-unbind-partner": Hint(
        "the app is not bound to a merchant account: bind it in the console",
        "应用未绑定商户账号：请在开放平台绑定",
    ),
    "app-invalid-oid": Hint(
        f"the app's organisation is invalid: check the app in the console; {_SUPPORT_EN}",
        f"应用所属组织无效：请在开放平台检查该应用；{_SUPPORT_ZH}",
    ),
    "exceed-api-balance": Hint(
        "the API's paid call balance is used up: top it up or change the plan in the console",
        "该接口的付费调用余额已用完：请在开放平台充值或更换套餐",
    ),
    "inner-app-no-access": Hint(
        "this API is reserved for Alipay's internal apps: contact Alipay support",
        "该接口仅供支付宝内部应用使用：请联系支付宝客服",
    ),
    "invalid-inner-invoke-scene": Hint(
        "this internal calling scene is not allowed for the app: contact Alipay support",
        "应用不允许此内部调用场景：请联系支付宝客服",
    ),
    "invalid-app-api-field-config": Hint(
        f"the app's field settings for this API are invalid: check them in the console; "
        f"{_SUPPORT_EN}",
        f"应用对该接口的字段配置无效：请在开放平台检查；{_SUPPORT_ZH}",
    ),
}

_BUSINESS: dict[str, Hint] = {
    "SYSTEM_ERROR": Hint(
        "Alipay failed internally: the SDK already retried what was safe to; call again later "
        "with the same out_biz_no (nothing happens twice), or query to see whether it took effect",
        "支付宝内部错误：SDK 已对可安全重试的调用重试过；请稍后用相同的 out_biz_no 再次调用"
        "（不会重复生效），或先查询是否已生效",
    ),
    "INVALID_PARAMETER": Hint(
        "Alipay refused a field: the message names it; check it against the API reference",
        "支付宝拒绝了某个字段：错误信息中给出了字段名，请对照接口文档检查",
    ),
    "BIZ_ERROR": Hint(
        "Alipay refused the request in the activity's current state (e.g. publishing an "
        "activity that is already active or stopped): query the activity and read the message",
        "支付宝在活动当前状态下拒绝了该请求（如发布已生效或已停止的活动）："
        "请查询活动状态并阅读错误信息",
    ),
    "MATERIAL_AUDIT_WAITING": Hint(
        "the activity's material (images, texts) is being reviewed: wait for the review, then "
        "query the activity before publishing it",
        "活动素材（图片、文案）正在审核：请等待审核完成，查询活动状态后再发布",
    ),
    "BUSINESS_HAS_RISK": Hint(
        "Alipay's risk control refused to publish the activity: review its content and budget, "
        "or contact Alipay support",
        "支付宝风控拒绝发布该活动：请检查活动内容与预算，或联系支付宝客服",
    ),
    "ACTIVITY_NOT_ACTIVE": Hint(
        "the activity has not been published: publish it (client.publish, or alipay-voucher "
        "activity publish ID) before sending vouchers",
        "活动尚未发布：请先发布活动（client.publish 或 alipay-voucher activity publish ID）再发券",
    ),
    "ACTIVITY_NOT_START": Hint(
        "the activity's issuance window has not opened: wait for its publish_start_time",
        "活动的发放时间尚未开始：请等到 publish_start_time 之后再发券",
    ),
    "ACTIVITY_IS_END": Hint(
        "the activity's issuance window has closed: create a new activity to send more vouchers",
        "活动的发放时间已结束：如需继续发券，请创建新活动",
    ),
    "ACTIVITY_IS_STOPED": Hint(
        "the activity was stopped and cannot send vouchers again: create a new activity",
        "活动已停止，不能再发券：请创建新活动",
    ),
    "BUDGET_NOT_ENOUGH": Hint(
        "the activity's vouchers (or today's share of them) are all issued: add quantity with "
        "append (alipay-voucher activity append), or wait for the next day if a daily limit "
        "was reached",
        "活动的券（或当天的份额）已发完：请用 append 追加数量（alipay-voucher activity append），"
        "若达到每日上限请次日再发",
    ),
    "COUNT_OVER_LIMIT": Hint(
        "this user has reached the activity's per-user limit: do not send to this user again "
        "within the limit's period",
        "该用户已达到活动的每人领取上限：在该限制周期内请勿再向此用户发券",
    ),
}

GATEWAY_CODES: tuple[str, ...] = tuple(_GATEWAY)
"""The platform codes any v3 API may answer with (kebab-case), in the spec's order."""

OPERATION_CODES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: row.error_codes for name, row in OPERATIONS.items()}
)
"""Each operation's own business codes (UPPER_SNAKE), as the spec lists them."""

HINTS: Mapping[str, Hint] = MappingProxyType({**_GATEWAY, **_BUSINESS})
"""Every documented code → its :class:`Hint`: the gateway codes, then the business codes."""
