"""Where the user edited lately, so prompts for one file can show edits made in others."""

from __future__ import annotations

import threading
from dataclasses import dataclass

# Regions remembered across all documents; the oldest is forgotten first.
MAX_REGIONS = 16
# Edits this many lines apart or closer merge into one region.
MERGE_DISTANCE_LINES = 3


@dataclass(frozen=True)
class EditedRegion:
    uri: str
    first_line: int
    last_line: int


class RecentEdits:
    """The most recently edited line ranges, at most `max_regions`, oldest first."""

    def __init__(self, max_regions: int = MAX_REGIONS):
        self.max_regions = max_regions
        self._regions: list[EditedRegion] = []
        self._lock = threading.Lock()

    def record(self, uri: str, first_line: int, last_line: int, line_delta: int = 0) -> None:
        """Record an edit that now spans `first_line..last_line` and added `line_delta` lines."""
        with self._lock:
            merged_first, merged_last = first_line, last_line
            regions = []
            for region in self._regions:
                if region.uri == uri and region.first_line > last_line - line_delta:
                    # A region below the edit moves with the lines the edit added or removed.
                    region = EditedRegion(uri, region.first_line + line_delta, region.last_line + line_delta)
                near = (
                    region.uri == uri
                    and region.first_line - MERGE_DISTANCE_LINES <= merged_last
                    and merged_first <= region.last_line + MERGE_DISTANCE_LINES
                )
                if near:
                    merged_first = min(merged_first, region.first_line)
                    merged_last = max(merged_last, region.last_line)
                    continue
                regions.append(region)
            regions.append(EditedRegion(uri, merged_first, merged_last))
            self._regions = regions[-self.max_regions :]

    def forget(self, uri: str) -> None:
        with self._lock:
            self._regions = [region for region in self._regions if region.uri != uri]

    def newest_first(self, exclude_uri: str = "") -> list[EditedRegion]:
        with self._lock:
            return [region for region in reversed(self._regions) if region.uri != exclude_uri]
