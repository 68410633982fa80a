from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.identity.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AssignUserRoleRequest(_message.Message):
    __slots__ = ["request_id", "role_id", "user_id"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    role_id: str
    user_id: str
    def __init__(self, user_id: _Optional[str] = ..., role_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AssignUserRoleResponse(_message.Message):
    __slots__ = ["user"]
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _resources_pb2.User
    def __init__(self, user: _Optional[_Union[_resources_pb2.User, _Mapping]] = ...) -> None: ...

class CreateRoleRequest(_message.Message):
    __slots__ = ["description", "name", "permissions", "request_id"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateRoleResponse(_message.Message):
    __slots__ = ["role"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _resources_pb2.Role
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ...) -> None: ...

class DeleteRoleRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteRoleResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetRoleRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetRoleResponse(_message.Message):
    __slots__ = ["role"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _resources_pb2.Role
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ...) -> None: ...

class GrantRolePermissionsRequest(_message.Message):
    __slots__ = ["permissions", "request_id", "role_id"]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    permissions: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    role_id: str
    def __init__(self, role_id: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GrantRolePermissionsResponse(_message.Message):
    __slots__ = ["role"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _resources_pb2.Role
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ...) -> None: ...

class ListPermissionsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListPermissionsResponse(_message.Message):
    __slots__ = ["permissions"]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    permissions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Permission]
    def __init__(self, permissions: _Optional[_Iterable[_Union[_resources_pb2.Permission, _Mapping]]] = ...) -> None: ...

class ListRolesRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRolesResponse(_message.Message):
    __slots__ = ["next_page_token", "roles"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    roles: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Role]
    def __init__(self, roles: _Optional[_Iterable[_Union[_resources_pb2.Role, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeRolePermissionsRequest(_message.Message):
    __slots__ = ["permissions", "request_id", "role_id"]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    permissions: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    role_id: str
    def __init__(self, role_id: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeRolePermissionsResponse(_message.Message):
    __slots__ = ["role"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _resources_pb2.Role
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ...) -> None: ...

class UnassignUserRoleRequest(_message.Message):
    __slots__ = ["request_id", "role_id", "user_id"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    role_id: str
    user_id: str
    def __init__(self, user_id: _Optional[str] = ..., role_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UnassignUserRoleResponse(_message.Message):
    __slots__ = ["user"]
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _resources_pb2.User
    def __init__(self, user: _Optional[_Union[_resources_pb2.User, _Mapping]] = ...) -> None: ...

class UpdateRoleRequest(_message.Message):
    __slots__ = ["request_id", "role", "update_mask"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    role: _resources_pb2.Role
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateRoleResponse(_message.Message):
    __slots__ = ["role"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: _resources_pb2.Role
    def __init__(self, role: _Optional[_Union[_resources_pb2.Role, _Mapping]] = ...) -> None: ...
