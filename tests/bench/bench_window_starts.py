"""Many window starts under load: does the window ever abort (issue 18: one start in 27
died with SIGABRT on a loaded machine)?

Each start runs ``quire`` (this checkout, or ``--exe`` a built bundle) with
``QUIRE_EXIT_AFTER_SHOWN=1``, so it shows the window, prints the seconds it took and
quits; starts alternate between the welcome page and the sample project. ``--load N``
processes spin on the CPU meanwhile (default: one per core), besides whatever else the
machine runs. For every start the script keeps the exit status (a negative one is the
signal that killed it), Qt's messages (stderr, with ``QT_MESSAGE_PATTERN`` naming their
kind and category), Python's traceback of a fatal signal (``PYTHONFAULTHANDLER``) and any
core dump (the core-size limit is raised for the child, which starts in its own folder:
``/proc/sys/kernel/core_pattern`` says where the kernel writes it). Failed starts are
kept in ``.bench/window-starts/``.

    .venv/bin/python tests/bench/bench_window_starts.py [--count 200] [--load 2]
        [--exe dist/quire/quire] [--platform offscreen|xcb]

``--platform xcb`` runs the starts under Xvfb (``xvfb-run``), like a desktop. Exits 1 if
any start failed (a signal, a non-zero status, or no window shown), printing each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT)]
KEEP = ROOT / ".bench" / "window-starts"
PATTERN = "qt-%{type} [%{category}] %{message}"


def spin(stop) -> None:  # a load process: busy until told to stop
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _allow_core() -> None:  # in the child, before exec: core dumps of any size
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _sample(home: Path, command: list[str]) -> Path:
    """The bundled sample as a project, made by the same quire as the starts."""
    from db.resources import resource as bundled

    path = home / "sample.quire"
    sample = bundled("sample")
    env = {**os.environ, "QUIRE_DATA_DIR": str(home / "data"),
           "QUIRE_CACHE_DIR": str(home / "cache"), "QUIRE_CONFIG_DIR": str(home / "settings")}
    subprocess.run([*command, "new", str(path)], check=True, env=env, capture_output=True)
    subprocess.run([*command, "import", str(path), str(sample / "articles"), "--collection",
                    "Articles"], check=True, env=env, capture_output=True)
    subprocess.run([*command, "import", str(path), *map(str, (sample / "posts").iterdir())],
                   check=True, env=env, capture_output=True)
    return path


def start(i: int, command: list[str], home: Path, project: Path | None,
          platform: str) -> dict:
    """One window start; what became of it."""
    folder = home / f"start-{i:03d}"
    folder.mkdir()
    env = {**os.environ, "QUIRE_EXIT_AFTER_SHOWN": "1", "QUIRE_CONFIG_DIR": str(home / "settings"),
           "QUIRE_DATA_DIR": str(home / "data"), "QUIRE_CACHE_DIR": str(home / "cache"),
           "QT_MESSAGE_PATTERN": PATTERN, "PYTHONFAULTHANDLER": "1"}
    argv = [*command, *([str(project)] if project else [])]
    if platform == "xcb":
        env.pop("QT_QPA_PLATFORM", None)
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *argv]
    else:
        env["QT_QPA_PLATFORM"] = platform
    began = time.monotonic()
    try:
        done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=120, preexec_fn=_allow_core)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = "timeout", exc.stdout or "", exc.stderr or ""
        out, err = (s.decode(errors="replace") if isinstance(s, bytes) else s for s in (out, err))
    wall = time.monotonic() - began
    cores = [p.name for p in folder.iterdir() if p.name.startswith("core")]
    shown = next((line for line in out.splitlines() if line.startswith("window shown")), "")
    seconds = float(shown.split()[2]) if shown else None
    qt = [line for line in err.splitlines() if line.startswith("qt-")]
    failed = code != 0 or not shown or bool(cores)
    if failed:
        keep = KEEP / f"{time.strftime('%Y%m%d-%H%M%S')}-start-{i:03d}"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, keep)
        (keep / "stdout.txt").write_text(out)
        (keep / "stderr.txt").write_text(err)
    shutil.rmtree(folder, ignore_errors=True)
    return {"i": i, "code": code, "shown": seconds, "wall": wall, "cores": cores, "qt": qt,
            "failed": failed, "err": err[-2000:], "project": bool(project)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--load", type=int, default=os.cpu_count() or 2,
                   help="CPU-spinning processes meanwhile (default: one per core)")
    p.add_argument("--exe", help="a built quire (default: this checkout's Python)")
    p.add_argument("--platform", default="offscreen", choices=("offscreen", "xcb"))
    p.add_argument("--minutes", type=float, default=0,
                   help="stop after this long, even before --count starts (0: no limit)")
    args = p.parse_args()
    command = [str(Path(args.exe).resolve())] if args.exe else [
        sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())"]
    os.chdir(ROOT)
    stop = multiprocessing.Event()
    load = [multiprocessing.Process(target=spin, args=(stop,), daemon=True)
            for _ in range(args.load)]
    results = []
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="quire-starts-") as tmp:
        home = Path(tmp)
        (home / "settings").mkdir()
        (home / "settings" / "quire.ini").write_text("[General]\ncoder=Bench\n")
        project = _sample(home, command)
        for proc in load:
            proc.start()
        deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
        try:
            for i in range(args.count):
                if deadline and time.monotonic() > deadline:
                    print(f"stopped after {args.minutes:g} minutes", flush=True)
                    break
                r = start(i, command, home, project if i % 2 else None, args.platform)
                results.append(r)
                if r["failed"]:
                    print(f"start {i}: FAILED, exit {r['code']}, cores {r['cores']}\n"
                          f"{r['err']}", flush=True)
                elif (i + 1) % 20 == 0:
                    print(f"{i + 1} starts, none failed so far" if not any(
                        x["failed"] for x in results) else f"{i + 1} starts", flush=True)
        except KeyboardInterrupt:  # Ctrl-C: the summary of the starts done so far
            print("interrupted", flush=True)
        finally:
            stop.set()
            for proc in load:
                proc.join(5)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (cpu.ru_utime - cpu_before.ru_utime) + (cpu.ru_stime - cpu_before.ru_stime)
    failed = [r for r in results if r["failed"]]
    times = sorted(r["shown"] for r in results if r["shown"] is not None)
    kinds = Counter(line[:160] for r in results for line in r["qt"])
    load_avg = os.getloadavg()
    print(f"\n{len(results)} window starts ({args.platform}, "
          f"{'bundle ' + args.exe if args.exe else 'checkout'}), {args.load} load processes, "
          f"load average at the end {load_avg[0]:.1f}")
    print(f"failed: {len(failed)}" + "".join(f"\n  start {r['i']}: exit {r['code']}, "
                                             f"cores {r['cores']}" for r in failed))
    if times:
        print(f"window shown after: median {statistics.median(times):.2f} s, "
              f"95th percentile {times[round(0.95 * (len(times) - 1))]:.2f} s, "
              f"slowest {times[-1]:.2f} s; CPU of all starts {cpu_s:.0f} s")
    print("Qt messages:" + ("".join(f"\n  {n} x {k}" for k, n in kinds.most_common()) or " none"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
