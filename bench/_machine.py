"""How fast this machine runs Python, so that figures from different machines can be compared.

Benchmarks print it beside the load average, so that a reader can tell a slower machine from a
slower change. The workload is fixed (10 million additions in a Python loop, CPU time, best of
three), so other work on the machine changes it little; it measures the interpreter only, not
PostgreSQL or the disk.
"""

import time

ITERATIONS = 10_000_000


def reference_seconds() -> float:
    """CPU seconds of the reference loop, best of three."""
    best = float("inf")
    for _attempt in range(3):
        started = time.process_time()
        total = 0
        for number in range(ITERATIONS):
            total += number
        best = min(best, time.process_time() - started)
    return best


def reference_note() -> str:
    return f"Python reference loop (10 M additions): {reference_seconds():.2f} s of CPU"
