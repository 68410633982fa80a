from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ACTOR_KIND_API_KEY: ActorKind
ACTOR_KIND_SYSTEM: ActorKind
ACTOR_KIND_UNSPECIFIED: ActorKind
ACTOR_KIND_USER: ActorKind
DESCRIPTOR: _descriptor.FileDescriptor
DIMENSION_KIND_CARRIER: DimensionKind
DIMENSION_KIND_MOVEMENT_TYPE: DimensionKind
DIMENSION_KIND_SUPPLIER: DimensionKind
DIMENSION_KIND_UNSPECIFIED: DimensionKind
DIMENSION_KIND_WAREHOUSE: DimensionKind
EVENT_SOURCE_CLIENT: EventSource
EVENT_SOURCE_SERVER: EventSource
EVENT_SOURCE_UNSPECIFIED: EventSource
METRIC_INVENTORY_UNITS: Metric
METRIC_INVENTORY_VALUE: Metric
METRIC_LOW_STOCK: Metric
METRIC_PURCHASE_ORDERS_SUBMITTED: Metric
METRIC_PURCHASE_ORDER_CYCLE_TIME: Metric
METRIC_PURCHASE_ORDER_VALUE: Metric
METRIC_SHIPMENT_ON_TIME_RATE: Metric
METRIC_SHIPMENT_TRANSIT_TIME: Metric
METRIC_STOCK_MOVEMENTS: Metric
METRIC_STOCK_MOVEMENT_UNITS: Metric
METRIC_STOCK_OUTS: Metric
METRIC_SUPPLIER_FILL_RATE: Metric
METRIC_SUPPLIER_ON_TIME_RATE: Metric
METRIC_TRACKING_UPDATES: Metric
METRIC_UNIT_COUNT: MetricUnit
METRIC_UNIT_MONEY: MetricUnit
METRIC_UNIT_RATIO: MetricUnit
METRIC_UNIT_SECONDS: MetricUnit
METRIC_UNIT_UNITS: MetricUnit
METRIC_UNIT_UNSPECIFIED: MetricUnit
METRIC_UNSPECIFIED: Metric

class AnalyticsEvent(_message.Message):
    __slots__ = ["actor_id", "actor_kind", "entity_id", "entity_type", "event_type", "id", "metadata", "occur_time", "record_time", "source"]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    actor_kind: ActorKind
    entity_id: str
    entity_type: str
    event_type: str
    id: str
    metadata: _struct_pb2.Struct
    occur_time: _timestamp_pb2.Timestamp
    record_time: _timestamp_pb2.Timestamp
    source: EventSource
    def __init__(self, id: _Optional[str] = ..., event_type: _Optional[str] = ..., source: _Optional[_Union[EventSource, str]] = ..., entity_type: _Optional[str] = ..., entity_id: _Optional[str] = ..., actor_kind: _Optional[_Union[ActorKind, str]] = ..., actor_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., occur_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., record_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ClientEvent(_message.Message):
    __slots__ = ["entity_id", "entity_type", "event_type", "metadata", "occur_time"]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    entity_type: str
    event_type: str
    metadata: _struct_pb2.Struct
    occur_time: _timestamp_pb2.Timestamp
    def __init__(self, event_type: _Optional[str] = ..., entity_type: _Optional[str] = ..., entity_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., occur_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MetricPoint(_message.Message):
    __slots__ = ["compute_time", "date", "sample_count", "value"]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    compute_time: _timestamp_pb2.Timestamp
    date: _date_pb2.Date
    sample_count: int
    value: str
    def __init__(self, date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., value: _Optional[str] = ..., sample_count: _Optional[int] = ..., compute_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MetricSeries(_message.Message):
    __slots__ = ["currency_code", "dimension_kind", "dimension_value", "points"]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_KIND_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_VALUE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    dimension_kind: DimensionKind
    dimension_value: str
    points: _containers.RepeatedCompositeFieldContainer[MetricPoint]
    def __init__(self, dimension_kind: _Optional[_Union[DimensionKind, str]] = ..., dimension_value: _Optional[str] = ..., currency_code: _Optional[str] = ..., points: _Optional[_Iterable[_Union[MetricPoint, _Mapping]]] = ...) -> None: ...

class EventSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Metric(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class MetricUnit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DimensionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
