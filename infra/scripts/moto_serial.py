"""The AWS emulator (moto's server) with DynamoDB writes applied one at a time.

moto's server is threaded, but its TransactWriteItems is not isolated: it
copies the table, writes, and on a failed condition restores the copy, which
can undo another request's write made meanwhile. Real DynamoDB serialises
conflicting writes, and the portal's concurrency tests rely on that, so here
every DynamoDB write waits for the one before it. Everything else (reads, S3,
SES, table creation) runs in parallel as usual.

It also answers GET /_portal/ses/raw-messages with the raw mail SES accepted
(id, source, destinations, raw_data). moto's own /moto-api/data.json dumps
every tracked object of every service, DynamoDB items included, so it slows
down as a test run's data grows and can fail while other requests write.
Usage: python moto_serial.py HOST PORT
"""

import json
import os
import sys
import threading

from moto.ses.models import RawMessage, ses_backends
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

DYNAMODB_WRITES = {
    f"DynamoDB_20120810.{operation}"
    for operation in ("PutItem", "DeleteItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems")
}


SES_RAW_MESSAGES = "/_portal/ses/raw-messages"


def ses_raw_messages(environ, start_response):
    """Every raw mail SES accepted, in every account and region, oldest first."""
    messages = []
    for account in list(ses_backends):
        for region in list(ses_backends[account]):
            for message in list(ses_backends[account][region].sent_messages):
                if isinstance(message, RawMessage):
                    messages.append(
                        {
                            "id": message.id,
                            "source": message.source,
                            "destinations": list(message.destinations),
                            "raw_data": message.raw_data,
                        }
                    )
    body = json.dumps(messages).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    writes = threading.Lock()

    def serial_writes(environ, start_response):
        if environ.get("PATH_INFO") == SES_RAW_MESSAGES:
            return ses_raw_messages(environ, start_response)
        if environ.get("HTTP_X_AMZ_TARGET") in DYNAMODB_WRITES:
            with writes:
                # The whole response is produced inside the lock.
                return list(app(environ, start_response))
        return app(environ, start_response)

    run_simple(host, port, serial_writes, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
