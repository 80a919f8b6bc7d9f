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
#   to the table. For a contact with portal access the function also stores a
#   login token and mails the link (SES's mailbox simulator
#   success@simulator.amazonses.com as that contact, or a mailbox you read).
#   The answer cannot tell whether the mail went (it must not tell who is a
#   contact), so with SMOKE_STACK (the stage's stack, e.g. portal-staging, and
#   AWS credentials that may list its resources and read CloudWatch metrics)
#   the send is confirmed by the Send metric of the stack's SES configuration
#   set. Without SMOKE_STACK (a local run, no AWS) that check is skipped.
# - with SMOKE_DOCUMENT_LINK (a document's shareable link, a secret: keep it
#   out of logs), the link is opened, the document shown, and its PDF fetched
#   through the redirect to the blob store's presigned URL: a 200
#   application/pdf (rendered and stored in S3 on first need).
#
# SMOKE_REQUIRE_WRITES=1 (the workflow) fails unless SMOKE_EMAIL,
# SMOKE_DOCUMENT_LINK and SMOKE_STACK are all set, so that nothing is skipped.
# Otherwise a part without its input is skipped and says so.
set -euo pipefail
base="${1:?usage: smoke.sh https://portal.example.es/}"
base="${base%/}"
email="${SMOKE_EMAIL:-smoke-test@example.com}"
stack="${SMOKE_STACK:-}"
if [ "${SMOKE_REQUIRE_WRITES:-0}" = 1 ]; then
    for input in SMOKE_EMAIL SMOKE_DOCUMENT_LINK SMOKE_STACK; do
        [ -n "${!input:-}" ] || { echo "FAIL $input is not set (SMOKE_REQUIRE_WRITES=1; docs/deploy.md, Deploy)" >&2; exit 1; }
    done
fi
skipped=()
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
# The Send metric of the stack's configuration set, summed over 1-minute
# periods from $1 (UTC, ISO 8601) to now; 0 when there is no datapoint yet.
sends_since() {
    aws cloudwatch get-metric-statistics --namespace AWS/SES --metric-name Send \
        --dimensions "Name=ses:configuration-set,Value=$configuration_set" \
        --start-time "$1" --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --period 60 --statistics Sum \
        --query 'sum(Datapoints[].Sum)' --output text
}
if [ -n "$stack" ] && [ -n "${SMOKE_EMAIL:-}" ]; then
    configuration_set="$(aws cloudformation list-stack-resources --stack-name "$stack" \
        --query "StackResourceSummaries[?ResourceType=='AWS::SES::ConfigurationSet'].PhysicalResourceId | [0]" --output text)"
    if [ -z "$configuration_set" ] || [ "$configuration_set" = None ]; then
        fail "stack $stack has no SES configuration set"
    fi
    # The minute before the request: CloudWatch files a send under the minute it happened in.
    since="$(date -u -d '1 minute ago' +%Y-%m-%dT%H:%M:00Z)"
fi
IFS="|" read -r status _ <<<"$(fetch -o "$work/sent.html" --data-urlencode "csrf=$token" --data-urlencode "email=$email" "$base/login")"
[ "$status" = 200 ] || fail "POST /login: $status (expected the 'check your email' page)"
grep -qF "$email" "$work/sent.html" || fail "POST /login: the answer does not name $email"
echo "ok   POST /login $status (login request for $email)"
if [ -z "${SMOKE_EMAIL:-}" ]; then
    skipped+=("the login mail (SMOKE_EMAIL: a contact with portal access)")
elif [ -z "$stack" ]; then
    skipped+=("the login mail's confirmation (SMOKE_STACK: the stage's stack, with AWS credentials)")
else
    # SES publishes the event to CloudWatch within a few minutes. Another mail of
    # the stage in the same minutes would count too: the check proves that the
    # stage can send, which is what a release could break.
    sent=0
    for _ in $(seq 1 30); do
        sent="$(sends_since "$since")"
        case "$sent" in None | "" | 0 | 0.0) sent=0 ;; *) break ;; esac
        sleep 10
    done
    [ "$sent" != 0 ] || fail "POST /login: no mail sent through $configuration_set within 5 minutes (is $email a contact with portal access? the login function's log says why)"
    echo "ok   login mail sent ($configuration_set counted $sent send(s) since $since)"
fi

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
    skipped+=("the PDF download (SMOKE_DOCUMENT_LINK: a smoke document's shareable link)")
fi
if [ ${#skipped[@]} -gt 0 ]; then
    for part in "${skipped[@]}"; do echo "skip $part"; done
    echo "smoke test passed for $base, without the ${#skipped[@]} part(s) skipped above"
else
    echo "smoke test passed for $base"
fi
