"""Calls IMSOP from Python through the imsop-client package (clients/python).

Usage: python whoami.py ADDRESS ORGANIZATION EMAIL PASSWORD
Prints the caller (WhoAmI) as JSON, or the error's code and reason. Install the package first:
    python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation --no-deps ./clients/python
"""
import json
import sys

from google.protobuf.json_format import MessageToDict
from imsop.identity.v1 import auth_service_pb2
from imsop_client import Client, ImsopError


def main() -> int:
    address, organization, email, password = sys.argv[1:5]
    with Client(address) as imsop:
        try:
            imsop.login(organization, email, password)
            me = imsop.auth.WhoAmI(auth_service_pb2.WhoAmIRequest(), timeout=10)
        except ImsopError as error:
            print(json.dumps({"code": error.code().name, "reason": error.reason}))
            return 1
        print(json.dumps(MessageToDict(me)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
