from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

ACCESS_FIELD_NUMBER: _ClassVar[int]
DESCRIPTOR: _descriptor.FileDescriptor
access: _descriptor.FieldDescriptor

class MethodAccess(_message.Message):
    __slots__ = ["authenticated", "permission", "public"]
    AUTHENTICATED_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    authenticated: bool
    permission: str
    public: bool
    def __init__(self, public: bool = ..., authenticated: bool = ..., permission: _Optional[str] = ...) -> None: ...
