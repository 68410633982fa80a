"""
IMSOP's Python client. The generated stubs of the contracts are importable as their proto
packages (`from imsop.shipments.v1 import tracking_service_pb2`), with type stubs; this package
adds what every caller needs around them:

- Client: one channel, a stub per service, the bearer token on every call, typed errors;
- ImsopError: the status code, ErrorInfo reason and metadata, and field violations of a failure;
- watch_shipment: a WatchShipment that resumes after shutdowns and slow-reader ends.
"""
from .client import Client
from .errors import ErrorDetails, FieldViolation, ImsopError, details_of
from .watch import is_resumable, watch_shipment

__all__ = ["Client", "ErrorDetails", "FieldViolation", "ImsopError", "details_of", "is_resumable", "watch_shipment"]
