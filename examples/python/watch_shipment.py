"""Follows a shipment's tracking points with imsop_client.watch_shipment, which resumes by itself
when the server shuts down (connect to several instances, e.g. ipv4:10.0.0.1:50051,10.0.0.2:50051)
or the reader falls behind.

Usage: python watch_shipment.py ADDRESS ORGANIZATION EMAIL PASSWORD SHIPMENT_ID [COUNT]
Prints one JSON line per point ({"sequence", "location"}) and per resumption ({"resumed"}); stops
after COUNT points (default: never). A final error prints {"code", "reason", "field_violations"}.
"""
import json
import sys

from imsop_client import Client, ImsopError, watch_shipment


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def main() -> int:
    address, organization, email, password, shipment_id = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else None
    with Client(address) as imsop:
        try:
            imsop.login(organization, email, password)
            resumed = lambda error, last: emit({"resumed": {"code": error.code().name, "reason": error.reason, "after": last}})
            for seen, point in enumerate(watch_shipment(imsop, shipment_id, on_resume=resumed), start=1):
                emit({"sequence": point.sequence, "location": point.location})
                if count is not None and seen >= count:
                    break
        except ImsopError as error:
            violations = [violation.field for violation in error.field_violations]
            emit({"code": error.code().name, "reason": error.reason, "field_violations": violations})
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
