#!/usr/bin/env bash
# PDF render benchmark: the portal's in-process typst renderer against
# WeasyPrint and headless Chromium rendering the same invoices as HTML.
# Not a test: it measures and prints a table (see docs/benchmarks/pdf.md).
#
#   infra/bench/pdf.sh
#
# Installs what is missing (Debian pango and chromium via apt-get when run as
# root, WeasyPrint into .venv-bench, playwright-core via npm ci in
# tests/browser), builds `render_bench` in release, then runs, one after the
# other so they never compete for the 2 cores:
#   1. typst warm (render_bench, N varied + N identical invoices, one process)
#      and typst cold (COLD_RUNS fresh processes),
#   2. WeasyPrint warm in-process (default call, then a shared FontConfiguration)
#      and cold (`weasyprint in.html out.pdf` processes),
#   3. Chromium warm in-process (playwright-core, setContent + page.pdf) and
#      cold (`chromium --headless --print-to-pdf` processes),
# and prints medians, p99s, cold times and ratios. Every step has a bounded
# iteration count and a timeout.
#
# Environment (all optional):
#   ITERATIONS=200 WARMUP=10 COLD_RUNS=10 HTML_COLD_RUNS=5
#   CARGO_TARGET_DIR (default: <repo>/target)
#   OUT (default: $CARGO_TARGET_DIR/pdf-bench): result files, PDFs, summary.json
#   SKIP_BUILD=1 to reuse an existing render_bench binary
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

ITERATIONS=${ITERATIONS:-200}
WARMUP=${WARMUP:-10}
COLD_RUNS=${COLD_RUNS:-10}
HTML_COLD_RUNS=${HTML_COLD_RUNS:-5}
WEASYPRINT_VERSION=${WEASYPRINT_VERSION:-70.0}
target_dir=${CARGO_TARGET_DIR:-$repo/target}
out=${OUT:-$target_dir/pdf-bench}
venv=$repo/.venv-bench
chromium_bin=${CHROMIUM_PATH:-/usr/bin/chromium}

log() { echo "pdf.sh: $*" >&2; }

# --- what the HTML side needs --------------------------------------------------
apt_missing=()
ldconfig -p | grep -q 'libpango-1.0.so.0' || apt_missing+=(libpango-1.0-0)
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || apt_missing+=(libpangoft2-1.0-0)
[[ -x "$chromium_bin" ]] || apt_missing+=(chromium)
command -v fc-list >/dev/null || apt_missing+=(fontconfig fonts-dejavu-core)
if ((${#apt_missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages (${apt_missing[*]}); run as root or install them"
    exit 1
  fi
  log "apt-get install ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

if [[ ! -x "$venv/bin/weasyprint" ]] ||
  [[ "$("$venv/bin/python" -c 'import weasyprint; print(weasyprint.__version__)' 2>/dev/null)" != "$WEASYPRINT_VERSION" ]]; then
  log "installing weasyprint==$WEASYPRINT_VERSION into .venv-bench"
  python3 -m venv "$venv"
  timeout 600 "$venv/bin/pip" install -q --disable-pip-version-check "weasyprint==$WEASYPRINT_VERSION"
fi

if [[ ! -f tests/browser/node_modules/playwright-core/package.json ]]; then
  log "npm ci in tests/browser (playwright-core)"
  (cd tests/browser && timeout 600 npm ci --no-audit --no-fund)
fi

# --- build -------------------------------------------------------------------------
bench_bin=$target_dir/release/examples/render_bench
if [[ -z "${SKIP_BUILD:-}" || ! -x "$bench_bin" ]]; then
  log "building render_bench (release; the first build takes a while on 2 cores)"
  CARGO_TARGET_DIR=$target_dir nice -n 10 cargo build --release --example render_bench -p portal-pdf
fi

rm -rf "$out"
mkdir -p "$out"
log "results in $out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "rustc: $(rustc --version)"
  echo "weasyprint: $("$venv/bin/python" -c 'import weasyprint; print(weasyprint.__version__)')"
  echo "chromium: $("$chromium_bin" --version 2>/dev/null)"
} | tee "$out/machine.txt" >&2
# The load average still counts the build above; sample the CPUs for 3 s instead.
cpu_busy() {
  local a b
  read -r -a a < <(head -1 /proc/stat)
  sleep 3
  read -r -a b < <(head -1 /proc/stat)
  local idle=$((b[4] + b[5] - a[4] - a[5])) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $((100 * (total - idle) / (total > 0 ? total : 1)))
}
busy=$(cpu_busy)
echo "cpu busy before the run: $busy %" | tee -a "$out/machine.txt" >&2
if ((busy > 10)); then
  log "warning: the CPUs are $busy % busy with something else; the numbers will be noisy"
fi

compare=(python3 infra/bench/pdf_compare.py)

# --- typst ---------------------------------------------------------------------
log "typst: warm ($WARMUP + $ITERATIONS varied, $ITERATIONS identical)"
timeout 600 "$bench_bin" --iterations "$ITERATIONS" --warmup "$WARMUP" \
  --data-out "$out/invoices.json" --pdf-out "$out/typst.pdf" >"$out/typst.json"
log "typst: cold ($COLD_RUNS fresh processes)"
"${compare[@]}" cold --name typst --runs "$COLD_RUNS" --timeout 60 --out "$out/typst_cold.json" \
  --expect "$out/typst_cold.pdf" --json-stdout -- "$bench_bin" --cold-only --pdf-out "$out/typst_cold.pdf"

# --- the same invoices as HTML ----------------------------------------------------
python3 infra/bench/pdf_html.py "$out/invoices.json" "$out/htmls.json" "$out/invoice.html"

log "weasyprint: warm in-process"
timeout 1200 "$venv/bin/python" infra/bench/weasyprint_bench.py "$out/htmls.json" \
  --pdf-out "$out/weasyprint.pdf" >"$out/weasyprint.json"
log "weasyprint: warm in-process, one shared FontConfiguration"
timeout 1200 "$venv/bin/python" infra/bench/weasyprint_bench.py "$out/htmls.json" --shared-font-config \
  >"$out/weasyprint_shared.json"
log "weasyprint: cold ($HTML_COLD_RUNS fresh processes)"
"${compare[@]}" cold --name weasyprint --runs "$HTML_COLD_RUNS" --timeout 120 --out "$out/weasyprint_cold.json" \
  --expect "$out/weasyprint_cold.pdf" -- "$venv/bin/weasyprint" "$out/invoice.html" "$out/weasyprint_cold.pdf"

log "chromium: warm in-process (playwright-core)"
CHROMIUM_PATH=$chromium_bin timeout 1200 node infra/bench/chromium_pdf.mjs "$out/htmls.json" \
  --pdf-out "$out/chromium.pdf" >"$out/chromium.json"
log "chromium: cold ($HTML_COLD_RUNS fresh processes)"
"${compare[@]}" cold --name chromium --runs "$HTML_COLD_RUNS" --timeout 120 --out "$out/chromium_cold.json" \
  --expect "$out/chromium_cold.pdf" -- "$chromium_bin" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --no-pdf-header-footer --user-data-dir="$out/chromium-profile" \
  --print-to-pdf="$out/chromium_cold.pdf" "file://$out/invoice.html"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
echo
"${compare[@]}" report "$out"
