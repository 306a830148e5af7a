"""Models of the voucher API, generated from ``voucher-openapi.json``: do not edit.

Regenerate with ``python tools/gen_models.py``; ``--check`` tells whether this file
is current. Request and response models of the seven operations have short names
(``VoucherCreateRequest`` ...); nested types keep the spec's names, and the spec's
long names are aliases. Every field defaults to ``UNSET`` (left out of the JSON).

Money fields (``Decimal`` here, decimal strings of CNY yuan on the wire):

* ``DiscountVoucherInfo.ceiling_amount``
* ``DiscountVoucherInfo.floor_amount``
* ``ExchangeVoucherInfo.amount``
* ``ExchangeVoucherInfo.floor_amount``
* ``FixVoucherInfo.amount``
* ``FixVoucherInfo.floor_amount``
* ``PaymentFixVoucher.amount``
* ``PaymentFixVoucher.floor_amount``
* ``PaymentVoucherBudgetInfo.amount``
* ``SpecialVoucherInfo.floor_amount``
* ``SpecialVoucherInfo.special_amount``
* ``VoucherAvailableGoodsInfo.origin_amount``
* ``VoucherBalanceRechargeInfo.amount``
* ``VoucherSaleModeInfo.sale_amount``

``DiscountVoucherInfo.discount`` is a rate, not money, and stays a string.

Date-time fields (``datetime``, or the raw string when it has another shape):

* ``PaymentVoucherValidPeriod.valid_begin_time``
* ``PaymentVoucherValidPeriod.valid_end_time``
* ``PaymentVoucherValidPeriodModify.valid_end_time``
* ``VoucherAbsolutePeriodInfo.valid_begin_time``
* ``VoucherAbsolutePeriodInfo.valid_end_time``
* ``VoucherCreateRequest.publish_end_time``
* ``VoucherCreateRequest.publish_start_time``
* ``VoucherModifyRequest.publish_end_time``
* ``VoucherQueryResponse.publish_end_time``
* ``VoucherQueryResponse.publish_start_time``
* ``VoucherSendRuleInfo.publish_end_time``
* ``VoucherSendRuleInfo.publish_start_time``

Dates (``yyyy-MM-dd``), times of day (``HH:mm:ss``) and message ``event_time``
stamps stay strings.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ._base import Model, RequestModel, ResponseModel
from ._enums import OpenEnum, coerce_either_enum, coerce_enum, coerce_enum_list
from ._money import MoneyInput, coerce_money
from ._time import DateTimeInput, coerce_datetime
from ._unset import UNSET, Unset
from ._values import coerce_error_links, coerce_json_string_list

__all__ = [
    "ENUMS",
    "ERROR_TYPES",
    "REQUEST_TYPES",
    "RESPONSE_TYPES",
    "SCHEMAS",
    "ActivityBaseInfo",
    "ActivityDeliveryExtInfo",
    "ActivityStatus",
    "AlipayMarketingActivityVoucherAppendErrorResponseModel",
    "AlipayMarketingActivityVoucherAppendModel",
    "AlipayMarketingActivityVoucherAppendResponseModel",
    "AlipayMarketingActivityVoucherCreateErrorResponseModel",
    "AlipayMarketingActivityVoucherCreateModel",
    "AlipayMarketingActivityVoucherCreateResponseModel",
    "AlipayMarketingActivityVoucherModifyErrorResponseModel",
    "AlipayMarketingActivityVoucherModifyModel",
    "AlipayMarketingActivityVoucherModifyResponseModel",
    "AlipayMarketingActivityVoucherPublishErrorResponseModel",
    "AlipayMarketingActivityVoucherPublishModel",
    "AlipayMarketingActivityVoucherPublishResponseModel",
    "AlipayMarketingActivityVoucherQueryErrorResponseModel",
    "AlipayMarketingActivityVoucherQueryResponseModel",
    "AlipayMarketingActivityVoucherSendErrorResponseModel",
    "AlipayMarketingActivityVoucherSendModel",
    "AlipayMarketingActivityVoucherSendResponseModel",
    "AlipayMarketingActivityVoucherStopErrorResponseModel",
    "AlipayMarketingActivityVoucherStopModel",
    "AlipayMarketingActivityVoucherStopResponseModel",
    "AuditResult",
    "AuditResultInfo",
    "AuditType",
    "BelongMerchantInfo",
    "BizfundSettleInfo",
    "BudgetType",
    "BusinessType",
    "CodeMode",
    "CommonErrorCode",
    "CommonErrorType",
    "CustomerDefineDeductRule",
    "CustomerDefineVoucherInfo",
    "DateRangeInfo",
    "DateRuleInfo",
    "DeductInfo",
    "DirectionalType",
    "DiscountVoucherInfo",
    "EndTimeInfo",
    "EndTimeType",
    "ExchangeBizType",
    "ExchangeVoucherInfo",
    "FixVoucherInfo",
    "HolidayRuleInfo",
    "LimitPeriodType",
    "MerchantAccessMode",
    "MerchantIdType",
    "PaymentFixVoucher",
    "PaymentVoucherAlipayBalanceRechargeInfo",
    "PaymentVoucherAvailableGoods",
    "PaymentVoucherAvailableGoodsModify",
    "PaymentVoucherAvailableMerchant",
    "PaymentVoucherAvailableMerchantModify",
    "PaymentVoucherBelongMerchantInfo",
    "PaymentVoucherBudgetInfo",
    "PaymentVoucherDisplayInfo",
    "PaymentVoucherRechargeInfo",
    "PaymentVoucherSendRule",
    "PaymentVoucherUseRule",
    "PaymentVoucherUseRuleDetail",
    "PaymentVoucherUseRuleModify",
    "PaymentVoucherValidPeriod",
    "PaymentVoucherValidPeriodModify",
    "RechargeType",
    "SpecialVoucherInfo",
    "TimeRangeInfo",
    "TimeRestrictInfo",
    "TimeRuleType",
    "UseGuideMode",
    "UseMode",
    "ValidDaysRelativeType",
    "ValidPeriodType",
    "VoucherAbsolutePeriodInfo",
    "VoucherAppendDefaultResponse",
    "VoucherAppendErrorCode",
    "VoucherAppendErrorResponse",
    "VoucherAppendRequest",
    "VoucherAppendResponse",
    "VoucherAvailableAccountInfo",
    "VoucherAvailableAppInfo",
    "VoucherAvailableGeographyAllShopInfo",
    "VoucherAvailableGeographyCityInfo",
    "VoucherAvailableGeographyScopeInfo",
    "VoucherAvailableGeographyShopInfo",
    "VoucherAvailableGoodsInfo",
    "VoucherAvailableItemInfo",
    "VoucherAvailableOutItemInfo",
    "VoucherAvailableScopeInfo",
    "VoucherBalanceRechargeInfo",
    "VoucherBudgetSupplyInfo",
    "VoucherCreateDefaultResponse",
    "VoucherCreateErrorCode",
    "VoucherCreateErrorResponse",
    "VoucherCreateRequest",
    "VoucherCreateResponse",
    "VoucherCustomerGuideInfo",
    "VoucherDeductInfo",
    "VoucherDeductThresholdInfo",
    "VoucherDisplayPatternInfo",
    "VoucherExchangeGoodsInfo",
    "VoucherExpressInfo",
    "VoucherGoodsQuantitySpecificationInfo",
    "VoucherInventoryInfo",
    "VoucherMiniAppSendGuideInfo",
    "VoucherMiniAppUseGuideInfo",
    "VoucherModifyDefaultResponse",
    "VoucherModifyErrorCode",
    "VoucherModifyErrorResponse",
    "VoucherModifyRequest",
    "VoucherModifyResponse",
    "VoucherPackageModeInfo",
    "VoucherPublishDefaultResponse",
    "VoucherPublishErrorCode",
    "VoucherPublishErrorResponse",
    "VoucherPublishRequest",
    "VoucherPublishResponse",
    "VoucherQueryDefaultResponse",
    "VoucherQueryErrorCode",
    "VoucherQueryErrorResponse",
    "VoucherQueryRequest",
    "VoucherQueryResponse",
    "VoucherRechargeInfo",
    "VoucherRelativePeriodInfo",
    "VoucherSaleModeInfo",
    "VoucherSendDefaultResponse",
    "VoucherSendErrorCode",
    "VoucherSendErrorResponse",
    "VoucherSendGuideInfo",
    "VoucherSendMode",
    "VoucherSendModeInfo",
    "VoucherSendRequest",
    "VoucherSendResponse",
    "VoucherSendRuleInfo",
    "VoucherStopDefaultResponse",
    "VoucherStopErrorCode",
    "VoucherStopErrorResponse",
    "VoucherStopRequest",
    "VoucherStopResponse",
    "VoucherSummary",
    "VoucherType",
    "VoucherUseGuideInfo",
    "VoucherUseRuleInfo",
    "VoucherUseTimeInfo",
    "VoucherUseTimeRuleInfo",
    "WeekRuleInfo",
    "alipay_marketing_activity_voucher_append_default_response",
    "alipay_marketing_activity_voucher_create_default_response",
    "alipay_marketing_activity_voucher_modify_default_response",
    "alipay_marketing_activity_voucher_publish_default_response",
    "alipay_marketing_activity_voucher_query_default_response",
    "alipay_marketing_activity_voucher_send_default_response",
    "alipay_marketing_activity_voucher_stop_default_response",
]


# ------------------------------ open enums (coded strings)


class ActivityStatus(OpenEnum):
    """Activity status: ACTIVE = activated, users can take part once publish_start_time is reached;
    PAUSE = temporarily paused by the merchant.

    Used by ``ActivityBaseInfo.activity_status``, ``VoucherQueryResponse.activity_status``.
    Known values come from: spec description (a FINISHED-type value for ended activities is
    implied but not named); spec example only; see ActivityBaseInfo.activity_status.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    ACTIVE = "ACTIVE"
    PAUSE = "PAUSE"


class AuditResult(OpenEnum):
    """Audit result: SUBMIT (under review), APPROVE (approved), REJECT (rejected).

    Used by ``AuditResultInfo.audit_result``.
    Known values come from: spec description.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"


class AuditType(OpenEnum):
    """Audit type: UNIFY_ACCESS_CHECK (unified access platform review).

    Used by ``AuditResultInfo.audit_type``.
    Known values come from: spec description.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    UNIFY_ACCESS_CHECK = "UNIFY_ACCESS_CHECK"


class BudgetType(OpenEnum):
    """Budget type: charge-free (discount deducted from the order price; merchant receives less) or
    pre-charged (budget deposited in advance; merchant receipts unaffected). Code values are not
    listed in the spec (see x-known-values).

    Used by ``PaymentVoucherBudgetInfo.budget_type``, ``VoucherBudgetSupplyInfo.budget_type``.
    Known values come from: NO_CASH from related AppItemVoucher v2 model; RECAHRGE (sic,
    misspelt) from v2 description of recharge_info - verify before relying on it; as
    PaymentVoucherBudgetInfo.budget_type.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    NO_CASH = "NO_CASH"
    RECAHRGE = "RECAHRGE"


class BusinessType(OpenEnum):
    """Cooperation business type; default ISV_FOR_MERCHANT (service provider operates for the
    merchant).

    Used by ``BelongMerchantInfo.business_type``.
    Known values come from: spec default ISV_FOR_MERCHANT; ISV from related v2 model.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    ISV_FOR_MERCHANT = "ISV_FOR_MERCHANT"
    ISV = "ISV"


class CodeMode(OpenEnum):
    """Voucher-code mode: MERCHANT_UPLOAD (merchant uploads codes, one is picked at issuance) or
    MERCHANT_API (code specified at issuance, no upload).

    Used by ``ActivityBaseInfo.code_mode``.
    Known values come from: spec description.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    MERCHANT_UPLOAD = "MERCHANT_UPLOAD"
    MERCHANT_API = "MERCHANT_API"


class CommonErrorCode(OpenEnum):
    """Platform (gateway) error code (see enum).

    Used by ``CommonErrorType.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    INVALID_PARAMETER = "invalid-parameter"
    UPLOAD_FAIL = "upload-fail"
    INVALID_FILE_EXTENSION = "invalid-file-extension"
    INVALID_FILE_SIZE = "invalid-file-size"
    FILE_CHECK_FAIL = "file-check-fail"
    APP_CALL_LIMITED = "app-call-limited"
    METHOD_CALL_LIMITED = "method-call-limited"
    INSUFFICIENT_ISV_PERMISSIONS = "insufficient-isv-permissions"
    ILLEGAL_CLIENT_IP = "illegal-client-ip"
    INSUFFICIENT_USER_PERMISSIONS = "insufficient-user-permissions"
    SELF_INVOKE_FORBIDDEN = "self-invoke-forbidden"
    APP_AUTH_INVOKE_LIMIT = "app-auth-invoke-limit"
    APP_API_PUNISHED = "app-api-punished"
    MISSING_METHOD = "missing-method"
    MISSING_PLATFORM = "missing-platform"
    INVALID_PLATFORM = "invalid-platform"
    INVALID_METHOD = "invalid-method"
    FORBIDDEN_API = "forbidden-api"
    INVALID_FORMAT = "invalid-format"
    MISSING_SIGNATURE = "missing-signature"
    MISSING_APP_ACCESS_TOKEN = "missing-app-access-token"
    MISSING_SIGNATURE_TYPE = "missing-signature-type"
    MISSING_DEFAULT_SIGNATURE_TYPE = "missing-default-signature-type"
    MISSING_SIGNATURE_KEY = "missing-signature-key"
    INVALID_SIGNATURE_TYPE = "invalid-signature-type"
    INVALID_SIGNATURE_TYPE_SAID_INTERFACE = "invalid-signature-type-said-interface"
    INVALID_SIGNATURE = "invalid-signature"
    UNSUPPORTED_EXPIRED_APP_KEY_SIGN = "unsupported-expired-app-key-sign"
    APP_KEY_SECURITY_RISK_APP_CERT_EXPIRED = "app-key-security-risk, app-cert-expired"
    APP_CERT_NOT_EXIST = "app-cert-not-exist"
    ALIPAY_CERT_NOT_EXIST = "alipay-cert-not-exist"
    MISSING_APP_CERT_SN = "missing-app-cert-sn"
    MISSING_ALIPAY_CERT_SN = "missing-alipay-cert-sn"
    MISSING_ALIPAY_ROOT_CERT_SN = "missing-alipay-root-cert-sn"
    INVALID_ALIPAY_ROOT_CERT_SN = "invalid-alipay-root-cert-sn"
    INVALID_REQUEST_DATA = "invalid-request-data"
    INVALID_RESPONSE_DATA = "invalid-response-data"
    MISSING_ENCRYPT_TYPE = "missing-encrypt-type"
    MISSING_ENCRYPT_KEY = "missing-encrypt-key"
    INVALID_ENCRYPT_TYPE = "invalid-encrypt-type"
    INVALID_ENCRYPT = "invalid-encrypt"
    MISSING_SESSION = "missing-session"
    MISSING_APP_ID = "missing-app-id"
    INVALID_APP_ID = "invalid-app-id"
    MISSING_TIMESTAMP = "missing-timestamp"
    INVALID_TIMESTAMP = "invalid-timestamp"
    ILLEGAL_TIMESTAMP = "illegal-timestamp"
    MISSING_VERSION = "missing-version"
    INVALID_VERSION = "invalid-version"
    UNSUPPORTED_VERSION = "unsupported-version"
    INVALID_ENCODING = "invalid-encoding"
    INVALID_CHARSET = "invalid-charset"
    INVALID_DIGEST_TYPE = "invalid-digest-type"
    INVALID_DIGEST = "invalid-digest"
    INVALID_APP_STATE = "invalid-app-state"
    INVALID_SUBSCRIBE_RELATIONS = "invalid-subscribe-relations"
    INVALID_AUTH_TOKEN = "invalid-auth-token"
    AUTH_TOKEN_TIME_OUT = "auth-token-time-out"
    INVALID_APP_AUTH_TOKEN = "invalid-app-auth-token"
    INVALID_APP_AUTH_TOKEN_NO_API = "invalid-app-auth-token-no-api"
    APP_AUTH_TOKEN_TIME_OUT = "app-auth-token-time-out"
    NOT_SUPPORT_APP_AUTH = "not-support-app-auth"
    ACCESS_DATA_TIME_OUT = "access-data-time-out"
    UNSUPPORT_OPERATION = "unsupport-operation"
    OPENID_ERROR = "openid-error"
    UNKNOW_ERROR = "unknow-error"
    INVALID_APP_METHOD = "invalid-app-method"
    MISSING_APP_UID = "missing-app-uid"
    ILLEGAL_JSON = "illegal-json"
    ILLEGAL_CARD_NO = "illegal-card-no"
    INVALID_PARTNERID = "invalid-partnerid"
    NO_PRODUCT_REG_BY_PARTNER = "no-product-reg-by-partner"
    DECRYPTION_ERROR = "decryption-error"
    DECRYPTION_ERROR_MISSING_ENCRYPT_TYPE = "decryption-error-missing-encrypt-type"
    DECRYPTION_ERROR_NOT_VALID_ENCRYPT_TYPE = "decryption-error-not-valid-encrypt-type"
    DECRYPTION_ERROR_NOT_VALID_ENCRYPT_KEY = "decryption-error-not-valid-encrypt-key"
    DECRYPTION_ERROR_UNKNOWN = "decryption-error-unknown"
    MISSING_SIGNATURE_CONFIG = "missing-signature-config"
    SEVICE_NOT_BEEN_SUBSCRIBED_TO = "sevice-not-been-subscribed-to"
    UNKNOWN_SUB_CODE = "unknown-sub-code"
    SUSPECTED_ATTACK = "suspected-attack"
    INVALID_AUTH_RELATIONS = "invalid-auth-relations"
    INVALID_PRODUCT = "invalid-product"
    METHOD_FORBIDDEN_BATCH_INVOKE = "method-forbidden-batch-invoke"
    EXIST_BLANK_SUB_REQUEST_ID = "exist-blank-sub-request-id"
    EXIST_REPEATED_SUB_REQUEST_ID = "exist-repeated-sub-request-id"
    INVALID_APP_AUTH_RELATIONS = "invalid-app-auth-relations"
    APP_UNBIND_PARTNER = "app-unbind-partner"
    APP_INVALID_OID = "app-invalid-oid"
    EXCEED_API_BALANCE = "exceed-api-balance"
    INNER_APP_NO_ACCESS = "inner-app-no-access"
    INVALID_INNER_INVOKE_SCENE = "invalid-inner-invoke-scene"
    INVALID_APP_API_FIELD_CONFIG = "invalid-app-api-field-config"


class DirectionalType(OpenEnum):
    """Spec type: FIX = buy at least X items, APPOINT = applies to the N-th item.

    Used by ``VoucherGoodsQuantitySpecificationInfo.directional_type``.
    Known values come from: spec description.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    FIX = "FIX"
    APPOINT = "APPOINT"


class EndTimeType(OpenEnum):
    """Whether end_time is on the same day or the next day (related API: SAME_DAY / NEXT_DAY).

    Used by ``EndTimeInfo.end_time_type``.
    Known values come from: related v2 models (LifeserviceItem*).
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SAME_DAY = "SAME_DAY"
    NEXT_DAY = "NEXT_DAY"


class ExchangeBizType(OpenEnum):
    """Exchange-voucher business type; required when promoted through big-promotion benefit
    registration (related API lists GROUP_BUY_EXCHANGE_VOUCHER, FIX_EXCHANGE_VOUCHER).

    Used by ``ExchangeVoucherInfo.biz_type``.
    Known values come from: ExchangeVoucher model in the same spec.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    GROUP_BUY_EXCHANGE_VOUCHER = "GROUP_BUY_EXCHANGE_VOUCHER"
    FIX_EXCHANGE_VOUCHER = "FIX_EXCHANGE_VOUCHER"


class LimitPeriodType(OpenEnum):
    """Period for the per-user claim limit; default LIFE_CYCLE.

    Used by ``VoucherSendRuleInfo.quantity_limit_per_user_period_type``,
    ``PaymentVoucherSendRule.voucher_quantity_limit_per_user_period_type``,
    ``PaymentVoucherUseRule.voucher_quantity_limit_per_user_period_type``,
    ``VoucherUseRuleInfo.quantity_limit_per_user_period_type``,
    ``PaymentVoucherUseRuleDetail.voucher_quantity_limit_per_user_period_type``.
    Known values come from: default LIFE_CYCLE in spec; full list from related AppItemVoucher v2
    model; default LIFE_CYCLE and example DAY in spec; full list from related AppItemVoucher v2
    model.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    LIFE_CYCLE = "LIFE_CYCLE"


class MerchantAccessMode(OpenEnum):
    """Merchant access mode: SELF_MODE (merchant integrates for itself) or AGENCY_MODE (service
    provider acts on behalf of a merchant).

    Used by ``VoucherAppendRequest.merchant_access_mode``,
    ``VoucherCreateRequest.merchant_access_mode``, ``VoucherModifyRequest.merchant_access_mode``,
    ``VoucherPublishRequest.merchant_access_mode``, ``VoucherSendRequest.merchant_access_mode``,
    ``VoucherStopRequest.merchant_access_mode``, ``query parameter merchant_access_mode``.
    Known values come from: v2 SDK descriptions of related marketing models and opendocs
    (lower-case in one mirror); example AGENCY_MODE.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SELF_MODE = "SELF_MODE"
    AGENCY_MODE = "AGENCY_MODE"


class MerchantIdType(OpenEnum):
    """Type of merchant_id (e.g. PID or SMID). With SMID, the owner is the Alipay PID bound to that
    SMID, so the SMID must be bound to a PID.

    Used by ``BelongMerchantInfo.merchant_id_type``,
    ``PaymentVoucherBelongMerchantInfo.merchant_id_type``.
    Known values come from: spec mentions SMID; PID from related v2 model; related v2 model.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    PID = "PID"
    SMID = "SMID"


class RechargeType(OpenEnum):
    """Pre-charge method (e.g. ALIPAY_BALANCE).

    Used by ``PaymentVoucherRechargeInfo.recharge_type``, ``VoucherRechargeInfo.recharge_type``.
    Known values come from: v2 description of alipay_balance_recharge_info; v2 description of
    voucher_balance_recharge_info.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    ALIPAY_BALANCE = "ALIPAY_BALANCE"


class TimeRuleType(OpenEnum):
    """Rule type: DATE, WEEK or HOLIDAY (values inferred from sibling field docs).

    Used by ``VoucherUseTimeRuleInfo.rule_type``.
    Known values come from: v2 descriptions of sibling fields.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    DATE = "DATE"
    WEEK = "WEEK"
    HOLIDAY = "HOLIDAY"


class UseGuideMode(OpenEnum):
    """Use-guide modes (list of codes; related APIs use STANDARD_ITEM_LIST, MINI_APP).

    Used by ``VoucherUseGuideInfo.use_guide_mode``.
    Known values come from: related AppItemVoucherUseGuideInfo v2 model.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    STANDARD_ITEM_LIST = "STANDARD_ITEM_LIST"
    MINI_APP = "MINI_APP"


class UseMode(OpenEnum):
    """Redemption jump mode; default CAN_USE (detail page shows a "use" button); SELF_LINK = jump to
    use_url.

    Used by ``PaymentVoucherUseRule.use_mode``, ``PaymentVoucherUseRuleDetail.use_mode``.
    Known values come from: spec description default + example.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    CAN_USE = "CAN_USE"
    SELF_LINK = "SELF_LINK"


class ValidDaysRelativeType(OpenEnum):
    """Rounding of the relative expiry (added 2026-02). ROUND_FORWARD: day 1 is the receipt day,
    expires 23:59:59 of day N. ROUND_BACKWARD: counting starts the next day, expires 23:59:59 of
    day N after receipt. (Source example misspells ROUND_BACKWARDS.)

    Used by ``VoucherRelativePeriodInfo.valid_days_relative_type``.
    Known values come from: spec description.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    ROUND_FORWARD = "ROUND_FORWARD"
    ROUND_BACKWARD = "ROUND_BACKWARD"


class ValidPeriodType(OpenEnum):
    """Validity type: ABSOLUTE or RELATIVE.

    Used by ``PaymentVoucherValidPeriod.type``, ``VoucherUseTimeInfo.period_type``.
    Known values come from: spec description of sibling fields; related AppItemVoucher v2 model.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    ABSOLUTE = "ABSOLUTE"
    RELATIVE = "RELATIVE"


class VoucherAppendErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherAppendErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"


class VoucherCreateErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherCreateErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    BIZ_ERROR = "BIZ_ERROR"
    MATERIAL_AUDIT_WAITING = "MATERIAL_AUDIT_WAITING"


class VoucherModifyErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherModifyErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"


class VoucherPublishErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherPublishErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    BIZ_ERROR = "BIZ_ERROR"
    BUSINESS_HAS_RISK = "BUSINESS_HAS_RISK"


class VoucherQueryErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherQueryErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"


class VoucherSendErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherSendErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    ACTIVITY_NOT_ACTIVE = "ACTIVITY_NOT_ACTIVE"
    ACTIVITY_NOT_START = "ACTIVITY_NOT_START"
    ACTIVITY_IS_END = "ACTIVITY_IS_END"
    ACTIVITY_IS_STOPED = "ACTIVITY_IS_STOPED"
    BUDGET_NOT_ENOUGH = "BUDGET_NOT_ENOUGH"
    COUNT_OVER_LIMIT = "COUNT_OVER_LIMIT"


class VoucherSendMode(OpenEnum):
    """Distribution mode (values not listed; a related API uses DIRECT_SEND_MODE for direct claim).

    Used by ``VoucherSendModeInfo.voucher_send_mode``.
    Known values come from: related AppItemVoucherSendModeInfo v2 model; sale/package modes exist
    (see sibling objects) but their codes are not documented.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    DIRECT_SEND_MODE = "DIRECT_SEND_MODE"


class VoucherStopErrorCode(OpenEnum):
    """Business error code of this API (see enum).

    Used by ``VoucherStopErrorResponse.code``.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    SYSTEM_ERROR = "SYSTEM_ERROR"
    INVALID_PARAMETER = "INVALID_PARAMETER"


class VoucherType(OpenEnum):
    """Voucher type, e.g. FIX_VOUCHER (fixed amount off).

    Used by ``VoucherCreateRequest.voucher_type``, ``VoucherDeductInfo.voucher_type``,
    ``VoucherQueryResponse.voucher_type``.
    Known values come from: FIX_VOUCHER is the spec example; DISCOUNT_VOUCHER / SPECIAL_VOUCHER
    are the codes used for discount / special-price vouchers in the related v2 model
    BizVoucherConsultInfo; EXCHANGE_VOUCHER from the ordervoucher (merchant voucher) create
    model; matches the VoucherDeductInfo sub-objects. Not an official closed list for this API.
    Other strings are accepted as pseudo-members (``is_known`` is False).
    """

    FIX_VOUCHER = "FIX_VOUCHER"
    DISCOUNT_VOUCHER = "DISCOUNT_VOUCHER"
    SPECIAL_VOUCHER = "SPECIAL_VOUCHER"
    EXCHANGE_VOUCHER = "EXCHANGE_VOUCHER"


# ------------------------------ converters (named, so type checkers see what a field accepts)


def _datetime_publish_end_time(value: DateTimeInput) -> datetime | str | Unset | None:
    return coerce_datetime(value, "publish_end_time")


def _datetime_publish_start_time(value: DateTimeInput) -> datetime | str | Unset | None:
    return coerce_datetime(value, "publish_start_time")


def _datetime_valid_begin_time(value: DateTimeInput) -> datetime | str | Unset | None:
    return coerce_datetime(value, "valid_begin_time")


def _datetime_valid_end_time(value: DateTimeInput) -> datetime | str | Unset | None:
    return coerce_datetime(value, "valid_end_time")


def _error_links(
    value: str | Sequence[Mapping[str, Any]] | Unset | None,
) -> str | list[Mapping[str, Any]] | Unset | None:
    return coerce_error_links(value)


def _json_string_list(value: str | Sequence[str] | Unset | None) -> str | Unset | None:
    return coerce_json_string_list(value)


def _money_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "amount")


def _money_ceiling_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "ceiling_amount")


def _money_floor_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "floor_amount")


def _money_origin_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "origin_amount")


def _money_sale_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "sale_amount")


def _money_special_amount(value: MoneyInput) -> Decimal | Unset | None:
    return coerce_money(value, "special_amount")


def _to_activity_status(
    value: ActivityStatus | str | Unset | None,
) -> ActivityStatus | Unset | None:
    return coerce_enum(ActivityStatus, value)


def _to_audit_result(value: AuditResult | str | Unset | None) -> AuditResult | Unset | None:
    return coerce_enum(AuditResult, value)


def _to_audit_type(value: AuditType | str | Unset | None) -> AuditType | Unset | None:
    return coerce_enum(AuditType, value)


def _to_budget_type(value: BudgetType | str | Unset | None) -> BudgetType | Unset | None:
    return coerce_enum(BudgetType, value)


def _to_business_type(value: BusinessType | str | Unset | None) -> BusinessType | Unset | None:
    return coerce_enum(BusinessType, value)


def _to_code_mode(value: CodeMode | str | Unset | None) -> CodeMode | Unset | None:
    return coerce_enum(CodeMode, value)


def _to_common_error_code(
    value: CommonErrorCode | str | Unset | None,
) -> CommonErrorCode | Unset | None:
    return coerce_enum(CommonErrorCode, value)


def _to_directional_type(
    value: DirectionalType | str | Unset | None,
) -> DirectionalType | Unset | None:
    return coerce_enum(DirectionalType, value)


def _to_end_time_type(value: EndTimeType | str | Unset | None) -> EndTimeType | Unset | None:
    return coerce_enum(EndTimeType, value)


def _to_exchange_biz_type(
    value: ExchangeBizType | str | Unset | None,
) -> ExchangeBizType | Unset | None:
    return coerce_enum(ExchangeBizType, value)


def _to_limit_period_type(
    value: LimitPeriodType | str | Unset | None,
) -> LimitPeriodType | Unset | None:
    return coerce_enum(LimitPeriodType, value)


def _to_merchant_access_mode(
    value: MerchantAccessMode | str | Unset | None,
) -> MerchantAccessMode | Unset | None:
    return coerce_enum(MerchantAccessMode, value)


def _to_merchant_id_type(
    value: MerchantIdType | str | Unset | None,
) -> MerchantIdType | Unset | None:
    return coerce_enum(MerchantIdType, value)


def _to_recharge_type(value: RechargeType | str | Unset | None) -> RechargeType | Unset | None:
    return coerce_enum(RechargeType, value)


def _to_time_rule_type(value: TimeRuleType | str | Unset | None) -> TimeRuleType | Unset | None:
    return coerce_enum(TimeRuleType, value)


def _to_use_guide_mode_list(
    value: Sequence[UseGuideMode | str] | Unset | None,
) -> list[UseGuideMode] | Unset | None:
    return coerce_enum_list(UseGuideMode, value)


def _to_use_mode(value: UseMode | str | Unset | None) -> UseMode | Unset | None:
    return coerce_enum(UseMode, value)


def _to_valid_days_relative_type(
    value: ValidDaysRelativeType | str | Unset | None,
) -> ValidDaysRelativeType | Unset | None:
    return coerce_enum(ValidDaysRelativeType, value)


def _to_valid_period_type(
    value: ValidPeriodType | str | Unset | None,
) -> ValidPeriodType | Unset | None:
    return coerce_enum(ValidPeriodType, value)


def _to_voucher_append_error_code(
    value: VoucherAppendErrorCode | str | Unset | None,
) -> VoucherAppendErrorCode | Unset | None:
    return coerce_enum(VoucherAppendErrorCode, value)


def _to_voucher_append_error_code_or_common(
    value: VoucherAppendErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherAppendErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherAppendErrorCode, CommonErrorCode, value)


def _to_voucher_create_error_code(
    value: VoucherCreateErrorCode | str | Unset | None,
) -> VoucherCreateErrorCode | Unset | None:
    return coerce_enum(VoucherCreateErrorCode, value)


def _to_voucher_create_error_code_or_common(
    value: VoucherCreateErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherCreateErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherCreateErrorCode, CommonErrorCode, value)


def _to_voucher_modify_error_code(
    value: VoucherModifyErrorCode | str | Unset | None,
) -> VoucherModifyErrorCode | Unset | None:
    return coerce_enum(VoucherModifyErrorCode, value)


def _to_voucher_modify_error_code_or_common(
    value: VoucherModifyErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherModifyErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherModifyErrorCode, CommonErrorCode, value)


def _to_voucher_publish_error_code(
    value: VoucherPublishErrorCode | str | Unset | None,
) -> VoucherPublishErrorCode | Unset | None:
    return coerce_enum(VoucherPublishErrorCode, value)


def _to_voucher_publish_error_code_or_common(
    value: VoucherPublishErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherPublishErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherPublishErrorCode, CommonErrorCode, value)


def _to_voucher_query_error_code(
    value: VoucherQueryErrorCode | str | Unset | None,
) -> VoucherQueryErrorCode | Unset | None:
    return coerce_enum(VoucherQueryErrorCode, value)


def _to_voucher_query_error_code_or_common(
    value: VoucherQueryErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherQueryErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherQueryErrorCode, CommonErrorCode, value)


def _to_voucher_send_error_code(
    value: VoucherSendErrorCode | str | Unset | None,
) -> VoucherSendErrorCode | Unset | None:
    return coerce_enum(VoucherSendErrorCode, value)


def _to_voucher_send_error_code_or_common(
    value: VoucherSendErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherSendErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherSendErrorCode, CommonErrorCode, value)


def _to_voucher_send_mode(
    value: VoucherSendMode | str | Unset | None,
) -> VoucherSendMode | Unset | None:
    return coerce_enum(VoucherSendMode, value)


def _to_voucher_stop_error_code(
    value: VoucherStopErrorCode | str | Unset | None,
) -> VoucherStopErrorCode | Unset | None:
    return coerce_enum(VoucherStopErrorCode, value)


def _to_voucher_stop_error_code_or_common(
    value: VoucherStopErrorCode | CommonErrorCode | str | Unset | None,
) -> VoucherStopErrorCode | CommonErrorCode | Unset | None:
    return coerce_either_enum(VoucherStopErrorCode, CommonErrorCode, value)


def _to_voucher_type(value: VoucherType | str | Unset | None) -> VoucherType | Unset | None:
    return coerce_enum(VoucherType, value)


# ------------------------------ models, every referenced type before its first use


@attrs.frozen(kw_only=True, repr=False)
class VoucherAppendRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/append.

    Spec schema ``AlipayMarketingActivityVoucherAppendModel``.

    Attributes:
        activity_id: Activity id of the voucher to top up.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side.
        voucher_quantity: New TOTAL number of vouchers after the append (the target quantity, not
            the increment). Can only increase, never decrease; total budget must be <= 99999999.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherAppendModel"
    OPERATION: ClassVar[str] = "append"

    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    out_biz_no: str | Unset | None = UNSET
    voucher_quantity: int | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAppendResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/append.

    Spec schema ``AlipayMarketingActivityVoucherAppendResponseModel``.

    Attributes:
        recharge_url: Pre-charge (payment) link for funding the added budget; valid for 3 days.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherAppendResponseModel"
    OPERATION: ClassVar[str] = "append"

    recharge_url: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class CommonErrorType(Model):
    """Gateway-level (platform) error body shared by all v3 APIs: signature, auth, app permission,
    parameter-format errors, etc.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Platform (gateway) error code (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "CommonErrorType"

    code: CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_common_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAppendErrorResponse(Model):
    """API-specific business error body of voucher/append; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherAppendErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherAppendErrorResponseModel"

    code: VoucherAppendErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_append_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAppendDefaultResponse(Model):
    """Error body (non-200 response) of voucher/append: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_append_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_append_default_response"

    code: VoucherAppendErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_append_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class ActivityDeliveryExtInfo(Model):
    """Activity promotion (delivery) extension info (added 2026).

    Attributes:
        auto_delivery: Whether the activity is promoted automatically.
        channel_list: Promotion channel list (values not listed in the spec).
    """

    SCHEMA: ClassVar[str | None] = "ActivityDeliveryExtInfo"

    auto_delivery: bool | Unset | None = UNSET
    channel_list: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class BelongMerchantInfo(Model):
    """Merchant that owns the activity (used inside ActivityBaseInfo).

    Attributes:
        business_type: Cooperation business type; default ISV_FOR_MERCHANT (service provider
            operates for the merchant).
        merchant_id: Merchant PID; defaults to the calling merchant.
        merchant_id_type: Type of merchant_id (e.g. PID or SMID). With SMID, the owner is the
            Alipay PID bound to that SMID, so the SMID must be bound to a PID.
    """

    SCHEMA: ClassVar[str | None] = "BelongMerchantInfo"

    business_type: BusinessType | Unset | None = attrs.field(
        default=UNSET, converter=_to_business_type
    )
    merchant_id: str | Unset | None = UNSET
    merchant_id_type: MerchantIdType | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_id_type
    )


@attrs.frozen(kw_only=True, repr=False)
class ActivityBaseInfo(Model):
    """Basic activity information (id, name, status, code mode, owner). Mostly read-only on query.

    Attributes:
        activity_delivery_ext_info: Promotion (delivery) extension settings (added 2026).
        activity_id: Activity id.
        activity_name: Activity name.
        activity_operation_status: Operation status of the activity (values not listed in the
            spec).
        activity_product_type: Voucher activity product type (values not listed in the spec).
        activity_status: Activity status: ACTIVE = activated, users can take part once
            publish_start_time is reached; PAUSE = temporarily paused by the merchant.
        belong_merchant_info: Owning merchant; if omitted the caller owns the activity.
        code_mode: Voucher-code mode: MERCHANT_UPLOAD (merchant uploads codes, one is picked at
            issuance) or MERCHANT_API (code specified at issuance, no upload).
        out_activity_id: Caller-side (external) activity id.
    """

    SCHEMA: ClassVar[str | None] = "ActivityBaseInfo"

    activity_delivery_ext_info: ActivityDeliveryExtInfo | Unset | None = UNSET
    activity_id: str | Unset | None = UNSET
    activity_name: str | Unset | None = UNSET
    activity_operation_status: str | Unset | None = UNSET
    activity_product_type: str | Unset | None = UNSET
    activity_status: ActivityStatus | Unset | None = attrs.field(
        default=UNSET, converter=_to_activity_status
    )
    belong_merchant_info: BelongMerchantInfo | Unset | None = UNSET
    code_mode: CodeMode | Unset | None = attrs.field(default=UNSET, converter=_to_code_mode)
    out_activity_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherBelongMerchantInfo(Model):
    """Merchant the voucher belongs to; default brand name/logo are taken from it.

    Attributes:
        merchant_id: Merchant Alipay id; default brand name and logo are taken from this
            merchant.
        merchant_id_type: Type of merchant_id (e.g. PID / SMID; values not listed in the spec).
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherBelongMerchantInfo"

    merchant_id: str | Unset | None = UNSET
    merchant_id_type: MerchantIdType | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_id_type
    )


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableAccountInfo(Model):
    """Merchant accounts on which the voucher can be redeemed.

    Attributes:
        available_pids: Directly connected merchant PIDs where the voucher can be redeemed.
        available_smids: Indirectly connected merchant SMIDs where the voucher can be redeemed.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableAccountInfo"

    available_pids: list[str] | Unset | None = UNSET
    available_smids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableAppInfo(Model):
    """Mini programs on which the voucher can be redeemed.

    Attributes:
        available_app_ids: Alipay mini-program app ids where the voucher can be redeemed.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableAppInfo"

    available_app_ids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableGeographyCityInfo(Model):
    """City-based redemption scope.

    Attributes:
        all_city: true = usable nationwide; then city codes need not be given.
        available_city_codes: City codes from the Alipay city-code spreadsheet (national
            administrative division codes).
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableGeographyCityInfo"

    all_city: bool | Unset | None = UNSET
    available_city_codes: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableGeographyAllShopInfo(Model):
    """All shops of given merchants / brand, with optional exclusions.

    Attributes:
        available_brand_id: Brand id whose shops are all usable. Only a single brand of the
            voucher owner is supported; display brand/logo still come from
            voucher_display_pattern_info.
        exclude_shop_ids: Alipay shop ids excluded from the all-shops scope.
        merchant_ids: Merchant ids all of whose shops are usable.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableGeographyAllShopInfo"

    available_brand_id: str | Unset | None = UNSET
    exclude_shop_ids: list[str] | Unset | None = UNSET
    merchant_ids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableGeographyShopInfo(Model):
    """Shop-based redemption scope.

    Attributes:
        available_geography_all_shop: All shops of given merchants are usable.
        available_real_shop_ids: Physical shop ids (real_shop_id returned by
            alipay.business.relation.shop.create) where the voucher is usable.
        available_shop_ids: Alipay shop ids (from ant.merchant.expand.shop.create) where the
            voucher is usable.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableGeographyShopInfo"

    available_geography_all_shop: VoucherAvailableGeographyAllShopInfo | Unset | None = UNSET
    available_real_shop_ids: list[str] | Unset | None = UNSET
    available_shop_ids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableGeographyScopeInfo(Model):
    """Geographic redemption scope (by city or by shop).

    Attributes:
        available_geography_city_info: City scope.
        available_geography_scope_type: Type of geographic scope (city vs shop; values not listed
            in the spec).
        available_geography_shop_info: Shop scope.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableGeographyScopeInfo"

    available_geography_city_info: VoucherAvailableGeographyCityInfo | Unset | None = UNSET
    available_geography_scope_type: str | Unset | None = UNSET
    available_geography_shop_info: VoucherAvailableGeographyShopInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableGoodsInfo(Model):
    """Goods the voucher applies to (SKU-level include/exclude plus display info).

    Attributes:
        available_goods_sku_ids: Merchant-defined goods/SKU codes; the voucher applies if any
            code in the order matches.
        exclude_goods_sku_ids: Merchant-defined goods/SKU codes; the voucher cannot be used if
            any code in the order matches.
        goods_description: Goods description shown on the voucher.
        goods_detail: Goods details shown in specific channels (e.g. group-buy plugin package
            details).
        goods_detail_images: Goods detail images shown in specific channels.
        goods_detail_rich_description: Rich-text goods description.
        goods_name: Goods name.
        origin_amount: Original price in CNY yuan (string); optional, but required when
            goods_name is set. Money: Decimal here, a decimal string with at least 2 decimals on
            the wire.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableGoodsInfo"

    available_goods_sku_ids: list[str] | Unset | None = UNSET
    exclude_goods_sku_ids: list[str] | Unset | None = UNSET
    goods_description: str | Unset | None = UNSET
    goods_detail: str | Unset | None = UNSET
    goods_detail_images: list[str] | Unset | None = UNSET
    goods_detail_rich_description: str | Unset | None = UNSET
    goods_name: str | Unset | None = UNSET
    origin_amount: Decimal | Unset | None = attrs.field(
        default=UNSET, converter=_money_origin_amount
    )


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableOutItemInfo(Model):
    """External (merchant-side mini-program) item reference.

    Attributes:
        item_app_id: Mini-program app id owning the item.
        out_item_id: External item id.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableOutItemInfo"

    item_app_id: str | Unset | None = UNSET
    out_item_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableItemInfo(Model):
    """Alipay item (product) the voucher applies to.

    Attributes:
        item_id: Alipay internal item id.
        out_item_info: External item references.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableItemInfo"

    item_id: str | Unset | None = UNSET
    out_item_info: list[VoucherAvailableOutItemInfo] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAvailableScopeInfo(Model):
    """Where the voucher can be redeemed: accounts, mini programs, geography/shops, goods, items.

    Attributes:
        voucher_available_account_info: Merchant accounts where the voucher is usable.
        voucher_available_app_info: Mini programs where the voucher is usable.
        voucher_available_geography_scope_info: Geographic scope (cities or shops).
        voucher_available_goods_info: Goods scope.
        voucher_available_item_info: Alipay item scope (added 2023-07).
    """

    SCHEMA: ClassVar[str | None] = "VoucherAvailableScopeInfo"

    voucher_available_account_info: VoucherAvailableAccountInfo | Unset | None = UNSET
    voucher_available_app_info: VoucherAvailableAppInfo | Unset | None = UNSET
    voucher_available_geography_scope_info: VoucherAvailableGeographyScopeInfo | Unset | None = (
        UNSET
    )
    voucher_available_goods_info: VoucherAvailableGoodsInfo | Unset | None = UNSET
    voucher_available_item_info: VoucherAvailableItemInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherAlipayBalanceRechargeInfo(Model):
    """Alipay-balance payer for pre-charge (exactly one of logon_id / user_id).

    Attributes:
        logon_id: Alipay login account that funds the budget; exactly one of logon_id / user_id.
        user_id: Alipay user id that funds the budget; exactly one of logon_id / user_id.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherAlipayBalanceRechargeInfo"

    logon_id: str | Unset | None = UNSET
    user_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherRechargeInfo(Model):
    """Pre-charge details (used when the budget is pre-charged).

    Attributes:
        alipay_balance_recharge_info: Alipay-balance pre-charge details; required when
            recharge_type is ALIPAY_BALANCE.
        recharge_type: Pre-charge method (e.g. ALIPAY_BALANCE).
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherRechargeInfo"

    alipay_balance_recharge_info: PaymentVoucherAlipayBalanceRechargeInfo | Unset | None = UNSET
    recharge_type: RechargeType | Unset | None = attrs.field(
        default=UNSET, converter=_to_recharge_type
    )


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherBudgetInfo(Model):
    """Marketing budget of the voucher (legacy style, see also VoucherBudgetSupplyInfo).

    Attributes:
        amount: Marketing budget in CNY yuan (string). Total budget = discount amount x total
            voucher count. Money: Decimal here, a decimal string with at least 2 decimals on the
            wire.
        budget_type: Budget type: charge-free (discount deducted from the order price; merchant
            receives less) or pre-charged (budget deposited in advance; merchant receipts
            unaffected). Code values are not listed in the spec (see x-known-values).
        recharge_info: Pre-charge details; required when budget_type is the pre-charge value.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherBudgetInfo"

    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_amount)
    budget_type: BudgetType | Unset | None = attrs.field(default=UNSET, converter=_to_budget_type)
    recharge_info: PaymentVoucherRechargeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherBalanceRechargeInfo(Model):
    """Alipay-balance pre-charge: amount and funding merchant account.

    Attributes:
        amount: Pre-charge amount in CNY yuan (string). Total budget = discount amount x total
            voucher count. Money: Decimal here, a decimal string with at least 2 decimals on the
            wire.
        logon_id: Login account of the funding merchant.
        partner_id: Alipay id (PID) of the funding merchant.
    """

    SCHEMA: ClassVar[str | None] = "VoucherBalanceRechargeInfo"

    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_amount)
    logon_id: str | Unset | None = UNSET
    partner_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherRechargeInfo(Model):
    """Pre-charge details (newer style).

    Attributes:
        recharge_type: Pre-charge method (e.g. ALIPAY_BALANCE).
        voucher_balance_recharge_info: Alipay-balance pre-charge details; required when
            recharge_type is ALIPAY_BALANCE.
    """

    SCHEMA: ClassVar[str | None] = "VoucherRechargeInfo"

    recharge_type: RechargeType | Unset | None = attrs.field(
        default=UNSET, converter=_to_recharge_type
    )
    voucher_balance_recharge_info: VoucherBalanceRechargeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherBudgetSupplyInfo(Model):
    """Budget funding info (newer style): charge-free or pre-charged.

    Attributes:
        budget_type: Budget type: charge-free or pre-charged (same semantics as
            PaymentVoucherBudgetInfo.budget_type).
        voucher_recharge_info: Pre-charge details; required for the pre-charge budget type.
    """

    SCHEMA: ClassVar[str | None] = "VoucherBudgetSupplyInfo"

    budget_type: BudgetType | Unset | None = attrs.field(default=UNSET, converter=_to_budget_type)
    voucher_recharge_info: VoucherRechargeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherMiniAppSendGuideInfo(Model):
    """Mini-program page that issues the voucher.

    Attributes:
        mini_app_url: Mini-program link where the voucher is issued.
    """

    SCHEMA: ClassVar[str | None] = "VoucherMiniAppSendGuideInfo"

    mini_app_url: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendGuideInfo(Model):
    """How users are guided to receive the voucher.

    Attributes:
        mini_app_send_guide_info: Mini-program issuance guidance.
        send_guide_mode: Send-guide modes (list of codes; values not listed in the spec).
    """

    SCHEMA: ClassVar[str | None] = "VoucherSendGuideInfo"

    mini_app_send_guide_info: VoucherMiniAppSendGuideInfo | Unset | None = UNSET
    send_guide_mode: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherMiniAppUseGuideInfo(Model):
    """Mini-program redemption guidance.

    Attributes:
        mini_app_service_codes: Mini-program service codes obtained from
            alipay.open.app.service.apply.
        mini_app_url: Mini-program redemption link.
    """

    SCHEMA: ClassVar[str | None] = "VoucherMiniAppUseGuideInfo"

    mini_app_service_codes: list[str] | Unset | None = UNSET
    mini_app_url: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherUseGuideInfo(Model):
    """How users are guided to redeem the voucher.

    Attributes:
        mini_app_use_guide_info: Mini-program redemption guidance.
        use_guide_mode: Use-guide modes (list of codes; related APIs use STANDARD_ITEM_LIST,
            MINI_APP).
        use_url: Redemption jump link (added 2024-09).
    """

    SCHEMA: ClassVar[str | None] = "VoucherUseGuideInfo"

    mini_app_use_guide_info: VoucherMiniAppUseGuideInfo | Unset | None = UNSET
    use_guide_mode: list[UseGuideMode] | Unset | None = attrs.field(
        default=UNSET, converter=_to_use_guide_mode_list
    )
    use_url: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherCustomerGuideInfo(Model):
    """User guidance: how users obtain (send guide) and use (use guide) the voucher.

    Attributes:
        voucher_send_guide_info: Guidance for receiving the voucher.
        voucher_use_guide_info: Guidance for using the voucher.
    """

    SCHEMA: ClassVar[str | None] = "VoucherCustomerGuideInfo"

    voucher_send_guide_info: VoucherSendGuideInfo | Unset | None = UNSET
    voucher_use_guide_info: VoucherUseGuideInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class CustomerDefineDeductRule(Model):
    """Custom discount rule text.

    Attributes:
        customer_define_deduct_rule_desc: Free-text description of the custom discount rule.
    """

    SCHEMA: ClassVar[str | None] = "CustomerDefineDeductRule"

    customer_define_deduct_rule_desc: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class DeductInfo(Model):
    """Custom discount information.

    Attributes:
        customer_define_deduct_rule: Custom discount rule.
    """

    SCHEMA: ClassVar[str | None] = "DeductInfo"

    customer_define_deduct_rule: CustomerDefineDeductRule | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class CustomerDefineVoucherInfo(Model):
    """Custom (free-text) voucher type definition.

    Attributes:
        deduct_info: Custom discount information.
    """

    SCHEMA: ClassVar[str | None] = "CustomerDefineVoucherInfo"

    deduct_info: DeductInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherExpressInfo(Model):
    """Shipping-fee descriptor shown to users.

    Attributes:
        pay_express: Shipping-fee flag shown with the usage threshold.
    """

    SCHEMA: ClassVar[str | None] = "VoucherExpressInfo"

    pay_express: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherGoodsQuantitySpecificationInfo(Model):
    """Quantity/spec threshold (e.g. buy X items, or the N-th item).

    Attributes:
        directional_type: Spec type: FIX = buy at least X items, APPOINT = applies to the N-th
            item.
        specification_quantity: Quantity (X or N).
        specification_unit: Unit of the quantity.
    """

    SCHEMA: ClassVar[str | None] = "VoucherGoodsQuantitySpecificationInfo"

    directional_type: DirectionalType | Unset | None = attrs.field(
        default=UNSET, converter=_to_directional_type
    )
    specification_quantity: int | Unset | None = UNSET
    specification_unit: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherDeductThresholdInfo(Model):
    """Additional usage threshold descriptors (display only).

    Attributes:
        customer_define_voucher_threshold_desc: Custom threshold description.
        voucher_express_info: Shipping-fee info.
        voucher_goods_quantity_specification_info: Goods quantity/size/spec info.
    """

    SCHEMA: ClassVar[str | None] = "VoucherDeductThresholdInfo"

    customer_define_voucher_threshold_desc: str | Unset | None = UNSET
    voucher_express_info: VoucherExpressInfo | Unset | None = UNSET
    voucher_goods_quantity_specification_info: (
        VoucherGoodsQuantitySpecificationInfo | Unset | None
    ) = UNSET


@attrs.frozen(kw_only=True, repr=False)
class DiscountVoucherInfo(Model):
    """Percentage-discount voucher details.

    Attributes:
        ceiling_amount: Maximum discount (cap) in CNY yuan (string). Money: Decimal here, a
            decimal string with at least 2 decimals on the wire.
        discount: Discount rate (string). Format not specified here; related Alipay models
            express it as the fraction paid, e.g. 0.88 = 12% off (unverified for this API).
        floor_amount: Threshold amount in CNY yuan (string); empty = no threshold. Money: Decimal
            here, a decimal string with at least 2 decimals on the wire.
        voucher_deduct_threshold_info: Additional threshold descriptors.
    """

    SCHEMA: ClassVar[str | None] = "DiscountVoucherInfo"

    ceiling_amount: Decimal | Unset | None = attrs.field(
        default=UNSET, converter=_money_ceiling_amount
    )
    discount: str | Unset | None = UNSET
    floor_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_floor_amount)
    voucher_deduct_threshold_info: VoucherDeductThresholdInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherExchangeGoodsInfo(Model):
    """Goods obtained with an exchange voucher.

    Attributes:
        exchange_goods_name: Name of the goods obtained by exchange.
    """

    SCHEMA: ClassVar[str | None] = "VoucherExchangeGoodsInfo"

    exchange_goods_name: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class ExchangeVoucherInfo(Model):
    """Exchange (redeem-for-goods) voucher details.

    Attributes:
        amount: Value of the exchange voucher in CNY yuan (string). Money: Decimal here, a
            decimal string with at least 2 decimals on the wire.
        biz_type: Exchange-voucher business type; required when promoted through big-promotion
            benefit registration (related API lists GROUP_BUY_EXCHANGE_VOUCHER,
            FIX_EXCHANGE_VOUCHER).
        exchange_goods_info: Goods obtainable with the voucher.
        floor_amount: Threshold amount in CNY yuan (string); empty = none. Checked by the
            merchant at redemption; Alipay only displays it. Money: Decimal here, a decimal
            string with at least 2 decimals on the wire.
        voucher_deduct_threshold_info: Additional threshold descriptors.
    """

    SCHEMA: ClassVar[str | None] = "ExchangeVoucherInfo"

    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_amount)
    biz_type: ExchangeBizType | Unset | None = attrs.field(
        default=UNSET, converter=_to_exchange_biz_type
    )
    exchange_goods_info: VoucherExchangeGoodsInfo | Unset | None = UNSET
    floor_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_floor_amount)
    voucher_deduct_threshold_info: VoucherDeductThresholdInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class FixVoucherInfo(Model):
    """Fixed-amount (cash-off) voucher details.

    Attributes:
        amount: Face value (amount off per voucher) in CNY yuan (string). Money: Decimal here, a
            decimal string with at least 2 decimals on the wire.
        floor_amount: Threshold amount in CNY yuan (string); empty = no threshold. Money: Decimal
            here, a decimal string with at least 2 decimals on the wire.
        voucher_deduct_threshold_info: Additional threshold descriptors.
    """

    SCHEMA: ClassVar[str | None] = "FixVoucherInfo"

    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_amount)
    floor_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_floor_amount)
    voucher_deduct_threshold_info: VoucherDeductThresholdInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class SpecialVoucherInfo(Model):
    """Special-price voucher details (pay a fixed special price).

    Attributes:
        floor_amount: Threshold amount in CNY yuan (string); empty = no threshold. Money: Decimal
            here, a decimal string with at least 2 decimals on the wire.
        special_amount: Special price in CNY yuan (string); discount = original price - special
            price. Money: Decimal here, a decimal string with at least 2 decimals on the wire.
        voucher_deduct_threshold_info: Additional threshold descriptors.
    """

    SCHEMA: ClassVar[str | None] = "SpecialVoucherInfo"

    floor_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_floor_amount)
    special_amount: Decimal | Unset | None = attrs.field(
        default=UNSET, converter=_money_special_amount
    )
    voucher_deduct_threshold_info: VoucherDeductThresholdInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherDeductInfo(Model):
    """Discount definition; exactly one *_voucher_info matching voucher_type is expected.

    Attributes:
        customer_define_voucher_info: Custom voucher type definition.
        discount_voucher_info: Percentage-discount voucher details.
        exchange_voucher_info: Exchange voucher details.
        fix_voucher_info: Fixed-amount (cash-off) voucher details.
        special_voucher_info: Special-price voucher details.
        voucher_type: Voucher type selecting which *_voucher_info applies (FIX_VOUCHER,
            DISCOUNT_VOUCHER, SPECIAL_VOUCHER, EXCHANGE_VOUCHER, ...; not enumerated in the
            spec).
    """

    SCHEMA: ClassVar[str | None] = "VoucherDeductInfo"

    customer_define_voucher_info: CustomerDefineVoucherInfo | Unset | None = UNSET
    discount_voucher_info: DiscountVoucherInfo | Unset | None = UNSET
    exchange_voucher_info: ExchangeVoucherInfo | Unset | None = UNSET
    fix_voucher_info: FixVoucherInfo | Unset | None = UNSET
    special_voucher_info: SpecialVoucherInfo | Unset | None = UNSET
    voucher_type: VoucherType | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_type
    )


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherDisplayInfo(Model):
    """Voucher detail-page display info (legacy style).

    Attributes:
        brand_name: Merchant brand name.
        customer_service_mobile: Customer-service phone shown on the voucher detail page.
        voucher_description: Detailed activity rules shown on the voucher detail page.
        voucher_detail_images: Detail images: resource_ids from
            alipay.marketing.material.image.upload (file_key PROMO_VOUCHER_DETAIL_IMAGE),
            600x600, png/jpg/jpeg/bmp, <= 2 MB; at most 3; only allowed when voucher_image is
            set.
        voucher_image: Cover image: resource_id from alipay.marketing.material.image.upload
            (file_key PROMO_VOUCHER_IMAGE), 670x335, png/jpg/jpeg/bmp, <= 2 MB. Required for
            exchange vouchers and when available_goods is specified.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherDisplayInfo"

    brand_name: str | Unset | None = UNSET
    customer_service_mobile: str | Unset | None = UNSET
    voucher_description: str | Unset | None = UNSET
    voucher_detail_images: list[str] | Unset | None = UNSET
    voucher_image: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherDisplayPatternInfo(Model):
    """Voucher display info (newer style): brand, images, service contacts, name.

    Attributes:
        brand_logo: Brand logo: resource_id from alipay.marketing.material.image.upload (file_key
            PROMO_BRAND_LOGO).
        brand_logo_url: Brand logo URL (output).
        brand_name: Merchant brand name.
        customer_service_mobile: Customer-service phone.
        customer_service_url: Customer-service link.
        voucher_description: Detailed usage instructions.
        voucher_detail_image_urls: Detail image URLs (output).
        voucher_detail_images: Detail images: resource_ids (file_key PROMO_VOUCHER_DETAIL_IMAGE),
            600x600, png/jpg/jpeg/bmp, <= 2 MB.
        voucher_image: Cover image: resource_id (file_key PROMO_VOUCHER_IMAGE).
        voucher_image_url: Cover image URL (output).
        voucher_name: Voucher name shown to users.
    """

    SCHEMA: ClassVar[str | None] = "VoucherDisplayPatternInfo"

    brand_logo: str | Unset | None = UNSET
    brand_logo_url: str | Unset | None = UNSET
    brand_name: str | Unset | None = UNSET
    customer_service_mobile: str | Unset | None = UNSET
    customer_service_url: str | Unset | None = UNSET
    voucher_description: str | Unset | None = UNSET
    voucher_detail_image_urls: list[str] | Unset | None = UNSET
    voucher_detail_images: list[str] | Unset | None = UNSET
    voucher_image: str | Unset | None = UNSET
    voucher_image_url: str | Unset | None = UNSET
    voucher_name: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherPackageModeInfo(Model):
    """Voucher-package distribution settings.

    Attributes:
        voucher_package_id: Voucher package id (as in
            alipay.marketing.activity.voucherpackage.query).
    """

    SCHEMA: ClassVar[str | None] = "VoucherPackageModeInfo"

    voucher_package_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class BizfundSettleInfo(Model):
    """Settlement settings for sold vouchers.

    Attributes:
        settle_mode: Settlement mode (request-payment vs. account period; values not listed).
        settle_target_type: Settlement target type (values not listed).
    """

    SCHEMA: ClassVar[str | None] = "BizfundSettleInfo"

    settle_mode: str | Unset | None = UNSET
    settle_target_type: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSaleModeInfo(Model):
    """Paid (sold) voucher settings: price, refund policy, payee, settlement.

    Attributes:
        fund_custody_mode: Fund custody mode (values not listed).
        overdue_refundable: Whether an expired purchased voucher is refunded automatically
            (default false). The service provider must then call
            alipay.marketing.activity.order.refund on expiry.
        overdue_refundable_need_confirm: Whether Alipay must ask the merchant before an automatic
            expiry refund (default false); requires the refund-confirm SPI and confirm-commit
            API.
        payee_pid: Payee account (PID) that receives funds each time a voucher is redeemed.
        refundable: Whether a purchased voucher may be refunded (default false).
        refundable_need_confirm: Whether Alipay must ask the merchant before an anytime refund
            (default false); requires the refund-confirm SPI.
        sale_amount: Price the user pays for the voucher, CNY yuan (string). Money: Decimal here,
            a decimal string with at least 2 decimals on the wire.
        settle_info: Settlement settings.
    """

    SCHEMA: ClassVar[str | None] = "VoucherSaleModeInfo"

    fund_custody_mode: str | Unset | None = UNSET
    overdue_refundable: bool | Unset | None = UNSET
    overdue_refundable_need_confirm: bool | Unset | None = UNSET
    payee_pid: str | Unset | None = UNSET
    refundable: bool | Unset | None = UNSET
    refundable_need_confirm: bool | Unset | None = UNSET
    sale_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_sale_amount)
    settle_info: BizfundSettleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendRuleInfo(Model):
    """Issuance rules (newer style): quantity, per-user limits, issuance window.

    Attributes:
        max_quantity_by_day: Maximum vouchers issued per day.
        natural_person_limit: Limit claims per natural person (by ID card).
        phone_number_limit: Limit claims per phone number.
        phone_number_need_input_limit: Whether the user must enter a phone number when ordering.
        publish_end_time: End of the issuance window, yyyy-MM-dd HH:mm:ss.
        publish_start_time: Start of the issuance window, yyyy-MM-dd HH:mm:ss.
        quantity: Number of vouchers to issue.
        quantity_day_limit_per_user: Per-user daily claim limit; 0 or absent = unlimited (added
            2025-11).
        quantity_limit_per_user: Per-user claim limit (by Alipay account); 0 or absent =
            unlimited.
        quantity_limit_per_user_period_type: Period for the per-user claim limit; default
            LIFE_CYCLE.
        quantity_month_limit_per_user: Per-user monthly claim limit; 0 or absent = unlimited
            (added 2025-11).
        quantity_week_limit_per_user: Per-user weekly claim limit; 0 or absent = unlimited (added
            2025-11).
        real_name_limit: Only real-name-verified Alipay users may claim; default false.
    """

    SCHEMA: ClassVar[str | None] = "VoucherSendRuleInfo"

    max_quantity_by_day: int | Unset | None = UNSET
    natural_person_limit: bool | Unset | None = UNSET
    phone_number_limit: bool | Unset | None = UNSET
    phone_number_need_input_limit: bool | Unset | None = UNSET
    publish_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_end_time
    )
    publish_start_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_start_time
    )
    quantity: int | Unset | None = UNSET
    quantity_day_limit_per_user: int | Unset | None = UNSET
    quantity_limit_per_user: int | Unset | None = UNSET
    quantity_limit_per_user_period_type: LimitPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_limit_period_type
    )
    quantity_month_limit_per_user: int | Unset | None = UNSET
    quantity_week_limit_per_user: int | Unset | None = UNSET
    real_name_limit: bool | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendModeInfo(Model):
    """How the voucher is distributed (direct send, sale, package) plus send rules.

    Attributes:
        delivery_channel_list: Promotion channel list (added 2025-05; values not listed).
        voucher_package_mode_info: Voucher-package settings.
        voucher_sale_mode_info: Sale (paid voucher) settings.
        voucher_send_mode: Distribution mode (values not listed; a related API uses
            DIRECT_SEND_MODE for direct claim).
        voucher_send_rule_info: Issuance rules.
    """

    SCHEMA: ClassVar[str | None] = "VoucherSendModeInfo"

    delivery_channel_list: list[str] | Unset | None = UNSET
    voucher_package_mode_info: VoucherPackageModeInfo | Unset | None = UNSET
    voucher_sale_mode_info: VoucherSaleModeInfo | Unset | None = UNSET
    voucher_send_mode: VoucherSendMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_send_mode
    )
    voucher_send_rule_info: VoucherSendRuleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherSendRule(Model):
    """Issuance rules (legacy style).

    Attributes:
        max_quantity_by_day: Maximum vouchers issued per day; daily max x number of days must be
            <= total quantity.
        natural_person_limit: Apply voucher_quantity_limit_per_user per ID-card holder; default
            false.
        phone_number_limit: Apply voucher_quantity_limit_per_user per phone number; default
            false.
        real_name_limit: Only real-name-verified Alipay users may claim; default false.
        voucher_quantity: Total number of vouchers to issue, 1..99999999.
        voucher_quantity_limit_per_user: Per-user claim limit (by Alipay account); 0 or absent =
            unlimited.
        voucher_quantity_limit_per_user_period_type: Period for the per-user claim limit; default
            LIFE_CYCLE.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherSendRule"

    max_quantity_by_day: int | Unset | None = UNSET
    natural_person_limit: bool | Unset | None = UNSET
    phone_number_limit: bool | Unset | None = UNSET
    real_name_limit: bool | Unset | None = UNSET
    voucher_quantity: int | Unset | None = UNSET
    voucher_quantity_limit_per_user: int | Unset | None = UNSET
    voucher_quantity_limit_per_user_period_type: LimitPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_limit_period_type
    )


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherAvailableGoods(Model):
    """Goods on which the voucher can be redeemed.

    Attributes:
        goods_description: Goods description shown on the voucher.
        goods_ids: Merchant goods codes; the voucher applies if any code in the order matches.
        goods_name: Goods name.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherAvailableGoods"

    goods_description: str | Unset | None = UNSET
    goods_ids: list[str] | Unset | None = UNSET
    goods_name: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherAvailableMerchant(Model):
    """Merchants (PID / SMID) on which the voucher can be redeemed.

    Attributes:
        available_pids: Directly connected merchant PIDs; at least one of available_pids /
            available_smids.
        available_smids: Indirectly connected merchant SMIDs; at least one of available_pids /
            available_smids.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherAvailableMerchant"

    available_pids: list[str] | Unset | None = UNSET
    available_smids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentFixVoucher(Model):
    """Fixed-amount (cash-off) rule: face value and threshold.

    Attributes:
        amount: Face value (amount off) per voucher in CNY yuan, at most 2 decimals, 0.1 <=
            amount <= 3000. Money: Decimal here, a decimal string with at least 2 decimals on the
            wire.
        floor_amount: Threshold amount in CNY yuan (string); empty = no threshold. Money: Decimal
            here, a decimal string with at least 2 decimals on the wire.
    """

    SCHEMA: ClassVar[str | None] = "PaymentFixVoucher"

    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_amount)
    floor_amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=_money_floor_amount)


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherValidPeriod(Model):
    """Validity period (absolute dates or relative days after receipt).

    Attributes:
        type: Validity type: ABSOLUTE or RELATIVE.
        valid_begin_time: Usable-from time, yyyy-MM-dd HH:mm:ss; required when type is ABSOLUTE.
        valid_days_after_receive: Number of days the voucher is usable once effective; required
            (> 0) when type is RELATIVE.
        valid_end_time: Usable-until time, yyyy-MM-dd HH:mm:ss; required when type is ABSOLUTE;
            must be later than publish_end_time.
        wait_days_after_receive: Days to wait after receipt before the voucher becomes effective
            (default 0 = immediately); RELATIVE only.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherValidPeriod"

    type: ValidPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_valid_period_type
    )
    valid_begin_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_valid_begin_time
    )
    valid_days_after_receive: int | Unset | None = UNSET
    valid_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_valid_end_time
    )
    wait_days_after_receive: int | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherUseRule(Model):
    """Redemption rules (legacy style) used on create.

    Attributes:
        available_app_ids: Alipay mini-program ids where the voucher can be redeemed (must be
            Alipay mini programs; duplicates removed).
        available_goods: Goods on which the voucher can be redeemed; mutually exclusive with
            unavailable_goods_ids (or both empty).
        available_merchant: Merchants where the voucher can be redeemed.
        available_store_ids: Alipay store ids where the voucher can be redeemed (duplicates
            removed).
        fix_voucher: Fixed-amount rule; required when voucher_type is FIX_VOUCHER.
        unavailable_goods_ids: Merchant goods codes on which the voucher cannot be used; mutually
            exclusive with available_goods (or both empty).
        use_mode: Redemption jump mode; default CAN_USE (detail page shows a "use" button);
            SELF_LINK = jump to use_url.
        use_url: Redemption link (Alipay mini-program URL); required and only effective when
            use_mode is SELF_LINK.
        voucher_quantity_limit_per_user: Per-Alipay-account redemption limit; default unlimited.
        voucher_quantity_limit_per_user_period_type: Period of the redemption limit; default
            LIFE_CYCLE (whole activity), example DAY.
        voucher_valid_period: Validity period of issued vouchers.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherUseRule"

    available_app_ids: list[str] | Unset | None = UNSET
    available_goods: PaymentVoucherAvailableGoods | Unset | None = UNSET
    available_merchant: PaymentVoucherAvailableMerchant | Unset | None = UNSET
    available_store_ids: list[str] | Unset | None = UNSET
    fix_voucher: PaymentFixVoucher | Unset | None = UNSET
    unavailable_goods_ids: list[str] | Unset | None = UNSET
    use_mode: UseMode | Unset | None = attrs.field(default=UNSET, converter=_to_use_mode)
    use_url: str | Unset | None = UNSET
    voucher_quantity_limit_per_user: int | Unset | None = UNSET
    voucher_quantity_limit_per_user_period_type: LimitPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_limit_period_type
    )
    voucher_valid_period: PaymentVoucherValidPeriod | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class DateRangeInfo(Model):
    """Date range (yyyy-MM-dd).

    Attributes:
        begin_date: Start date, yyyy-MM-dd.
        end_date: End date, yyyy-MM-dd.
    """

    SCHEMA: ClassVar[str | None] = "DateRangeInfo"

    begin_date: str | Unset | None = UNSET
    end_date: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class EndTimeInfo(Model):
    """End of a time-of-day range.

    Attributes:
        end_time: End time of day, HH:mm:ss.
        end_time_type: Whether end_time is on the same day or the next day (related API: SAME_DAY
            / NEXT_DAY).
    """

    SCHEMA: ClassVar[str | None] = "EndTimeInfo"

    end_time: str | Unset | None = UNSET
    end_time_type: EndTimeType | Unset | None = attrs.field(
        default=UNSET, converter=_to_end_time_type
    )


@attrs.frozen(kw_only=True, repr=False)
class TimeRangeInfo(Model):
    """Time-of-day range; end may be same day or next day.

    Attributes:
        begin_time: Start time of day, HH:mm:ss.
        end_time_info: End time; can end the same day or the next day (e.g. 22:00 to 07:00 next
            day).
    """

    SCHEMA: ClassVar[str | None] = "TimeRangeInfo"

    begin_time: str | Unset | None = UNSET
    end_time_info: EndTimeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class DateRuleInfo(Model):
    """Date-range time-slot rule.

    Attributes:
        date_range_info: Date range.
        time_range_info: Time-of-day range.
    """

    SCHEMA: ClassVar[str | None] = "DateRuleInfo"

    date_range_info: DateRangeInfo | Unset | None = UNSET
    time_range_info: TimeRangeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class HolidayRuleInfo(Model):
    """Holiday time-slot rule.

    Attributes:
        time_range_info: Time-of-day range on holidays.
    """

    SCHEMA: ClassVar[str | None] = "HolidayRuleInfo"

    time_range_info: TimeRangeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class WeekRuleInfo(Model):
    """Week-day time-slot rule.

    Attributes:
        time_range_info: Time-of-day range on the given week days.
        week_day: Week days joined with "," (numbering not specified in the spec).
    """

    SCHEMA: ClassVar[str | None] = "WeekRuleInfo"

    time_range_info: TimeRangeInfo | Unset | None = UNSET
    week_day: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherUseTimeRuleInfo(Model):
    """One time-slot rule (by date range, week days or holidays).

    Attributes:
        date_rule_info: Date rule; required when rule_type is DATE.
        holiday_rule_info: Holiday rule; required when rule_type is HOLIDAY.
        rule_type: Rule type: DATE, WEEK or HOLIDAY (values inferred from sibling field docs).
        week_rule_info: Week rule; required when rule_type is WEEK.
    """

    SCHEMA: ClassVar[str | None] = "VoucherUseTimeRuleInfo"

    date_rule_info: DateRuleInfo | Unset | None = UNSET
    holiday_rule_info: HolidayRuleInfo | Unset | None = UNSET
    rule_type: TimeRuleType | Unset | None = attrs.field(
        default=UNSET, converter=_to_time_rule_type
    )
    week_rule_info: WeekRuleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class TimeRestrictInfo(Model):
    """Usable / unusable time slots within the validity window.

    Attributes:
        disable_period_info: Time slots in which the voucher is NOT usable.
        usable_period_info: Time slots in which the voucher is usable.
    """

    SCHEMA: ClassVar[str | None] = "TimeRestrictInfo"

    disable_period_info: list[VoucherUseTimeRuleInfo] | Unset | None = UNSET
    usable_period_info: list[VoucherUseTimeRuleInfo] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherAbsolutePeriodInfo(Model):
    """Absolute validity window plus optional time restrictions.

    Attributes:
        time_restrict_info: Time-slot restrictions.
        valid_begin_time: Usable-from time, yyyy-MM-dd HH:mm:ss.
        valid_end_time: Usable-until time, yyyy-MM-dd HH:mm:ss.
    """

    SCHEMA: ClassVar[str | None] = "VoucherAbsolutePeriodInfo"

    time_restrict_info: TimeRestrictInfo | Unset | None = UNSET
    valid_begin_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_valid_begin_time
    )
    valid_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_valid_end_time
    )


@attrs.frozen(kw_only=True, repr=False)
class VoucherRelativePeriodInfo(Model):
    """Validity relative to receipt (wait N days, valid for M days).

    Attributes:
        time_restrict_info: Time-slot restrictions.
        valid_days_after_receive: Number of days the voucher is usable once effective.
        valid_days_relative_type: Rounding of the relative expiry (added 2026-02). ROUND_FORWARD:
            day 1 is the receipt day, expires 23:59:59 of day N. ROUND_BACKWARD: counting starts
            the next day, expires 23:59:59 of day N after receipt. (Source example misspells
            ROUND_BACKWARDS.)
        wait_days_after_receive: Days to wait after receipt before the voucher becomes effective;
            0 = immediately.
    """

    SCHEMA: ClassVar[str | None] = "VoucherRelativePeriodInfo"

    time_restrict_info: TimeRestrictInfo | Unset | None = UNSET
    valid_days_after_receive: int | Unset | None = UNSET
    valid_days_relative_type: ValidDaysRelativeType | Unset | None = attrs.field(
        default=UNSET, converter=_to_valid_days_relative_type
    )
    wait_days_after_receive: int | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherUseTimeInfo(Model):
    """Usage-time definition: absolute or relative period.

    Attributes:
        absolute_period_info: Absolute validity window.
        period_type: Validity type: ABSOLUTE or RELATIVE.
        relative_period_info: Relative validity (days after receipt).
    """

    SCHEMA: ClassVar[str | None] = "VoucherUseTimeInfo"

    absolute_period_info: VoucherAbsolutePeriodInfo | Unset | None = UNSET
    period_type: ValidPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_valid_period_type
    )
    relative_period_info: VoucherRelativePeriodInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherUseRuleInfo(Model):
    """Redemption limits (newer style): per-user limits, max uses, usage time.

    Attributes:
        payment_restriction_list: Payment-method restrictions (added 2024-09; values not listed).
        quantity_limit_per_user: Per-user redemption limit.
        quantity_limit_per_user_period_type: Period for quantity_limit_per_user (e.g.
            DAY/WEEK/MONTH/LIFE_CYCLE).
        voucher_max_use_times: Maximum number of times one voucher can be redeemed.
        voucher_use_ext_info: Custom extension info (free text).
        voucher_use_time_info: Usable-time definition.
    """

    SCHEMA: ClassVar[str | None] = "VoucherUseRuleInfo"

    payment_restriction_list: list[str] | Unset | None = UNSET
    quantity_limit_per_user: int | Unset | None = UNSET
    quantity_limit_per_user_period_type: LimitPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_limit_period_type
    )
    voucher_max_use_times: int | Unset | None = UNSET
    voucher_use_ext_info: str | Unset | None = UNSET
    voucher_use_time_info: VoucherUseTimeInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherCreateRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/create.

    Spec schema ``AlipayMarketingActivityVoucherCreateModel``.

    Attributes:
        activity_base_info: Basic activity information.
        activity_name: Activity name (merchant-side management name).
        belong_merchant_info: Owning merchant; defaults to the calling merchant.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side.
        publish_end_time: End of the issuance window, format yyyy-MM-dd HH:mm:ss. Must be at most
            180 days after publish_start_time.
        publish_start_time: Start of the issuance window, format yyyy-MM-dd HH:mm:ss.
        voucher_available_scope_info: Redemption scope (accounts, apps, geography, goods).
        voucher_budget_info: Marketing budget (legacy style).
        voucher_budget_supply_info: Budget funding info (newer style).
        voucher_customer_guide_info: User guidance for receiving and using the voucher.
        voucher_deduct_info: Discount definition (newer style).
        voucher_display_info: Detail-page display info (legacy style).
        voucher_display_pattern_info: Display info (newer style).
        voucher_send_mode_info: Distribution mode and issuance rules (newer style).
        voucher_send_rule: Issuance rules (legacy style).
        voucher_type: Voucher type, e.g. FIX_VOUCHER (fixed amount off).
        voucher_use_rule: Redemption rules (legacy style).
        voucher_use_rule_info: Redemption limits (newer style).
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherCreateModel"
    OPERATION: ClassVar[str] = "create"

    activity_base_info: ActivityBaseInfo | Unset | None = UNSET
    activity_name: str | Unset | None = UNSET
    belong_merchant_info: PaymentVoucherBelongMerchantInfo | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    out_biz_no: str | Unset | None = UNSET
    publish_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_end_time
    )
    publish_start_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_start_time
    )
    voucher_available_scope_info: VoucherAvailableScopeInfo | Unset | None = UNSET
    voucher_budget_info: PaymentVoucherBudgetInfo | Unset | None = UNSET
    voucher_budget_supply_info: VoucherBudgetSupplyInfo | Unset | None = UNSET
    voucher_customer_guide_info: VoucherCustomerGuideInfo | Unset | None = UNSET
    voucher_deduct_info: VoucherDeductInfo | Unset | None = UNSET
    voucher_display_info: PaymentVoucherDisplayInfo | Unset | None = UNSET
    voucher_display_pattern_info: VoucherDisplayPatternInfo | Unset | None = UNSET
    voucher_send_mode_info: VoucherSendModeInfo | Unset | None = UNSET
    voucher_send_rule: PaymentVoucherSendRule | Unset | None = UNSET
    voucher_type: VoucherType | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_type
    )
    voucher_use_rule: PaymentVoucherUseRule | Unset | None = UNSET
    voucher_use_rule_info: VoucherUseRuleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherCreateResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/create.

    Spec schema ``AlipayMarketingActivityVoucherCreateResponseModel``.

    Attributes:
        activity_id: Id of the created activity.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherCreateResponseModel"
    OPERATION: ClassVar[str] = "create"

    activity_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherCreateErrorResponse(Model):
    """API-specific business error body of voucher/create; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherCreateErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherCreateErrorResponseModel"

    code: VoucherCreateErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_create_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherCreateDefaultResponse(Model):
    """Error body (non-200 response) of voucher/create: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_create_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_create_default_response"

    code: VoucherCreateErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_create_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherAvailableGoodsModify(Model):
    """Goods-scope change (may only be widened).

    Attributes:
        goods_ids: Merchant goods codes on which the voucher applies; may only be widened.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherAvailableGoodsModify"

    goods_ids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherAvailableMerchantModify(Model):
    """Merchant-scope change (may only be widened).

    Attributes:
        available_pids: Directly connected merchant PIDs; unchanged if omitted; may only be
            widened.
        available_smids: Indirectly connected merchant SMIDs; unchanged if omitted; may only be
            widened.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherAvailableMerchantModify"

    available_pids: list[str] | Unset | None = UNSET
    available_smids: list[str] | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherValidPeriodModify(Model):
    """Validity-period change (may only be extended).

    Attributes:
        valid_days_after_receive: New relative validity in days (> 0); RELATIVE only; may only be
            extended.
        valid_end_time: New usable-until time, yyyy-MM-dd HH:mm:ss; ABSOLUTE only; must be later
            than publish_end_time; may only be extended.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherValidPeriodModify"

    valid_days_after_receive: int | Unset | None = UNSET
    valid_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_valid_end_time
    )


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherUseRuleModify(Model):
    """Redemption-rule changes allowed by modify (scopes may only be widened).

    Attributes:
        available_app_ids: Mini-program ids where the voucher can be redeemed; may only be
            widened. NOTE: typed string in the spec although the example is a JSON array. A list
            of ids given in Python is sent as its JSON text.
        available_goods: Goods-scope change.
        available_merchant: Merchant-scope change.
        available_store_ids: Alipay store ids where the voucher can be redeemed; may only be
            widened. NOTE: typed string in the spec although the example is a JSON array. A list
            of ids given in Python is sent as its JSON text.
        voucher_valid_period: Validity change.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherUseRuleModify"

    available_app_ids: str | Unset | None = attrs.field(default=UNSET, converter=_json_string_list)
    available_goods: PaymentVoucherAvailableGoodsModify | Unset | None = UNSET
    available_merchant: PaymentVoucherAvailableMerchantModify | Unset | None = UNSET
    available_store_ids: str | Unset | None = attrs.field(
        default=UNSET, converter=_json_string_list
    )
    voucher_valid_period: PaymentVoucherValidPeriodModify | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherModifyRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/modify.

    Spec schema ``AlipayMarketingActivityVoucherModifyModel``.

    Attributes:
        activity_base_info: Basic activity information to change.
        activity_id: Activity id to modify.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side.
        publish_end_time: New end of the issuance window, format yyyy-MM-dd HH:mm:ss.
        voucher_available_scope_info: New redemption scope.
        voucher_send_mode_info: New distribution settings.
        voucher_use_rule: Redemption-rule changes (legacy style).
        voucher_use_rule_info: Redemption-limit changes (newer style).
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherModifyModel"
    OPERATION: ClassVar[str] = "modify"

    activity_base_info: ActivityBaseInfo | Unset | None = UNSET
    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    out_biz_no: str | Unset | None = UNSET
    publish_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_end_time
    )
    voucher_available_scope_info: VoucherAvailableScopeInfo | Unset | None = UNSET
    voucher_send_mode_info: VoucherSendModeInfo | Unset | None = UNSET
    voucher_use_rule: PaymentVoucherUseRuleModify | Unset | None = UNSET
    voucher_use_rule_info: VoucherUseRuleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherModifyResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/modify (empty object).

    Spec schema ``AlipayMarketingActivityVoucherModifyResponseModel``.

    The spec defines no fields; unknown ones land in ``extra``.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherModifyResponseModel"
    OPERATION: ClassVar[str] = "modify"


@attrs.frozen(kw_only=True, repr=False)
class VoucherModifyErrorResponse(Model):
    """API-specific business error body of voucher/modify; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherModifyErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherModifyErrorResponseModel"

    code: VoucherModifyErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_modify_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherModifyDefaultResponse(Model):
    """Error body (non-200 response) of voucher/modify: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_modify_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_modify_default_response"

    code: VoucherModifyErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_modify_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherPublishRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/publish.

    Spec schema ``AlipayMarketingActivityVoucherPublishModel``.

    Attributes:
        activity_id: Activity id to activate.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherPublishModel"
    OPERATION: ClassVar[str] = "publish"

    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    out_biz_no: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherPublishResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/publish.

    Spec schema ``AlipayMarketingActivityVoucherPublishResponseModel``.

    Attributes:
        recharge_url: Pre-charge (payment) link, returned when the budget must be pre-charged.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherPublishResponseModel"
    OPERATION: ClassVar[str] = "publish"

    recharge_url: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherPublishErrorResponse(Model):
    """API-specific business error body of voucher/publish; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherPublishErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherPublishErrorResponseModel"

    code: VoucherPublishErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_publish_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherPublishDefaultResponse(Model):
    """Error body (non-200 response) of voucher/publish: either the platform-level CommonErrorType
    or the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_publish_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_publish_default_response"

    code: VoucherPublishErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_publish_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class AuditResultInfo(Model):
    """Review/audit result of the activity (added 2025-09).

    Attributes:
        audit_reason: Reason for rejection.
        audit_result: Audit result: SUBMIT (under review), APPROVE (approved), REJECT (rejected).
        audit_type: Audit type: UNIFY_ACCESS_CHECK (unified access platform review).
    """

    SCHEMA: ClassVar[str | None] = "AuditResultInfo"

    audit_reason: str | Unset | None = UNSET
    audit_result: AuditResult | Unset | None = attrs.field(
        default=UNSET, converter=_to_audit_result
    )
    audit_type: AuditType | Unset | None = attrs.field(default=UNSET, converter=_to_audit_type)


@attrs.frozen(kw_only=True, repr=False)
class VoucherSummary(Model):
    """Summary counters of the activity.

    Attributes:
        publish_count: Number of vouchers issued.
        used_count: Number of vouchers redeemed.
    """

    SCHEMA: ClassVar[str | None] = "VoucherSummary"

    publish_count: int | Unset | None = UNSET
    used_count: int | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherInventoryInfo(Model):
    """Inventory counters of the activity.

    Attributes:
        send_count: Number of vouchers issued.
        use_count: Number of vouchers redeemed.
    """

    SCHEMA: ClassVar[str | None] = "VoucherInventoryInfo"

    send_count: int | Unset | None = UNSET
    use_count: int | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class PaymentVoucherUseRuleDetail(Model):
    """Redemption rules as returned by query (legacy style).

    Attributes:
        fix_voucher: Fixed-amount rule (present for FIX_VOUCHER).
        use_mode: Redemption jump mode; default CAN_USE; SELF_LINK uses use_url.
        use_url: Redemption link (Alipay mini-program URL), used when use_mode is SELF_LINK.
        voucher_quantity_limit_per_user: Per-Alipay-account redemption limit; default unlimited.
        voucher_quantity_limit_per_user_period_type: Period of the redemption limit; default
            LIFE_CYCLE.
        voucher_valid_period: Validity period.
    """

    SCHEMA: ClassVar[str | None] = "PaymentVoucherUseRuleDetail"

    fix_voucher: PaymentFixVoucher | Unset | None = UNSET
    use_mode: UseMode | Unset | None = attrs.field(default=UNSET, converter=_to_use_mode)
    use_url: str | Unset | None = UNSET
    voucher_quantity_limit_per_user: int | Unset | None = UNSET
    voucher_quantity_limit_per_user_period_type: LimitPeriodType | Unset | None = attrs.field(
        default=UNSET, converter=_to_limit_period_type
    )
    voucher_valid_period: PaymentVoucherValidPeriod | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherQueryResponse(ResponseModel):
    """Successful (HTTP 200) response of GET /v3/alipay/marketing/activity/voucher/query.

    Spec schema ``AlipayMarketingActivityVoucherQueryResponseModel``.

    Attributes:
        activity_base_info: Basic activity information.
        activity_id: Activity id.
        activity_name: Activity name; not shown to users, merchant management only.
        activity_status: Activity status (example ACTIVE). Empty means the activity has not been
            created successfully yet.
        audit_result_info: Review/audit result (added 2025-09).
        belong_merchant_info: Owning merchant.
        publish_end_time: End of the issuance window, yyyy-MM-dd HH:mm:ss.
        publish_start_time: Start of the issuance window, yyyy-MM-dd HH:mm:ss.
        summary: Summary counters.
        voucher_available_scope_info: Redemption scope.
        voucher_budget_info: Marketing budget (legacy style).
        voucher_budget_supply_info: Budget funding info (newer style).
        voucher_customer_guide_info: User guidance.
        voucher_deduct_info: Discount definition (newer style).
        voucher_display_info: Detail-page display info (legacy style).
        voucher_display_pattern_info: Display info (newer style).
        voucher_inventory_info: Inventory counters.
        voucher_send_mode_info: Distribution mode and rules.
        voucher_send_rule: Issuance rules (legacy style).
        voucher_type: Discount (voucher) type, e.g. FIX_VOUCHER.
        voucher_use_rule: Redemption rules (legacy style, detail variant).
        voucher_use_rule_info: Redemption limits (newer style).
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherQueryResponseModel"
    OPERATION: ClassVar[str] = "query"

    activity_base_info: ActivityBaseInfo | Unset | None = UNSET
    activity_id: str | Unset | None = UNSET
    activity_name: str | Unset | None = UNSET
    activity_status: ActivityStatus | Unset | None = attrs.field(
        default=UNSET, converter=_to_activity_status
    )
    audit_result_info: AuditResultInfo | Unset | None = UNSET
    belong_merchant_info: PaymentVoucherBelongMerchantInfo | Unset | None = UNSET
    publish_end_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_end_time
    )
    publish_start_time: datetime | str | Unset | None = attrs.field(
        default=UNSET, converter=_datetime_publish_start_time
    )
    summary: VoucherSummary | Unset | None = UNSET
    voucher_available_scope_info: VoucherAvailableScopeInfo | Unset | None = UNSET
    voucher_budget_info: PaymentVoucherBudgetInfo | Unset | None = UNSET
    voucher_budget_supply_info: VoucherBudgetSupplyInfo | Unset | None = UNSET
    voucher_customer_guide_info: VoucherCustomerGuideInfo | Unset | None = UNSET
    voucher_deduct_info: VoucherDeductInfo | Unset | None = UNSET
    voucher_display_info: PaymentVoucherDisplayInfo | Unset | None = UNSET
    voucher_display_pattern_info: VoucherDisplayPatternInfo | Unset | None = UNSET
    voucher_inventory_info: VoucherInventoryInfo | Unset | None = UNSET
    voucher_send_mode_info: VoucherSendModeInfo | Unset | None = UNSET
    voucher_send_rule: PaymentVoucherSendRule | Unset | None = UNSET
    voucher_type: VoucherType | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_type
    )
    voucher_use_rule: PaymentVoucherUseRuleDetail | Unset | None = UNSET
    voucher_use_rule_info: VoucherUseRuleInfo | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherQueryErrorResponse(Model):
    """API-specific business error body of voucher/query; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherQueryErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherQueryErrorResponseModel"

    code: VoucherQueryErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_query_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherQueryDefaultResponse(Model):
    """Error body (non-200 response) of voucher/query: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_query_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_query_default_response"

    code: VoucherQueryErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_query_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/send.

    Spec schema ``AlipayMarketingActivityVoucherSendModel``.

    Attributes:
        activity_id: Activity id whose voucher is issued.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        open_id: Recipient identified by Alipay open_id (app-scoped user id). Provide open_id or
            user_id.
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side.
        user_id: Recipient identified by Alipay user_id (2088-prefixed, 16 digits). Provide
            user_id or open_id.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherSendModel"
    OPERATION: ClassVar[str] = "send"

    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    open_id: str | Unset | None = UNSET
    out_biz_no: str | Unset | None = UNSET
    user_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/send.

    Spec schema ``AlipayMarketingActivityVoucherSendResponseModel``.

    Attributes:
        voucher_id: Id of the user voucher issued by this call.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherSendResponseModel"
    OPERATION: ClassVar[str] = "send"

    voucher_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendErrorResponse(Model):
    """API-specific business error body of voucher/send; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherSendErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherSendErrorResponseModel"

    code: VoucherSendErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_send_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherSendDefaultResponse(Model):
    """Error body (non-200 response) of voucher/send: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_send_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_send_default_response"

    code: VoucherSendErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_send_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherStopRequest(RequestModel):
    """Request body of POST /v3/alipay/marketing/activity/voucher/stop.

    Spec schema ``AlipayMarketingActivityVoucherStopModel``.

    Attributes:
        activity_id: Activity id to stop.
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant integrates for itself) or
            AGENCY_MODE (service provider acts on behalf of a merchant).
        out_biz_no: Caller-generated business number used for idempotency: repeating a request
            with identical parameters returns the same result as the first call. Must be unique
            per business request on the caller side. The source text is prefixed with "64",
            apparently the max length.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherStopModel"
    OPERATION: ClassVar[str] = "stop"

    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )
    out_biz_no: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherStopResponse(ResponseModel):
    """Successful (HTTP 200) response of voucher/stop (empty object).

    Spec schema ``AlipayMarketingActivityVoucherStopResponseModel``.

    The spec defines no fields; unknown ones land in ``extra``.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherStopResponseModel"
    OPERATION: ClassVar[str] = "stop"


@attrs.frozen(kw_only=True, repr=False)
class VoucherStopErrorResponse(Model):
    """API-specific business error body of voucher/stop; code and message are required.

    Spec schema ``AlipayMarketingActivityVoucherStopErrorResponseModel``.

    The spec requires ``code``, ``message``.

    Attributes:
        code: Business error code of this API (see enum).
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "AlipayMarketingActivityVoucherStopErrorResponseModel"

    code: VoucherStopErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_stop_error_code
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherStopDefaultResponse(Model):
    """Error body (non-200 response) of voucher/stop: either the platform-level CommonErrorType or
    the API-specific error model.

    Spec schema ``alipay_marketing_activity_voucher_stop_default_response``.

    The body of a non-200 answer: the spec's ``anyOf`` of the platform error
    (``CommonErrorType``) and the API error, which share their fields.

    Attributes:
        code: Error code: a platform (CommonErrorCode) or an API-specific code.
        links: Link to troubleshooting guidance. Kept as sent: a string per the spec, a list of
            {link, desc} in practice.
        message: Human-readable error message.
    """

    SCHEMA: ClassVar[str | None] = "alipay_marketing_activity_voucher_stop_default_response"

    code: VoucherStopErrorCode | CommonErrorCode | Unset | None = attrs.field(
        default=UNSET, converter=_to_voucher_stop_error_code_or_common
    )
    links: str | list[Mapping[str, Any]] | Unset | None = attrs.field(
        default=UNSET, converter=_error_links
    )
    message: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherQueryRequest(RequestModel):
    """Query-string parameters of ``GET /v3/alipay/marketing/activity/voucher/query``.

    Not a schema in the spec: the query operation takes its input as parameters, and
    this model gives them the same typing and checks as the other requests.

    Attributes:
        activity_id: Activity id of the payment voucher (returned by create).
        merchant_access_mode: Merchant access mode: SELF_MODE (merchant calls for itself) or
            AGENCY_MODE (service provider calls on behalf of a merchant).
    """

    OPERATION: ClassVar[str] = "query"

    activity_id: str | Unset | None = UNSET
    merchant_access_mode: MerchantAccessMode | Unset | None = attrs.field(
        default=UNSET, converter=_to_merchant_access_mode
    )


# ------------------------------ the spec's own names


AlipayMarketingActivityVoucherAppendModel = VoucherAppendRequest
AlipayMarketingActivityVoucherAppendResponseModel = VoucherAppendResponse
alipay_marketing_activity_voucher_append_default_response = VoucherAppendDefaultResponse
AlipayMarketingActivityVoucherAppendErrorResponseModel = VoucherAppendErrorResponse
AlipayMarketingActivityVoucherCreateModel = VoucherCreateRequest
AlipayMarketingActivityVoucherCreateResponseModel = VoucherCreateResponse
alipay_marketing_activity_voucher_create_default_response = VoucherCreateDefaultResponse
AlipayMarketingActivityVoucherCreateErrorResponseModel = VoucherCreateErrorResponse
AlipayMarketingActivityVoucherModifyModel = VoucherModifyRequest
AlipayMarketingActivityVoucherModifyResponseModel = VoucherModifyResponse
alipay_marketing_activity_voucher_modify_default_response = VoucherModifyDefaultResponse
AlipayMarketingActivityVoucherModifyErrorResponseModel = VoucherModifyErrorResponse
AlipayMarketingActivityVoucherPublishModel = VoucherPublishRequest
AlipayMarketingActivityVoucherPublishResponseModel = VoucherPublishResponse
alipay_marketing_activity_voucher_publish_default_response = VoucherPublishDefaultResponse
AlipayMarketingActivityVoucherPublishErrorResponseModel = VoucherPublishErrorResponse
AlipayMarketingActivityVoucherQueryResponseModel = VoucherQueryResponse
alipay_marketing_activity_voucher_query_default_response = VoucherQueryDefaultResponse
AlipayMarketingActivityVoucherQueryErrorResponseModel = VoucherQueryErrorResponse
AlipayMarketingActivityVoucherSendModel = VoucherSendRequest
AlipayMarketingActivityVoucherSendResponseModel = VoucherSendResponse
alipay_marketing_activity_voucher_send_default_response = VoucherSendDefaultResponse
AlipayMarketingActivityVoucherSendErrorResponseModel = VoucherSendErrorResponse
AlipayMarketingActivityVoucherStopModel = VoucherStopRequest
AlipayMarketingActivityVoucherStopResponseModel = VoucherStopResponse
alipay_marketing_activity_voucher_stop_default_response = VoucherStopDefaultResponse
AlipayMarketingActivityVoucherStopErrorResponseModel = VoucherStopErrorResponse


# ------------------------------ registries


REQUEST_TYPES: dict[str, type[RequestModel]] = {
    "create": VoucherCreateRequest,
    "publish": VoucherPublishRequest,
    "send": VoucherSendRequest,
    "modify": VoucherModifyRequest,
    "append": VoucherAppendRequest,
    "stop": VoucherStopRequest,
    "query": VoucherQueryRequest,
}
"""Operation name -> request model (``query`` -> its query parameters)."""

RESPONSE_TYPES: dict[str, type[ResponseModel]] = {
    "create": VoucherCreateResponse,
    "publish": VoucherPublishResponse,
    "send": VoucherSendResponse,
    "modify": VoucherModifyResponse,
    "append": VoucherAppendResponse,
    "stop": VoucherStopResponse,
    "query": VoucherQueryResponse,
}
"""Operation name -> model of its HTTP 200 body."""

ERROR_TYPES: dict[str, type[Model]] = {
    "create": VoucherCreateDefaultResponse,
    "publish": VoucherPublishDefaultResponse,
    "send": VoucherSendDefaultResponse,
    "modify": VoucherModifyDefaultResponse,
    "append": VoucherAppendDefaultResponse,
    "stop": VoucherStopDefaultResponse,
    "query": VoucherQueryDefaultResponse,
}
"""Operation name -> model of its error (non-200) body."""

SCHEMAS: dict[str, type[Model]] = {
    "AlipayMarketingActivityVoucherAppendModel": VoucherAppendRequest,
    "AlipayMarketingActivityVoucherAppendResponseModel": VoucherAppendResponse,
    "CommonErrorType": CommonErrorType,
    "AlipayMarketingActivityVoucherAppendErrorResponseModel": VoucherAppendErrorResponse,
    "alipay_marketing_activity_voucher_append_default_response": VoucherAppendDefaultResponse,
    "ActivityDeliveryExtInfo": ActivityDeliveryExtInfo,
    "BelongMerchantInfo": BelongMerchantInfo,
    "ActivityBaseInfo": ActivityBaseInfo,
    "PaymentVoucherBelongMerchantInfo": PaymentVoucherBelongMerchantInfo,
    "VoucherAvailableAccountInfo": VoucherAvailableAccountInfo,
    "VoucherAvailableAppInfo": VoucherAvailableAppInfo,
    "VoucherAvailableGeographyCityInfo": VoucherAvailableGeographyCityInfo,
    "VoucherAvailableGeographyAllShopInfo": VoucherAvailableGeographyAllShopInfo,
    "VoucherAvailableGeographyShopInfo": VoucherAvailableGeographyShopInfo,
    "VoucherAvailableGeographyScopeInfo": VoucherAvailableGeographyScopeInfo,
    "VoucherAvailableGoodsInfo": VoucherAvailableGoodsInfo,
    "VoucherAvailableOutItemInfo": VoucherAvailableOutItemInfo,
    "VoucherAvailableItemInfo": VoucherAvailableItemInfo,
    "VoucherAvailableScopeInfo": VoucherAvailableScopeInfo,
    "PaymentVoucherAlipayBalanceRechargeInfo": PaymentVoucherAlipayBalanceRechargeInfo,
    "PaymentVoucherRechargeInfo": PaymentVoucherRechargeInfo,
    "PaymentVoucherBudgetInfo": PaymentVoucherBudgetInfo,
    "VoucherBalanceRechargeInfo": VoucherBalanceRechargeInfo,
    "VoucherRechargeInfo": VoucherRechargeInfo,
    "VoucherBudgetSupplyInfo": VoucherBudgetSupplyInfo,
    "VoucherMiniAppSendGuideInfo": VoucherMiniAppSendGuideInfo,
    "VoucherSendGuideInfo": VoucherSendGuideInfo,
    "VoucherMiniAppUseGuideInfo": VoucherMiniAppUseGuideInfo,
    "VoucherUseGuideInfo": VoucherUseGuideInfo,
    "VoucherCustomerGuideInfo": VoucherCustomerGuideInfo,
    "CustomerDefineDeductRule": CustomerDefineDeductRule,
    "DeductInfo": DeductInfo,
    "CustomerDefineVoucherInfo": CustomerDefineVoucherInfo,
    "VoucherExpressInfo": VoucherExpressInfo,
    "VoucherGoodsQuantitySpecificationInfo": VoucherGoodsQuantitySpecificationInfo,
    "VoucherDeductThresholdInfo": VoucherDeductThresholdInfo,
    "DiscountVoucherInfo": DiscountVoucherInfo,
    "VoucherExchangeGoodsInfo": VoucherExchangeGoodsInfo,
    "ExchangeVoucherInfo": ExchangeVoucherInfo,
    "FixVoucherInfo": FixVoucherInfo,
    "SpecialVoucherInfo": SpecialVoucherInfo,
    "VoucherDeductInfo": VoucherDeductInfo,
    "PaymentVoucherDisplayInfo": PaymentVoucherDisplayInfo,
    "VoucherDisplayPatternInfo": VoucherDisplayPatternInfo,
    "VoucherPackageModeInfo": VoucherPackageModeInfo,
    "BizfundSettleInfo": BizfundSettleInfo,
    "VoucherSaleModeInfo": VoucherSaleModeInfo,
    "VoucherSendRuleInfo": VoucherSendRuleInfo,
    "VoucherSendModeInfo": VoucherSendModeInfo,
    "PaymentVoucherSendRule": PaymentVoucherSendRule,
    "PaymentVoucherAvailableGoods": PaymentVoucherAvailableGoods,
    "PaymentVoucherAvailableMerchant": PaymentVoucherAvailableMerchant,
    "PaymentFixVoucher": PaymentFixVoucher,
    "PaymentVoucherValidPeriod": PaymentVoucherValidPeriod,
    "PaymentVoucherUseRule": PaymentVoucherUseRule,
    "DateRangeInfo": DateRangeInfo,
    "EndTimeInfo": EndTimeInfo,
    "TimeRangeInfo": TimeRangeInfo,
    "DateRuleInfo": DateRuleInfo,
    "HolidayRuleInfo": HolidayRuleInfo,
    "WeekRuleInfo": WeekRuleInfo,
    "VoucherUseTimeRuleInfo": VoucherUseTimeRuleInfo,
    "TimeRestrictInfo": TimeRestrictInfo,
    "VoucherAbsolutePeriodInfo": VoucherAbsolutePeriodInfo,
    "VoucherRelativePeriodInfo": VoucherRelativePeriodInfo,
    "VoucherUseTimeInfo": VoucherUseTimeInfo,
    "VoucherUseRuleInfo": VoucherUseRuleInfo,
    "AlipayMarketingActivityVoucherCreateModel": VoucherCreateRequest,
    "AlipayMarketingActivityVoucherCreateResponseModel": VoucherCreateResponse,
    "AlipayMarketingActivityVoucherCreateErrorResponseModel": VoucherCreateErrorResponse,
    "alipay_marketing_activity_voucher_create_default_response": VoucherCreateDefaultResponse,
    "PaymentVoucherAvailableGoodsModify": PaymentVoucherAvailableGoodsModify,
    "PaymentVoucherAvailableMerchantModify": PaymentVoucherAvailableMerchantModify,
    "PaymentVoucherValidPeriodModify": PaymentVoucherValidPeriodModify,
    "PaymentVoucherUseRuleModify": PaymentVoucherUseRuleModify,
    "AlipayMarketingActivityVoucherModifyModel": VoucherModifyRequest,
    "AlipayMarketingActivityVoucherModifyResponseModel": VoucherModifyResponse,
    "AlipayMarketingActivityVoucherModifyErrorResponseModel": VoucherModifyErrorResponse,
    "alipay_marketing_activity_voucher_modify_default_response": VoucherModifyDefaultResponse,
    "AlipayMarketingActivityVoucherPublishModel": VoucherPublishRequest,
    "AlipayMarketingActivityVoucherPublishResponseModel": VoucherPublishResponse,
    "AlipayMarketingActivityVoucherPublishErrorResponseModel": VoucherPublishErrorResponse,
    "alipay_marketing_activity_voucher_publish_default_response": VoucherPublishDefaultResponse,
    "AuditResultInfo": AuditResultInfo,
    "VoucherSummary": VoucherSummary,
    "VoucherInventoryInfo": VoucherInventoryInfo,
    "PaymentVoucherUseRuleDetail": PaymentVoucherUseRuleDetail,
    "AlipayMarketingActivityVoucherQueryResponseModel": VoucherQueryResponse,
    "AlipayMarketingActivityVoucherQueryErrorResponseModel": VoucherQueryErrorResponse,
    "alipay_marketing_activity_voucher_query_default_response": VoucherQueryDefaultResponse,
    "AlipayMarketingActivityVoucherSendModel": VoucherSendRequest,
    "AlipayMarketingActivityVoucherSendResponseModel": VoucherSendResponse,
    "AlipayMarketingActivityVoucherSendErrorResponseModel": VoucherSendErrorResponse,
    "alipay_marketing_activity_voucher_send_default_response": VoucherSendDefaultResponse,
    "AlipayMarketingActivityVoucherStopModel": VoucherStopRequest,
    "AlipayMarketingActivityVoucherStopResponseModel": VoucherStopResponse,
    "AlipayMarketingActivityVoucherStopErrorResponseModel": VoucherStopErrorResponse,
    "alipay_marketing_activity_voucher_stop_default_response": VoucherStopDefaultResponse,
}
"""Spec schema name -> model, for every schema of the spec."""

ENUMS: tuple[type[OpenEnum], ...] = (
    ActivityStatus,
    AuditResult,
    AuditType,
    BudgetType,
    BusinessType,
    CodeMode,
    CommonErrorCode,
    DirectionalType,
    EndTimeType,
    ExchangeBizType,
    LimitPeriodType,
    MerchantAccessMode,
    MerchantIdType,
    RechargeType,
    TimeRuleType,
    UseGuideMode,
    UseMode,
    ValidDaysRelativeType,
    ValidPeriodType,
    VoucherAppendErrorCode,
    VoucherCreateErrorCode,
    VoucherModifyErrorCode,
    VoucherPublishErrorCode,
    VoucherQueryErrorCode,
    VoucherSendErrorCode,
    VoucherSendMode,
    VoucherStopErrorCode,
    VoucherType,
)
"""Every open enum, in name order."""
