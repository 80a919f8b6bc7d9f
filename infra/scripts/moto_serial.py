"""The AWS emulator (moto's server) answering one request at a time.

moto's server is threaded, but its TransactWriteItems is not isolated: it
copies the table, writes, and on a failed condition restores the copy, which
can undo another request's writes made meanwhile. Real DynamoDB serialises
conflicting transactions, and the portal's concurrency tests rely on that, so
requests here run one after another (connections are still accepted in
parallel). Usage: python moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            # The whole response is produced inside the lock.
            return list(app(environ, start_response))

    run_simple(host, port, serial, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
