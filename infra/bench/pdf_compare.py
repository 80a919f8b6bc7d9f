#!/usr/bin/env python3
"""Cold-process timings and the final comparison table of the PDF benchmark
(infra/bench/pdf.sh). Standard library only.

  pdf_compare.py cold --name NAME --runs K --timeout S --out FILE [--expect PDF] [--json-stdout] -- CMD...
      Runs CMD once untimed (so every tool starts with its files in the page
      cache), then K times timed: wall-clock time from spawn to exit of a fresh
      process. With --expect, the PDF must exist and start with %PDF- after
      every run (it is deleted before each run). With --json-stdout, CMD's
      stdout is a JSON object kept per run (render_bench --cold-only reports
      its in-process cold split there).

  pdf_compare.py report DIR
      Reads the result files pdf.sh left in DIR and prints the table and the
      ratios; writes DIR/summary.json.

Statistics are the same for every tool: median (mean of the two middle values
for an even count) and nearest-rank p99 (for 200 samples: the 198th smallest).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def percentile(samples, p):
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples):
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples),
        "p99_ms": percentile(samples, 99),
        "mean_ms": statistics.fmean(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
    }


def run_once(cmd, timeout, expect, json_stdout):
    if expect:
        Path(expect).unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, timeout=timeout)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"pdf_compare.py: {cmd[0]} exited with {done.returncode}")
    if expect:
        head = Path(expect).read_bytes()[:5] if Path(expect).exists() else b""
        if head != b"%PDF-":
            sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
            raise SystemExit(f"pdf_compare.py: {cmd[0]} did not write a PDF to {expect}")
    return elapsed, (json.loads(done.stdout) if json_stdout else None)


def cold(args):
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        raise SystemExit("pdf_compare.py cold: no command given after --")
    run_once(cmd, args.timeout, args.expect, args.json_stdout)  # untimed: page cache
    walls, reports = [], []
    for _ in range(args.runs):
        wall, report = run_once(cmd, args.timeout, args.expect, args.json_stdout)
        walls.append(wall)
        if report is not None:
            reports.append(report)
    result = {"name": args.name, "command": cmd, "process_wall_ms": walls}
    if reports:
        result["in_process"] = reports
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")


def load(directory, name):
    path = directory / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def fmt(ms):
    if ms is None:
        return "—"
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def ratio(other, typst):
    return other / typst if other is not None and typst else None


def pdf_pages(directory):
    """Page count of each PDF the run kept (pdfinfo from poppler-utils, when installed)."""
    pages = {}
    for pdf in sorted(directory.glob("*.pdf")):
        try:
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return {}
        for line in info.splitlines():
            if line.startswith("Pages:"):
                pages[pdf.stem] = int(line.split()[1])
    return pages


def report(args):
    d = Path(args.dir)
    typst = load(d, "typst.json")
    typst_cold = load(d, "typst_cold.json")
    weasy = load(d, "weasyprint.json")
    weasy_shared = load(d, "weasyprint_shared.json")
    weasy_cold = load(d, "weasyprint_cold.json")
    chromium = load(d, "chromium.json")
    chromium_cold = load(d, "chromium_cold.json")
    if not typst or not typst_cold:
        raise SystemExit("pdf_compare.py report: typst results missing")

    def warm(result, key="warm_varied"):
        return summary(result[key]["samples_ms"]) if result else None

    def cold_summary(result):
        return summary(result["process_wall_ms"]) if result else None

    rows = {
        "typst": {
            "warm": warm(typst),
            "identical": warm(typst, "warm_identical"),
            "cold_process": cold_summary(typst_cold),
            "cold_in_process": summary([r["cold"]["total_ms"] for r in typst_cold["in_process"]]),
            "cold_new": summary([r["cold"]["new_ms"] for r in typst_cold["in_process"]]),
            "cold_first_render": summary([r["cold"]["first_render_ms"] for r in typst_cold["in_process"]]),
            "pdf_bytes": typst["pdf_bytes"],
        }
    }
    if weasy:
        rows["weasyprint"] = {
            "warm": warm(weasy),
            "identical": warm(weasy, "warm_identical"),
            "cold_process": cold_summary(weasy_cold),
            "first_in_process_ms": weasy["first_render_in_process_ms"],
            "version": weasy["version"],
            "pdf_bytes": weasy["pdf_bytes"],
        }
    if weasy_shared:
        rows["weasyprint (shared FontConfiguration)"] = {
            "warm": warm(weasy_shared),
            "identical": warm(weasy_shared, "warm_identical"),
            "cold_process": None,
            "version": weasy_shared["version"],
            "pdf_bytes": weasy_shared["pdf_bytes"],
        }
    if chromium:
        rows["chromium"] = {
            "warm": warm(chromium),
            "identical": warm(chromium, "warm_identical"),
            "cold_process": cold_summary(chromium_cold),
            "first_in_process_ms": chromium["first_render_in_process_ms"],
            "launch_ms": chromium["launch_ms"],
            "version": chromium["version"],
            "pdf_bytes": chromium["pdf_bytes"],
        }

    t = rows["typst"]
    lines = []
    out = lines.append
    out("PDF render benchmark: one-page invoice, 20 lines (times in ms)")
    out("")
    header = (
        f"{'tool':<40} {'warm median':>11} {'warm p99':>9} {'warm mean':>9} "
        f"{'same-input median':>17} {'cold process median':>19} {'cold max':>9} {'PDF bytes':>9}"
    )
    out(header)
    out("-" * len(header))
    for name, r in rows.items():
        w, i, c = r["warm"], r["identical"], r["cold_process"]
        out(
            f"{name:<40} {fmt(w['median_ms']):>11} {fmt(w['p99_ms']):>9} {fmt(w['mean_ms']):>9} "
            f"{fmt(i['median_ms']):>17} {fmt(c['median_ms'] if c else None):>19} "
            f"{fmt(c['max_ms'] if c else None):>9} {r['pdf_bytes']:>9,}"
        )
    out("")
    out(
        "typst cold in-process (Renderer::new + first render), median of "
        f"{t['cold_in_process']['n']} fresh processes: {fmt(t['cold_in_process']['median_ms'])} ms "
        f"(new {fmt(t['cold_new']['median_ms'])} + first render {fmt(t['cold_first_render']['median_ms'])}; "
        f"max {fmt(t['cold_in_process']['max_ms'])})"
    )
    if "weasyprint" in rows:
        out(f"weasyprint first render in an already-started process: {fmt(rows['weasyprint']['first_in_process_ms'])} ms")
    if "chromium" in rows:
        c = rows["chromium"]
        out(f"chromium browser launch + new page: {fmt(c['launch_ms'])} ms; first render after it: {fmt(c['first_in_process_ms'])} ms")
    pages = pdf_pages(d)
    if pages:
        out("pages of the base invoice: " + ", ".join(f"{name} {n}" for name, n in pages.items()))
    out("")
    out("Ratios (other tool's time / typst's time; higher = typst faster):")
    ratios = {}
    for name, r in rows.items():
        if name == "typst":
            continue
        rr = {
            "warm_median": ratio(r["warm"]["median_ms"], t["warm"]["median_ms"]),
            "warm_p99": ratio(r["warm"]["p99_ms"], t["warm"]["p99_ms"]),
            "cold_process_median": ratio(r["cold_process"]["median_ms"], t["cold_process"]["median_ms"])
            if r["cold_process"]
            else None,
        }
        ratios[name] = rr
        cells = ", ".join(f"{k} {v:.1f}×" for k, v in rr.items() if v is not None)
        out(f"  vs {name}: {cells}")
    out("")

    # Goals: ≥10× faster than both tools (warm median, warm p99 and cold process,
    # each against the tool's best variant) and under 20 ms warm.
    goals = {"warm_median_under_20ms": t["warm"]["median_ms"] < 20, "warm_p99_under_20ms": t["warm"]["p99_ms"] < 20}
    for tool in ("weasyprint", "chromium"):
        variants = [rr for name, rr in ratios.items() if name.startswith(tool)]
        if not variants:
            continue
        for key in ("warm_median", "warm_p99", "cold_process_median"):
            values = [v[key] for v in variants if v[key] is not None]
            if values:
                goals[f"{key}_10x_faster_than_{tool}"] = min(values) >= 10
    out("Goals (ratios taken against each tool's fastest variant):")
    for goal, met in goals.items():
        out(f"  {'MET    ' if met else 'NOT MET'} {goal}")

    text = "\n".join(lines)
    print(text)
    (d / "summary.json").write_text(
        json.dumps({"rows": rows, "ratios": ratios, "goals": goals, "pages": pages}, indent=1), encoding="utf-8"
    )
    (d / "table.txt").write_text(text + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cold")
    c.add_argument("--name", required=True)
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--timeout", type=float, default=120)
    c.add_argument("--out", required=True)
    c.add_argument("--expect")
    c.add_argument("--json-stdout", action="store_true")
    c.add_argument("cmd", nargs=argparse.REMAINDER)
    r = sub.add_parser("report")
    r.add_argument("dir")
    args = parser.parse_args()
    {"cold": cold, "report": report}[args.command](args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
