"""Headlines and excerpts of a story's articles, worded differently by each outlet."""

from __future__ import annotations

import random

from .model import Outlet, Story
from .vocabulary import CLAUSES, DAYS, PREFIXES, VERBS


def titlecase(text: str) -> str:
    """Headline Title Case (keeps acronyms and words of three letters or fewer).

    >>> titlecase("Apple unveils the new AI chip")
    'Apple Unveils the new AI Chip'
    """
    return " ".join(w[:1].upper() + w[1:] if len(w) > 3 else w for w in text.split(" "))


def headline(rng: random.Random, story: Story, outlet: Outlet, raw: bool = False) -> str:
    """A headline of ``story``; ``raw`` skips the outlet's casing, prefix and suffix."""
    text = _sentence(rng, story)
    if raw:
        return text
    if outlet.title_case:
        text = titlecase(text)
    if rng.random() < outlet.prefix_rate:
        text = rng.choice(PREFIXES) + text
    return text + outlet.suffix


def _sentence(rng: random.Random, story: Story) -> str:
    """The headline sentence in one of six forms."""
    present, base, participle = VERBS[story.verb]
    obj = f"{story.modifier} {story.head}"
    detail = f" {story.detail}" if rng.random() < 0.5 else ""
    form = rng.random()
    if form < 0.4:
        return f"{story.subject} {rng.choice(present)} {obj}{detail}"
    if form < 0.55:
        return f"{obj[:1].upper()}{obj[1:]} {rng.choice(participle)} by {story.subject}{detail}"
    if form < 0.7:
        return f"{story.subject} to {rng.choice(base)} {obj}{detail}"
    if form < 0.8:
        return f"{story.subject}: {obj} {rng.choice(participle)}{detail}"
    if form < 0.9:
        return f"Why {story.subject}'s move to {rng.choice(base)} {obj} matters"
    text = f"{story.subject} {rng.choice(present)} {obj}, {rng.choice(CLAUSES)}"
    return text.format(day=rng.choice(DAYS))


def excerpt(rng: random.Random, story: Story) -> str:
    """A one- or two-sentence summary of ``story``, sometimes cut short."""
    present = VERBS[story.verb].present
    clause = rng.choice(CLAUSES).format(day=rng.choice(DAYS))
    text = (
        f"{story.subject} {rng.choice(present)} the {story.modifier} {story.head} "
        f"{story.detail}, {clause}."
    )
    if rng.random() < 0.3:
        other = rng.choice(CLAUSES).format(day=rng.choice(DAYS))
        text += f" The decision comes {rng.choice(('as', 'after', 'while'))} {other}."
    if rng.random() < 0.1:
        text = text[: rng.randint(60, len(text))].rstrip() + "…"
    return text[:1].upper() + text[1:]
