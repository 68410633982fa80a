from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.type import postal_address_pb2 as _postal_address_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

ADJUSTMENT_REASON_CORRECTION: AdjustmentReason
ADJUSTMENT_REASON_CYCLE_COUNT: AdjustmentReason
ADJUSTMENT_REASON_DAMAGED: AdjustmentReason
ADJUSTMENT_REASON_EXPIRED_GOODS: AdjustmentReason
ADJUSTMENT_REASON_FOUND: AdjustmentReason
ADJUSTMENT_REASON_LOST: AdjustmentReason
ADJUSTMENT_REASON_RETURNED: AdjustmentReason
ADJUSTMENT_REASON_UNSPECIFIED: AdjustmentReason
DESCRIPTOR: _descriptor.FileDescriptor
INVENTORY_TRANSACTION_TYPE_ADJUST: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_EXPIRE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_ISSUE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RECEIVE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RELEASE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RESERVE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_TRANSFER_IN: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_UNSPECIFIED: InventoryTransactionType
PRODUCT_STATUS_ACTIVE: ProductStatus
PRODUCT_STATUS_ARCHIVED: ProductStatus
PRODUCT_STATUS_DISCONTINUED: ProductStatus
PRODUCT_STATUS_UNSPECIFIED: ProductStatus
RESERVATION_STATUS_ACTIVE: ReservationStatus
RESERVATION_STATUS_EXPIRED: ReservationStatus
RESERVATION_STATUS_FULFILLED: ReservationStatus
RESERVATION_STATUS_RELEASED: ReservationStatus
RESERVATION_STATUS_UNSPECIFIED: ReservationStatus
WAREHOUSE_STATUS_ACTIVE: WarehouseStatus
WAREHOUSE_STATUS_INACTIVE: WarehouseStatus
WAREHOUSE_STATUS_UNSPECIFIED: WarehouseStatus

class InventoryTransaction(_message.Message):
    __slots__ = ["actor_id", "counted_quantity", "create_time", "id", "note", "on_hand_after", "on_hand_delta", "product_id", "reason", "reference", "reservation_id", "reserved_after", "reserved_delta", "transfer_id", "type", "warehouse_id"]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_AFTER_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_DELTA_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVED_AFTER_FIELD_NUMBER: _ClassVar[int]
    RESERVED_DELTA_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    counted_quantity: int
    create_time: _timestamp_pb2.Timestamp
    id: str
    note: str
    on_hand_after: int
    on_hand_delta: int
    product_id: str
    reason: AdjustmentReason
    reference: str
    reservation_id: str
    reserved_after: int
    reserved_delta: int
    transfer_id: str
    type: InventoryTransactionType
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., type: _Optional[_Union[InventoryTransactionType, str]] = ..., on_hand_delta: _Optional[int] = ..., reserved_delta: _Optional[int] = ..., on_hand_after: _Optional[int] = ..., reserved_after: _Optional[int] = ..., reason: _Optional[_Union[AdjustmentReason, str]] = ..., counted_quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., reservation_id: _Optional[str] = ..., transfer_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Product(_message.Message):
    __slots__ = ["create_time", "description", "etag", "id", "name", "reorder_point", "reorder_quantity", "selling_price", "sku", "status", "supplier_id", "unit_cost", "unit_of_measure", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    REORDER_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SELLING_PRICE_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_COST_FIELD_NUMBER: _ClassVar[int]
    UNIT_OF_MEASURE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    description: str
    etag: str
    id: str
    name: str
    reorder_point: int
    reorder_quantity: int
    selling_price: _money_pb2.Money
    sku: str
    status: ProductStatus
    supplier_id: str
    unit_cost: _money_pb2.Money
    unit_of_measure: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., sku: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., unit_of_measure: _Optional[str] = ..., unit_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., selling_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reorder_point: _Optional[int] = ..., reorder_quantity: _Optional[int] = ..., status: _Optional[_Union[ProductStatus, str]] = ..., supplier_id: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Reservation(_message.Message):
    __slots__ = ["close_time", "create_time", "created_by", "etag", "expire_time", "id", "product_id", "quantity", "reference", "status", "update_time", "warehouse_id"]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    close_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    created_by: str
    etag: str
    expire_time: _timestamp_pb2.Timestamp
    id: str
    product_id: str
    quantity: int
    reference: str
    status: ReservationStatus
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., status: _Optional[_Union[ReservationStatus, str]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., reference: _Optional[str] = ..., created_by: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StockLevel(_message.Message):
    __slots__ = ["etag", "low_stock", "product_id", "quantity_available", "quantity_on_hand", "quantity_reserved", "reorder_point", "reorder_point_overridden", "update_time", "warehouse_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    LOW_STOCK_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RESERVED_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_OVERRIDDEN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    low_stock: bool
    product_id: str
    quantity_available: int
    quantity_on_hand: int
    quantity_reserved: int
    reorder_point: int
    reorder_point_overridden: bool
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity_on_hand: _Optional[int] = ..., quantity_reserved: _Optional[int] = ..., quantity_available: _Optional[int] = ..., reorder_point: _Optional[int] = ..., reorder_point_overridden: bool = ..., low_stock: bool = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Warehouse(_message.Message):
    __slots__ = ["address", "capacity_units", "code", "create_time", "etag", "id", "manager_user_id", "name", "status", "update_time"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_UNITS_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MANAGER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    address: _postal_address_pb2.PostalAddress
    capacity_units: int
    code: str
    create_time: _timestamp_pb2.Timestamp
    etag: str
    id: str
    manager_user_id: str
    name: str
    status: WarehouseStatus
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., address: _Optional[_Union[_postal_address_pb2.PostalAddress, _Mapping]] = ..., capacity_units: _Optional[int] = ..., manager_user_id: _Optional[str] = ..., status: _Optional[_Union[WarehouseStatus, str]] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ProductStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class WarehouseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InventoryTransactionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AdjustmentReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ReservationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
