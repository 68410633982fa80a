from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
PURCHASE_ORDER_STATUS_APPROVED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_CANCELLED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_CLOSED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_DRAFT: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_RECEIVED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_SUBMITTED: PurchaseOrderStatus
PURCHASE_ORDER_STATUS_UNSPECIFIED: PurchaseOrderStatus
SUPPLIER_STATUS_ACTIVE: SupplierStatus
SUPPLIER_STATUS_INACTIVE: SupplierStatus
SUPPLIER_STATUS_UNSPECIFIED: SupplierStatus

class PurchaseOrder(_message.Message):
    __slots__ = ["approve_time", "approved_by", "cancel_reason", "cancel_time", "close_time", "create_time", "created_by", "currency_code", "etag", "id", "item_count", "items", "notes", "over_receipt_tolerance_percent", "po_number", "receive_time", "status", "submit_time", "supplier_id", "total_amount", "update_time"]
    APPROVED_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CANCEL_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OVER_RECEIPT_TOLERANCE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PO_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    approve_time: _timestamp_pb2.Timestamp
    approved_by: str
    cancel_reason: str
    cancel_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    created_by: str
    currency_code: str
    etag: str
    id: str
    item_count: int
    items: _containers.RepeatedCompositeFieldContainer[PurchaseOrderItem]
    notes: str
    over_receipt_tolerance_percent: int
    po_number: str
    receive_time: _timestamp_pb2.Timestamp
    status: PurchaseOrderStatus
    submit_time: _timestamp_pb2.Timestamp
    supplier_id: str
    total_amount: _money_pb2.Money
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., po_number: _Optional[str] = ..., supplier_id: _Optional[str] = ..., status: _Optional[_Union[PurchaseOrderStatus, str]] = ..., currency_code: _Optional[str] = ..., items: _Optional[_Iterable[_Union[PurchaseOrderItem, _Mapping]]] = ..., total_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., over_receipt_tolerance_percent: _Optional[int] = ..., notes: _Optional[str] = ..., item_count: _Optional[int] = ..., created_by: _Optional[str] = ..., submit_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., approve_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., approved_by: _Optional[str] = ..., receive_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_reason: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class PurchaseOrderItem(_message.Message):
    __slots__ = ["expected_date", "id", "line_number", "line_total", "product_id", "quantity_ordered", "quantity_received", "unit_price"]
    EXPECTED_DATE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LINE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ORDERED_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    expected_date: _date_pb2.Date
    id: str
    line_number: int
    line_total: _money_pb2.Money
    product_id: str
    quantity_ordered: int
    quantity_received: int
    unit_price: _money_pb2.Money
    def __init__(self, id: _Optional[str] = ..., line_number: _Optional[int] = ..., product_id: _Optional[str] = ..., quantity_ordered: _Optional[int] = ..., quantity_received: _Optional[int] = ..., unit_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., line_total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., expected_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ["id", "lines", "notes", "purchase_order_id", "receive_time", "received_by", "warehouse_id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_BY_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    lines: _containers.RepeatedCompositeFieldContainer[ReceiptLine]
    notes: str
    purchase_order_id: str
    receive_time: _timestamp_pb2.Timestamp
    received_by: str
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., purchase_order_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ReceiptLine, _Mapping]]] = ..., received_by: _Optional[str] = ..., receive_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., notes: _Optional[str] = ...) -> None: ...

class ReceiptLine(_message.Message):
    __slots__ = ["expiry_date", "inventory_transaction_id", "lot_id", "lot_number", "manufacture_date", "product_id", "purchase_order_item_id", "quantity", "serial_numbers", "supplier_lot_reference"]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURE_DATE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_LOT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    expiry_date: _date_pb2.Date
    inventory_transaction_id: str
    lot_id: str
    lot_number: str
    manufacture_date: _date_pb2.Date
    product_id: str
    purchase_order_item_id: str
    quantity: int
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    supplier_lot_reference: str
    def __init__(self, purchase_order_item_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., inventory_transaction_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., expiry_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., manufacture_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., supplier_lot_reference: _Optional[str] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., lot_id: _Optional[str] = ...) -> None: ...

class Supplier(_message.Message):
    __slots__ = ["address", "contact_name", "create_time", "default_lead_time_days", "email", "etag", "id", "name", "payment_terms", "performance", "phone", "rating", "status", "update_time"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LEAD_TIME_DAYS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TERMS_FIELD_NUMBER: _ClassVar[int]
    PERFORMANCE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    address: str
    contact_name: str
    create_time: _timestamp_pb2.Timestamp
    default_lead_time_days: int
    email: str
    etag: str
    id: str
    name: str
    payment_terms: str
    performance: SupplierPerformance
    phone: str
    rating: int
    status: SupplierStatus
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., contact_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[str] = ..., status: _Optional[_Union[SupplierStatus, str]] = ..., rating: _Optional[int] = ..., default_lead_time_days: _Optional[int] = ..., payment_terms: _Optional[str] = ..., performance: _Optional[_Union[SupplierPerformance, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class SupplierPerformance(_message.Message):
    __slots__ = ["average_lead_time_days", "fill_rate", "measured_line_count", "on_time_rate", "receipt_count"]
    AVERAGE_LEAD_TIME_DAYS_FIELD_NUMBER: _ClassVar[int]
    FILL_RATE_FIELD_NUMBER: _ClassVar[int]
    MEASURED_LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_RATE_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    average_lead_time_days: float
    fill_rate: float
    measured_line_count: int
    on_time_rate: float
    receipt_count: int
    def __init__(self, on_time_rate: _Optional[float] = ..., fill_rate: _Optional[float] = ..., average_lead_time_days: _Optional[float] = ..., measured_line_count: _Optional[int] = ..., receipt_count: _Optional[int] = ...) -> None: ...

class SupplierStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class PurchaseOrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
