#!/usr/bin/python3
"""Peer 'py-sequential': requests.get for one URL after another."""
import sys
import time

import requests

import peer_common


def main():
    args = peer_common.parse_args(__doc__)
    targets = peer_common.urls(args)
    started = time.monotonic()
    deadline = started + args.deadline
    results = []
    for url in targets:
        if time.monotonic() >= deadline:
            results.append("deadline reached before the check could start")
            continue
        try:
            response = requests.get(url, timeout=args.timeout)
            results.append(None if 200 <= response.status_code < 300
                           else f"HTTP {response.status_code}")
        except requests.RequestException as e:
            results.append(peer_common.describe(e))
    return peer_common.report(args.strategy, results, started)


if __name__ == "__main__":
    sys.exit(main())
