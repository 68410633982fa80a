"""Calls IMSOP from Python through stubs generated from the same contracts as the TypeScript SDK.

Usage: python3 examples/python/whoami.py ADDRESS ORGANIZATION EMAIL PASSWORD
Prints the caller (WhoAmI) as JSON. Needs Debian's python3-grpcio and python3-protobuf.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "gen", "python"))

import grpc  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from imsop.identity.v1 import auth_service_pb2, auth_service_pb2_grpc  # noqa: E402


def main() -> int:
    address, organization, email, password = sys.argv[1:5]
    with grpc.insecure_channel(address) as channel:
        auth = auth_service_pb2_grpc.AuthServiceStub(channel)
        try:
            login = auth.Login(auth_service_pb2.LoginRequest(organization=organization, email=email, password=password), timeout=10)
        except grpc.RpcError as error:
            print(json.dumps({"code": error.code().name, "reason": reason_of(error)}))
            return 1
        me = auth.WhoAmI(auth_service_pb2.WhoAmIRequest(), metadata=[("authorization", f"Bearer {login.access_token}")], timeout=10)
        print(json.dumps(MessageToDict(me)))
    return 0


def reason_of(error: grpc.RpcError) -> str:
    """The ErrorInfo reason from the google.rpc.Status the server attaches to every error."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""


if __name__ == "__main__":
    sys.exit(main())
