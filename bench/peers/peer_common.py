"""What the three Python peers share: the command line of fleetcheck-bench-client and its JSON line.

Each peer is the code people write today for "check these URLs"; only that part differs between
them. Run them with Debian's /usr/bin/python3 (python3-aiohttp, python3-requests).
"""
import argparse
import json
import re
import resource
import sys
import time

IN_FLIGHT_CAP = 10000  # the same cap as fleetcheck's strategies (bench/strategy.hpp)


def parse_duration(text):
    """'10s', '200ms', '1m30s' -> seconds."""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise argparse.ArgumentTypeError(f"invalid duration '{text}' (use e.g. 200ms, 10s)")
    return sum(float(n) * units[u] for n, u in parts)


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--strategy", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--base-port", type=int, required=True)
    p.add_argument("--services", type=int, default=100)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=parse_duration, default=10.0)
    p.add_argument("--deadline", type=parse_duration, default=300.0)
    return p.parse_args()


def workers_of(strategy, count):
    """'py-threads:100' -> 100; 'py-threads:N' -> one per URL."""
    _, _, w = strategy.partition(":")
    return count if w in ("N", "n", "") else max(1, min(int(w), count))


def urls(args):
    return [f"http://{args.host}:{args.base_port + i % args.services}/health"
            for i in range(args.count)]


def raise_open_file_limit(wanted=131072):
    """As fleetcheck does: root may raise the hard limit, anyone the soft one up to it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limits in ((max(hard, wanted), max(hard, wanted)), (hard, hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            return
        except (ValueError, OSError):
            continue


def report(strategy, results, started):
    """results: one error string per URL, None when the check was healthy."""
    failed = [r for r in results if r is not None]
    line = {"strategy": strategy, "n": len(results), "ok": len(results) - len(failed),
            "failed": len(failed), "elapsed_seconds": time.monotonic() - started}
    if failed:
        line["first_error"] = failed[0]
    print(json.dumps(line), flush=True)
    return 0


def describe(error):
    return f"{type(error).__name__}: {error}"[:300]


if __name__ == "__main__":
    sys.exit("peer_common.py is a module; run one of the peers")
