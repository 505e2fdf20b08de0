"""Every Twilio mixer region's conference summaries, generated on first use, with cached views."""

from __future__ import annotations

import bisect

from .data import TWILIO_MIXER_REGIONS, TwilioRow, generate_twilio_region, merge_rows, region_of_sid
from .query import TwilioListQuery

__all__ = ["Store"]


class Store:
    """Every mixer region's conferences, generated on first use, with cached filtered views."""

    def __init__(self, seed: int, size: int) -> None:
        self.seed = seed
        self.size = size
        self._regions: dict[str, list[TwilioRow]] = {}
        self._by_sid: dict[str, dict[str, TwilioRow]] = {}
        self._merged: list[TwilioRow] | None = None
        self._views: dict[tuple[object, ...], list[bytes]] = {}

    def rows(self, mixer_region: str | None) -> list[TwilioRow]:
        """One region's rows, or every region's merged, in list order."""
        if mixer_region is not None:
            rows = self._regions.get(mixer_region)
            if rows is None:
                rows = generate_twilio_region(self.seed, mixer_region, self.size)
                self._regions[mixer_region] = rows
            return rows
        if self._merged is None:
            self._merged = merge_rows(self.rows(region) for region in TWILIO_MIXER_REGIONS)
        return self._merged

    def find(self, sid: str) -> TwilioRow | None:
        """The row of a conference SID (``CF`` + 32 hex, any case), or ``None``."""
        sid = "CF" + sid[2:].lower()
        region = region_of_sid(sid)
        if region is None:
            return None
        index = self._by_sid.get(region)
        if index is None:
            index = self._by_sid[region] = {row.sid: row for row in self.rows(region)}
        return index.get(sid)

    def select(self, query: TwilioListQuery) -> list[bytes]:
        """The bodies of the records ``query`` selects, in list order."""
        key = query.view_key()
        view = self._views.get(key)
        if view is not None:
            return view
        if query.conference_sid is not None:
            row = self.find(query.conference_sid)
            candidates = [] if row is None else [row]
        else:
            candidates = self.rows(query.mixer_region)
        if key == TwilioListQuery(mixer_region=query.mixer_region).view_key():
            view = [row.body for row in candidates]
        else:
            view = [row.body for row in candidates if query.matches(row)]
        if len(self._views) >= 64:
            self._views.clear()
        self._views[key] = view
        return view

    def put(self, row: TwilioRow) -> None:
        """Add ``row`` to its region in list order, in place of a row with its SID."""
        rows = self.rows(row.mixer_region)
        for index, old in enumerate(rows):
            if old.sid == row.sid:
                del rows[index]
                break
        bisect.insort(rows, row, key=_sort_key)
        self._merged = None
        self._by_sid.pop(row.mixer_region, None)
        self._views.clear()


def _sort_key(row: TwilioRow) -> tuple[int, str]:
    return row.sort_key
