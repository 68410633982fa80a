from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.identity.v1 import resources_pb2 as _resources_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetOrganizationRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetOrganizationResponse(_message.Message):
    __slots__ = ["organization"]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: _resources_pb2.Organization
    def __init__(self, organization: _Optional[_Union[_resources_pb2.Organization, _Mapping]] = ...) -> None: ...

class UpdateOrganizationRequest(_message.Message):
    __slots__ = ["organization", "request_id", "update_mask"]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    organization: _resources_pb2.Organization
    request_id: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, organization: _Optional[_Union[_resources_pb2.Organization, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateOrganizationResponse(_message.Message):
    __slots__ = ["organization"]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: _resources_pb2.Organization
    def __init__(self, organization: _Optional[_Union[_resources_pb2.Organization, _Mapping]] = ...) -> None: ...
