from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

AUDIT_ACTOR_KIND_API_KEY: AuditActorKind
AUDIT_ACTOR_KIND_SYSTEM: AuditActorKind
AUDIT_ACTOR_KIND_UNSPECIFIED: AuditActorKind
AUDIT_ACTOR_KIND_USER: AuditActorKind
AUDIT_OPERATION_DELETE: AuditOperation
AUDIT_OPERATION_INSERT: AuditOperation
AUDIT_OPERATION_UNSPECIFIED: AuditOperation
AUDIT_OPERATION_UPDATE: AuditOperation
DESCRIPTOR: _descriptor.FileDescriptor
ORGANIZATION_STATUS_ACTIVE: OrganizationStatus
ORGANIZATION_STATUS_SUSPENDED: OrganizationStatus
ORGANIZATION_STATUS_UNSPECIFIED: OrganizationStatus
USER_STATUS_ACTIVE: UserStatus
USER_STATUS_INACTIVE: UserStatus
USER_STATUS_UNSPECIFIED: UserStatus

class ApiKey(_message.Message):
    __slots__ = ["create_time", "creator_user_id", "expire_time", "id", "name", "revoke_time", "role_id", "secret_hint"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_HINT_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    creator_user_id: str
    expire_time: _timestamp_pb2.Timestamp
    id: str
    name: str
    revoke_time: _timestamp_pb2.Timestamp
    role_id: str
    secret_hint: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., role_id: _Optional[str] = ..., secret_hint: _Optional[str] = ..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., creator_user_id: _Optional[str] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ["actor_id", "actor_kind", "after", "before", "id", "occur_time", "operation", "row_key", "table_name"]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    ROW_KEY_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    actor_id: str
    actor_kind: AuditActorKind
    after: _struct_pb2.Struct
    before: _struct_pb2.Struct
    id: str
    occur_time: _timestamp_pb2.Timestamp
    operation: AuditOperation
    row_key: str
    table_name: str
    def __init__(self, id: _Optional[str] = ..., occur_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., actor_kind: _Optional[_Union[AuditActorKind, str]] = ..., actor_id: _Optional[str] = ..., table_name: _Optional[str] = ..., row_key: _Optional[str] = ..., operation: _Optional[_Union[AuditOperation, str]] = ..., before: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., after: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class Organization(_message.Message):
    __slots__ = ["create_time", "etag", "id", "name", "settings", "status", "subscription_tier", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_TIER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    etag: str
    id: str
    name: str
    settings: _struct_pb2.Struct
    status: OrganizationStatus
    subscription_tier: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[_Union[OrganizationStatus, str]] = ..., subscription_tier: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., settings: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Permission(_message.Message):
    __slots__ = ["description", "name"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Role(_message.Message):
    __slots__ = ["create_time", "description", "etag", "id", "name", "permissions", "system", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    description: str
    etag: str
    id: str
    name: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    system: bool
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., system: bool = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ["create_time", "display_name", "email", "etag", "id", "organization_id", "role_ids", "status", "update_time"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_IDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    email: str
    etag: str
    id: str
    organization_id: str
    role_ids: _containers.RepeatedScalarFieldContainer[str]
    status: UserStatus
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., organization_id: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., status: _Optional[_Union[UserStatus, str]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., role_ids: _Optional[_Iterable[str]] = ..., etag: _Optional[str] = ...) -> None: ...

class OrganizationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class UserStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AuditActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AuditOperation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
