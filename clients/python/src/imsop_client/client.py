"""A channel to IMSOP with the caller's bearer token on every call and typed errors."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, Sequence, Tuple

import grpc
from imsop.analytics.v1 import event_service_pb2_grpc, metric_service_pb2_grpc
from imsop.identity.v1 import (
    api_key_service_pb2_grpc,
    audit_service_pb2_grpc,
    auth_service_pb2,
    auth_service_pb2_grpc,
    organization_service_pb2_grpc,
    role_service_pb2_grpc,
    user_service_pb2_grpc,
)
from imsop.inventory.v1 import (
    cycle_count_service_pb2_grpc,
    location_service_pb2_grpc,
    lot_service_pb2_grpc,
    product_service_pb2_grpc,
    stock_service_pb2_grpc,
    warehouse_service_pb2_grpc,
)
from imsop.procurement.v1 import purchase_order_service_pb2_grpc, supplier_service_pb2_grpc
from imsop.shipments.v1 import shipment_service_pb2_grpc, tracking_service_pb2_grpc

from .errors import ImsopError


class _TypedCall:
    """Delegates to a grpc call (future, iterator), raising its errors as ImsopError."""

    def __init__(self, call: Any):
        self._call = call

    def result(self, timeout: Optional[float] = None) -> Any:
        try:
            return self._call.result(timeout)
        except grpc.RpcError as error:
            raise ImsopError.from_rpc_error(error) from None

    def exception(self, timeout: Optional[float] = None) -> Optional[BaseException]:
        error = self._call.exception(timeout)
        return ImsopError.from_rpc_error(error) if isinstance(error, grpc.RpcError) else error

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._call)
        except grpc.RpcError as error:
            raise ImsopError.from_rpc_error(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._call, name)


class _Details(grpc.ClientCallDetails):
    def __init__(self, base: grpc.ClientCallDetails, metadata: Sequence[Tuple[str, str]]):
        self.method = base.method
        self.timeout = base.timeout
        self.metadata = metadata
        self.credentials = base.credentials
        self.wait_for_ready = getattr(base, "wait_for_ready", None)
        self.compression = getattr(base, "compression", None)


class _ImsopInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds `authorization: Bearer <token>` (unless the call sets its own) and types errors."""

    def __init__(self, token: Callable[[], Optional[str]]):
        self._token = token

    def _with_token(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        metadata = list(details.metadata or ())
        token = self._token()
        if token and not any(key == "authorization" for key, _ in metadata):
            metadata.append(("authorization", f"Bearer {token}"))
        return _Details(details, metadata)

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return _TypedCall(continuation(self._with_token(client_call_details), request))

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return _TypedCall(continuation(self._with_token(client_call_details), request))

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return _TypedCall(continuation(self._with_token(client_call_details), request_iterator))

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return _TypedCall(continuation(self._with_token(client_call_details), request_iterator))


class Client:
    """
    One channel to an IMSOP server and a stub per service. Calls carry the bearer token
    (`token`, an access token from Login or an API key's secret) and raise ImsopError.

        with Client("localhost:50051") as imsop:
            imsop.login("acme", "admin@acme.example", "secret")
            me = imsop.auth.WhoAmI(auth_service_pb2.WhoAmIRequest(), timeout=10)

    `credentials` (grpc.ssl_channel_credentials(...)) makes it a TLS channel; without it the
    channel is plaintext, for a server on the same host or behind a terminating proxy.
    """

    def __init__(
        self,
        address: str,
        *,
        token: Optional[str] = None,
        credentials: Optional[grpc.ChannelCredentials] = None,
        options: Sequence[Tuple[str, Any]] = (),
    ):
        self.address = address
        self.token = token
        raw = grpc.secure_channel(address, credentials, options) if credentials else grpc.insecure_channel(address, options)
        self._raw_channel = raw
        self.channel = grpc.intercept_channel(raw, _ImsopInterceptor(lambda: self.token))
        self.auth = auth_service_pb2_grpc.AuthServiceStub(self.channel)
        self.organizations = organization_service_pb2_grpc.OrganizationServiceStub(self.channel)
        self.users = user_service_pb2_grpc.UserServiceStub(self.channel)
        self.roles = role_service_pb2_grpc.RoleServiceStub(self.channel)
        self.api_keys = api_key_service_pb2_grpc.ApiKeyServiceStub(self.channel)
        self.audit = audit_service_pb2_grpc.AuditServiceStub(self.channel)
        self.products = product_service_pb2_grpc.ProductServiceStub(self.channel)
        self.warehouses = warehouse_service_pb2_grpc.WarehouseServiceStub(self.channel)
        self.stock = stock_service_pb2_grpc.StockServiceStub(self.channel)
        self.locations = location_service_pb2_grpc.LocationServiceStub(self.channel)
        self.lots = lot_service_pb2_grpc.LotServiceStub(self.channel)
        self.cycle_counts = cycle_count_service_pb2_grpc.CycleCountServiceStub(self.channel)
        self.suppliers = supplier_service_pb2_grpc.SupplierServiceStub(self.channel)
        self.purchase_orders = purchase_order_service_pb2_grpc.PurchaseOrderServiceStub(self.channel)
        self.shipments = shipment_service_pb2_grpc.ShipmentServiceStub(self.channel)
        self.tracking = tracking_service_pb2_grpc.TrackingServiceStub(self.channel)
        self.events = event_service_pb2_grpc.EventServiceStub(self.channel)
        self.metrics = metric_service_pb2_grpc.MetricServiceStub(self.channel)

    def login(self, organization: str, email: str, password: str, *, timeout: float = 10) -> auth_service_pb2.LoginResponse:
        """Signs in; later calls carry the access token. Raises ImsopError (e.g. INVALID_CREDENTIALS)."""
        response = self.auth.Login(auth_service_pb2.LoginRequest(organization=organization, email=email, password=password), timeout=timeout)
        self.token = response.access_token
        return response

    def close(self) -> None:
        self._raw_channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
