from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ACTOR_KIND_API_KEY: ActorKind
ACTOR_KIND_SYSTEM: ActorKind
ACTOR_KIND_UNSPECIFIED: ActorKind
ACTOR_KIND_USER: ActorKind
CHANGE_KIND_CREATED: ChangeKind
CHANGE_KIND_DELETED: ChangeKind
CHANGE_KIND_EVENT: ChangeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
CHANGE_KIND_UPDATED: ChangeKind
DESCRIPTOR: _descriptor.FileDescriptor

class Actor(_message.Message):
    __slots__ = ["id", "kind"]
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: ActorKind
    def __init__(self, kind: _Optional[_Union[ActorKind, str]] = ..., id: _Optional[str] = ...) -> None: ...

class ChangeEvent(_message.Message):
    __slots__ = ["actor", "change_kind", "changed_fields", "cursor", "etag", "event_id", "event_type", "occurred_at", "request_id", "resource", "resource_id", "resource_type"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_KIND_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    actor: Actor
    change_kind: ChangeKind
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    cursor: str
    etag: str
    event_id: str
    event_type: str
    occurred_at: _timestamp_pb2.Timestamp
    request_id: str
    resource: _struct_pb2.Struct
    resource_id: str
    resource_type: str
    def __init__(self, event_id: _Optional[str] = ..., cursor: _Optional[str] = ..., resource_type: _Optional[str] = ..., resource_id: _Optional[str] = ..., event_type: _Optional[str] = ..., change_kind: _Optional[_Union[ChangeKind, str]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., etag: _Optional[str] = ..., actor: _Optional[_Union[Actor, _Mapping]] = ..., request_id: _Optional[str] = ..., occurred_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., resource: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
