"""Cold start of every function: time from process start to its first response,
served through a local stand-in for the Lambda Runtime API, next to a
hello-world lambda_http binary measured in the same rounds.

Usage: python3 coldstart.py TARGET_DIR   (run by infra/bench/coldstart.sh, which
builds the release binaries, starts the AWS emulator and provisions it).
Environment: RUNS (rounds, default 10), ONLY (comma-separated function names
to measure; hello-world is always measured), BASELINE_TARGET (another target
directory, e.g. an earlier commit's build: each function is also measured from
there, in the same interleaved rounds, as "name (baseline)"), plus the
PORTAL_* variables the functions read (the script passes its own environment
through).
"""

import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "")
INVOICE = "/documents/invoices/d-f2026-0125"

# Each function's binary and the first request it serves (POST-only functions
# get a form without a CSRF token: refused, but only after a full start).
FUNCTIONS = [
    ("portal-hello-lambda", "GET", "/", False),
    ("portal-login", "GET", "/login", False),
    ("portal-login-confirm", "GET", "/login/confirm?token=unknown", False),
    ("portal-logout", "POST", "/logout", True),
    ("portal-dashboard", "GET", "/", True),
    ("portal-document-list", "GET", "/documents/invoices", True),
    ("portal-document-view", "GET", INVOICE, True),
    ("portal-document-pdf", "GET", INVOICE + "/pdf", True),
    ("portal-document-comment", "POST", INVOICE + "/comments", True),
    ("portal-document-link", "GET", "/links/d-f2026-0125.bm90LWEtbWFj", False),
    ("portal-quote-answer", "POST", "/documents/quotes/d-p2026-0040/accept", True),
    ("portal-order-confirm", "POST", "/documents/purchase-orders/d-pc2026-0012/confirm", True),
    ("portal-catalog", "GET", "/catalog", True),
    ("portal-cart", "GET", "/cart", True),
    ("portal-order-place", "POST", "/cart/order", True),
    ("portal-invoice-pay", "POST", INVOICE + "/pay", True),
    ("portal-stripe-webhook", "POST", "/webhooks/stripe", False),
    ("portal-staff", "GET", "/staff/login", False),
    ("portal-staff-api", "GET", "/api/v1/openapi.json", False),
    ("portal-notification-consumer", None, None, False),
]


def api_gateway_event(method, path, with_cookie):
    raw_path, _, query = path.partition("?")
    headers = {"host": "portal.example.es", "user-agent": "coldstart-bench", "accept-language": "es"}
    body = None
    if method == "POST":
        headers["content-type"] = "application/x-www-form-urlencoded"
        body = "note=" if raw_path != "/webhooks/stripe" else "{}"
    return {
        "version": "2.0",
        "routeKey": f"{method} {raw_path}",
        "rawPath": raw_path,
        "rawQueryString": query,
        "cookies": [COOKIE] if with_cookie and COOKIE else [],
        "headers": headers,
        "queryStringParameters": dict(p.split("=", 1) for p in query.split("&") if "=" in p) or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "portal.example.es",
            "domainPrefix": "portal",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "coldstart-bench",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": f"{method} {raw_path}",
            "stage": "$default",
            "time": "29/Nov/2026:10:00:00 +0000",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": body,
        "isBase64Encoded": False,
    }


class RuntimeApi:
    """Serves one invocation, records when its response arrives, then holds
    every further `next` call until stopped (as Lambda freezes the sandbox)."""

    def __init__(self, event):
        self.event = json.dumps(event).encode()
        self.served = False
        self.responded = threading.Event()
        self.stop = threading.Event()
        self.answer = None
        self.error = None
        self.responded_at = None
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if not self.path.endswith("/invocation/next"):
                    self.send_error(404)
                    return
                if api.served:
                    api.stop.wait(30)
                    try:
                        self.send_error(503)
                    except OSError:
                        pass  # the process was already stopped
                    return
                api.served = True
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", "req-1")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:bench")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(api.event)))
                self.end_headers()
                self.wfile.write(api.event)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path.endswith("/response"):
                    api.responded_at = time.perf_counter()
                    api.answer = body
                else:
                    api.responded_at = time.perf_counter()
                    api.error = body
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                api.responded.set()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self):
        host, port = self.server.server_address
        return f"{host}:{port}"

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def status_of(answer):
    try:
        return json.loads(answer).get("statusCode", "ok")
    except (ValueError, AttributeError):
        return "ok"


def cold_start(binary, method, path, with_cookie):
    event = {"Records": []} if method is None else api_gateway_event(method, path, with_cookie)
    api = RuntimeApi(event)
    env = dict(os.environ)
    env.update(
        {
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "AWS_LAMBDA_FUNCTION_NAME": os.path.basename(binary),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
            "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
            "RUST_LOG": "warn",
        }
    )
    started = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if not api.responded.wait(20):
            raise RuntimeError(f"{binary}: no response within 20 s: {process.stderr.read1(4000)!r}")
        if api.error is not None:
            raise RuntimeError(f"{binary}: reported an error: {api.error[:400]!r}")
        return api.responded_at - started, status_of(api.answer)
    finally:
        process.kill()
        process.wait()
        api.close()


def main():
    target = sys.argv[1]
    runs = int(os.environ.get("RUNS", "10"))
    only = {name for name in os.environ.get("ONLY", "").split(",") if name}
    functions = [f for f in FUNCTIONS if not only or f[0] in only or f[0] == "portal-hello-lambda"]
    binaries = {name: os.path.join(target, "release", name) for name, *_ in functions}
    baseline_target = os.environ.get("BASELINE_TARGET")
    if baseline_target:
        measured = []
        for name, method, path, with_cookie in functions:
            measured.append((name, method, path, with_cookie))
            if name != "portal-hello-lambda":
                binaries[f"{name} (baseline)"] = os.path.join(baseline_target, "release", name)
                measured.append((f"{name} (baseline)", method, path, with_cookie))
        functions = measured
    samples = {name: [] for name, *_ in functions}
    statuses = {}
    for round_number in range(runs):
        for name, method, path, with_cookie in functions:
            seconds, status = cold_start(binaries[name], method, path, with_cookie)
            samples[name].append(seconds * 1000)
            statuses[name] = status
        print(f"round {round_number + 1}/{runs} done", file=sys.stderr)
    baseline = statistics.median(samples["portal-hello-lambda"])
    print(f"\n{runs} cold starts per binary, interleaved; hello-world median {baseline:.1f} ms\n")
    print("| function | first request | answer | median ms | min ms | max ms | × hello-world |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, method, path, _ in functions:
        values = samples[name]
        request = "stream batch (0 records)" if method is None else f"{method} {path}"
        median = statistics.median(values)
        print(
            f"| {name} | {request} | {statuses[name]} | {median:.1f} | {min(values):.1f} | {max(values):.1f} "
            f"| {median / baseline:.2f} |"
        )


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()
