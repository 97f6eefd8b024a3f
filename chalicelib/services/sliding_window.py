"""A sliding-window counter: per subject, requests in the last minute plus a fixed UTC day.

The estimate for "the last 60 seconds" is this minute's count plus the previous minute's
count weighted by how much of the previous minute the sliding window still covers
(Cloudflare's sliding-window counter). Unlike a fixed window it never lets a client send a
full limit at 0:59 and another at 1:00; unlike a log it needs two numbers per subject.

All times are integer milliseconds, so boundaries are exact and tests with a frozen clock
can sit on them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..clock import Clock
from ..storage.ratelimits import MINUTES_PER_DAY, RateCounters, day_expiry

WINDOW_MS = 60_000
DAY_MS = MINUTES_PER_DAY * WINDOW_MS
_EPOCH = date(1970, 1, 1)
_MAX_REMEMBERED = 50_000  # subjects whose last counts this process remembers


@dataclass(frozen=True)
class Window:
    """Where a moment falls: its minute since the epoch and how far into that minute."""
    now_ms: int

    @property
    def index(self) -> int:
        return self.now_ms // WINDOW_MS

    @property
    def elapsed_ms(self) -> int:
        return self.now_ms % WINDOW_MS

    @property
    def start_ms(self) -> int:
        return self.index * WINDOW_MS

    @property
    def end_ms(self) -> int:
        return self.start_ms + WINDOW_MS

    @property
    def day(self) -> date:
        return _EPOCH + timedelta(days=self.now_ms // DAY_MS)

    @property
    def minute_of_day(self) -> int:
        return self.index % MINUTES_PER_DAY

    @property
    def day_end_ms(self) -> int:
        return (self.now_ms // DAY_MS + 1) * DAY_MS


def carried(previous: int, elapsed_ms: int) -> int:
    """The previous minute's requests still inside the sliding minute, rounded up."""
    return -(-previous * (WINDOW_MS - elapsed_ms) // WINDOW_MS)


def remaining(limit: int, current: int, previous: int, window: Window) -> int:
    """How many more requests fit right now."""
    return max(0, limit - current - carried(previous, window.elapsed_ms))


def ms_until_allowed(limit: int, current: int, previous: int, window: Window) -> int:
    """How long until one more request fits, if none is sent meanwhile (0: it fits now)."""
    if current + carried(previous, window.elapsed_ms) < limit:
        return 0
    if current < limit:
        # Room in this minute once enough of the previous one has slid out of the window:
        # previous * (WINDOW - t) <= (limit - 1 - current) * WINDOW.
        at = window.end_ms - (limit - 1 - current) * WINDOW_MS // previous
    else:
        # This minute alone is full: wait until it has slid far enough out of the next one.
        at = window.end_ms + WINDOW_MS - (limit - 1) * WINDOW_MS // current
    return at - window.now_ms


@dataclass(frozen=True)
class Hit:
    window: Window
    counted: bool      # the request was added to the counters
    allowed: bool      # it fits the per-minute limit and the daily quota
    over_day: bool     # refused because the daily quota is used up
    current: int       # this minute's count (with this request when counted)
    previous: int      # the previous minute's count
    day: int           # today's count (with this request when counted)


@dataclass(frozen=True)
class _Seen:
    """What the last write for a subject returned to this process."""
    index: int
    previous: int
    current: int
    older: tuple[int, ...]


class SlidingWindow:
    """Counts hits on `RateCounters` with exactly one conditional write each.

    The write is conditional on the request fitting, so refused requests are not counted.
    The condition needs the previous minute's count, which the write itself returns: this
    process remembers it per subject (it no longer changes once its minute is over), so from
    a subject's second request in a minute the condition is exact. On the first, the bound is
    the best known one and the returned counts decide; a request refused then has been
    counted (at most once per process, subject and minute). What the write returns also
    names the stale minute counters, which the next write removes."""

    def __init__(self, counters: RateCounters, clock: Clock) -> None:
        self._counters, self._clock = counters, clock
        self._seen: dict[str, _Seen] = {}

    def now(self) -> Window:
        return Window(round(self._clock.timestamp() * 1000))

    def hit(self, subject: str, per_minute: int, per_day: int | None) -> Hit:
        window = self.now()
        previous, exact = self._known_previous(subject, window)
        if not exact and window.minute_of_day == 0:
            # The previous minute is on yesterday's item: one extra read, once a day.
            previous = self._counters.last_minute_of(subject, window.day - timedelta(days=1))
        counts = self._counters.hit(
            subject, window.day, window.minute_of_day,
            current_below=per_minute - carried(previous, window.elapsed_ms),
            day_below=per_day, expires_at=day_expiry(window.day),
            remove=self._stale_minutes(subject, window))
        if counts.previous is not None:
            previous = counts.previous
        self._remember(subject, _Seen(window.index, previous, counts.current, counts.older))
        over_day = not counts.counted and per_day is not None and counts.day >= per_day
        fits = counts.current + carried(previous, window.elapsed_ms) <= per_minute
        return Hit(window=window, counted=counts.counted, allowed=counts.counted and fits,
                   over_day=over_day, current=counts.current, previous=previous, day=counts.day)

    def look(self, subject: str) -> Hit:
        """The counts now, without counting (a request's own hit is already in them)."""
        window = self.now()
        counts = self._counters.read(subject, window.day, window.minute_of_day)
        previous = counts.previous if counts.previous is not None else \
            self._counters.last_minute_of(subject, window.day - timedelta(days=1))
        return Hit(window=window, counted=False, allowed=True, over_day=False,
                   current=counts.current, previous=previous, day=counts.day)

    def take_back(self, subject: str, hit: Hit) -> None:
        """Uncount a counted hit (e.g. an attempt that turned out not to count)."""
        if not hit.counted:
            return
        self._counters.uncount(subject, hit.window.day, hit.window.minute_of_day)
        seen = self._seen.get(subject)
        if seen is not None and seen.index == hit.window.index:  # keep it a lower bound
            self._seen[subject] = _Seen(seen.index, seen.previous, max(0, seen.current - 1),
                                        seen.older)

    def _known_previous(self, subject: str, window: Window) -> tuple[int, bool]:
        """(count, exact): what this process knows about the previous minute's count."""
        seen = self._seen.get(subject)
        if seen and seen.index == window.index:
            return seen.previous, True
        if seen and seen.index == window.index - 1:
            return seen.current, False  # a lower bound: other processes count too
        return 0, False

    def _stale_minutes(self, subject: str, window: Window) -> tuple[int, ...]:
        seen = self._seen.get(subject)
        same_day = seen is not None and \
            seen.index // MINUTES_PER_DAY == window.index // MINUTES_PER_DAY
        return seen.older if seen is not None and same_day else ()

    def _remember(self, subject: str, seen: _Seen) -> None:
        if len(self._seen) >= _MAX_REMEMBERED:
            self._seen.clear()
        self._seen[subject] = seen
