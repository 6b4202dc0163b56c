"""Drawing stories and their articles: topics, outlets, publication times, titles and URLs."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

from .model import DAY, HOUR, MAX_SPREAD, MAX_STORY, Article, Story
from .outlets import OutletPool
from .titles import excerpt, headline
from .urls import amp_url, article_url
from .vocabulary import GROUPS, VERBS


def pareto_size(rng: random.Random, cap: int) -> int:
    """Heavy-tailed story size >= 2 (Pareto, shape 1.1), redrawn above ``cap``."""
    while True:
        size = int(2.0 * (1.0 - rng.random()) ** (-1.0 / 1.1))
        if size <= cap:
            return size


class StoryBuilder:
    """Draws stories starting within ``days`` of ``start``, covered by the outlets of ``pool``."""

    def __init__(self, rng: random.Random, pool: OutletPool, start: datetime, days: int) -> None:
        self.rng = rng
        self.pool = pool
        self.t0 = start.timestamp() if start.tzinfo else start.replace(tzinfo=UTC).timestamp()
        self.span = max(1, days) * DAY
        self.stories: list[Story] = []
        self.used_urls: set[str] = set()

    def build(self, records: int) -> list[Story]:
        """Create stories until their record articles add up to ``records``."""
        rng = self.rng
        cap = max(2, min(MAX_STORY, records // 4))
        total = 0
        while total < records:
            story = self._new_story(len(self.stories))
            size = pareto_size(rng, cap)
            self.stories.append(story)
            self._fill_story(len(self.stories) - 1, story, size)
            total = self._flag_records(story, size, total, records)
        return self.stories

    def _flag_records(self, story: Story, size: int, total: int, records: int) -> int:
        """Mark which of ``story``'s articles get a record file; the new running total."""
        rng = self.rng
        share = rng.uniform(0.35, 0.75) if size < 20 else rng.uniform(0.25, 0.5)
        flags = [rng.random() < share for _ in story.articles]
        if not any(flags):
            flags[rng.randrange(len(flags))] = True
        for art, flag in zip(story.articles, flags, strict=True):
            # the first flagged article always fits, so every story has a record
            if flag and total < records:
                art.has_record = True
                total += 1
        return total

    # ---- stories

    def _new_story(self, index: int) -> Story:
        """A fresh story, a follow-up of an earlier one, or another on the same topic."""
        rng = self.rng
        roll = rng.random()
        parent = rng.choice(self.stories) if self.stories and roll < 0.4 else None
        if parent is not None:
            group = parent.group
            first = parent.topics[0]
        else:
            group = rng.randrange(len(GROUPS))
            first = rng.choice(GROUPS[group].topics)
        g = GROUPS[group]
        story = Story(
            sid=f"s{index:06d}",
            start=self.t0 + rng.random() * self.span,
            group=group,
            topics=self._topics(group, first),
            subject=rng.choice(g.subjects),
            verb=rng.randrange(len(VERBS)),
            modifier=rng.choice(g.modifiers),
            head=rng.choice(g.heads),
            detail=rng.choice(g.details),
        )
        if parent is not None and roll < 0.2:
            self._follow_up(story, parent)
        elif parent is not None:
            # a different story on the same topic, close in time
            story.start = self._near(parent.start, 10 * DAY, 10 * DAY)
        return story

    def _follow_up(self, story: Story, parent: Story) -> None:
        """Make ``story`` a later event of ``parent``: same subject and topics, often object."""
        rng = self.rng
        story.start = self._near(parent.start, 2 * DAY, 10 * DAY)
        story.topics, story.subject = parent.topics, parent.subject
        if rng.random() < 0.5:
            story.modifier, story.head, story.detail = parent.modifier, parent.head, parent.detail
            story.verb = (parent.verb + rng.randrange(1, len(VERBS))) % len(VERBS)

    def _near(self, at: float, before: float, after: float) -> float:
        """A start time near ``at``, uniform over the whole range if that falls outside it."""
        start = at + self.rng.uniform(-before, after)
        if not self.t0 <= start < self.t0 + self.span:
            start = self.t0 + self.rng.random() * self.span
        return start

    def _topics(self, group: int, first: str) -> tuple[str, ...]:
        """``first`` plus up to two more topics, mostly from the same group."""
        rng = self.rng
        topics = [first]
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            if rng.random() < 0.8:
                cand = rng.choice(GROUPS[group].topics)
            else:
                cand = rng.choice(GROUPS[rng.randrange(len(GROUPS))].topics)
            if cand not in topics:
                topics.append(cand)
        return tuple(topics)

    # ---- articles

    def _fill_story(self, index: int, story: Story, size: int) -> None:
        """Give ``story`` ``size`` articles with outlets, times, titles and URLs."""
        rng = self.rng
        heavy = [self.pool.pick(rng) for _ in range(rng.randint(1, 3))] if size >= 30 else []
        scale = 1.5 * HOUR * min(40.0, max(1.0, size / 6.0) ** 0.8)
        chosen: set[int] = set()
        for _ in range(size):
            outlet = self._pick_outlet(heavy, chosen, size)
            chosen.add(outlet)
            delay = self.pool.outlets[outlet].speed * rng.lognormvariate(math.log(scale), 1.0)
            if rng.random() < 0.04:
                delay += rng.uniform(DAY, 7 * DAY)  # late follow-up coverage
            delay = min(delay, MAX_SPREAD)
            story.articles.append(Article(index, outlet, int(story.start + delay)))
        self._syndicate(story)
        for art in story.articles:
            self._finish_article(story, art)

    def _pick_outlet(self, heavy: list[int], chosen: set[int], size: int) -> int:
        """An outlet for the next article; small stories avoid repeating outlets."""
        rng = self.rng
        if heavy and rng.random() < 0.25:
            return rng.choice(heavy)
        outlet = self.pool.pick(rng)
        for _retry in range(3):
            if size > 6 or outlet not in chosen:
                break
            outlet = self.pool.pick(rng)
        return outlet

    def _syndicate(self, story: Story) -> None:
        """Let some outlets republish a wire copy shortly after the wire article."""
        rng = self.rng
        wires = [a for a in story.articles if a.outlet in self.pool.wires]
        if not wires:
            return
        wire = min(wires, key=lambda a: a.ts or 0)
        wire.title = headline(rng, story, self.pool.outlets[wire.outlet], raw=True)
        for art in story.articles:
            if art is not wire and art.outlet not in self.pool.wires and rng.random() < 0.12:
                art.title = wire.title
                copy = (wire.ts or 0) + int(rng.uniform(300, 3 * HOUR))
                art.ts = min(copy, int(story.start + MAX_SPREAD))

    def _finish_article(self, story: Story, art: Article) -> None:
        """Draw the time format, title, excerpt, type, quality and URLs of ``art``."""
        rng = self.rng
        outlet = self.pool.outlets[art.outlet]
        if art.ts is not None:
            if rng.random() < 0.04:
                art.seconds = True
            else:
                art.ts -= art.ts % 60
            if rng.random() < 0.01:
                art.offset = rng.choice((60, 120, -300, -240, 330, 480))
        if rng.random() < 0.01:
            art.ts = None
        if not art.title:
            art.title = headline(rng, story, outlet)
        art.excerpt = excerpt(rng, story)
        art.kind = "video" if rng.random() < 0.02 else "article"
        art.quality = max(1, min(99, outlet.quality + rng.randint(-12, 12)))
        art.url = article_url(rng, outlet, art, story.start, self.used_urls)
        art.amp = amp_url(art.url, outlet.amp_style)
