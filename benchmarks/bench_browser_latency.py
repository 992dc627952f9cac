"""What the learner feels in the browser: the descent explorer's α slider moved 20 times in JupyterLab
(headless Chromium), timed from each key press to the new image shown, then a fast 10-step drag whose
final image must be the one for the last α. Target: median ≤ 150 ms from input to new image.

The measurement is test_descent_slider_latency_in_the_browser in tests/course/test_browser.py (which asserts
that every move gives exactly one new image and that no stale frame is left after a drag); this script
runs it alone, on an otherwise idle machine, and judges its figures against the target.

Run: .venv/bin/python benchmarks/bench_browser_latency.py
"""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIGURES = ROOT / "tests" / "artifacts" / "browser" / "descent_latency.json"
TARGET_MS = 150


def main():
    FIGURES.unlink(missing_ok=True)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                          "tests/course/test_browser.py", "-k", "latency"], cwd=ROOT)
    if run.returncode or not FIGURES.exists():
        print("the browser latency test did not run (see above)")
        return 1
    f = json.loads(FIGURES.read_text())
    verdict = "ok" if f["median_ms"] <= TARGET_MS else "SLOW"
    print(f"browser, α slider, input to new image over {f['moves']} moves: median {f['median_ms']:.0f} ms, "
          f"95th percentile {f['p95_ms']:.0f} ms, max {f['max_ms']:.0f} ms  target ≤ {TARGET_MS} ms  {verdict}")
    print(f"browser, end of a fast drag to its final image: {f['drag_end_to_final_image_ms']:.0f} ms (no stale frame)")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
