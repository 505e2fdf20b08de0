"""The conferences of one Telnyx data region, in list order, with cached filtered views."""

from __future__ import annotations

import bisect
from collections import Counter

from .data import ACTIVE_STATUSES, TelnyxRow

__all__ = ["RegionTable"]

_ViewKey = tuple[str | None, str | None, str | None]


def _row_key(row: TelnyxRow) -> tuple[int, str]:
    return row.sort_key


class RegionTable:
    """One region's rows (list order), their bodies, an index by id and the active names."""

    def __init__(self, rows: list[TelnyxRow]) -> None:
        self.rows = rows
        self.bodies = [row.body for row in rows]
        self.by_id = {row.id: row.body for row in rows}
        self.active_names = Counter(row.name for row in rows if row.status in ACTIVE_STATUSES)
        self._views: dict[_ViewKey, list[bytes]] = {}

    def select(
        self, name: str | None, status: str | None, connection_id: str | None
    ) -> list[bytes]:
        """The bodies the filters select, in list order (cached: listings repeat queries)."""
        if name is None and status is None and connection_id is None:
            return self.bodies
        key = (name, status, connection_id)
        view = self._views.get(key)
        if view is None:
            view = [
                row.body
                for row in self.rows
                if (name is None or row.name == name)
                and (status is None or row.status == status)
                and (connection_id is None or row.connection_id == connection_id)
            ]
            if len(self._views) >= 64:
                self._views.clear()
            self._views[key] = view
        return view

    def insert(self, row: TelnyxRow) -> None:
        """Add a row at its place in list order."""
        index = bisect.bisect_left(self.rows, row.sort_key, key=_row_key)
        self.rows.insert(index, row)
        self.bodies.insert(index, row.body)
        self.by_id[row.id] = row.body
        if row.status in ACTIVE_STATUSES:
            self.active_names[row.name] += 1
        self._views.clear()

    def replace(self, row: TelnyxRow) -> None:
        """Put ``row`` in place of the row with its id (a conference that changed)."""
        for index, old in enumerate(self.rows):
            if old.id == row.id:
                del self.rows[index], self.bodies[index]
                if old.status in ACTIVE_STATUSES:
                    self.active_names[old.name] -= 1
                break
        self.insert(row)
