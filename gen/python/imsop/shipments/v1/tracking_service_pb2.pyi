from google.api import field_behavior_pb2 as _field_behavior_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.shipments.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListTrackingPointsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "shipment_id", "since_sequence"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    shipment_id: str
    since_sequence: int
    def __init__(self, shipment_id: _Optional[str] = ..., since_sequence: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTrackingPointsResponse(_message.Message):
    __slots__ = ["next_page_token", "tracking_points"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TRACKING_POINTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    tracking_points: _containers.RepeatedCompositeFieldContainer[_resources_pb2.TrackingPoint]
    def __init__(self, tracking_points: _Optional[_Iterable[_Union[_resources_pb2.TrackingPoint, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordTrackingUpdateRequest(_message.Message):
    __slots__ = ["request_id", "update"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    update: _resources_pb2.TrackingUpdate
    def __init__(self, update: _Optional[_Union[_resources_pb2.TrackingUpdate, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordTrackingUpdateResponse(_message.Message):
    __slots__ = ["duplicate", "tracking_point"]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    TRACKING_POINT_FIELD_NUMBER: _ClassVar[int]
    duplicate: bool
    tracking_point: _resources_pb2.TrackingPoint
    def __init__(self, tracking_point: _Optional[_Union[_resources_pb2.TrackingPoint, _Mapping]] = ..., duplicate: bool = ...) -> None: ...

class StreamTrackingUpdatesRequest(_message.Message):
    __slots__ = ["update", "updates"]
    UPDATES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    update: _resources_pb2.TrackingUpdate
    updates: _containers.RepeatedCompositeFieldContainer[_resources_pb2.TrackingUpdate]
    def __init__(self, update: _Optional[_Union[_resources_pb2.TrackingUpdate, _Mapping]] = ..., updates: _Optional[_Iterable[_Union[_resources_pb2.TrackingUpdate, _Mapping]]] = ...) -> None: ...

class StreamTrackingUpdatesResponse(_message.Message):
    __slots__ = ["ack", "acks"]
    ACKS_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    ack: _resources_pb2.TrackingUpdateAck
    acks: _containers.RepeatedCompositeFieldContainer[_resources_pb2.TrackingUpdateAck]
    def __init__(self, ack: _Optional[_Union[_resources_pb2.TrackingUpdateAck, _Mapping]] = ..., acks: _Optional[_Iterable[_Union[_resources_pb2.TrackingUpdateAck, _Mapping]]] = ...) -> None: ...

class WatchOrganizationFeedRequest(_message.Message):
    __slots__ = ["statuses", "warehouse_id"]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedScalarFieldContainer[_resources_pb2.ShipmentStatus]
    warehouse_id: str
    def __init__(self, statuses: _Optional[_Iterable[_Union[_resources_pb2.ShipmentStatus, str]]] = ..., warehouse_id: _Optional[str] = ...) -> None: ...

class WatchOrganizationFeedResponse(_message.Message):
    __slots__ = ["shipment", "tracking_point"]
    SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    TRACKING_POINT_FIELD_NUMBER: _ClassVar[int]
    shipment: _resources_pb2.Shipment
    tracking_point: _resources_pb2.TrackingPoint
    def __init__(self, shipment: _Optional[_Union[_resources_pb2.Shipment, _Mapping]] = ..., tracking_point: _Optional[_Union[_resources_pb2.TrackingPoint, _Mapping]] = ...) -> None: ...

class WatchShipmentRequest(_message.Message):
    __slots__ = ["shipment_id", "since_sequence"]
    SHIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    shipment_id: str
    since_sequence: int
    def __init__(self, shipment_id: _Optional[str] = ..., since_sequence: _Optional[int] = ...) -> None: ...

class WatchShipmentResponse(_message.Message):
    __slots__ = ["tracking_point"]
    TRACKING_POINT_FIELD_NUMBER: _ClassVar[int]
    tracking_point: _resources_pb2.TrackingPoint
    def __init__(self, tracking_point: _Optional[_Union[_resources_pb2.TrackingPoint, _Mapping]] = ...) -> None: ...
