from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from imsop.analytics.v1 import resources_pb2 as _resources_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetKpiSummaryRequest(_message.Message):
    __slots__ = ["window_days"]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    window_days: int
    def __init__(self, window_days: _Optional[int] = ...) -> None: ...

class GetKpiSummaryResponse(_message.Message):
    __slots__ = ["summary"]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: KpiSummary
    def __init__(self, summary: _Optional[_Union[KpiSummary, _Mapping]] = ...) -> None: ...

class KpiSummary(_message.Message):
    __slots__ = ["compute_time", "date", "inventory_value", "low_stock_count", "purchase_order_cycle_time", "purchase_order_value", "purchase_orders_submitted", "shipment_on_time_rate", "shipment_transit_time", "shipments_delivered", "stock_movement_count", "stock_out_count", "supplier_fill_rate", "supplier_on_time_rate", "tracking_updates", "units_on_hand", "window_days"]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_VALUE_FIELD_NUMBER: _ClassVar[int]
    LOW_STOCK_COUNT_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDERS_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_CYCLE_TIME_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_VALUE_FIELD_NUMBER: _ClassVar[int]
    SHIPMENTS_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ON_TIME_RATE_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_TRANSIT_TIME_FIELD_NUMBER: _ClassVar[int]
    STOCK_MOVEMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    STOCK_OUT_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FILL_RATE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ON_TIME_RATE_FIELD_NUMBER: _ClassVar[int]
    TRACKING_UPDATES_FIELD_NUMBER: _ClassVar[int]
    UNITS_ON_HAND_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    compute_time: _timestamp_pb2.Timestamp
    date: _date_pb2.Date
    inventory_value: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    low_stock_count: int
    purchase_order_cycle_time: _duration_pb2.Duration
    purchase_order_value: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    purchase_orders_submitted: int
    shipment_on_time_rate: float
    shipment_transit_time: _duration_pb2.Duration
    shipments_delivered: int
    stock_movement_count: int
    stock_out_count: int
    supplier_fill_rate: float
    supplier_on_time_rate: float
    tracking_updates: int
    units_on_hand: int
    window_days: int
    def __init__(self, date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., compute_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., window_days: _Optional[int] = ..., inventory_value: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., units_on_hand: _Optional[int] = ..., stock_out_count: _Optional[int] = ..., low_stock_count: _Optional[int] = ..., stock_movement_count: _Optional[int] = ..., purchase_orders_submitted: _Optional[int] = ..., purchase_order_value: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., purchase_order_cycle_time: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., supplier_on_time_rate: _Optional[float] = ..., supplier_fill_rate: _Optional[float] = ..., shipments_delivered: _Optional[int] = ..., shipment_transit_time: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., shipment_on_time_rate: _Optional[float] = ..., tracking_updates: _Optional[int] = ...) -> None: ...

class QueryMetricRequest(_message.Message):
    __slots__ = ["dimension_kind", "dimension_value", "end_date", "metric", "start_date"]
    DIMENSION_KIND_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_VALUE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    dimension_kind: _resources_pb2.DimensionKind
    dimension_value: str
    end_date: _date_pb2.Date
    metric: _resources_pb2.Metric
    start_date: _date_pb2.Date
    def __init__(self, metric: _Optional[_Union[_resources_pb2.Metric, str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., dimension_kind: _Optional[_Union[_resources_pb2.DimensionKind, str]] = ..., dimension_value: _Optional[str] = ...) -> None: ...

class QueryMetricResponse(_message.Message):
    __slots__ = ["metric", "series", "unit"]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    metric: _resources_pb2.Metric
    series: _containers.RepeatedCompositeFieldContainer[_resources_pb2.MetricSeries]
    unit: _resources_pb2.MetricUnit
    def __init__(self, metric: _Optional[_Union[_resources_pb2.Metric, str]] = ..., unit: _Optional[_Union[_resources_pb2.MetricUnit, str]] = ..., series: _Optional[_Iterable[_Union[_resources_pb2.MetricSeries, _Mapping]]] = ...) -> None: ...
