from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.shipments.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateShipmentRequest(_message.Message):
    __slots__ = ["carrier", "destination_warehouse_id", "expected_delivery_time", "expected_ship_time", "items", "origin_warehouse_id", "purchase_order_id", "request_id", "tracking_number", "type"]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHIP_TIME_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    carrier: str
    destination_warehouse_id: str
    expected_delivery_time: _timestamp_pb2.Timestamp
    expected_ship_time: _timestamp_pb2.Timestamp
    items: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ShipmentItem]
    origin_warehouse_id: str
    purchase_order_id: str
    request_id: str
    tracking_number: str
    type: _resources_pb2.ShipmentType
    def __init__(self, type: _Optional[_Union[_resources_pb2.ShipmentType, str]] = ..., carrier: _Optional[str] = ..., tracking_number: _Optional[str] = ..., origin_warehouse_id: _Optional[str] = ..., destination_warehouse_id: _Optional[str] = ..., purchase_order_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[_resources_pb2.ShipmentItem, _Mapping]]] = ..., expected_ship_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expected_delivery_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateShipmentResponse(_message.Message):
    __slots__ = ["shipment"]
    SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    shipment: _resources_pb2.Shipment
    def __init__(self, shipment: _Optional[_Union[_resources_pb2.Shipment, _Mapping]] = ...) -> None: ...

class GetShipmentByTrackingNumberRequest(_message.Message):
    __slots__ = ["carrier", "tracking_number"]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    carrier: str
    tracking_number: str
    def __init__(self, tracking_number: _Optional[str] = ..., carrier: _Optional[str] = ...) -> None: ...

class GetShipmentByTrackingNumberResponse(_message.Message):
    __slots__ = ["shipment"]
    SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    shipment: _resources_pb2.Shipment
    def __init__(self, shipment: _Optional[_Union[_resources_pb2.Shipment, _Mapping]] = ...) -> None: ...

class GetShipmentRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetShipmentResponse(_message.Message):
    __slots__ = ["shipment"]
    SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    shipment: _resources_pb2.Shipment
    def __init__(self, shipment: _Optional[_Union[_resources_pb2.Shipment, _Mapping]] = ...) -> None: ...

class ListShipmentsRequest(_message.Message):
    __slots__ = ["end_time", "page_size", "page_token", "start_time", "status", "type", "warehouse_id"]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    start_time: _timestamp_pb2.Timestamp
    status: _resources_pb2.ShipmentStatus
    type: _resources_pb2.ShipmentType
    warehouse_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.ShipmentStatus, str]] = ..., type: _Optional[_Union[_resources_pb2.ShipmentType, str]] = ..., warehouse_id: _Optional[str] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListShipmentsResponse(_message.Message):
    __slots__ = ["next_page_token", "shipments"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SHIPMENTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    shipments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Shipment]
    def __init__(self, shipments: _Optional[_Iterable[_Union[_resources_pb2.Shipment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateShipmentStatusRequest(_message.Message):
    __slots__ = ["etag", "id", "reason", "request_id", "status"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    reason: str
    request_id: str
    status: _resources_pb2.ShipmentStatus
    def __init__(self, id: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.ShipmentStatus, str]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateShipmentStatusResponse(_message.Message):
    __slots__ = ["shipment", "tracking_point"]
    SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    TRACKING_POINT_FIELD_NUMBER: _ClassVar[int]
    shipment: _resources_pb2.Shipment
    tracking_point: _resources_pb2.TrackingPoint
    def __init__(self, shipment: _Optional[_Union[_resources_pb2.Shipment, _Mapping]] = ..., tracking_point: _Optional[_Union[_resources_pb2.TrackingPoint, _Mapping]] = ...) -> None: ...
