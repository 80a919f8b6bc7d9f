#!/usr/bin/env bash
# Smoke test of a deployed (or local) portal:
#
#   infra/scripts/smoke.sh https://portal.example.es/
#
# Read paths: the login page answers 200 with the security headers, the
# dashboard sends strangers to the login page, an unknown link is a 404.
# Write paths:
# - a login request: the form's CSRF cookie and token, then POST /login for
#   SMOKE_EMAIL (default smoke-test@example.com). The answer is the same page
#   for every address; getting it proves the rate-limit counters were written
#   to the table. For a contact's address the function also stores a login
#   token and mails the link (a mailbox you read, or SES's mailbox simulator
#   success@simulator.amazonses.com as a contact). A failed send is only
#   logged, by design: the answer must not tell who is a contact.
# - with SMOKE_DOCUMENT_LINK (a document's shareable link, a secret: keep it
#   out of logs), the link is opened, the document shown, and its PDF fetched
#   through the redirect to the blob store's presigned URL: a 200
#   application/pdf (rendered and stored on first need).
set -euo pipefail
base="${1:?usage: smoke.sh https://portal.example.es/}"
base="${base%/}"
email="${SMOKE_EMAIL:-smoke-test@example.com}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jar="$work/cookies"

fail() {
    echo "FAIL $*" >&2
    exit 1
}
# curl with the cookie jar; prints "STATUS|REDIRECT_URL|CONTENT_TYPE" (either may be empty).
fetch() {
    curl -sS --max-time 30 -b "$jar" -c "$jar" -w '%{http_code}|%{redirect_url}|%{content_type}' "$@"
}
check() {
    local path="$1" want="$2" got
    got="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "$base$path")"
    [ "$got" = "$want" ] || fail "$path: $got (expected $want)"
    echo "ok   $path $got"
}

check /login 200
check / 303
check /links/unknown 404
headers="$(curl -sS -D - -o /dev/null --max-time 20 "$base/login")"
for header in content-security-policy strict-transport-security x-content-type-options referrer-policy; do
    grep -qi "^$header:" <<<"$headers" || fail "missing $header"
done
echo "ok   security headers"

# Login request: the form sets the CSRF cookie and carries its token.
IFS="|" read -r status _ <<<"$(fetch -o "$work/login.html" "$base/login")"
[ "$status" = 200 ] || fail "GET /login: $status"
token="$(grep -o 'name="csrf" value="[^"]*"' "$work/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')"
[ -n "$token" ] || fail "no CSRF token in the login form"
IFS="|" read -r status _ <<<"$(fetch -o "$work/sent.html" --data-urlencode "csrf=$token" --data-urlencode "email=$email" "$base/login")"
[ "$status" = 200 ] || fail "POST /login: $status (expected the 'check your email' page)"
grep -qF "$email" "$work/sent.html" || fail "POST /login: the answer does not name $email"
echo "ok   POST /login $status (login request for $email)"

if [ -n "${SMOKE_DOCUMENT_LINK:-}" ]; then
    link="$SMOKE_DOCUMENT_LINK"
    case "$link" in
        http://* | https://*) ;;
        /*) link="$base$link" ;;
        *) fail "SMOKE_DOCUMENT_LINK must be a URL or a /links/... path" ;;
    esac
    # The link trades its token for a cookie scoped to the document's path.
    IFS="|" read -r status document _ <<<"$(fetch -o /dev/null "$link")"
    [ "$status" = 303 ] || fail "document link: $status (expected 303 to the document)"
    case "$document" in
        "$base"/documents/*) ;;
        *) fail "document link: redirected to ${document:-nothing}, not to a document of $base" ;;
    esac
    path="${document#"$base"}"
    IFS="|" read -r status _ <<<"$(fetch -o /dev/null "$document")"
    [ "$status" = 200 ] || fail "$path: $status"
    echo "ok   document link -> $path 200"
    IFS="|" read -r status presigned _ <<<"$(fetch -o /dev/null "$document/pdf")"
    [ "$status" = 303 ] || fail "$path/pdf: $status (expected 303 to the file)"
    [ -n "$presigned" ] || fail "$path/pdf: no Location"
    # The presigned URL is a short-lived credential: not printed.
    IFS="|" read -r status content_type <<<"$(curl -sS --max-time 60 -o "$work/document.pdf" \
        -w '%{http_code}|%{content_type}' "$presigned")"
    [ "$status" = 200 ] || fail "$path/pdf: the presigned URL answered $status"
    case "$content_type" in
        application/pdf*) ;;
        *) fail "$path/pdf: Content-Type ${content_type:-none}, expected application/pdf" ;;
    esac
    [ "$(head -c 5 "$work/document.pdf")" = "%PDF-" ] || fail "$path/pdf: the file is not a PDF"
    echo "ok   $path/pdf 303 -> presigned 200 application/pdf ($(wc -c <"$work/document.pdf") bytes)"
else
    echo "skip PDF download (set SMOKE_DOCUMENT_LINK to a smoke document's shareable link)"
fi
echo "smoke test passed for $base"
