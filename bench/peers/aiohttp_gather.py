#!/usr/bin/python3
"""Peer 'py-asyncio': asyncio + aiohttp, one ClientSession, asyncio.gather over every URL."""
import asyncio
import sys
import time

import aiohttp

import peer_common


async def check_all(args, targets):
    # One connection per check (force_close), like fleetcheck's Connection: close; the same cap on
    # checks in flight. Timeouts per step, so that waiting for a free connection does not count.
    connector = aiohttp.TCPConnector(limit=peer_common.IN_FLIGHT_CAP, limit_per_host=0,
                                     force_close=True)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=args.timeout, sock_read=args.timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def check(url):
            try:
                async with session.get(url) as response:
                    await response.read()
                    return None if 200 <= response.status < 300 else f"HTTP {response.status}"
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
                return peer_common.describe(e)

        tasks = [asyncio.ensure_future(check(u)) for u in targets]
        done, pending = await asyncio.wait(tasks, timeout=args.deadline)
        for task in pending:
            task.cancel()
        return [t.result() if t in done else "deadline reached" for t in tasks]


def main():
    args = peer_common.parse_args(__doc__)
    peer_common.raise_open_file_limit()
    targets = peer_common.urls(args)
    started = time.monotonic()
    results = asyncio.run(check_all(args, targets))
    return peer_common.report(args.strategy, results, started)


if __name__ == "__main__":
    sys.exit(main())
