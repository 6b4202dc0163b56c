"""Drawing the outlets of a corpus: well-known publishers plus invented local ones."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field

from .model import Outlet
from .vocabulary import NAME_PATTERNS, NAME_WORDS, REAL_OUTLETS

OUTLET_COUNT = 200


@dataclass(slots=True)
class OutletPool:
    """All outlets of a corpus, which of them are wires, and their popularity."""

    outlets: list[Outlet] = field(default_factory=list)
    wires: set[int] = field(default_factory=set)
    cum_weights: list[float] = field(default_factory=list)

    def add(self, outlet: Outlet, weight: float, wire: bool) -> None:
        """Append ``outlet`` with popularity ``weight``."""
        if wire:
            self.wires.add(len(self.outlets))
        self.outlets.append(outlet)
        self.cum_weights.append(self.cum_weights[-1] + weight if self.cum_weights else weight)

    def pick(self, rng: random.Random) -> int:
        """Index of an outlet drawn in proportion to popularity."""
        return bisect.bisect_left(self.cum_weights, rng.random() * self.cum_weights[-1])


def draw_outlets(rng: random.Random, count: int = OUTLET_COUNT) -> OutletPool:
    """The real outlets, then invented ones until there are ``count``."""
    pool = OutletPool()
    for names, domain, tier, speed, weight in REAL_OUTLETS:
        aliases = tuple(names.split("|"))
        pool.add(_new_outlet(rng, aliases, domain, speed), weight, wire=tier == "wire")
    seen = {o.domain for o in pool.outlets}
    while len(pool.outlets) < count:
        word = rng.choice(NAME_WORDS)
        dom_pat, name_pat, mult = rng.choice(NAME_PATTERNS)
        domain = dom_pat.format(w=word)
        if domain in seen:
            continue
        seen.add(domain)
        aliases = _invented_aliases(rng, name_pat.format(W=word.capitalize()), domain)
        speed = mult * math.exp(rng.gauss(0.4, 0.6))
        weight = math.exp(rng.gauss(-0.3, 0.8))
        pool.add(_new_outlet(rng, aliases, domain, speed), weight, wire=mult < 0.6)
    return pool


def _invented_aliases(rng: random.Random, name: str, domain: str) -> tuple[str, ...]:
    """``name`` and, sometimes, a shorter form of it."""
    aliases = [name]
    if name.startswith("The "):
        aliases.append(name[4:])
    elif rng.random() < 0.3:
        aliases.append(domain.split(".")[0])
    return tuple(aliases)


def _new_outlet(rng: random.Random, aliases: tuple[str, ...], domain: str, speed: float) -> Outlet:
    """An outlet with randomly drawn title, URL and quality habits."""
    suffix = ""
    if rng.random() < 0.15:
        suffix = rng.choice((" - ", " | ")) + aliases[0]
    return Outlet(
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
