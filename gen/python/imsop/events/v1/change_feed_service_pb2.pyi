from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.events.v1 import change_event_pb2 as _change_event_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChangeFilter(_message.Message):
    __slots__ = ["event_types", "resource_types"]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPES_FIELD_NUMBER: _ClassVar[int]
    event_types: _containers.RepeatedScalarFieldContainer[str]
    resource_types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, resource_types: _Optional[_Iterable[str]] = ..., event_types: _Optional[_Iterable[str]] = ...) -> None: ...

class ListChangesRequest(_message.Message):
    __slots__ = ["after_cursor", "fields", "filter", "page_size"]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    after_cursor: str
    fields: _field_mask_pb2.FieldMask
    filter: ChangeFilter
    page_size: int
    def __init__(self, after_cursor: _Optional[str] = ..., filter: _Optional[_Union[ChangeFilter, _Mapping]] = ..., fields: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListChangesResponse(_message.Message):
    __slots__ = ["events", "next_cursor"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_change_event_pb2.ChangeEvent]
    next_cursor: str
    def __init__(self, events: _Optional[_Iterable[_Union[_change_event_pb2.ChangeEvent, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class WatchChangesRequest(_message.Message):
    __slots__ = ["after_cursor", "fields", "filter"]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    after_cursor: str
    fields: _field_mask_pb2.FieldMask
    filter: ChangeFilter
    def __init__(self, after_cursor: _Optional[str] = ..., filter: _Optional[_Union[ChangeFilter, _Mapping]] = ..., fields: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class WatchChangesResponse(_message.Message):
    __slots__ = ["events"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_change_event_pb2.ChangeEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[_change_event_pb2.ChangeEvent, _Mapping]]] = ...) -> None: ...
