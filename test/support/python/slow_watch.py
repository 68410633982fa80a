"""A slow reader of imsop_client.watch_shipment, for test/python-client.test.ts.

Usage: python slow_watch.py ADDRESS TOKEN SHIPMENT_ID COUNT
Takes the first point, prints "paused", then reads nothing until a line arrives on stdin (the
server's buffer for this watcher overflows meanwhile); then reads on until COUNT points. Prints
one JSON line per point ({"sequence"}) and per resumption ({"resumed"}).
"""
import json
import sys

from imsop_client import Client, watch_shipment


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def main() -> int:
    address, token, shipment_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with Client(address, token=token) as imsop:
        resumed = lambda error, last: emit({"resumed": {"code": error.code().name, "reason": error.reason, "after": last}})
        for seen, point in enumerate(watch_shipment(imsop, shipment_id, on_resume=resumed), start=1):
            emit({"sequence": point.sequence})
            if seen == 1:
                emit({"paused": True})
                sys.stdin.readline()
            if seen >= count:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
