"""A process's own peak resident set size, in KiB (standard library only).

``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is not it for a process started by another:
Linux keeps the larger of the parent's peak and the child's across the ``exec`` (with
``vfork``, which ``subprocess`` uses, the parent's memory is the child's until then). A
harness whose parent holds 180 MiB would report 180 MiB for every child. ``VmHWM`` in
``/proc/self/status`` is the high-water mark of this process's own address space.
"""

from __future__ import annotations

import resource


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: ``VmHWM`` where Linux has it, else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
