from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Optional as _Optional

ACCESS_UNDECLARED: ErrorReason
ACKS_NOT_READ: ErrorReason
AMBIGUOUS_TRACKING_NUMBER: ErrorReason
API_KEY_NOT_FOUND: ErrorReason
CALL_CANCELLED: ErrorReason
CANCELLED: ErrorReason
CANNOT_DEACTIVATE_SELF: ErrorReason
CHANGE_EVENT_NOT_FOUND: ErrorReason
CONCURRENT_MODIFICATION: ErrorReason
CURSOR_EXPIRED: ErrorReason
CYCLE_COUNT_ALREADY_OPEN: ErrorReason
CYCLE_COUNT_NOT_FOUND: ErrorReason
CYCLE_COUNT_NOT_OPEN: ErrorReason
DATABASE_UNAVAILABLE: ErrorReason
DEADLINE_EXCEEDED: ErrorReason
DEFAULT_LOCATION: ErrorReason
DESCRIPTOR: _descriptor.FileDescriptor
EMAIL_TAKEN: ErrorReason
ERROR_REASON_UNSPECIFIED: ErrorReason
ETAG_MISMATCH: ErrorReason
ILLEGAL_STATUS_TRANSITION: ErrorReason
INSUFFICIENT_STOCK: ErrorReason
INTERNAL: ErrorReason
INVALID_ARGUMENT: ErrorReason
INVALID_CREDENTIALS: ErrorReason
INVALID_TOKEN: ErrorReason
INVALID_VALUE: ErrorReason
LAST_ADMIN: ErrorReason
LIVE_UPDATES_UNAVAILABLE: ErrorReason
LOCATION_CODE_TAKEN: ErrorReason
LOCATION_INACTIVE: ErrorReason
LOCATION_NOT_EMPTY: ErrorReason
LOCATION_NOT_FOUND: ErrorReason
LOGIN_THROTTLED: ErrorReason
LOT_DATES_MISMATCH: ErrorReason
LOT_EXPIRED: ErrorReason
LOT_NOT_FOUND: ErrorReason
LOT_NOT_TRACKED: ErrorReason
LOT_NUMBER_TAKEN: ErrorReason
LOT_REQUIRED: ErrorReason
MALFORMED_REQUEST: ErrorReason
METADATA_KEYS_FIELD_NUMBER: _ClassVar[int]
MISSING_CREDENTIALS: ErrorReason
NOT_A_USER_SESSION: ErrorReason
NOT_IMPLEMENTED: ErrorReason
OPERATOR_ONLY_FIELD: ErrorReason
ORGANIZATION_NAME_TAKEN: ErrorReason
ORGANIZATION_NOT_FOUND: ErrorReason
ORGANIZATION_SUSPENDED: ErrorReason
OVER_RECEIPT: ErrorReason
PASSWORD_HASHING_BUSY: ErrorReason
PERMISSION_DENIED: ErrorReason
PRODUCT_ARCHIVED: ErrorReason
PRODUCT_NOT_FOUND: ErrorReason
PRODUCT_NOT_ON_PURCHASE_ORDER: ErrorReason
PRODUCT_NOT_ORDERABLE: ErrorReason
PURCHASE_ORDER_HAS_NO_ITEMS: ErrorReason
PURCHASE_ORDER_IS_APPROVED: ErrorReason
PURCHASE_ORDER_IS_CANCELLED: ErrorReason
PURCHASE_ORDER_IS_CLOSED: ErrorReason
PURCHASE_ORDER_IS_DRAFT: ErrorReason
PURCHASE_ORDER_IS_PARTIALLY_RECEIVED: ErrorReason
PURCHASE_ORDER_IS_RECEIVED: ErrorReason
PURCHASE_ORDER_IS_SUBMITTED: ErrorReason
PURCHASE_ORDER_ITEM_NOT_FOUND: ErrorReason
PURCHASE_ORDER_NOT_FOUND: ErrorReason
REQUEST_ID_REUSED: ErrorReason
REQUEST_TOO_LARGE: ErrorReason
RESERVATION_EXPIRED: ErrorReason
RESERVATION_NOT_ACTIVE: ErrorReason
RESERVATION_NOT_FOUND: ErrorReason
ROLE_IN_USE: ErrorReason
ROLE_NAME_TAKEN: ErrorReason
ROLE_NOT_FOUND: ErrorReason
SERIAL_NUMBERS_NOT_TRACKED: ErrorReason
SERIAL_NUMBERS_REQUIRED: ErrorReason
SERIAL_NUMBER_IN_STOCK: ErrorReason
SERIAL_NUMBER_NOT_AVAILABLE: ErrorReason
SERIAL_NUMBER_NOT_FOUND: ErrorReason
SERVER_SHUTTING_DOWN: ErrorReason
SERVICE_NOT_FOUND: ErrorReason
SHIPMENT_NOT_FOUND: ErrorReason
SKU_TAKEN: ErrorReason
STATEMENT_TIMEOUT: ErrorReason
STOCK_LIMIT_EXCEEDED: ErrorReason
STREAM_LIMIT_REACHED: ErrorReason
SUPPLIER_INACTIVE: ErrorReason
SUPPLIER_NAME_TAKEN: ErrorReason
SUPPLIER_NOT_FOUND: ErrorReason
SYSTEM_ROLE_IMMUTABLE: ErrorReason
TOO_MANY_CONCURRENT_LOGINS: ErrorReason
TRACKING_CHANGE_WITH_STOCK: ErrorReason
TRACKING_NUMBER_TAKEN: ErrorReason
UNAUTHENTICATED: ErrorReason
UPDATE_ID_REUSED: ErrorReason
USER_NOT_FOUND: ErrorReason
WAREHOUSE_CODE_TAKEN: ErrorReason
WAREHOUSE_INACTIVE: ErrorReason
WAREHOUSE_NOT_FOUND: ErrorReason
WATCHER_TOO_SLOW: ErrorReason
WEBHOOK_SUBSCRIPTION_NOT_FOUND: ErrorReason
metadata_keys: _descriptor.FieldDescriptor

class ErrorMetadataKeys(_message.Message):
    __slots__ = ["always", "sometimes"]
    ALWAYS_FIELD_NUMBER: _ClassVar[int]
    SOMETIMES_FIELD_NUMBER: _ClassVar[int]
    always: _containers.RepeatedScalarFieldContainer[str]
    sometimes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, always: _Optional[_Iterable[str]] = ..., sometimes: _Optional[_Iterable[str]] = ...) -> None: ...

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
