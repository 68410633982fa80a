from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from imsop.api.v1 import access_pb2 as _access_pb2
from imsop.procurement.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ApprovePurchaseOrderRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ApprovePurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class CancelPurchaseOrderRequest(_message.Message):
    __slots__ = ["etag", "id", "reason", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    reason: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelPurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class ClosePurchaseOrderRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ClosePurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class CreatePurchaseOrderRequest(_message.Message):
    __slots__ = ["purchase_order", "request_id"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    request_id: str
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreatePurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class GetPurchaseOrderRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetPurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class ListPurchaseOrdersRequest(_message.Message):
    __slots__ = ["create_time_end", "create_time_start", "page_size", "page_token", "status", "supplier_id"]
    CREATE_TIME_END_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_START_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    create_time_end: _timestamp_pb2.Timestamp
    create_time_start: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    status: _resources_pb2.PurchaseOrderStatus
    supplier_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_resources_pb2.PurchaseOrderStatus, str]] = ..., supplier_id: _Optional[str] = ..., create_time_start: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_end: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPurchaseOrdersResponse(_message.Message):
    __slots__ = ["next_page_token", "purchase_orders"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDERS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    purchase_orders: _containers.RepeatedCompositeFieldContainer[_resources_pb2.PurchaseOrder]
    def __init__(self, purchase_orders: _Optional[_Iterable[_Union[_resources_pb2.PurchaseOrder, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListReceiptsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "purchase_order_id"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    purchase_order_id: str
    def __init__(self, purchase_order_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReceiptsResponse(_message.Message):
    __slots__ = ["next_page_token", "receipts"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    receipts: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Receipt]
    def __init__(self, receipts: _Optional[_Iterable[_Union[_resources_pb2.Receipt, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReceivePurchaseOrderRequest(_message.Message):
    __slots__ = ["etag", "id", "lines", "location_id", "notes", "request_id", "warehouse_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    lines: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ReceiptLine]
    location_id: str
    notes: str
    request_id: str
    warehouse_id: str
    def __init__(self, id: _Optional[str] = ..., warehouse_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_resources_pb2.ReceiptLine, _Mapping]]] = ..., notes: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ..., location_id: _Optional[str] = ...) -> None: ...

class ReceivePurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order", "receipt"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    receipt: _resources_pb2.Receipt
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ..., receipt: _Optional[_Union[_resources_pb2.Receipt, _Mapping]] = ...) -> None: ...

class SubmitPurchaseOrderRequest(_message.Message):
    __slots__ = ["etag", "id", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    id: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SubmitPurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...

class UpdatePurchaseOrderRequest(_message.Message):
    __slots__ = ["purchase_order", "request_id", "update_mask"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    request_id: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdatePurchaseOrderResponse(_message.Message):
    __slots__ = ["purchase_order"]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    purchase_order: _resources_pb2.PurchaseOrder
    def __init__(self, purchase_order: _Optional[_Union[_resources_pb2.PurchaseOrder, _Mapping]] = ...) -> None: ...
