"""Plain text for terminals: the build summary, figures, leaderboards and timelines.

The command line prints these; a notebook can print them too. Record data is untrusted, so
every cell is made one line of printable characters before it reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..records.times import iso_utc

if TYPE_CHECKING:
    from ..analysis import CutLink, StoryCoverage
    from ..analysis.coverage import CoverageTables
    from ..analysis.stories import StoryDoubt


def columns(header: Sequence[str], rows: Sequence[Sequence[str]], rule: bool = False) -> str:
    """Left-aligned columns two spaces apart; `rule` puts a line of dashes under the header.

    >>> print(columns(["outlet", "first"], [["bbc.co.uk", "2"]], rule=True))
    outlet     first
    ---------  -----
    bbc.co.uk  2
    """
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    ruled = [list(header), ["-" * width for width in widths]] if rule else [list(header)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)  # one format call a row: fast
    return "\n".join(line.format(*row).rstrip() for row in [*ruled, *rows])


def terminal_safe(text: str | None) -> str:
    """Untrusted text made safe for a terminal: one line, no control characters.

    >>> terminal_safe("a\\nb\\x1b[31m")
    'a b\\ufffd[31m'
    """
    flat = " ".join((text or "").split())
    return "".join(c if c.isprintable() else "\ufffd" for c in flat)


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 file`, `2 files`.

    >>> plural(1, "story", "stories"), plural(2, "story", "stories")
    ('1 story', '2 stories')
    """
    return f"{count} {one if count == 1 else many or one + 's'}"


def stage_table(steps: Mapping[str, tuple[float, float]], records: int) -> str:
    """Each stage's seconds, records per second and the peak memory so far (`Build.timings`),
    figures right-aligned.

    >>> print(stage_table({"read": (2.0, 180.0), "views": (0.0, 1200.0)}, 10_000))
    stage  seconds  records/s  peak MiB
    read       2.0      5,000       180
    views      0.0          -     1,200
    """
    header = ["stage", "seconds", "records/s", "peak MiB"]
    rows = [
        [name, f"{seconds:.1f}", f"{records / seconds:,.0f}" if seconds else "-", f"{peak:,.0f}"]
        for name, (seconds, peak) in steps.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join([row[0].ljust(widths[0]), *(row[i].rjust(widths[i]) for i in range(1, 4))])
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _unchanged(reused: int) -> str:
    return f" ({reused:,} unchanged since the last build)" if reused else ""


def summary_text(
    summary: Mapping[str, Any],
    coverage: CoverageTables | Iterable[StoryCoverage],
    warnings: int,
    written: Sequence[Path],
    out: Path,
    reused: int = 0,
    skipped: Sequence[str] = (),
    doubts: Sequence[StoryDoubt] = (),
    store: str | None = None,
    split: str | None = None,
) -> str:
    """What `graphkit build` prints: what was read, resolved, grouped and written. `reused`
    files were unchanged since the last build and not parsed again; each of `doubts` (stories
    too big or too mixed to be one event) gets a warning line; `store` says how a rebuild's
    store was made (the previous one and a delta, or loaded anew), `split` how many linked
    components a rebuild took as the last build had split them."""
    s = summary
    relations = ", ".join(f"{name} {count}" for name, count in s["edges_by_relation"].items())
    from ..analysis.coverage import CoverageTables  # Polars: not for `graphkit query`

    tables = CoverageTables.of(coverage)
    lines = [
        f"read     {plural(s['files_read'], 'file')}{_unchanged(reused)}: "
        f"{plural(s['records'], 'record')}, "
        f"{s['records_rejected']} rejected, "
        f"{plural(s['related_entries_dropped'], 'related entry', 'related entries')} dropped",
        f"resolved {plural(s['articles'], 'article')} ({s['articles_with_record']} with a record), "
        f"{plural(s['outlets'], 'outlet')}, {plural(s['topics'], 'topic')}, "
        f"{plural(s['categories'], 'category', 'categories')}",
        f"graph    {plural(s['nodes'], 'node')}, {plural(s['edges'], 'edge')} ({relations})",
        f"times    {s['times_without_zone']} without zone (read as UTC), "
        f"{s['implausible_times']} implausible, {s['missing_times']} missing; "
        f"{plural(s['conflicts'], 'disagreement')}, {plural(warnings, 'warning')}",
        f"stories  {plural(len(tables), 'story', 'stories')}, "
        f"{tables.covered_by_many()} covered by two outlets or more; "
        f"{plural(s['stray_links'], 'related link')} set aside as strays"
        f"{_share(s['stray_links'], s['related_links'])}, "
        f"{plural(s['pieces_joined'], 'piece')} joined on headlines, "
        f"{plural(s['stories_held_by_one_link'], 'story', 'stories')} held together by one link",
        *(
            f"warning  story {d.story} ({d.articles:,} articles) {d.reason}: its related "
            "links may be too noisy to group by (report.json, doubtful_stories)"
            for d in doubts
        ),
        *([f"leiden   {split}"] if split else []),
        *([f"store    {store}"] if store else []),
        f"wrote    {_written_text(written, out)} in {out}/",
    ]
    if skipped:
        folders = ", ".join(terminal_safe(folder) for folder in skipped)
        lines.insert(1, f"skipped  graphkit output folders among the sources: {folders}")
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f" ({part / whole:.0%} of {whole:,})" if whole else ""


def _written_text(written: Sequence[Path], out: Path) -> str:
    """The files a build wrote at the top of OUT; pages and assets in folders only counted."""
    top = [p.name for p in written if p.parent == out]
    nested = len(written) - len(top)
    return ", ".join(top) + (
        f", and {plural(nested, 'file')} in views/ and assets/" if nested else ""
    )


def stats_text(stats: Mapping[str, Any]) -> str:
    """What `graphkit stats` prints (see `graphkit.analysis.graph_stats`), after the build
    it read when there is one."""
    lines = _build_lines(stats.get("build"))
    lines += [
        f"articles {stats['articles']}, outlets {stats['outlets']}, topics {stats['topics']}, "
        f"categories {stats['categories']}",
        "edges    " + ", ".join(f"{k} {v}" for k, v in stats["edges"].items()),
        f"span     {stats['first_published_utc']} .. {stats['last_published_utc']}",
        "top outlets:",
        *(f"  {row['articles']:>5}  {terminal_safe(row['label'])}" for row in stats["top_outlets"]),
        "top topics:",
        *(f"  {row['articles']:>5}  {terminal_safe(row['label'])}" for row in stats["top_topics"]),
    ]
    return "\n".join(lines)


def _build_lines(build: Mapping[str, Any] | None) -> list[str]:
    if not build:
        return []
    sources = ", ".join(terminal_safe(str(source)) for source in build["sources"])
    return [
        f"build    {build['build']}, {build['built_at']} by graphkit {build['graphkit']}: "
        f"{build['records']:,} records from {sources}, {build['files']:,} files",
    ]


def timeline_text(story: StoryCoverage, cut: Sequence[CutLink] = ()) -> str:
    """One story's coverage, earliest first, with each article's lag behind the first, and
    the related links between it and other stories that were set aside as strays (`cut`)."""
    first = story.first_time
    firsts = ", ".join(outlet_label(e.provider, e.provider_name) for e in story.first) or "nobody"
    lines = [
        f"story   {story.id}: {terminal_safe(story.label)}",
        f"first   {iso_utc(first) if first else 'no usable time'} by {firsts}",
        f"        {len(story.entries)} articles, {len(story.outlets)} outlets, "
        f"{len(story.untimed)} without a usable time",
        "",
    ]
    rows = [
        [
            iso_utc(e.published) if e.published else f"({e.time_status} time)",
            "first" if e.is_first else format_lag(e.lag_seconds),
            outlet_label(e.provider, e.provider_name),
            terminal_safe(e.url),
        ]
        for e in story.entries
    ]
    table = columns(["published (UTC)", "behind", "outlet", "url"], rows)
    return "\n".join(lines) + "\n" + table + _cut_text(story.id, cut)


def _cut_text(story_id: str, cut: Sequence[CutLink]) -> str:
    if not cut:
        return "\n\nno related link of this story was set aside"
    lines = ["", "", f"{plural(len(cut), 'related link')} set aside as strays:"]
    for link in cut:
        other = link.other_story(story_id)
        lines.append(f"  {terminal_safe(link.a)} -- {terminal_safe(link.b)}")
        lines.append(f"      other story {other}; {link.reason}: {terminal_safe(link.detail)}")
    return "\n".join(lines)


def stories_text(rows: Sequence[Mapping[str, Any]], headline_width: int = 70) -> str:
    """Story rows (`graphkit.outputs.tables.first_rows`) as a table: id, when and who was
    first, articles, outlets, and the first headline (cut to `headline_width`)."""
    if not rows:
        return "no story matches"
    table = [
        [
            r["story_id"],
            r["first_published_utc"] or "no time",
            ", ".join(terminal_safe(d) for d in r["first_provider_domains"]) or "-",
            str(r["article_count"]),
            str(r["outlet_count"]),
            _cut(terminal_safe(r["label"]), headline_width),
        ]
        for r in rows
    ]
    header = ["story", "first (UTC)", "first outlet", "articles", "outlets", "headline"]
    return columns(header, table)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def leaderboard_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The outlet leaderboard rows (`graphkit.outputs.tables.outlet_rows`) as a table."""
    if not rows:
        return "no stories covered by enough outlets match"
    table = [
        [
            outlet_label(r["provider_domain"], r["provider_name"]),
            str(r["stories"]),
            f"{r['times_first']:g}",
            str(r["tied_first"]),
            f"{r['share_first']:.0%}",
            format_lag(r["median_lag_seconds"]),
            format_lag(r["mean_lag_seconds"]),
        ]
        for r in rows
    ]
    header = ["outlet", "stories", "first", "tied", "share", "median lag", "mean lag"]
    return columns(header, table)


def pairs_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Head-to-head rows (`graphkit.outputs.tables.head_to_head_rows`) as a table."""
    if not rows:
        return "no two outlets covered a matching story"
    table = [
        [r["outlet_a"], r["outlet_b"], str(r["stories"]), str(r["a_earlier"]),
         str(r["b_earlier"]), str(r["ties"])]
        for r in rows
    ]  # fmt: skip
    return columns(["outlet a", "outlet b", "stories", "a earlier", "b earlier", "ties"], table)


def outlet_label(domain: str | None, name: str | None) -> str:
    """`Name (domain)`, or the domain alone when the name adds nothing."""
    if not domain:
        return "(unknown outlet)"
    return f"{terminal_safe(name)} ({domain})" if name and name != domain else domain


DURATION_SUFFIX = "_seconds"  # a column or variable of durations: seconds for machines


def shown_for_people(name: str, value: str) -> str:
    """A value of column `name` as a table or page shows it: durations (a name ending in
    `_seconds`, whose machine-readable value is a number of seconds) as `format_lag` writes
    them; everything else as it is. The one rule for every table and page of graphkit.

    >>> shown_for_people("lag_seconds", "23700"), shown_for_people("outlet", "bbc.co.uk")
    ('6 h 35 min', 'bbc.co.uk')
    >>> shown_for_people("lag_seconds", "n/a")
    'n/a'
    """
    if not name.endswith(DURATION_SUFFIX) or not value:
        return value
    try:
        return format_lag(float(value))
    except ValueError:
        return value


def header_for_people(name: str) -> str:
    """A column's name above values `shown_for_people`: a duration's without `_seconds`.

    >>> header_for_people("mean_lag_seconds"), header_for_people("outlet")
    ('mean_lag', 'outlet')
    """
    return name.removesuffix(DURATION_SUFFIX) if name.endswith(DURATION_SUFFIX) else name


def format_lag(seconds: float | None) -> str:
    """A lag for people: '45 s', '1 h 34 min', '2 d 3 h' (the two largest units); '-' when
    unknown. The first articles' lag is 0 s: a timeline shows them as 'first' itself.

    >>> [format_lag(s) for s in (0, 45, 5640, 60720, 183600, None)]
    ['0 s', '45 s', '1 h 34 min', '16 h 52 min', '2 d 3 h', '-']
    """
    if seconds is None:
        return "-"
    delta = timedelta(seconds=round(seconds))
    days, rest = delta.days, delta.seconds
    hours, minutes, secs = rest // 3600, rest % 3600 // 60, rest % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"
