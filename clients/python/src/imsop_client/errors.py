"""Typed errors: what the google.rpc.Status that IMSOP attaches to every failed call says."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import grpc
from google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One invalid request field (google.rpc.BadRequest), named as the request spells it."""

    field: str
    description: str


@dataclass
class ErrorDetails:
    """The parts of google.rpc.Status a client acts on."""

    reason: str = ""
    domain: str = ""
    metadata: Dict[str, str] = field(default_factory=dict)
    field_violations: List[FieldViolation] = field(default_factory=list)


def details_of(trailing_metadata: Optional[Sequence[Tuple[str, object]]]) -> ErrorDetails:
    """Decodes ErrorInfo and BadRequest from a failed call's `grpc-status-details-bin` trailer."""
    found = ErrorDetails()
    for key, value in trailing_metadata or ():
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        for detail in status_pb2.Status.FromString(value).details:
            info = error_details_pb2.ErrorInfo()
            bad_request = error_details_pb2.BadRequest()
            if detail.Unpack(info):
                found.reason, found.domain, found.metadata = info.reason, info.domain, dict(info.metadata)
            elif detail.Unpack(bad_request):
                found.field_violations.extend(FieldViolation(v.field, v.description) for v in bad_request.field_violations)
    return found


class ImsopError(grpc.RpcError):
    """
    A failed IMSOP call: its status code and message, the ErrorInfo reason (UPPER_SNAKE, stable:
    branch on it) and metadata, and any field violations. Still a grpc.RpcError with code(),
    details() and trailing_metadata(), so code written against plain grpc keeps working.
    """

    def __init__(self, code: grpc.StatusCode, message: str, details: ErrorDetails, trailing_metadata: Sequence[Tuple[str, object]] = ()):
        super().__init__(f"{code.name} {details.reason}: {message}" if details.reason else f"{code.name}: {message}")
        self._code = code
        self.message = message
        self.reason = details.reason
        self.domain = details.domain
        self.metadata = details.metadata
        self.field_violations = details.field_violations
        self._trailing_metadata = tuple(trailing_metadata)

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "ImsopError":
        """The typed form of an error raised by a grpc call (itself when it already is one)."""
        if isinstance(error, ImsopError):
            return error
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        trailing = (error.trailing_metadata() if hasattr(error, "trailing_metadata") else None) or ()
        return cls(code or grpc.StatusCode.UNKNOWN, message or "", details_of(trailing), trailing)

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self.message

    def trailing_metadata(self) -> Tuple[Tuple[str, object], ...]:
        return self._trailing_metadata
