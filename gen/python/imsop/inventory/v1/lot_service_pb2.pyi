from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateLotRequest(_message.Message):
    __slots__ = ["lot", "request_id"]
    LOT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    lot: _resources_pb2.Lot
    request_id: str
    def __init__(self, lot: _Optional[_Union[_resources_pb2.Lot, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateLotResponse(_message.Message):
    __slots__ = ["lot"]
    LOT_FIELD_NUMBER: _ClassVar[int]
    lot: _resources_pb2.Lot
    def __init__(self, lot: _Optional[_Union[_resources_pb2.Lot, _Mapping]] = ...) -> None: ...

class ExpiringLot(_message.Message):
    __slots__ = ["days_to_expiry", "lot", "quantity_on_hand", "quantity_reserved"]
    DAYS_TO_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RESERVED_FIELD_NUMBER: _ClassVar[int]
    days_to_expiry: int
    lot: _resources_pb2.Lot
    quantity_on_hand: int
    quantity_reserved: int
    def __init__(self, lot: _Optional[_Union[_resources_pb2.Lot, _Mapping]] = ..., quantity_on_hand: _Optional[int] = ..., quantity_reserved: _Optional[int] = ..., days_to_expiry: _Optional[int] = ...) -> None: ...

class GetLotRequest(_message.Message):
    __slots__ = ["lot_id"]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    def __init__(self, lot_id: _Optional[str] = ...) -> None: ...

class GetLotResponse(_message.Message):
    __slots__ = ["lot", "quantity_on_hand", "quantity_reserved"]
    LOT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RESERVED_FIELD_NUMBER: _ClassVar[int]
    lot: _resources_pb2.Lot
    quantity_on_hand: int
    quantity_reserved: int
    def __init__(self, lot: _Optional[_Union[_resources_pb2.Lot, _Mapping]] = ..., quantity_on_hand: _Optional[int] = ..., quantity_reserved: _Optional[int] = ...) -> None: ...

class GetSerialNumberHistoryRequest(_message.Message):
    __slots__ = ["product_id", "serial_number", "serial_number_id"]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    serial_number: str
    serial_number_id: str
    def __init__(self, serial_number_id: _Optional[str] = ..., product_id: _Optional[str] = ..., serial_number: _Optional[str] = ...) -> None: ...

class GetSerialNumberHistoryResponse(_message.Message):
    __slots__ = ["history", "serial_number"]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    history: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    serial_number: _resources_pb2.SerialNumber
    def __init__(self, serial_number: _Optional[_Union[_resources_pb2.SerialNumber, _Mapping]] = ..., history: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ...) -> None: ...

class ListExpiringLotsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "product_id", "warehouse_id", "within_days"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    WITHIN_DAYS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    product_id: str
    warehouse_id: str
    within_days: int
    def __init__(self, within_days: _Optional[int] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListExpiringLotsResponse(_message.Message):
    __slots__ = ["lots", "next_page_token"]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lots: _containers.RepeatedCompositeFieldContainer[ExpiringLot]
    next_page_token: str
    def __init__(self, lots: _Optional[_Iterable[_Union[ExpiringLot, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListLotsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "product_id"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    product_id: str
    def __init__(self, product_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLotsResponse(_message.Message):
    __slots__ = ["lots", "next_page_token"]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lots: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Lot]
    next_page_token: str
    def __init__(self, lots: _Optional[_Iterable[_Union[_resources_pb2.Lot, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSerialNumbersRequest(_message.Message):
    __slots__ = ["lot_id", "page_size", "page_token", "product_id", "status", "warehouse_id"]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    page_size: int
    page_token: str
    product_id: str
    status: _resources_pb2.SerialNumberStatus
    warehouse_id: str
    def __init__(self, product_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.SerialNumberStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSerialNumbersResponse(_message.Message):
    __slots__ = ["next_page_token", "serial_numbers"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    serial_numbers: _containers.RepeatedCompositeFieldContainer[_resources_pb2.SerialNumber]
    def __init__(self, serial_numbers: _Optional[_Iterable[_Union[_resources_pb2.SerialNumber, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LotReceipt(_message.Message):
    __slots__ = ["location_id", "po_number", "purchase_order_id", "quantity", "receipt_id", "receive_time", "supplier_id", "transaction_id", "warehouse_id"]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    PO_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    po_number: str
    purchase_order_id: str
    quantity: int
    receipt_id: str
    receive_time: _timestamp_pb2.Timestamp
    supplier_id: str
    transaction_id: str
    warehouse_id: str
    def __init__(self, transaction_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., location_id: _Optional[str] = ..., quantity: _Optional[int] = ..., purchase_order_id: _Optional[str] = ..., po_number: _Optional[str] = ..., supplier_id: _Optional[str] = ..., receipt_id: _Optional[str] = ..., receive_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TraceLotRequest(_message.Message):
    __slots__ = ["lot_id"]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    def __init__(self, lot_id: _Optional[str] = ...) -> None: ...

class TraceLotResponse(_message.Message):
    __slots__ = ["lot", "movements", "quantity_issued", "quantity_on_hand", "quantity_received", "receipts", "shipment_ids"]
    LOT_FIELD_NUMBER: _ClassVar[int]
    MOVEMENTS_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ISSUED_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    lot: _resources_pb2.Lot
    movements: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    quantity_issued: int
    quantity_on_hand: int
    quantity_received: int
    receipts: _containers.RepeatedCompositeFieldContainer[LotReceipt]
    shipment_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, lot: _Optional[_Union[_resources_pb2.Lot, _Mapping]] = ..., receipts: _Optional[_Iterable[_Union[LotReceipt, _Mapping]]] = ..., movements: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ..., shipment_ids: _Optional[_Iterable[str]] = ..., quantity_received: _Optional[int] = ..., quantity_issued: _Optional[int] = ..., quantity_on_hand: _Optional[int] = ...) -> None: ...
