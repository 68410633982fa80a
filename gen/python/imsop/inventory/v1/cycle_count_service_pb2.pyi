from google.api import field_behavior_pb2 as _field_behavior_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CycleCountEntry(_message.Message):
    __slots__ = ["counted_quantity", "lot_id", "note", "product_id", "reason"]
    COUNTED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    counted_quantity: int
    lot_id: str
    note: str
    product_id: str
    reason: _resources_pb2.AdjustmentReason
    def __init__(self, product_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., counted_quantity: _Optional[int] = ..., reason: _Optional[_Union[_resources_pb2.AdjustmentReason, str]] = ..., note: _Optional[str] = ...) -> None: ...

class GetCycleCountRequest(_message.Message):
    __slots__ = ["cycle_count_id"]
    CYCLE_COUNT_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_count_id: str
    def __init__(self, cycle_count_id: _Optional[str] = ...) -> None: ...

class GetCycleCountResponse(_message.Message):
    __slots__ = ["cycle_count"]
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    cycle_count: _resources_pb2.CycleCount
    def __init__(self, cycle_count: _Optional[_Union[_resources_pb2.CycleCount, _Mapping]] = ...) -> None: ...

class PostCycleCountRequest(_message.Message):
    __slots__ = ["cycle_count_id", "etag", "request_id"]
    CYCLE_COUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_count_id: str
    etag: str
    request_id: str
    def __init__(self, cycle_count_id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class PostCycleCountResponse(_message.Message):
    __slots__ = ["cycle_count", "transactions"]
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    cycle_count: _resources_pb2.CycleCount
    transactions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InventoryTransaction]
    def __init__(self, cycle_count: _Optional[_Union[_resources_pb2.CycleCount, _Mapping]] = ..., transactions: _Optional[_Iterable[_Union[_resources_pb2.InventoryTransaction, _Mapping]]] = ...) -> None: ...

class RecordCycleCountEntriesRequest(_message.Message):
    __slots__ = ["cycle_count_id", "entries", "request_id"]
    CYCLE_COUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_count_id: str
    entries: _containers.RepeatedCompositeFieldContainer[CycleCountEntry]
    request_id: str
    def __init__(self, cycle_count_id: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[CycleCountEntry, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordCycleCountEntriesResponse(_message.Message):
    __slots__ = ["cycle_count"]
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    cycle_count: _resources_pb2.CycleCount
    def __init__(self, cycle_count: _Optional[_Union[_resources_pb2.CycleCount, _Mapping]] = ...) -> None: ...

class StartCycleCountRequest(_message.Message):
    __slots__ = ["blind", "location_id", "note", "request_id", "warehouse_id"]
    BLIND_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    blind: bool
    location_id: str
    note: str
    request_id: str
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., location_id: _Optional[str] = ..., blind: bool = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class StartCycleCountResponse(_message.Message):
    __slots__ = ["cycle_count"]
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    cycle_count: _resources_pb2.CycleCount
    def __init__(self, cycle_count: _Optional[_Union[_resources_pb2.CycleCount, _Mapping]] = ...) -> None: ...
