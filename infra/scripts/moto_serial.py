"""The AWS emulator (moto's server) with DynamoDB writes applied one at a time.

moto's server is threaded, but its TransactWriteItems is not isolated: it
copies the table, writes, and on a failed condition restores the copy, which
can undo another request's write made meanwhile. Real DynamoDB serialises
conflicting writes, and the portal's concurrency tests rely on that, so here
every DynamoDB write waits for the one before it. Everything else (reads, S3,
SES, table creation) runs in parallel as usual.
Usage: python moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

DYNAMODB_WRITES = {
    f"DynamoDB_20120810.{operation}"
    for operation in ("PutItem", "DeleteItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems")
}


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    writes = threading.Lock()

    def serial_writes(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET") in DYNAMODB_WRITES:
            with writes:
                # The whole response is produced inside the lock.
                return list(app(environ, start_response))
        return app(environ, start_response)

    run_simple(host, port, serial_writes, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
