from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from google.type import latlng_pb2 as _latlng_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SHIPMENT_STATUS_CANCELLED: ShipmentStatus
SHIPMENT_STATUS_DELIVERED: ShipmentStatus
SHIPMENT_STATUS_EXCEPTION: ShipmentStatus
SHIPMENT_STATUS_IN_TRANSIT: ShipmentStatus
SHIPMENT_STATUS_PENDING: ShipmentStatus
SHIPMENT_STATUS_UNSPECIFIED: ShipmentStatus
SHIPMENT_TYPE_INBOUND: ShipmentType
SHIPMENT_TYPE_OUTBOUND: ShipmentType
SHIPMENT_TYPE_TRANSFER: ShipmentType
SHIPMENT_TYPE_UNSPECIFIED: ShipmentType

class Shipment(_message.Message):
    __slots__ = ["carrier", "create_time", "delivery_time", "destination_warehouse_id", "etag", "expected_delivery_time", "expected_ship_time", "id", "items", "last_sequence", "origin_warehouse_id", "purchase_order_id", "ship_time", "status", "status_reason", "tracking_number", "type", "update_time"]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHIP_TIME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SHIP_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    carrier: str
    create_time: _timestamp_pb2.Timestamp
    delivery_time: _timestamp_pb2.Timestamp
    destination_warehouse_id: str
    etag: str
    expected_delivery_time: _timestamp_pb2.Timestamp
    expected_ship_time: _timestamp_pb2.Timestamp
    id: str
    items: _containers.RepeatedCompositeFieldContainer[ShipmentItem]
    last_sequence: int
    origin_warehouse_id: str
    purchase_order_id: str
    ship_time: _timestamp_pb2.Timestamp
    status: ShipmentStatus
    status_reason: str
    tracking_number: str
    type: ShipmentType
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., type: _Optional[_Union[ShipmentType, str]] = ..., status: _Optional[_Union[ShipmentStatus, str]] = ..., carrier: _Optional[str] = ..., tracking_number: _Optional[str] = ..., origin_warehouse_id: _Optional[str] = ..., destination_warehouse_id: _Optional[str] = ..., purchase_order_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[ShipmentItem, _Mapping]]] = ..., expected_ship_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., expected_delivery_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., ship_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., delivery_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., status_reason: _Optional[str] = ..., last_sequence: _Optional[int] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class ShipmentItem(_message.Message):
    __slots__ = ["product_id", "quantity"]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    quantity: int
    def __init__(self, product_id: _Optional[str] = ..., quantity: _Optional[int] = ...) -> None: ...

class TrackingPoint(_message.Message):
    __slots__ = ["event_time", "location", "note", "position", "record_time", "sequence", "shipment_id", "status", "update_id"]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ID_FIELD_NUMBER: _ClassVar[int]
    event_time: _timestamp_pb2.Timestamp
    location: str
    note: str
    position: _latlng_pb2.LatLng
    record_time: _timestamp_pb2.Timestamp
    sequence: int
    shipment_id: str
    status: ShipmentStatus
    update_id: str
    def __init__(self, shipment_id: _Optional[str] = ..., sequence: _Optional[int] = ..., update_id: _Optional[str] = ..., location: _Optional[str] = ..., position: _Optional[_Union[_latlng_pb2.LatLng, _Mapping]] = ..., event_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., record_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[ShipmentStatus, str]] = ..., note: _Optional[str] = ...) -> None: ...

class TrackingUpdate(_message.Message):
    __slots__ = ["carrier", "event_time", "location", "note", "position", "shipment_id", "status", "tracking_number", "update_id"]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ID_FIELD_NUMBER: _ClassVar[int]
    carrier: str
    event_time: _timestamp_pb2.Timestamp
    location: str
    note: str
    position: _latlng_pb2.LatLng
    shipment_id: str
    status: ShipmentStatus
    tracking_number: str
    update_id: str
    def __init__(self, update_id: _Optional[str] = ..., shipment_id: _Optional[str] = ..., tracking_number: _Optional[str] = ..., carrier: _Optional[str] = ..., location: _Optional[str] = ..., position: _Optional[_Union[_latlng_pb2.LatLng, _Mapping]] = ..., event_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[ShipmentStatus, str]] = ..., note: _Optional[str] = ...) -> None: ...

class TrackingUpdateAck(_message.Message):
    __slots__ = ["duplicate", "error", "sequence", "shipment_id", "update_id"]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ID_FIELD_NUMBER: _ClassVar[int]
    duplicate: bool
    error: _status_pb2.Status
    sequence: int
    shipment_id: str
    update_id: str
    def __init__(self, update_id: _Optional[str] = ..., shipment_id: _Optional[str] = ..., sequence: _Optional[int] = ..., duplicate: bool = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class ShipmentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ShipmentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
