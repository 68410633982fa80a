from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.inventory.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ArchiveProductRequest(_message.Message):
    __slots__ = ["etag", "product_id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    product_id: str
    request_id: str
    def __init__(self, product_id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ArchiveProductResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ...) -> None: ...

class CreateProductRequest(_message.Message):
    __slots__ = ["product", "request_id"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    request_id: str
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateProductResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ...) -> None: ...

class GetProductBySkuRequest(_message.Message):
    __slots__ = ["sku"]
    SKU_FIELD_NUMBER: _ClassVar[int]
    sku: str
    def __init__(self, sku: _Optional[str] = ...) -> None: ...

class GetProductBySkuResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ...) -> None: ...

class GetProductRequest(_message.Message):
    __slots__ = ["product_id"]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    def __init__(self, product_id: _Optional[str] = ...) -> None: ...

class GetProductResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ["name_prefix", "page_size", "page_token", "sku_prefix", "status", "supplier_id"]
    NAME_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SKU_PREFIX_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    name_prefix: str
    page_size: int
    page_token: str
    sku_prefix: str
    status: _resources_pb2.ProductStatus
    supplier_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.ProductStatus, str]] = ..., sku_prefix: _Optional[str] = ..., name_prefix: _Optional[str] = ..., supplier_id: _Optional[str] = ...) -> None: ...

class ListProductsResponse(_message.Message):
    __slots__ = ["next_page_token", "products"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    products: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Product]
    def __init__(self, products: _Optional[_Iterable[_Union[_resources_pb2.Product, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateProductRequest(_message.Message):
    __slots__ = ["product", "request_id", "update_mask"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    request_id: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateProductResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _resources_pb2.Product
    def __init__(self, product: _Optional[_Union[_resources_pb2.Product, _Mapping]] = ...) -> None: ...
