from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from google.type import postal_address_pb2 as _postal_address_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ADJUSTMENT_REASON_CORRECTION: AdjustmentReason
ADJUSTMENT_REASON_CYCLE_COUNT: AdjustmentReason
ADJUSTMENT_REASON_DAMAGED: AdjustmentReason
ADJUSTMENT_REASON_EXPIRED_GOODS: AdjustmentReason
ADJUSTMENT_REASON_FOUND: AdjustmentReason
ADJUSTMENT_REASON_LOST: AdjustmentReason
ADJUSTMENT_REASON_RETURNED: AdjustmentReason
ADJUSTMENT_REASON_UNSPECIFIED: AdjustmentReason
CYCLE_COUNT_STATUS_CANCELLED: CycleCountStatus
CYCLE_COUNT_STATUS_OPEN: CycleCountStatus
CYCLE_COUNT_STATUS_POSTED: CycleCountStatus
CYCLE_COUNT_STATUS_UNSPECIFIED: CycleCountStatus
DESCRIPTOR: _descriptor.FileDescriptor
INVENTORY_TRANSACTION_TYPE_ADJUST: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_EXPIRE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_ISSUE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_MOVE_IN: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_MOVE_OUT: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RECEIVE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RELEASE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_RESERVE: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_TRANSFER_IN: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT: InventoryTransactionType
INVENTORY_TRANSACTION_TYPE_UNSPECIFIED: InventoryTransactionType
LOCATION_STATUS_ACTIVE: LocationStatus
LOCATION_STATUS_INACTIVE: LocationStatus
LOCATION_STATUS_UNSPECIFIED: LocationStatus
LOCATION_TYPE_DAMAGED: LocationType
LOCATION_TYPE_HOLD: LocationType
LOCATION_TYPE_PICKING: LocationType
LOCATION_TYPE_RECEIVING: LocationType
LOCATION_TYPE_SHIPPING: LocationType
LOCATION_TYPE_STORAGE: LocationType
LOCATION_TYPE_UNSPECIFIED: LocationType
PRODUCT_STATUS_ACTIVE: ProductStatus
PRODUCT_STATUS_ARCHIVED: ProductStatus
PRODUCT_STATUS_DISCONTINUED: ProductStatus
PRODUCT_STATUS_UNSPECIFIED: ProductStatus
RESERVATION_STATUS_ACTIVE: ReservationStatus
RESERVATION_STATUS_EXPIRED: ReservationStatus
RESERVATION_STATUS_FULFILLED: ReservationStatus
RESERVATION_STATUS_RELEASED: ReservationStatus
RESERVATION_STATUS_UNSPECIFIED: ReservationStatus
SERIAL_NUMBER_STATUS_IN_STOCK: SerialNumberStatus
SERIAL_NUMBER_STATUS_IN_TRANSIT: SerialNumberStatus
SERIAL_NUMBER_STATUS_ISSUED: SerialNumberStatus
SERIAL_NUMBER_STATUS_RESERVED: SerialNumberStatus
SERIAL_NUMBER_STATUS_UNSPECIFIED: SerialNumberStatus
STOCK_STATE_AVAILABLE: StockState
STOCK_STATE_DAMAGED: StockState
STOCK_STATE_ON_HOLD: StockState
STOCK_STATE_UNSPECIFIED: StockState
WAREHOUSE_STATUS_ACTIVE: WarehouseStatus
WAREHOUSE_STATUS_INACTIVE: WarehouseStatus
WAREHOUSE_STATUS_UNSPECIFIED: WarehouseStatus

class CycleCount(_message.Message):
    __slots__ = ["blind", "create_time", "created_by", "etag", "id", "lines", "location_id", "note", "post_time", "status", "warehouse_id"]
    BLIND_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    POST_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    blind: bool
    create_time: _timestamp_pb2.Timestamp
    created_by: str
    etag: str
    id: str
    lines: _containers.RepeatedCompositeFieldContainer[CycleCountLine]
    location_id: str
    note: str
    post_time: _timestamp_pb2.Timestamp
    status: CycleCountStatus
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., location_id: _Optional[str] = ..., status: _Optional[_Union[CycleCountStatus, str]] = ..., blind: bool = ..., note: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[CycleCountLine, _Mapping]]] = ..., created_by: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., post_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CycleCountLine(_message.Message):
    __slots__ = ["counted_quantity", "expected_quantity", "line_number", "lot_id", "product_id", "reason", "transaction_id", "variance"]
    COUNTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANCE_FIELD_NUMBER: _ClassVar[int]
    counted_quantity: int
    expected_quantity: int
    line_number: int
    lot_id: str
    product_id: str
    reason: AdjustmentReason
    transaction_id: str
    variance: int
    def __init__(self, line_number: _Optional[int] = ..., product_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., expected_quantity: _Optional[int] = ..., counted_quantity: _Optional[int] = ..., variance: _Optional[int] = ..., reason: _Optional[_Union[AdjustmentReason, str]] = ..., transaction_id: _Optional[str] = ...) -> None: ...

class InventoryTransaction(_message.Message):
    __slots__ = ["actor_id", "counted_quantity", "create_time", "cycle_count_id", "id", "location_id", "lot_id", "note", "on_hand_after", "on_hand_delta", "product_id", "reason", "reference", "reservation_id", "reserved_after", "reserved_delta", "serial_numbers", "transfer_id", "type", "warehouse_id"]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CYCLE_COUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_AFTER_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_DELTA_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVED_AFTER_FIELD_NUMBER: _ClassVar[int]
    RESERVED_DELTA_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    counted_quantity: int
    create_time: _timestamp_pb2.Timestamp
    cycle_count_id: str
    id: str
    location_id: str
    lot_id: str
    note: str
    on_hand_after: int
    on_hand_delta: int
    product_id: str
    reason: AdjustmentReason
    reference: str
    reservation_id: str
    reserved_after: int
    reserved_delta: int
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    transfer_id: str
    type: InventoryTransactionType
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., type: _Optional[_Union[InventoryTransactionType, str]] = ..., on_hand_delta: _Optional[int] = ..., reserved_delta: _Optional[int] = ..., on_hand_after: _Optional[int] = ..., reserved_after: _Optional[int] = ..., reason: _Optional[_Union[AdjustmentReason, str]] = ..., counted_quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., reservation_id: _Optional[str] = ..., transfer_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., cycle_count_id: _Optional[str] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ["code", "create_time", "etag", "id", "is_default", "name", "parent_id", "status", "type", "update_time", "warehouse_id"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    create_time: _timestamp_pb2.Timestamp
    etag: str
    id: str
    is_default: bool
    name: str
    parent_id: str
    status: LocationStatus
    type: LocationType
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., parent_id: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[LocationType, str]] = ..., status: _Optional[_Union[LocationStatus, str]] = ..., is_default: bool = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Lot(_message.Message):
    __slots__ = ["create_time", "etag", "expired", "expiry_date", "id", "lot_number", "manufacture_date", "note", "product_id", "supplier_lot_reference", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURE_DATE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_LOT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    etag: str
    expired: bool
    expiry_date: _date_pb2.Date
    id: str
    lot_number: str
    manufacture_date: _date_pb2.Date
    note: str
    product_id: str
    supplier_lot_reference: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., product_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., manufacture_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., expiry_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., supplier_lot_reference: _Optional[str] = ..., note: _Optional[str] = ..., expired: bool = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LotPick(_message.Message):
    __slots__ = ["location_id", "lot_id", "quantity"]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    quantity: int
    def __init__(self, lot_id: _Optional[str] = ..., location_id: _Optional[str] = ..., quantity: _Optional[int] = ...) -> None: ...

class Product(_message.Message):
    __slots__ = ["create_time", "description", "etag", "id", "lot_tracked", "name", "reorder_point", "reorder_quantity", "selling_price", "serial_tracked", "sku", "status", "supplier_id", "unit_cost", "unit_of_measure", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOT_TRACKED_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    REORDER_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SELLING_PRICE_FIELD_NUMBER: _ClassVar[int]
    SERIAL_TRACKED_FIELD_NUMBER: _ClassVar[int]
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
    lot_tracked: bool
    name: str
    reorder_point: int
    reorder_quantity: int
    selling_price: _money_pb2.Money
    serial_tracked: bool
    sku: str
    status: ProductStatus
    supplier_id: str
    unit_cost: _money_pb2.Money
    unit_of_measure: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., sku: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., unit_of_measure: _Optional[str] = ..., unit_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., selling_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reorder_point: _Optional[int] = ..., reorder_quantity: _Optional[int] = ..., status: _Optional[_Union[ProductStatus, str]] = ..., supplier_id: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., lot_tracked: bool = ..., serial_tracked: bool = ...) -> None: ...

class ReceiptLot(_message.Message):
    __slots__ = ["expiry_date", "lot_id", "lot_number", "manufacture_date", "supplier_lot_reference"]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURE_DATE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_LOT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    expiry_date: _date_pb2.Date
    lot_id: str
    lot_number: str
    manufacture_date: _date_pb2.Date
    supplier_lot_reference: str
    def __init__(self, lot_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., manufacture_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., expiry_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., supplier_lot_reference: _Optional[str] = ...) -> None: ...

class Reservation(_message.Message):
    __slots__ = ["allocations", "close_time", "create_time", "created_by", "etag", "expire_time", "id", "product_id", "quantity", "reference", "status", "update_time", "warehouse_id"]
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
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
    allocations: _containers.RepeatedCompositeFieldContainer[ReservationAllocation]
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
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., status: _Optional[_Union[ReservationStatus, str]] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., reference: _Optional[str] = ..., created_by: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., allocations: _Optional[_Iterable[_Union[ReservationAllocation, _Mapping]]] = ...) -> None: ...

class ReservationAllocation(_message.Message):
    __slots__ = ["location_id", "lot_id", "quantity", "serial_numbers"]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot_id: str
    quantity: int
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., quantity: _Optional[int] = ..., serial_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class SerialNumber(_message.Message):
    __slots__ = ["create_time", "id", "location_id", "lot_id", "product_id", "reservation_id", "serial_number", "status", "update_time", "warehouse_id"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    id: str
    location_id: str
    lot_id: str
    product_id: str
    reservation_id: str
    serial_number: str
    status: SerialNumberStatus
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., product_id: _Optional[str] = ..., serial_number: _Optional[str] = ..., lot_id: _Optional[str] = ..., status: _Optional[_Union[SerialNumberStatus, str]] = ..., warehouse_id: _Optional[str] = ..., location_id: _Optional[str] = ..., reservation_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StockBalance(_message.Message):
    __slots__ = ["expiry_date", "last_counted_time", "location_code", "location_id", "lot_id", "lot_number", "product_id", "quantity_available", "quantity_on_hand", "quantity_reserved", "state", "update_time", "warehouse_id"]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    LAST_COUNTED_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_CODE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RESERVED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    expiry_date: _date_pb2.Date
    last_counted_time: _timestamp_pb2.Timestamp
    location_code: str
    location_id: str
    lot_id: str
    lot_number: str
    product_id: str
    quantity_available: int
    quantity_on_hand: int
    quantity_reserved: int
    state: StockState
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., location_id: _Optional[str] = ..., location_code: _Optional[str] = ..., product_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., lot_number: _Optional[str] = ..., expiry_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., quantity_on_hand: _Optional[int] = ..., quantity_reserved: _Optional[int] = ..., quantity_available: _Optional[int] = ..., state: _Optional[_Union[StockState, str]] = ..., last_counted_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StockLevel(_message.Message):
    __slots__ = ["etag", "low_stock", "product_id", "quantity_available", "quantity_damaged", "quantity_in_transit", "quantity_incoming", "quantity_on_hand", "quantity_on_hold", "quantity_reserved", "reorder_point", "reorder_point_overridden", "update_time", "warehouse_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    LOW_STOCK_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_DAMAGED_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_INCOMING_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_IN_TRANSIT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_ON_HOLD_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_RESERVED_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_FIELD_NUMBER: _ClassVar[int]
    REORDER_POINT_OVERRIDDEN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    low_stock: bool
    product_id: str
    quantity_available: int
    quantity_damaged: int
    quantity_in_transit: int
    quantity_incoming: int
    quantity_on_hand: int
    quantity_on_hold: int
    quantity_reserved: int
    reorder_point: int
    reorder_point_overridden: bool
    update_time: _timestamp_pb2.Timestamp
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity_on_hand: _Optional[int] = ..., quantity_reserved: _Optional[int] = ..., quantity_available: _Optional[int] = ..., reorder_point: _Optional[int] = ..., reorder_point_overridden: bool = ..., low_stock: bool = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., quantity_on_hold: _Optional[int] = ..., quantity_damaged: _Optional[int] = ..., quantity_in_transit: _Optional[int] = ..., quantity_incoming: _Optional[int] = ...) -> None: ...

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

class LocationType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LocationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class StockState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SerialNumberStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InventoryTransactionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AdjustmentReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ReservationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CycleCountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
