#!/usr/bin/python3
"""Peer 'py-threads:W': concurrent.futures.ThreadPoolExecutor(W) + requests.get per URL."""
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import peer_common


def main():
    args = peer_common.parse_args(__doc__)
    peer_common.raise_open_file_limit()
    targets = peer_common.urls(args)
    started = time.monotonic()
    deadline = started + args.deadline

    def check(url):
        if time.monotonic() >= deadline:
            return "deadline reached before the check could start"
        try:
            response = requests.get(url, timeout=args.timeout)
            return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        except requests.RequestException as e:
            return peer_common.describe(e)

    with ThreadPoolExecutor(max_workers=peer_common.workers_of(args.strategy, len(targets))) as pool:
        results = list(pool.map(check, targets))
    return peer_common.report(args.strategy, results, started)


if __name__ == "__main__":
    sys.exit(main())
