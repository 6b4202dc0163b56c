"""The related-coverage list of a record: articles of its story, plus cross-story noise."""

from __future__ import annotations

import bisect
import heapq
import random

from .model import DAY, HOUR, MAX_SPREAD, Article, Story

# how many related entries a record lists: 1 to 8, with these weights
_COUNTS = range(1, 9)
_COUNT_WEIGHTS = (10, 18, 20, 16, 12, 9, 8, 7)
NOISE_WINDOW = 14 * DAY  # noise links prefer stories starting this close


class RelatedPicker:
    """Picks related entries; ``noise`` is the chance that one belongs to another story."""

    def __init__(self, rng: random.Random, stories: list[Story], noise: float) -> None:
        self.rng = rng
        self.stories = stories
        self.noise = noise
        # stories by start time, globally and per topic
        order = sorted(range(len(stories)), key=lambda i: stories[i].start)
        self.g_ids = order
        self.g_starts = [stories[i].start for i in order]
        by_topic: dict[str, list[int]] = {}
        for i in order:
            for topic in stories[i].topics:
                by_topic.setdefault(topic, []).append(i)
        self.t_ids = by_topic
        self.t_starts = {t: [stories[i].start for i in ids] for t, ids in by_topic.items()}

    def related(self, art: Article) -> list[tuple[Article, bool]]:
        """Related mentions for a record: ``(article, is_noise)`` pairs."""
        rng = self.rng
        story = self.stories[art.story]
        others = [a for a in story.articles if a is not art]
        k = min(rng.choices(_COUNTS, weights=_COUNT_WEIGHTS)[0], len(others))
        n_noise = sum(rng.random() < self.noise for _ in range(k))
        picks = self._same_story(art, others, k - n_noise)
        seen = {id(a) for a, _ in picks}
        for _ in range(n_noise):
            for _attempt in range(4):  # retry on an article already listed
                other = self._other_story(story, art.story)
                if other is None:
                    break
                cand = rng.choice(self.stories[other].articles)
                if id(cand) not in seen:
                    seen.add(id(cand))
                    picks.append((cand, True))
                    break
        rng.shuffle(picks)
        return picks

    def _same_story(
        self, art: Article, others: list[Article], count: int
    ) -> list[tuple[Article, bool]]:
        """``count`` of ``others``, favouring coverage published before or soon after ``art``."""
        rng = self.rng
        start = self.stories[art.story].start
        limit = (art.ts if art.ts is not None else start + MAX_SPREAD) + 6 * HOUR
        keyed = [
            (rng.random() ** (1.0 / (3.0 if (o.ts is not None and o.ts <= limit) else 1.0)), i)
            for i, o in enumerate(others)
        ]
        return [(others[i], False) for _, i in heapq.nlargest(count, keyed)]

    def _other_story(self, story: Story, me: int) -> int | None:
        """A different story, preferably sharing a topic and within two weeks."""
        rng = self.rng
        if len(self.stories) < 2:
            return None
        if rng.random() < 0.85:
            topic = rng.choice(story.topics)
            found = self._window(self.t_starts[topic], self.t_ids[topic], story.start, me)
            if found is not None:
                return found
        found = self._window(self.g_starts, self.g_ids, story.start, me)
        while found is None or found == me:
            found = rng.randrange(len(self.stories))
        return found

    def _window(self, starts: list[float], ids: list[int], at: float, me: int) -> int | None:
        """A story of ``ids`` other than ``me`` starting near ``at``, or None after six tries."""
        lo = bisect.bisect_left(starts, at - NOISE_WINDOW)
        hi = bisect.bisect_right(starts, at + NOISE_WINDOW)
        if hi - lo <= 1:
            # widen to the nearest neighbours in time
            lo, hi = max(0, lo - 2), min(len(ids), hi + 2)
        for _ in range(6):
            if hi <= lo:
                return None
            cand = ids[self.rng.randrange(lo, hi)]
            if cand != me:
                return cand
        return None
