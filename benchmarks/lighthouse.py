"""make lighthouse: Lighthouse scores of the built site, served on 127.0.0.1 with gzip as real
hosts serve it. Home and programme, mobile and desktop presets. A benchmark, not a test:
prints a table and writes JSON. Targets: accessibility, best practices and SEO 1.0; mobile
performance 0.95 or better (issue 25). Lighthouse simulates a slow phone from what it observed:
on a loaded machine the scores move by a few hundredths, so run it a few times."""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tools/node_modules/lighthouse/cli/index.js"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ics", ".map"}
PAGES = {"home": "index.html", "programme": "program/index.html"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and long-lived caching of _static, as a production host would."""

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        if "/_static/" in self.path:
            self.send_header("Cache-Control", "public, max-age=31536000")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(GzipHandler, directory=directory)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def lighthouse(url: str, preset: str) -> dict:
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed for {url} ({preset}):\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    audits = report["audits"]
    return {
        "scores": {c: report["categories"][c]["score"] for c in CATEGORIES},
        "first_contentful_paint_ms": audits["first-contentful-paint"]["numericValue"],
        "largest_contentful_paint_ms": audits["largest-contentful-paint"]["numericValue"],
        "total_byte_weight": audits["total-byte-weight"]["numericValue"],
        "failed_audits": sorted(
            a
            for a, v in audits.items()
            if v.get("score") is not None
            and v["score"] < 0.9
            and v.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, default=ROOT / "_build/html")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "lighthouse-results.json")
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="runs of each page and preset: the JSON keeps the run of median performance, every "
        "run's performance score and the load average (make lighthouse LIGHTHOUSE_ARGS='--runs 5')",
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        print("error: Lighthouse is not installed: npm install --prefix tools", file=sys.stderr)
        return 1
    if not (args.site / "index.html").is_file():
        print(f"error: no built site in {args.site}: run make html first", file=sys.stderr)
        return 1
    server, base = serve(args.site)
    results = {}
    try:
        for name, page in PAGES.items():
            for preset in ("mobile", "desktop"):
                runs = []
                for run in range(1, max(args.runs, 1) + 1):
                    print(
                        f"{name} ({preset}) {run}/{args.runs}, load {os.getloadavg()[0]:.1f} ...", flush=True
                    )
                    runs.append(
                        lighthouse(base + page, preset) | {"load_average": round(os.getloadavg()[0], 2)}
                    )
                median = sorted(runs, key=lambda r: r["scores"]["performance"])[(len(runs) - 1) // 2]
                if len(runs) > 1:
                    median["performance_runs"] = [r["scores"]["performance"] for r in runs]
                results[f"{name}/{preset}"] = median
    finally:
        server.shutdown()
    args.json.write_text(json.dumps(results, indent=1) + "\n")
    print(
        f"\n{'page':<20} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'FCP ms':>7} {'LCP ms':>7} {'kB':>6}"
    )
    for key, r in results.items():
        s = r["scores"]
        print(
            f"{key:<20} {s['performance']:>5.2f} {s['accessibility']:>5.2f} {s['best-practices']:>5.2f} "
            f"{s['seo']:>5.2f} {r['first_contentful_paint_ms']:>7.0f} {r['largest_contentful_paint_ms']:>7.0f} "
            f"{r['total_byte_weight'] / 1000:>6.0f}"
            + (
                f"  runs {' '.join(f'{s:.2f}' for s in r['performance_runs'])}"
                if "performance_runs" in r
                else ""
            )
        )
    print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
