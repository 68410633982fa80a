from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AdjustStockRequest(_message.Message):
    __slots__ = ["counted_quantity", "location_id", "lot_id", "note", "product_id", "quantity_delta", "reason", "reference", "request_id", "serial_numbers", "warehouse_id"]
    COUNTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_DELTA_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    counted_quantity: int
    location_id: str
    lot_id: str
    note: str
    product_id: str
    quantity_delta: int
    reason: _resources_pb2.AdjustmentReason
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., reason: _Optional[_Union[_resources_pb2.AdjustmentReason, str]] = ..., quantity_delta: _Optional[int] = ..., counted_quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ..., location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., serial_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class AdjustStockResponse(_message.Message):
    __slots__ = ["stock_level", "transaction"]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    stock_level: _resources_pb2.StockLevel
    transaction: _resources_pb2.InventoryTransaction
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transaction: _Optional[_Union[_resources_pb2.InventoryTransaction, _Mapping]] = ...) -> None: ...

class FulfillReservationRequest(_message.Message):
    __slots__ = ["note", "request_id", "reservation_id"]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    note: str
    request_id: str
    reservation_id: str
    def __init__(self, reservation_id: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class FulfillReservationResponse(_message.Message):
    __slots__ = ["reservation", "stock_level", "transaction"]
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    reservation: _resources_pb2.Reservation
    stock_level: _resources_pb2.StockLevel
    transaction: _resources_pb2.InventoryTransaction
    def __init__(self, reservation: _Optional[_Union[_resources_pb2.Reservation, _Mapping]] = ..., stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transaction: _Optional[_Union[_resources_pb2.InventoryTransaction, _Mapping]] = ...) -> None: ...

class GetProductInventoryRequest(_message.Message):
    __slots__ = ["include_balances", "include_inbound", "sku"]
    INCLUDE_BALANCES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INBOUND_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    include_balances: bool
    include_inbound: bool
    sku: str
    def __init__(self, sku: _Optional[str] = ..., include_inbound: bool = ..., include_balances: bool = ...) -> None: ...

class GetProductInventoryResponse(_message.Message):
    __slots__ = ["product", "total_available", "total_damaged", "total_in_transit", "total_incoming", "total_on_hand", "total_on_hold", "total_reserved", "warehouses"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DAMAGED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_INCOMING_FIELD_NUMBER: _ClassVar[int]
    TOTAL_IN_TRANSIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ON_HOLD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_RESERVED_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSES_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    total_available: int
    total_damaged: int
    total_in_transit: int
    total_incoming: int
    total_on_hand: int
    total_on_hold: int
    total_reserved: int
    warehouses: _containers.RepeatedCompositeFieldContainer[WarehouseStock]
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ..., warehouses: _Optional[_Iterable[_Union[WarehouseStock, _Mapping]]] = ..., total_on_hand: _Optional[int] = ..., total_reserved: _Optional[int] = ..., total_available: _Optional[int] = ..., total_on_hold: _Optional[int] = ..., total_damaged: _Optional[int] = ..., total_in_transit: _Optional[int] = ..., total_incoming: _Optional[int] = ...) -> None: ...

class GetReservationRequest(_message.Message):
    __slots__ = ["reservation_id"]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    reservation_id: str
    def __init__(self, reservation_id: _Optional[str] = ...) -> None: ...

class GetReservationResponse(_message.Message):
    __slots__ = ["reservation"]
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    reservation: _resources_pb2.Reservation
    def __init__(self, reservation: _Optional[_Union[_resources_pb2.Reservation, _Mapping]] = ...) -> None: ...

class GetStockLevelRequest(_message.Message):
    __slots__ = ["product_id", "warehouse_id"]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ...) -> None: ...

class GetStockLevelResponse(_message.Message):
    __slots__ = ["stock_level"]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    stock_level: _resources_pb2.StockLevel
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ...) -> None: ...

class IssueStockRequest(_message.Message):
    __slots__ = ["allow_expired", "location_id", "lots", "note", "product_id", "quantity", "reference", "request_id", "serial_numbers", "warehouse_id"]
    ALLOW_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    allow_expired: bool
    location_id: str
    lots: _containers.RepeatedCompositeFieldContainer[_resources_pb2.LotPick]
    note: str
    product_id: str
    quantity: int
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ..., location_id: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[_resources_pb2.LotPick, _Mapping]]] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., allow_expired: bool = ...) -> None: ...

class IssueStockResponse(_message.Message):
    __slots__ = ["stock_level", "transaction", "transactions"]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    stock_level: _resources_pb2.StockLevel
    transaction: _resources_pb2.InventoryTransaction
    transactions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transaction: _Optional[_Union[_resources_pb2.InventoryTransaction, _Mapping]] = ..., transactions: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ...) -> None: ...

class ListInventoryTransactionsRequest(_message.Message):
    __slots__ = ["end_time", "location_id", "lot_id", "page_size", "page_token", "product_id", "start_time", "type", "warehouse_id"]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    end_time: _timestamp_pb2.Timestamp
    location_id: str
    lot_id: str
    page_size: int
    page_token: str
    product_id: str
    start_time: _timestamp_pb2.Timestamp
    type: _resources_pb2.InventoryTransactionType
    warehouse_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., product_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., type: _Optional[_Union[_resources_pb2.InventoryTransactionType, str]] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., location_id: _Optional[str] = ..., lot_id: _Optional[str] = ...) -> None: ...

class ListInventoryTransactionsResponse(_message.Message):
    __slots__ = ["next_page_token", "transactions"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    transactions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    def __init__(self, transactions: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListReservationsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "product_id", "status", "warehouse_id"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    product_id: str
    status: _resources_pb2.ReservationStatus
    warehouse_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., product_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.ReservationStatus, str]] = ...) -> None: ...

class ListReservationsResponse(_message.Message):
    __slots__ = ["next_page_token", "reservations"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESERVATIONS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    reservations: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Reservation]
    def __init__(self, reservations: _Optional[_Iterable[_Union[_resources_pb2.Reservation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListStockBalancesRequest(_message.Message):
    __slots__ = ["include_empty", "location_id", "lot_id", "page_size", "page_token", "product_id", "warehouse_id"]
    INCLUDE_EMPTY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    include_empty: bool
    location_id: str
    lot_id: str
    page_size: int
    page_token: str
    product_id: str
    warehouse_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., location_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., include_empty: bool = ...) -> None: ...

class ListStockBalancesResponse(_message.Message):
    __slots__ = ["balances", "next_page_token"]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[_resources_pb2.StockBalance]
    next_page_token: str
    def __init__(self, balances: _Optional[_Iterable[_Union[_resources_pb2.StockBalance, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListStockLevelsRequest(_message.Message):
    __slots__ = ["include_inbound", "low_stock_only", "page_size", "page_token", "product_id", "warehouse_id"]
    INCLUDE_INBOUND_FIELD_NUMBER: _ClassVar[int]
    LOW_STOCK_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    include_inbound: bool
    low_stock_only: bool
    page_size: int
    page_token: str
    product_id: str
    warehouse_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., product_id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., low_stock_only: bool = ..., include_inbound: bool = ...) -> None: ...

class ListStockLevelsResponse(_message.Message):
    __slots__ = ["next_page_token", "stock_levels"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVELS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    stock_levels: _containers.RepeatedCompositeFieldContainer[_resources_pb2.StockLevel]
    def __init__(self, stock_levels: _Optional[_Iterable[_Union[_resources_pb2.StockLevel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MoveStockRequest(_message.Message):
    __slots__ = ["destination_location_id", "lot_id", "note", "product_id", "quantity", "reference", "request_id", "serial_numbers", "source_location_id", "warehouse_id"]
    DESTINATION_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    destination_location_id: str
    lot_id: str
    note: str
    product_id: str
    quantity: int
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    source_location_id: str
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., source_location_id: _Optional[str] = ..., destination_location_id: _Optional[str] = ..., quantity: _Optional[int] = ..., lot_id: _Optional[str] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class MoveStockResponse(_message.Message):
    __slots__ = ["balances", "stock_level", "transactions"]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[_resources_pb2.StockBalance]
    stock_level: _resources_pb2.StockLevel
    transactions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transactions: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ..., balances: _Optional[_Iterable[_Union[_resources_pb2.StockBalance, _Mapping]]] = ...) -> None: ...

class ReceiveStockRequest(_message.Message):
    __slots__ = ["location_id", "lot", "note", "product_id", "quantity", "reference", "request_id", "serial_numbers", "warehouse_id"]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    lot: _resources_pb2.ReceiptLot
    note: str
    product_id: str
    quantity: int
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ..., location_id: _Optional[str] = ..., lot: _Optional[_Union[_resources_pb2.ReceiptLot, _Mapping]] = ..., serial_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class ReceiveStockResponse(_message.Message):
    __slots__ = ["balance", "stock_level", "transaction"]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    balance: _resources_pb2.StockBalance
    stock_level: _resources_pb2.StockLevel
    transaction: _resources_pb2.InventoryTransaction
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transaction: _Optional[_Union[_resources_pb2.InventoryTransaction, _Mapping]] = ..., balance: _Optional[_Union[_resources_pb2.StockBalance, _Mapping]] = ...) -> None: ...

class ReleaseReservationRequest(_message.Message):
    __slots__ = ["request_id", "reservation_id"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    reservation_id: str
    def __init__(self, reservation_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReleaseReservationResponse(_message.Message):
    __slots__ = ["reservation", "stock_level"]
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    reservation: _resources_pb2.Reservation
    stock_level: _resources_pb2.StockLevel
    def __init__(self, reservation: _Optional[_Union[_resources_pb2.Reservation, _Mapping]] = ..., stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ...) -> None: ...

class ReserveStockRequest(_message.Message):
    __slots__ = ["allow_expired", "expire_time", "location_id", "lots", "product_id", "quantity", "reference", "request_id", "serial_numbers", "ttl", "warehouse_id"]
    ALLOW_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    allow_expired: bool
    expire_time: _timestamp_pb2.Timestamp
    location_id: str
    lots: _containers.RepeatedCompositeFieldContainer[_resources_pb2.LotPick]
    product_id: str
    quantity: int
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    ttl: _duration_pb2.Duration
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., ttl: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ..., location_id: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[_resources_pb2.LotPick, _Mapping]]] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., allow_expired: bool = ...) -> None: ...

class ReserveStockResponse(_message.Message):
    __slots__ = ["reservation", "stock_level"]
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    reservation: _resources_pb2.Reservation
    stock_level: _resources_pb2.StockLevel
    def __init__(self, reservation: _Optional[_Union[_resources_pb2.Reservation, _Mapping]] = ..., stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ...) -> None: ...

class TransferStockRequest(_message.Message):
    __slots__ = ["allow_expired", "destination_location_id", "destination_warehouse_id", "lots", "note", "product_id", "quantity", "reference", "request_id", "serial_numbers", "source_location_id", "source_warehouse_id"]
    ALLOW_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    allow_expired: bool
    destination_location_id: str
    destination_warehouse_id: str
    lots: _containers.RepeatedCompositeFieldContainer[_resources_pb2.LotPick]
    note: str
    product_id: str
    quantity: int
    reference: str
    request_id: str
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    source_location_id: str
    source_warehouse_id: str
    def __init__(self, product_id: _Optional[str] = ..., source_warehouse_id: _Optional[str] = ..., destination_warehouse_id: _Optional[str] = ..., quantity: _Optional[int] = ..., note: _Optional[str] = ..., reference: _Optional[str] = ..., request_id: _Optional[str] = ..., source_location_id: _Optional[str] = ..., destination_location_id: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[_resources_pb2.LotPick, _Mapping]]] = ..., serial_numbers: _Optional[_Iterable[str]] = ..., allow_expired: bool = ...) -> None: ...

class TransferStockResponse(_message.Message):
    __slots__ = ["destination_stock_level", "source_stock_level", "transactions"]
    DESTINATION_STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    destination_stock_level: _resources_pb2.StockLevel
    source_stock_level: _resources_pb2.StockLevel
    transactions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    def __init__(self, source_stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., destination_stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., transactions: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ...) -> None: ...

class UpdateStockLevelRequest(_message.Message):
    __slots__ = ["request_id", "stock_level", "update_mask"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    stock_level: _resources_pb2.StockLevel
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateStockLevelResponse(_message.Message):
    __slots__ = ["stock_level"]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    stock_level: _resources_pb2.StockLevel
    def __init__(self, stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ...) -> None: ...

class WarehouseStock(_message.Message):
    __slots__ = ["balances", "stock_level", "warehouse_code", "warehouse_name", "warehouse_status"]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    STOCK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_CODE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_NAME_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_STATUS_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[_resources_pb2.StockBalance]
    stock_level: _resources_pb2.StockLevel
    warehouse_code: str
    warehouse_name: str
    warehouse_status: _resources_pb2.WarehouseStatus
    def __init__(self, warehouse_code: _Optional[str] = ..., warehouse_name: _Optional[str] = ..., warehouse_status: _Optional[_Union[_resources_pb2.WarehouseStatus, str]] = ..., stock_level: _Optional[_Union[_resources_pb2.StockLevel, _Mapping]] = ..., balances: _Optional[_Iterable[_Union[_resources_pb2.StockBalance, _Mapping]]] = ...) -> None: ...
