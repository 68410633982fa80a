from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateWarehouseRequest(_message.Message):
    __slots__ = ["request_id", "warehouse"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateWarehouseResponse(_message.Message):
    __slots__ = ["warehouse"]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ...) -> None: ...

class DeactivateWarehouseRequest(_message.Message):
    __slots__ = ["etag", "request_id", "warehouse_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    request_id: str
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeactivateWarehouseResponse(_message.Message):
    __slots__ = ["warehouse"]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ...) -> None: ...

class GetWarehouseRequest(_message.Message):
    __slots__ = ["warehouse_id"]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    warehouse_id: str
    def __init__(self, warehouse_id: _Optional[str] = ...) -> None: ...

class GetWarehouseResponse(_message.Message):
    __slots__ = ["warehouse"]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ...) -> None: ...

class ListWarehousesRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "status"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: _resources_pb2.WarehouseStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.WarehouseStatus, str]] = ...) -> None: ...

class ListWarehousesResponse(_message.Message):
    __slots__ = ["next_page_token", "warehouses"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    warehouses: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Warehouse]
    def __init__(self, warehouses: _Optional[_Iterable[_Union[_resources_pb2.Warehouse, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateWarehouseRequest(_message.Message):
    __slots__ = ["request_id", "update_mask", "warehouse"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    update_mask: _field_mask_pb2.FieldMask
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateWarehouseResponse(_message.Message):
    __slots__ = ["warehouse"]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    warehouse: _resources_pb2.Warehouse
    def __init__(self, warehouse: _Optional[_Union[_resources_pb2.Warehouse, _Mapping]] = ...) -> None: ...
