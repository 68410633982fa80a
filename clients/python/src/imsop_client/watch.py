"""A shipment watch that survives the ends a long watch meets, losing and repeating nothing."""
from __future__ import annotations

import random
import time
from typing import Any, Callable, Iterator, Optional, Sequence, Tuple

import grpc
from imsop.shipments.v1 import resources_pb2, tracking_service_pb2

from .errors import ImsopError


def is_resumable(error: ImsopError) -> bool:
    """
    Ends after which watching again continues the same stream of points: the server shutting
    down or unreachable (UNAVAILABLE, e.g. SERVER_SHUTTING_DOWN), or the watcher having read too
    slowly (ABORTED WATCHER_TOO_SLOW). Anything else (NOT_FOUND, PERMISSION_DENIED...) is final.
    """
    if error.code() == grpc.StatusCode.UNAVAILABLE:
        return True
    return error.code() == grpc.StatusCode.ABORTED and error.reason == "WATCHER_TOO_SLOW"


def watch_shipment(
    tracking: Any,
    shipment_id: str,
    since_sequence: int = 0,
    *,
    metadata: Sequence[Tuple[str, str]] = (),
    max_attempts: int = 8,
    initial_backoff: float = 0.1,
    max_backoff: float = 5.0,
    on_resume: Optional[Callable[[ImsopError, int], None]] = None,
) -> Iterator[resources_pb2.TrackingPoint]:
    """
    Yields a shipment's tracking points after `since_sequence`, in order, each exactly once,
    then new ones as they are stored. When the watch ends resumably (see is_resumable) it
    watches again from the last sequence yielded (the server replays from there, so nothing is
    lost), after a jittered exponential backoff; `on_resume(error, last_sequence)` is told
    first. Raises ImsopError for a final error, or after `max_attempts` resumptions in a row
    that yielded nothing. Stop by leaving the loop (the generator cancels the call).

    `tracking` is a Client (its token is sent) or a TrackingServiceStub (pass `metadata`).
    """
    stub = getattr(tracking, "tracking", tracking)
    last = since_sequence
    failures = 0
    while True:
        request = tracking_service_pb2.WatchShipmentRequest(shipment_id=shipment_id, since_sequence=last)
        call = stub.WatchShipment(request, metadata=list(metadata) or None)
        try:
            for response in call:
                point = response.tracking_point
                if point.sequence <= last:
                    continue  # already yielded before a resumption
                last = point.sequence
                failures = 0
                yield point
            return
        except grpc.RpcError as raw:
            error = ImsopError.from_rpc_error(raw)
            failures += 1
            if not is_resumable(error) or failures > max_attempts:
                raise error from None
            if on_resume:
                on_resume(error, last)
            time.sleep(min(max_backoff, initial_backoff * 2 ** (failures - 1)) * random.uniform(0.5, 1.0))
        finally:
            call.cancel()
