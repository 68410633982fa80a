from google.api import field_behavior_pb2 as _field_behavior_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateLocationRequest(_message.Message):
    __slots__ = ["location", "request_id"]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    location: _resources_pb2.Location
    request_id: str
    def __init__(self, location: _Optional[_Union[_resources_pb2.Location, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateLocationResponse(_message.Message):
    __slots__ = ["location"]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    location: _resources_pb2.Location
    def __init__(self, location: _Optional[_Union[_resources_pb2.Location, _Mapping]] = ...) -> None: ...

class DeactivateLocationRequest(_message.Message):
    __slots__ = ["etag", "location_id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    location_id: str
    request_id: str
    def __init__(self, location_id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeactivateLocationResponse(_message.Message):
    __slots__ = ["location"]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    location: _resources_pb2.Location
    def __init__(self, location: _Optional[_Union[_resources_pb2.Location, _Mapping]] = ...) -> None: ...

class GetLocationRequest(_message.Message):
    __slots__ = ["location_id"]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    location_id: str
    def __init__(self, location_id: _Optional[str] = ...) -> None: ...

class GetLocationResponse(_message.Message):
    __slots__ = ["location"]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    location: _resources_pb2.Location
    def __init__(self, location: _Optional[_Union[_resources_pb2.Location, _Mapping]] = ...) -> None: ...

class ListLocationsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent_id", "status", "type", "warehouse_id"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent_id: str
    status: _resources_pb2.LocationStatus
    type: _resources_pb2.LocationType
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., parent_id: _Optional[str] = ..., type: _Optional[_Union[_resources_pb2.LocationType, str]] = ..., status: _Optional[_Union[_resources_pb2.LocationStatus, str]] = ...) -> None: ...

class ListLocationsResponse(_message.Message):
    __slots__ = ["locations", "next_page_token"]
    LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    locations: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Location]
    next_page_token: str
    def __init__(self, locations: _Optional[_Iterable[_Union[_resources_pb2.Location, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
