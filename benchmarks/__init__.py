"""confclient side by side with the official Telnyx and Twilio SDKs: ``python -m benchmarks``.

The sandbox runs in its own process; every client runs each case in a fresh interpreter
(``benchmarks._child``), so import time, ready time and peak RSS belong to that client alone.
Results land in ``benchmarks/RESULTS.md`` and ``benchmarks/results.png``.

This package is not part of the confclient distribution, and the test suite never imports it
(the official SDKs it measures are not test dependencies): install ``confclient[bench]``.
"""
