"""Labelled synthetic news-aggregator corpora for story-detection tests and benchmarks.

Every generated article belongs to a known story. Records use the aggregator's front-matter
format; ``labels.tsv`` maps each article's canonical ``webUrl`` to its story id (TSV, so
that graphkit does not read it as a record when it reads the folder). Only the standard
library and PyYAML are used.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import heapq
import itertools
import math
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

__all__ = ["SyntheticCorpus", "generate_corpus", "main"]

HOUR = 3600.0
DAY = 86400.0
MAX_STORY = 300  # largest story size drawn
MAX_SPREAD = 10 * DAY  # no article later than this after its story's start
LABELS_FILE = "labels.tsv"
_RECORD_NAME = re.compile(r"^\d{6,}_[0-9a-f]{16}\.txt$")


@dataclass(frozen=True)
class SyntheticCorpus:
    """A generated corpus: its folder, record count and true story of every article URL."""

    path: Path
    records: int
    labels: dict[str, str]


# --------------------------------------------------------------------------- vocabulary

# (topics, subjects, modifiers, heads with synonyms "a|b", details)
_GROUPS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "AI|Natural Language Processing|Computer Vision|Robotics",
        "OpenAI|Google|Microsoft|Nvidia|Anthropic|Meta|Baidu|IBM|DeepMind",
        "AI|generative|open-source|multimodal|voice|facial recognition",
        "model|chatbot|assistant|chip|robot|research lab|image generator|safety team",
        "in Europe|for enterprise customers|after safety concerns|in China|for schools",
    ),
    (
        "Cybersecurity|Privacy|Cloud Computing|Data Breaches",
        "Amazon Web Services|Okta|CrowdStrike|Cloudflare|FBI|Europol|LastPass|Salesforce",
        "ransomware|zero-day|encryption|cloud|password|spyware",
        "attack|vulnerability|outage|data leak|security patch|backdoor|botnet",
        "affecting millions|at hospitals|across Asia|in government networks|at banks",
    ),
    (
        "Smartphones|Semiconductors|Gaming|Wearables",
        "Apple|Samsung|TSMC|Intel|Qualcomm|Sony|Nintendo|Xiaomi|Valve",
        "foldable|flagship|handheld|5G|budget|next-generation",
        "phone|console|smartwatch|chip plant|headset|processor|tablet",
        "in Arizona|ahead of holiday season|in India|with record preorders|amid shortages",
    ),
    (
        "Stock Markets|Central Banks|Inflation|Cryptocurrency",
        "Federal Reserve|ECB|Bank of England|Coinbase|Binance|Goldman Sachs|Wall Street",
        "interest rate|bond|bitcoin|stablecoin|stimulus|crypto",
        "hike|sell-off|rally|forecast|bailout|ETF|exchange",
        "as inflation cools|after jobs report|for third straight month|in Asian trading",
    ),
    (
        "Climate|Renewable Energy|Oil and Gas|Electric Vehicles",
        "Tesla|BP|Shell|Exxon|OPEC|Ford|Rivian|Orsted|BYD",
        "solar|offshore wind|battery|carbon|electric|hydrogen",
        "plant|pipeline|truck|emissions target|charging network|output cut|factory",
        "in Texas|in the North Sea|in Germany|worth $2 billion|despite protests",
    ),
    (
        "Elections|Congress|Supreme Court|Immigration",
        "Senate|House Speaker|Supreme Court|White House|Pentagon|Governor Newsom|DHS",
        "border|voting|abortion|spending|tariff|asylum",
        "bill|ruling|policy|investigation|shutdown deal|executive order|hearing",
        "before midterms|in Georgia|after heated debate|in split decision|at the border",
    ),
    (
        "Healthcare|Vaccines|Pharma|Biotech",
        "Pfizer|Moderna|FDA|WHO|Novo Nordisk|CDC|Johnson & Johnson|Eli Lilly",
        "obesity|cancer|mRNA|flu|gene|Alzheimer's",
        "drug|vaccine|trial|therapy|price cut|approval|shortage",
        "in late-stage study|for children|in Africa|after safety review|worth $1 billion",
    ),
    (
        "Startups|Retail|Real Estate|Jobs",
        "Walmart|Shopify|Stripe|WeWork|Target|Airbnb|Y Combinator|Zillow",
        "remote|warehouse|fintech|mortgage|delivery|subscription",
        "layoffs|funding round|IPO|store closures|acquisition|hiring freeze|price war",
        "across the US|in London|as demand slows|at $10 billion valuation|in Q3",
    ),
    (
        "Space|Aviation|Autonomous Vehicles|Trade",
        "SpaceX|NASA|Boeing|Airbus|Waymo|Cruise|Blue Origin|ESA",
        "lunar|robotaxi|satellite|jet|cargo|rocket",
        "launch|mission|fleet|engine|test flight|export ban|safety probe",
        "in San Francisco|from Cape Canaveral|after delays|in Japan|with NASA crew",
    ),
    (
        "Streaming|Film|Football|Music",
        "Netflix|Disney|Spotify|Warner Bros|Premier League|FIFA|Taylor Swift|HBO",
        "streaming|box office|transfer|concert|ad-supported|documentary",
        "deal|series|tour|record|price hike|season|boycott",
        "in record time|for $100 million|in Qatar|after fan backlash|this summer",
    ),
)

# verb groups: (present forms, base forms, participles)
_VERBS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (("unveils", "launches", "rolls out", "debuts"), ("unveil", "launch"), ("unveiled",)),
    (("delays", "postpones", "pushes back"), ("delay", "postpone"), ("delayed", "postponed")),
    (("bans", "blocks", "halts"), ("ban", "block", "halt"), ("banned", "blocked", "halted")),
    (("approves", "backs", "clears"), ("approve", "back"), ("approved", "cleared")),
    (("probes", "investigates", "scrutinizes"), ("probe", "investigate"), ("probed",)),
    (("cuts", "scales back", "slashes"), ("cut", "scale back"), ("cut", "scaled back")),
    (("expands", "boosts", "ramps up"), ("expand", "boost"), ("expanded", "boosted")),
    (("warns over", "criticizes", "slams"), ("warn over", "criticize"), ("criticized",)),
    (("confirms", "announces", "reveals"), ("confirm", "announce"), ("confirmed", "announced")),
    (("scraps", "abandons", "drops"), ("scrap", "abandon"), ("scrapped", "abandoned")),
)

_CLAUSES = (
    "the company said on {day}",
    "according to people familiar with the matter",
    "officials said in a statement",
    "in a move analysts say could reshape the sector",
    "raising fresh questions for regulators",
    "a spokesperson confirmed on {day}",
    "documents seen by reporters show",
    "capping weeks of speculation",
    "the latest twist in a months-long saga",
    "sending shares sharply lower",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PREFIXES = ("BREAKING: ", "Exclusive: ", "Analysis: ", "UPDATE 2-", "Live updates: ", "Report: ")
_SECTIONS = ("news", "world", "business", "technology", "politics", "science", "markets")


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words of ``text``."""
    return tuple(text.split())


_REAL_OUTLETS: tuple[tuple[str, str, str, float, float], ...] = (
    # name | aliases, domain, tier (wire/major), speed factor, popularity
    ("Reuters", "reuters.com", "wire", 0.15, 9.0),
    ("Associated Press|AP News", "apnews.com", "wire", 0.18, 9.0),
    ("AFP|Agence France-Presse", "afp.com", "wire", 0.22, 5.0),
    ("Bloomberg", "bloomberg.com", "wire", 0.3, 6.0),
    ("The Washington Post|Washington Post", "washingtonpost.com", "major", 0.6, 6.0),
    ("The New York Times|New York Times", "nytimes.com", "major", 0.7, 7.0),
    ("The Guardian|Guardian", "theguardian.com", "major", 0.7, 6.0),
    ("BBC News|BBC", "bbc.co.uk", "major", 0.5, 6.0),
    ("CNN", "cnn.com", "major", 0.6, 6.0),
    ("CNBC", "cnbc.com", "major", 0.5, 4.0),
    ("The Verge|Verge", "theverge.com", "major", 0.9, 3.0),
    ("TechCrunch", "techcrunch.com", "major", 0.8, 3.0),
    ("Wired|WIRED", "wired.com", "major", 1.5, 2.0),
    ("Ars Technica", "arstechnica.com", "major", 1.2, 2.0),
    ("The Daily Dot|Daily Dot", "dailydot.com", "regular", 2.0, 1.5),
    ("nationthailand|Nation Thailand", "nationthailand.com", "regular", 1.3, 1.0),
    ("Al Jazeera|Al Jazeera English", "aljazeera.com", "major", 0.8, 3.0),
    ("Financial Times|FT", "ft.com", "major", 0.6, 4.0),
    ("The Hill", "thehill.com", "major", 0.9, 3.0),
    ("Politico|POLITICO", "politico.com", "major", 0.7, 3.0),
    ("NPR", "npr.org", "major", 1.1, 3.0),
    ("Fox News", "foxnews.com", "major", 0.9, 4.0),
    ("ZDNet|ZDNET", "zdnet.com", "regular", 1.4, 1.5),
    ("Engadget", "engadget.com", "regular", 1.0, 2.0),
    ("VentureBeat", "venturebeat.com", "regular", 1.3, 1.5),
    ("Axios", "axios.com", "major", 0.5, 3.0),
    ("Business Insider|Insider", "businessinsider.com", "major", 1.0, 3.0),
    ("Deutsche Welle|DW", "dw.com", "major", 0.9, 2.0),
    ("The Times of Israel", "timesofisrael.com", "regular", 1.1, 1.0),
    ("South China Morning Post|SCMP", "scmp.com", "major", 0.9, 2.0),
)

_WORDS = _words(
    "harbor river summit metro valley coast capital pioneer beacon ledger prairie canyon "
    "lakeside granite maple cedar liberty union frontier delta northern southern eastern "
    "western central midland highland island bay ridge sterling crescent horizon citizen "
    "evening morning sunday weekly global civic urban rural county state national pacific "
    "atlantic golden silver iron copper ember aurora orbit signal pulse vector cobalt "
    "falcon eagle raven meridian zenith keystone lantern compass anchor"
)

# (domain pattern, name pattern, speed multiplier)
_PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("{w}news.com", "{W} News", 1.0),
    ("the{w}times.com", "The {W} Times", 1.0),
    ("{w}post.com", "{W} Post", 1.0),
    ("{w}herald.com", "The {W} Herald", 1.2),
    ("{w}daily.com", "{W} Daily", 0.9),
    ("{w}tribune.com", "{W} Tribune", 1.2),
    ("{w}gazette.co.uk", "The {W} Gazette", 1.4),
    ("{w}wire.com", "{W} Wire", 0.5),
    ("{w}report.net", "{W} Report", 1.3),
    ("{w}-chronicle.com", "{W} Chronicle", 1.4),
    ("{w}insider.com", "{W} Insider", 1.0),
    ("{w}tech.io", "{W} Tech", 1.1),
    ("{w}observer.org", "The {W} Observer", 1.5),
    ("{w}journal.com", "{W} Journal", 1.1),
)


@dataclass(slots=True)
class _Outlet:
    """A publisher with its naming, URL habits and speed tendency."""

    name: str
    aliases: tuple[str, ...]
    domain: str
    speed: float
    url_style: int
    amp_style: int
    prefix_rate: float
    suffix: str
    title_case: bool
    quality: int


@dataclass(slots=True)
class _Article:
    """One article of a story."""

    story: int
    outlet: int
    ts: int | None
    title: str = ""
    excerpt: str = ""
    url: str = ""
    amp: str | None = None
    has_record: bool = False
    kind: str = "article"
    quality: int = 50
    seconds: bool = False
    offset: int = 0  # minutes east of UTC used when printing the time


@dataclass(slots=True)
class _Story:
    """One story: its headline template, topics, start time and articles."""

    sid: str
    start: float
    group: int
    topics: tuple[str, ...]
    subject: str
    verb: int
    modifier: str
    head: str
    detail: str
    articles: list[_Article] = field(default_factory=list)


# --------------------------------------------------------------------------- YAML output


class _Quoted(str):
    """A string dumped in double quotes."""


class _Stamp(str):
    """An ISO timestamp dumped as a plain YAML timestamp."""


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_OK: dict[str, bool] = {}


def _plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as a string when written unquoted (``NO`` does not)."""
    ok = _PLAIN_OK.get(text)
    if ok is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        ok = tag == _STR
        if len(_PLAIN_OK) < 100_000:
            _PLAIN_OK[text] = ok
    return ok


def _events(value: object, out: list[yaml.Event]) -> None:
    """Append the YAML events of a record value (bypasses PyYAML's slow representer)."""
    if isinstance(value, dict):
        out.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key, item in value.items():
            out.append(yaml.ScalarEvent(None, None, (_plain_ok(key), True), key))
            _events(item, out)
        out.append(yaml.MappingEndEvent())
    elif isinstance(value, list):
        out.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in value:
            _events(item, out)
        out.append(yaml.SequenceEndEvent())
    elif type(value) is _Quoted:
        out.append(yaml.ScalarEvent(None, None, (False, True), str(value), style='"'))
    elif type(value) is _Stamp:
        out.append(yaml.ScalarEvent(None, _TIMESTAMP, (True, False), str(value)))
    elif isinstance(value, bool):
        out.append(yaml.ScalarEvent(None, None, (True, False), "true" if value else "false"))
    elif isinstance(value, int):
        out.append(yaml.ScalarEvent(None, None, (True, False), str(value)))
    else:
        text = str(value)
        out.append(yaml.ScalarEvent(None, None, (_plain_ok(text), True), text))


def _dump(doc: dict[str, Any], stream: TextIO) -> None:
    """Write a record's front matter with libyaml's safe emitter."""
    events: list[yaml.Event] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    _events(doc, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    stream.write("---\n")
    dumper = _BaseDumper(stream, allow_unicode=True, width=4096)
    for event in events:
        dumper.emit(event)
    stream.write("---\n")


# --------------------------------------------------------------------------- helpers


def _slug(text: str, words: int = 9) -> str:
    """URL slug of the first words of a title."""
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "story"


def _titlecase(text: str) -> str:
    """Headline Title Case (keeps acronyms)."""
    return " ".join(w[:1].upper() + w[1:] if len(w) > 3 else w for w in text.split(" "))


def _fmt_time(ts: int, seconds: bool, offset: int) -> str:
    """Aggregator-style ISO time, ``Z`` unless an offset is given."""
    moment = datetime.fromtimestamp(ts + offset * 60, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M:00")
    if offset == 0:
        return text + "Z"
    sign = "+" if offset > 0 else "-"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _cdn_amp(amp_url: str) -> str:
    """AMP-cache form of an AMP URL."""
    rest = amp_url.split("://", 1)[1]
    host = rest.split("/", 1)[0]
    return f"https://{host.replace('-', '--').replace('.', '-')}.cdn.ampproject.org/c/s/{rest}"


def _amp_url(url: str, style: int) -> str | None:
    """AMP form of a canonical URL for an outlet's AMP style (0 = none)."""
    if style == 1:
        return url + "?amp"
    if style == 2:
        return url + "?outputType=amp"
    if style == 3:
        return url + "amp/" if url.endswith("/") else url + "?amp=1"
    return None


def _pareto_size(rng: random.Random, cap: int) -> int:
    """Heavy-tailed story size >= 2 (Pareto, shape 1.1), redrawn above ``cap``."""
    while True:
        size = int(2.0 * (1.0 - rng.random()) ** (-1.0 / 1.1))
        if size <= cap:
            return size


# --------------------------------------------------------------------------- the generator


class _Generator:
    """Builds stories, articles and records from one seeded RNG."""

    def __init__(self, records: int, noise: float, seed: int, start: datetime, days: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data
        self.records = records
        self.noise = noise
        self.t0 = start.timestamp() if start.tzinfo else start.replace(tzinfo=UTC).timestamp()
        self.span = max(1, days) * DAY
        self.outlets: list[_Outlet] = []
        self.weights: list[float] = []
        self.wires: set[int] = set()
        self.stories: list[_Story] = []
        self.used_urls: set[str] = set()
        self._make_outlets()
        self.cum_weights = list(itertools.accumulate(self.weights))

    # ---- outlets

    def _make_outlets(self, count: int = 200) -> None:
        rng = self.rng
        for names, domain, tier, speed, weight in _REAL_OUTLETS:
            alias = tuple(names.split("|"))
            self._add_outlet(alias, domain, speed, weight, wire=tier == "wire")
        seen = {o.domain for o in self.outlets}
        while len(self.outlets) < count:
            word = rng.choice(_WORDS)
            dom_pat, name_pat, mult = rng.choice(_PATTERNS)
            domain = dom_pat.format(w=word)
            if domain in seen:
                continue
            seen.add(domain)
            name = name_pat.format(W=word.capitalize())
            aliases = [name]
            if name.startswith("The "):
                aliases.append(name[4:])
            elif rng.random() < 0.3:
                aliases.append(domain.split(".")[0])
            speed = mult * math.exp(rng.gauss(0.4, 0.6))
            weight = math.exp(rng.gauss(-0.3, 0.8))
            self._add_outlet(tuple(aliases), domain, speed, weight, wire=mult < 0.6)

    def _add_outlet(
        self, aliases: tuple[str, ...], domain: str, speed: float, weight: float, wire: bool
    ) -> None:
        rng = self.rng
        suffix = ""
        if rng.random() < 0.15:
            suffix = rng.choice((" - ", " | ")) + aliases[0]
        outlet = _Outlet(
            name=aliases[0],
            aliases=aliases,
            domain=domain,
            speed=speed,
            url_style=rng.randrange(5),
            amp_style=rng.choice((0, 0, 1, 1, 2, 3)),
            prefix_rate=rng.choice((0.0, 0.0, 0.05, 0.15, 0.3)),
            suffix=suffix,
            title_case=rng.random() < 0.3,
            quality=rng.randint(25, 90),
        )
        if wire:
            self.wires.add(len(self.outlets))
        self.outlets.append(outlet)
        self.weights.append(weight)

    # ---- stories

    def build(self) -> None:
        """Create stories until their record articles add up to ``records``."""
        rng = self.rng
        cap = max(2, min(MAX_STORY, self.records // 4))
        total = 0
        while total < self.records:
            story = self._new_story(len(self.stories))
            size = _pareto_size(rng, cap)
            self.stories.append(story)
            self._fill_story(len(self.stories) - 1, story, size)
            share = rng.uniform(0.35, 0.75) if size < 20 else rng.uniform(0.25, 0.5)
            flags = [rng.random() < share for _ in story.articles]
            if not any(flags):
                flags[rng.randrange(len(flags))] = True
            for art, flag in zip(story.articles, flags, strict=True):
                # the first flagged article always fits, so every story has a record
                if flag and total < self.records:
                    art.has_record = True
                    total += 1

    def _near(self, at: float, before: float, after: float) -> float:
        """A start time near ``at``, uniform over the whole range if that falls outside it."""
        start = at + self.rng.uniform(-before, after)
        if not self.t0 <= start < self.t0 + self.span:
            start = self.t0 + self.rng.random() * self.span
        return start

    def _new_story(self, index: int) -> _Story:
        rng = self.rng
        roll = rng.random()
        parent = rng.choice(self.stories) if self.stories and roll < 0.4 else None
        if parent is not None:
            group = parent.group
            first = parent.topics[0]
        else:
            group = rng.randrange(len(_GROUPS))
            first = rng.choice(_GROUPS[group][0].split("|"))
        g = _GROUPS[group]
        story = _Story(
            sid=f"s{index:06d}",
            start=self.t0 + rng.random() * self.span,
            group=group,
            topics=self._topics(group, first),
            subject=rng.choice(g[1].split("|")),
            verb=rng.randrange(len(_VERBS)),
            modifier=rng.choice(g[2].split("|")),
            head=rng.choice(g[3].split("|")),
            detail=rng.choice(g[4].split("|")),
        )
        if parent is not None and roll < 0.2:
            # follow-up event: same subject and topics, often the same object, days later
            story.start = self._near(parent.start, 2 * DAY, 10 * DAY)
            story.topics, story.subject = parent.topics, parent.subject
            if rng.random() < 0.5:
                story.modifier, story.head, story.detail = (
                    parent.modifier,
                    parent.head,
                    parent.detail,
                )
                story.verb = (parent.verb + rng.randrange(1, len(_VERBS))) % len(_VERBS)
        elif parent is not None:
            # a different story on the same topic, close in time
            story.start = self._near(parent.start, 10 * DAY, 10 * DAY)
        return story

    def _topics(self, group: int, first: str) -> tuple[str, ...]:
        rng = self.rng
        topics = [first]
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            if rng.random() < 0.8:
                cand = rng.choice(_GROUPS[group][0].split("|"))
            else:
                cand = rng.choice(_GROUPS[rng.randrange(len(_GROUPS))][0].split("|"))
            if cand not in topics:
                topics.append(cand)
        return tuple(topics)

    def _pick_outlet(self) -> int:
        return bisect.bisect_left(self.cum_weights, self.rng.random() * self.cum_weights[-1])

    def _fill_story(self, index: int, story: _Story, size: int) -> None:
        rng = self.rng
        heavy = [self._pick_outlet() for _ in range(rng.randint(1, 3))] if size >= 30 else []
        scale = 1.5 * HOUR * min(40.0, max(1.0, size / 6.0) ** 0.8)
        chosen: set[int] = set()
        for _ in range(size):
            if heavy and rng.random() < 0.25:
                outlet = rng.choice(heavy)
            else:
                outlet = self._pick_outlet()
                for _retry in range(3):
                    if size > 6 or outlet not in chosen:
                        break
                    outlet = self._pick_outlet()
            chosen.add(outlet)
            delay = self.outlets[outlet].speed * rng.lognormvariate(math.log(scale), 1.0)
            if rng.random() < 0.04:
                delay += rng.uniform(DAY, 7 * DAY)  # late follow-up coverage
            delay = min(delay, MAX_SPREAD)
            story.articles.append(_Article(index, outlet, int(story.start + delay)))
        self._syndicate(story)
        for art in story.articles:
            self._finish_article(story, art)

    def _syndicate(self, story: _Story) -> None:
        """Let some outlets republish a wire copy shortly after the wire article."""
        rng = self.rng
        wires = [a for a in story.articles if a.outlet in self.wires]
        if not wires:
            return
        wire = min(wires, key=lambda a: a.ts or 0)
        wire.title = self._headline(story, self.outlets[wire.outlet], raw=True)
        for art in story.articles:
            if art is not wire and art.outlet not in self.wires and rng.random() < 0.12:
                art.title = wire.title
                copy = (wire.ts or 0) + int(rng.uniform(300, 3 * HOUR))
                art.ts = min(copy, int(story.start + MAX_SPREAD))

    def _finish_article(self, story: _Story, art: _Article) -> None:
        rng = self.rng
        outlet = self.outlets[art.outlet]
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
            art.title = self._headline(story, outlet)
        art.excerpt = self._excerpt(story)
        art.kind = "video" if rng.random() < 0.02 else "article"
        art.quality = max(1, min(99, outlet.quality + rng.randint(-12, 12)))
        art.url = self._url(outlet, art, story.start)
        art.amp = _amp_url(art.url, outlet.amp_style)

    def _headline(self, story: _Story, outlet: _Outlet, raw: bool = False) -> str:
        rng = self.rng
        present, base, participle = _VERBS[story.verb]
        obj = f"{story.modifier} {story.head}"
        detail = f" {story.detail}" if rng.random() < 0.5 else ""
        form = rng.random()
        if form < 0.4:
            text = f"{story.subject} {rng.choice(present)} {obj}{detail}"
        elif form < 0.55:
            text = f"{obj[:1].upper()}{obj[1:]} {rng.choice(participle)} by {story.subject}{detail}"
        elif form < 0.7:
            text = f"{story.subject} to {rng.choice(base)} {obj}{detail}"
        elif form < 0.8:
            text = f"{story.subject}: {obj} {rng.choice(participle)}{detail}"
        elif form < 0.9:
            text = f"Why {story.subject}'s move to {rng.choice(base)} {obj} matters"
        else:
            text = f"{story.subject} {rng.choice(present)} {obj}, {rng.choice(_CLAUSES)}"
            text = text.format(day=rng.choice(_DAYS))
        if raw:
            return text
        if outlet.title_case:
            text = _titlecase(text)
        if rng.random() < outlet.prefix_rate:
            text = rng.choice(_PREFIXES) + text
        return text + outlet.suffix

    def _excerpt(self, story: _Story) -> str:
        rng = self.rng
        present = _VERBS[story.verb][0]
        clause = rng.choice(_CLAUSES).format(day=rng.choice(_DAYS))
        text = (
            f"{story.subject} {rng.choice(present)} the {story.modifier} {story.head} "
            f"{story.detail}, {clause}."
        )
        if rng.random() < 0.3:
            other = rng.choice(_CLAUSES).format(day=rng.choice(_DAYS))
            text += f" The decision comes {rng.choice(('as', 'after', 'while'))} {other}."
        if rng.random() < 0.1:
            text = text[: rng.randint(60, len(text))].rstrip() + "…"
        return text[:1].upper() + text[1:]

    def _url(self, outlet: _Outlet, art: _Article, fallback: float) -> str:
        rng = self.rng
        slug = _slug(art.title)
        stamp = datetime.fromtimestamp(art.ts if art.ts is not None else fallback, UTC)
        section = rng.choice(_SECTIONS)
        style = outlet.url_style
        if style == 0:
            path = f"/{section}/{stamp:%Y/%m/%d}/{slug}/"
        elif style == 1:
            path = f"/{section}/{slug}-{rng.randrange(10**7, 10**8)}"
        elif style == 2:
            path = f"/{section}/{rng.randrange(10**7, 10**9)}"
        elif style == 3:
            path = f"/{stamp:%Y/%m/%d}/{slug}.html"
        else:
            path = f"/article/{slug}-{rng.getrandbits(48):012x}"
        url = f"https://www.{outlet.domain}{path}"
        n = 2
        while url in self.used_urls:
            url = f"https://www.{outlet.domain}{path.rstrip('/')}-{n}" + (
                "/" if path.endswith("/") else ""
            )
            n += 1
        self.used_urls.add(url)
        return url

    # ---- related lists

    def index(self) -> None:
        """Index stories by start time, globally and per topic, for noise links."""
        order = sorted(range(len(self.stories)), key=lambda i: self.stories[i].start)
        self.g_starts = [self.stories[i].start for i in order]
        self.g_ids = order
        by_topic: dict[str, list[int]] = {}
        for i in order:
            for topic in self.stories[i].topics:
                by_topic.setdefault(topic, []).append(i)
        self.t_ids = by_topic
        self.t_starts = {t: [self.stories[i].start for i in ids] for t, ids in by_topic.items()}

    def _window(self, starts: list[float], ids: list[int], at: float, me: int) -> int | None:
        lo = bisect.bisect_left(starts, at - 14 * DAY)
        hi = bisect.bisect_right(starts, at + 14 * DAY)
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

    def _other_story(self, story: _Story, me: int) -> int | None:
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

    def related(self, art: _Article) -> list[tuple[_Article, bool]]:
        """Related mentions for a record: ``(article, is_noise)`` pairs."""
        rng = self.rng
        story = self.stories[art.story]
        others = [a for a in story.articles if a is not art]
        k = min(rng.choices(range(1, 9), weights=(10, 18, 20, 16, 12, 9, 8, 7))[0], len(others))
        n_noise = sum(rng.random() < self.noise for _ in range(k))
        n_same = k - n_noise
        # the aggregator mostly lists coverage published before (or soon after) the record
        limit = (art.ts if art.ts is not None else story.start + MAX_SPREAD) + 6 * HOUR
        keyed = [
            (rng.random() ** (1.0 / (3.0 if (o.ts is not None and o.ts <= limit) else 1.0)), i)
            for i, o in enumerate(others)
        ]
        picks: list[tuple[_Article, bool]] = [
            (others[i], False) for _, i in heapq.nlargest(n_same, keyed)
        ]
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


# --------------------------------------------------------------------------- records


def _url_variant(rng: random.Random, art: _Article) -> str:
    """A tracking/scheme/AMP/fragment variant of an article's canonical URL."""
    url = art.url
    kinds = rng.sample(("http", "utm", "click", "fragment", "amp", "nowww"), rng.choice((1, 1, 2)))
    query: list[str] = []
    if "amp" in kinds:
        url = art.amp if art.amp and "?" not in art.amp else url
        if url == art.url:
            query.append("amp")
    if "utm" in kinds:
        src = rng.choice(("twitter", "facebook", "rss", "newsletter"))
        query.append(f"utm_source={src}&utm_medium=social&utm_campaign=news")
    if "click" in kinds:
        key = rng.choice(("fbclid", "gclid"))
        query.append(f"{key}={base64.urlsafe_b64encode(rng.randbytes(12)).decode().rstrip('=')}")
    if query:
        url += ("&" if "?" in url else "?") + "&".join(query)
    if "fragment" in kinds:
        url += rng.choice(("#comments", "#main", "#section-2", "#top"))
    if "http" in kinds:
        url = "http://" + url[len("https://") :]
    if "nowww" in kinds:
        url = url.replace("://www.", "://", 1)
    return url


def _stamp(art: _Article, quoted: bool) -> str:
    text = _fmt_time(art.ts or 0, art.seconds, art.offset)
    return _Quoted(text) if quoted else _Stamp(text)


def _images(rng: random.Random, outlet: _Outlet) -> list[dict[str, Any]]:
    width, height = rng.choice(((1200, 800), (1440, 960), (800, 450), (2000, 1000), (640, 360)))
    url = f"https://media.{outlet.domain}/images/{rng.getrandbits(40):010x}.jpg"
    return [{"url": _Quoted(url), "width": width, "height": height, "isCached": True}]


def _mention(gen: _Generator, art: _Article, quoted: bool) -> dict[str, Any]:
    """A related-list entry describing ``art``."""
    rng = gen.rng
    outlet = gen.outlets[art.outlet]
    entry: dict[str, Any] = {"title": _Quoted(art.title)}
    if rng.random() >= 0.02:
        entry["excerpt"] = _Quoted(art.excerpt)
    if art.ts is not None:
        entry["publishedDateTime"] = _stamp(art, quoted)
    url = art.url
    if art.has_record and rng.random() < 0.2:
        url = _url_variant(rng, art)
    entry["webUrl"] = _Quoted(url)
    if art.amp and rng.random() < 0.6:
        entry["ampWebUrl"] = _Quoted(art.amp)
        if rng.random() < 0.7:
            entry["cdnAmpWebUrl"] = _Quoted(_cdn_amp(art.amp))
    entry["type"] = art.kind
    name = rng.choice(outlet.aliases) if rng.random() < 0.2 else outlet.name
    entry["provider"] = {"name": name, "domain": outlet.domain}
    entry["quality"] = art.quality
    if rng.random() < 0.7:
        entry["images"] = _images(rng, outlet)
    return entry


def _record(gen: _Generator, art: _Article, labels: dict[str, str]) -> dict[str, Any]:
    """The front-matter mapping of the record of ``art``; registers mentioned URLs."""
    rng = gen.rng
    story = gen.stories[art.story]
    outlet = gen.outlets[art.outlet]
    quoted = rng.random() < 0.3
    labels.setdefault(art.url, story.sid)
    doc: dict[str, Any] = {
        "category": "news",
        "title": _Quoted(art.title),
        "excerpt": _Quoted(art.excerpt),
    }
    if art.ts is not None:
        doc["publishedDateTime"] = _stamp(art, quoted)
    original = art.url
    if rng.random() < 0.1:
        original += "?utm_source=rss&utm_medium=feed"
    doc["originalUrl"] = _Quoted(original)
    doc["webUrl"] = _Quoted(art.url)
    if art.amp:
        doc["ampWebUrl"] = _Quoted(art.amp)
        doc["cdnAmpWebUrl"] = _Quoted(_cdn_amp(art.amp))
    doc["type"] = art.kind
    doc["quality"] = art.quality
    doc["heat"] = rng.randint(0, 100)
    doc["published"] = True
    doc["provider"] = {"name": outlet.name, "domain": outlet.domain}
    topics = list(story.topics)
    if len(topics) > 1 and rng.random() < 0.1:
        topics.pop(rng.randrange(len(topics)))
    doc["topics"] = topics
    doc["images"] = _images(rng, outlet)
    related = []
    for other, _noise in gen.related(art):
        related.append(_mention(gen, other, quoted))
        labels.setdefault(other.url, gen.stories[other.story].sid)
    doc["related"] = related
    blob = base64.b64encode(rng.randbytes(rng.randint(280, 420))).decode()
    doc["secured"] = _Quoted(f"{blob};{base64.b64encode(rng.randbytes(16)).decode()}")
    return doc


def _prepare_dir(out: Path) -> None:
    """Create ``out``; clear a previous synthetic corpus there, refuse other record folders."""
    out.mkdir(parents=True, exist_ok=True)
    entries = list(out.iterdir())
    texts = [p for p in entries if p.suffix == ".txt"]
    if not texts:
        return
    ours = (out / LABELS_FILE).exists() and all(_RECORD_NAME.match(p.name) for p in texts)
    if not ours:
        raise FileExistsError(f"{out} already holds .txt files that are not a synthetic corpus")
    for p in texts:
        p.unlink()


def generate_corpus(
    out_dir: Path | str,
    records: int = 1000,
    noise: float = 0.05,
    seed: int = 0,
    start: datetime = datetime(2023, 1, 1, tzinfo=UTC),
    days: int = 365,
) -> SyntheticCorpus:
    """Write ``records`` labelled record files plus ``labels.tsv`` to ``out_dir``.

    ``noise`` is the probability that a related entry points to a different story (preferably
    one sharing a topic and starting within two weeks). Output is deterministic per ``seed``.
    """
    if records < 1:
        raise ValueError("records must be >= 1")
    if not 0.0 <= noise <= 1.0:
        raise ValueError("noise must be within [0, 1]")
    out = Path(out_dir)
    _prepare_dir(out)
    gen = _Generator(records, noise, seed, start, days)
    gen.build()
    gen.index()
    rng = gen.rng
    recs = [a for s in gen.stories for a in s.articles if a.has_record]
    rng.shuffle(recs)
    width = max(6, len(str(len(recs) - 1)))
    labels: dict[str, str] = {}
    for i, art in enumerate(recs):
        doc = _record(gen, art, labels)
        name = f"{i:0{width}d}_{rng.getrandbits(64):016x}.txt"
        with open(out / name, "w", encoding="utf-8", newline="\n") as fh:
            _dump(doc, fh)
    with open(out / LABELS_FILE, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("article_url\tstory_id\n")
        fh.writelines(f"{url}\t{story}\n" for url, story in sorted(labels.items()))
    return SyntheticCorpus(path=out, records=len(recs), labels=labels)


def _summary(corpus: SyntheticCorpus, seconds: float) -> str:
    sizes: dict[str, int] = {}
    for sid in corpus.labels.values():
        sizes[sid] = sizes.get(sid, 0) + 1
    ordered = sorted(sizes.values())
    median = ordered[len(ordered) // 2] if ordered else 0
    return (
        f"wrote {corpus.records} records ({len(corpus.labels)} articles, {len(sizes)} stories, "
        f"median size {median}, largest {ordered[-1] if ordered else 0}) "
        f"to {corpus.path} in {seconds:.2f}s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m graphkit.synthetic OUT --records N --noise P --seed S``."""
    parser = argparse.ArgumentParser(
        prog="python -m graphkit.synthetic", description="Write a labelled synthetic corpus."
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--records", type=int, default=1000, help="record files to write")
    parser.add_argument("--noise", type=float, default=0.05, help="cross-story related rate")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--start", default="2023-01-01", help="first story day (ISO date)")
    parser.add_argument("--days", type=int, default=365, help="length of the date range")
    args = parser.parse_args(argv)
    begin = datetime.fromisoformat(args.start)
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    t = time.perf_counter()
    try:
        corpus = generate_corpus(args.out, args.records, args.noise, args.seed, begin, args.days)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_summary(corpus, time.perf_counter() - t))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
