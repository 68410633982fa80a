from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.procurement.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateSupplierRequest(_message.Message):
    __slots__ = ["request_id", "supplier"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateSupplierResponse(_message.Message):
    __slots__ = ["supplier"]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ...) -> None: ...

class DeactivateSupplierRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeactivateSupplierResponse(_message.Message):
    __slots__ = ["supplier"]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ...) -> None: ...

class GetSupplierRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetSupplierResponse(_message.Message):
    __slots__ = ["supplier"]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ...) -> None: ...

class ListSuppliersRequest(_message.Message):
    __slots__ = ["name_prefix", "page_size", "page_token", "status"]
    NAME_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    name_prefix: str
    page_size: int
    page_token: str
    status: _resources_pb2.SupplierStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.SupplierStatus, str]] = ..., name_prefix: _Optional[str] = ...) -> None: ...

class ListSuppliersResponse(_message.Message):
    __slots__ = ["next_page_token", "suppliers"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUPPLIERS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    suppliers: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Supplier]
    def __init__(self, suppliers: _Optional[_Iterable[_Union[_resources_pb2.Supplier, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReactivateSupplierRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReactivateSupplierResponse(_message.Message):
    __slots__ = ["supplier"]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ...) -> None: ...

class UpdateSupplierRequest(_message.Message):
    __slots__ = ["request_id", "supplier", "update_mask"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    supplier: _resources_pb2.Supplier
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateSupplierResponse(_message.Message):
    __slots__ = ["supplier"]
    SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    supplier: _resources_pb2.Supplier
    def __init__(self, supplier: _Optional[_Union[_resources_pb2.Supplier, _Mapping]] = ...) -> None: ...
