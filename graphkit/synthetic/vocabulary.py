"""Word lists the generator draws from: topic groups, verbs, phrases and outlet names.

Pure data: nothing here draws random numbers. The order of every tuple matters, since the
generator picks items by index from a seeded RNG.
"""

from __future__ import annotations

from typing import NamedTuple


class TopicGroup(NamedTuple):
    """Related topics and the headline words of the stories filed under them."""

    topics: tuple[str, ...]
    subjects: tuple[str, ...]
    modifiers: tuple[str, ...]
    heads: tuple[str, ...]
    details: tuple[str, ...]


class VerbForms(NamedTuple):
    """Interchangeable verbs of one action, by grammatical form."""

    present: tuple[str, ...]
    base: tuple[str, ...]
    participle: tuple[str, ...]


def _group(topics: str, subjects: str, modifiers: str, heads: str, details: str) -> TopicGroup:
    """A topic group from ``|``-separated alternatives."""
    return TopicGroup(
        tuple(topics.split("|")),
        tuple(subjects.split("|")),
        tuple(modifiers.split("|")),
        tuple(heads.split("|")),
        tuple(details.split("|")),
    )


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words of ``text``."""
    return tuple(text.split())


GROUPS: tuple[TopicGroup, ...] = (
    _group(
        "AI|Natural Language Processing|Computer Vision|Robotics",
        "OpenAI|Google|Microsoft|Nvidia|Anthropic|Meta|Baidu|IBM|DeepMind",
        "AI|generative|open-source|multimodal|voice|facial recognition",
        "model|chatbot|assistant|chip|robot|research lab|image generator|safety team",
        "in Europe|for enterprise customers|after safety concerns|in China|for schools",
    ),
    _group(
        "Cybersecurity|Privacy|Cloud Computing|Data Breaches",
        "Amazon Web Services|Okta|CrowdStrike|Cloudflare|FBI|Europol|LastPass|Salesforce",
        "ransomware|zero-day|encryption|cloud|password|spyware",
        "attack|vulnerability|outage|data leak|security patch|backdoor|botnet",
        "affecting millions|at hospitals|across Asia|in government networks|at banks",
    ),
    _group(
        "Smartphones|Semiconductors|Gaming|Wearables",
        "Apple|Samsung|TSMC|Intel|Qualcomm|Sony|Nintendo|Xiaomi|Valve",
        "foldable|flagship|handheld|5G|budget|next-generation",
        "phone|console|smartwatch|chip plant|headset|processor|tablet",
        "in Arizona|ahead of holiday season|in India|with record preorders|amid shortages",
    ),
    _group(
        "Stock Markets|Central Banks|Inflation|Cryptocurrency",
        "Federal Reserve|ECB|Bank of England|Coinbase|Binance|Goldman Sachs|Wall Street",
        "interest rate|bond|bitcoin|stablecoin|stimulus|crypto",
        "hike|sell-off|rally|forecast|bailout|ETF|exchange",
        "as inflation cools|after jobs report|for third straight month|in Asian trading",
    ),
    _group(
        "Climate|Renewable Energy|Oil and Gas|Electric Vehicles",
        "Tesla|BP|Shell|Exxon|OPEC|Ford|Rivian|Orsted|BYD",
        "solar|offshore wind|battery|carbon|electric|hydrogen",
        "plant|pipeline|truck|emissions target|charging network|output cut|factory",
        "in Texas|in the North Sea|in Germany|worth $2 billion|despite protests",
    ),
    _group(
        "Elections|Congress|Supreme Court|Immigration",
        "Senate|House Speaker|Supreme Court|White House|Pentagon|Governor Newsom|DHS",
        "border|voting|abortion|spending|tariff|asylum",
        "bill|ruling|policy|investigation|shutdown deal|executive order|hearing",
        "before midterms|in Georgia|after heated debate|in split decision|at the border",
    ),
    _group(
        "Healthcare|Vaccines|Pharma|Biotech",
        "Pfizer|Moderna|FDA|WHO|Novo Nordisk|CDC|Johnson & Johnson|Eli Lilly",
        "obesity|cancer|mRNA|flu|gene|Alzheimer's",
        "drug|vaccine|trial|therapy|price cut|approval|shortage",
        "in late-stage study|for children|in Africa|after safety review|worth $1 billion",
    ),
    _group(
        "Startups|Retail|Real Estate|Jobs",
        "Walmart|Shopify|Stripe|WeWork|Target|Airbnb|Y Combinator|Zillow",
        "remote|warehouse|fintech|mortgage|delivery|subscription",
        "layoffs|funding round|IPO|store closures|acquisition|hiring freeze|price war",
        "across the US|in London|as demand slows|at $10 billion valuation|in Q3",
    ),
    _group(
        "Space|Aviation|Autonomous Vehicles|Trade",
        "SpaceX|NASA|Boeing|Airbus|Waymo|Cruise|Blue Origin|ESA",
        "lunar|robotaxi|satellite|jet|cargo|rocket",
        "launch|mission|fleet|engine|test flight|export ban|safety probe",
        "in San Francisco|from Cape Canaveral|after delays|in Japan|with NASA crew",
    ),
    _group(
        "Streaming|Film|Football|Music",
        "Netflix|Disney|Spotify|Warner Bros|Premier League|FIFA|Taylor Swift|HBO",
        "streaming|box office|transfer|concert|ad-supported|documentary",
        "deal|series|tour|record|price hike|season|boycott",
        "in record time|for $100 million|in Qatar|after fan backlash|this summer",
    ),
)

VERBS: tuple[VerbForms, ...] = (
    VerbForms(("unveils", "launches", "rolls out", "debuts"), ("unveil", "launch"), ("unveiled",)),
    VerbForms(
        ("delays", "postpones", "pushes back"), ("delay", "postpone"), ("delayed", "postponed")
    ),
    VerbForms(
        ("bans", "blocks", "halts"), ("ban", "block", "halt"), ("banned", "blocked", "halted")
    ),
    VerbForms(("approves", "backs", "clears"), ("approve", "back"), ("approved", "cleared")),
    VerbForms(("probes", "investigates", "scrutinizes"), ("probe", "investigate"), ("probed",)),
    VerbForms(("cuts", "scales back", "slashes"), ("cut", "scale back"), ("cut", "scaled back")),
    VerbForms(("expands", "boosts", "ramps up"), ("expand", "boost"), ("expanded", "boosted")),
    VerbForms(("warns over", "criticizes", "slams"), ("warn over", "criticize"), ("criticized",)),
    VerbForms(
        ("confirms", "announces", "reveals"), ("confirm", "announce"), ("confirmed", "announced")
    ),
    VerbForms(("scraps", "abandons", "drops"), ("scrap", "abandon"), ("scrapped", "abandoned")),
)

# closing clauses of headlines and excerpts; ``{day}`` is a weekday
CLAUSES = (
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
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PREFIXES = ("BREAKING: ", "Exclusive: ", "Analysis: ", "UPDATE 2-", "Live updates: ", "Report: ")
SECTIONS = ("news", "world", "business", "technology", "politics", "science", "markets")

REAL_OUTLETS: tuple[tuple[str, str, str, float, float], ...] = (
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

# words that invented outlets are named after
NAME_WORDS = _words(
    "harbor river summit metro valley coast capital pioneer beacon ledger prairie canyon "
    "lakeside granite maple cedar liberty union frontier delta northern southern eastern "
    "western central midland highland island bay ridge sterling crescent horizon citizen "
    "evening morning sunday weekly global civic urban rural county state national pacific "
    "atlantic golden silver iron copper ember aurora orbit signal pulse vector cobalt "
    "falcon eagle raven meridian zenith keystone lantern compass anchor"
)

# invented outlets: (domain pattern, name pattern, speed multiplier)
NAME_PATTERNS: tuple[tuple[str, str, float], ...] = (
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
