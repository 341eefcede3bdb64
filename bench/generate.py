"""A synthetic news corpus with the shape of the real one (../shared/corpora/ai-news).

    python bench/generate.py --articles 10000 --seed 1 OUTDIR

or, from Python, ``generate(outdir, articles=10000, seed=1)``.

Each file is a Smartable-style article: YAML front matter between two ``---``
lines, the fields in the order of the real files, double-quoted titles and
URLs, unquoted dates, blank lines between the blocks, an empty body. Rates of
optional fields follow the real corpus (see bench/README.md "The generated
corpus"); 1-4 topics from a pool of 300 (plus "AI", on every article, as in the
real site), providers from a pool of 500 (Zipf-distributed, like MarketWatch's
quarter of the real corpus), 0-2 images, and 0-8 related links of which about
30% point at another article of the corpus, a quarter of those through an AMP
form (the target's own ampWebUrl or cdnAmpWebUrl, or a generic /amp, ?amp or
cdn.ampproject.org/c/s/ form that kg folds back).

Deterministic: the pools come from ``random.Random(f"{seed}:pools")`` and
article i from ``random.Random(f"{seed}:article:{i}")`` (string seeds are hashed
with SHA-512, so this does not depend on PYTHONHASHSEED). A per-article
generator lets a related link re-derive its target's fields without keeping
the corpus in memory, so 100,000 articles are written in constant memory.
"""
from __future__ import annotations

import argparse
import base64
import itertools
import os
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

# Rates measured on the real corpus (95 articles): see bench/README.md.
P_IMAGES = 77 / 95            # articles with an images list (1 image; 2 in 12% of them)
P_TWO_IMAGES = 0.12
P_SCORES = 63 / 95            # quality, heat and published appear together
P_AMP = 36 / 95               # ampWebUrl and cdnAmpWebUrl appear together
P_RELATED = 44 / 95           # articles with a related list (1-8 links)
RELATED_COUNT_WEIGHTS = {1: 60, 2: 20, 3: 10, 4: 5, 5: 2, 6: 1.5, 7: 1, 8: 0.5}  # real: 1:27 2:9 3:6 4:2
P_INTERNAL = 0.30             # a related link points at another article of the corpus
P_INTERNAL_AMP = 0.25         # ... and does so through an AMP form
INTERNAL_WINDOW = 40          # the target is within this many articles (a few days)
EXTERNAL_WINDOW = 50          # outside stories are shared by nearby articles: repeated related URLs
P_RELATED_AMP = 17 / 71       # an outside related link carries ampWebUrl/cdnAmpWebUrl
P_RELATED_IMAGE = 58 / 71
TOPIC_COUNT_WEIGHTS = {1: 18, 2: 65, 3: 12, 4: 5}  # real: 1:18 2:71 3:5 4:1; "AI" is always one of them
P_LOGO = 54 / 95              # providers with a logo image
P_SHARED_IMAGE = 0.25         # the provider's default social image (one node, many articles)
P_CACHED = 0.3                # images with isCached: true (as in the seed article)
P_LONG_SECURED = 0.3          # secured tokens are 345 or 517 characters
N_TOPICS = 300
N_PROVIDERS = 500
MINUTES_PER_ARTICLE = 48      # 30 articles a day
START = datetime(2020, 1, 1, 6, 0)
SUFFIXES = (".md",)

# The order of the fields in the real files (each file has a subsequence of it).
FIELD_ORDER = ["category", "title", "excerpt", "publishedDateTime", "webUrl", "ampWebUrl", "cdnAmpWebUrl",
               "type", "quality", "heat", "published", "provider", "topics", "images", "related", "secured"]
RELATED_ORDER = ["title", "excerpt", "publishedDateTime", "webUrl", "ampWebUrl", "cdnAmpWebUrl", "type",
                 "provider", "quality", "images"]
IMAGE_ORDER = ["url", "width", "height", "isCached", "title"]

FIELDS = ["Machine Learning", "Computer Vision", "Natural Language Processing", "Deep Learning",
          "Reinforcement Learning", "Speech Recognition", "Robotics", "Autonomous Vehicles",
          "Edge AI", "Federated Learning", "Generative Models", "Knowledge Graphs", "Data Science",
          "Predictive Analytics", "Conversational AI", "Facial Recognition", "AI Chips",
          "Neural Networks", "Explainable AI", "Quantum Machine Learning", "Big Data", "MLOps",
          "Recommender Systems", "Anomaly Detection", "Sentiment Analysis", "Machine Translation",
          "Drones", "Smart Cities", "Internet of Things", "Cybersecurity"]
SECTORS = ["Healthcare", "Finance", "Autos", "Robotics", "Retail", "Education", "Agriculture",
           "Insurance", "Banking", "Manufacturing", "Energy", "Logistics", "Telecom", "Media",
           "Gaming", "Defense", "Law", "Marketing", "Real Estate", "Pharma", "Travel", "Sports",
           "Government", "Biotech", "Aviation", "Shipping", "Mining", "Fashion", "Music", "Weather"]
COMPANIES = ["IBM", "AWS", "Microsoft", "Google", "Facebook", "Nvidia", "Intel", "Baidu", "Tesla",
             "Apple", "Samsung", "Alibaba", "Tencent", "Huawei", "Salesforce", "Oracle", "SAP",
             "Adobe", "Uber", "Zoox", "Waymo", "OpenAI", "DeepMind", "Arista", "Qualcomm", "AMD",
             "Siemens", "Bosch", "Sony", "Cisco", "Palantir", "Splice Machine", "Otter.ai",
             "Peak.AI", "Paige", "QuillBot", "Clearview", "Granulate", "H1 Insights", "Cruise"]
MARKETS = ["Artificial Intelligence", "Natural Language Processing", "Speech and Voice Recognition",
           "Service Robotics", "Machine Learning as a Service", "Military AI", "Computer Vision",
           "AI in Pharmaceutical", "Automotive Voice Recognition System", "Nanorobotics Systems",
           "Reinforcement Learning", "Edge AI Hardware", "AI-based Cybersecurity", "Chatbot",
           "Predictive Maintenance", "Deep Learning Chipset", "Smart Retail", "Medical Imaging AI"]
PRODUCTS = ["a speech-to-text service", "a facial recognition camera", "its cloud AI platform",
            "a self-driving taxi fleet", "an AI chip", "a translation service", "a chatbot",
            "a fraud detection tool", "a medical imaging model", "a robot water taxi",
            "a recommendation engine", "an edge inference kit", "a data labeling service"]
GOALS = ["detect cancer earlier", "cut the carbon footprint of AI", "predict ventilator demand",
         "protect coral reefs", "track penguin populations", "fight financial fraud",
         "help hospitals plan beds", "bolster enterprise AI adoption", "reduce gender bias",
         "monitor patients remotely", "safeguard ATMs", "help writers", "scan license plates",
         "speed up drug discovery", "forecast demand", "map flood risk"]
VERBS = ["launches", "unveils", "announces general availability of", "expands", "open-sources",
         "acquires", "tests", "debuts"]
PEOPLE = ["researchers", "analysts", "regulators", "engineers", "doctors", "investors"]
PLACES = ["LOS ANGELES", "LONDON", "NEW YORK", "BANGALORE", "SINGAPORE", "SYDNEY", "TORONTO", "BERLIN"]
WORDS_A = ["Tech", "Daily", "Global", "Market", "Data", "Robot", "Future", "Cloud", "Silicon",
           "Digital", "Smart", "Quantum", "Neural", "Open", "Bright", "Metro", "Pacific", "Northern",
           "Venture", "Science", "Motor", "Health", "Money", "Business", "Insight", "Signal",
           "Pixel", "Atlas", "Harbor", "Summit", "Eureka", "Nova", "Orbit", "Vector", "Prime"]
WORDS_B = ["News", "Wire", "Times", "Journal", "Insider", "Review", "Post", "Herald", "Today",
           "Report", "Weekly", "Gazette", "Observer", "Hub", "Beat", "Crunch", "Radar", "World",
           "Line", "Trends", "Watch", "Daily", "Alert", "Street", "Week"]
TLDS = [".com"] * 14 + [".net", ".org", ".co.uk", ".com.au", ".in", ".io", ".ca"]
SECTIONS = ["news", "tech", "business", "science", "markets", "innovation", "health"]
IMAGE_SIZES = [(1200, 630), (1200, 800), (1024, 576), (980, 551), (800, 600), (766, 545),
               (1920, 1080), (770, 578), (1200, 712), (2247, 1498), (600, 350), (1024, 835)]


def zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank ** s) for rank in range(1, n + 1)))


def slugify(text: str) -> str:
    # Like the real sites: each run of other characters becomes one '-', a '-' stays,
    # so "Market - Beyond 2020" gives "market---beyond-2020".
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def date_text(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:00Z")


class Provider:
    __slots__ = ("name", "domain", "host", "path_style", "amp_style", "logo", "image_base",
                 "default_image")

    def __init__(self, rng: random.Random, name: str, domain: str):
        self.name = name
        self.domain = domain
        r = rng.random()
        sub = rng.choice(("news", "markets", "europe", "www2"))
        self.host = f"www.{domain}" if r < 0.6 else domain if r < 0.9 else f"{sub}.{domain}"
        self.path_style = rng.choice(("press", "dated", "html", "article_id", "articles", "num",
                                      "query", "dated"))
        self.amp_style = rng.choice(AMP_STYLES[self.path_style])
        self.logo = rng.random() < P_LOGO
        self.image_base = rng.choice((
            f"https://cdn.{domain}/images", f"https://images.{domain}/cs", f"https://{self.host}/wp-content/uploads",
            f"https://{slugify(name)}.files.wordpress.com/{rng.randint(2016, 2020)}",
            f"https://d{rng.randint(1000, 9999)}xyz.cloudfront.net/{slugify(name)}",
            f"https://i{rng.randint(0, 2)}.wp.com/{self.host}/wp-content/uploads"))
        w, h = rng.choice(IMAGE_SIZES)
        self.default_image = (f"{self.image_base}/logos/{slugify(name)}_social.png", w, h)


# AMP forms a provider uses for its own ampWebUrl; each folds back with kg's rules.
AMP_STYLES = {
    "press": ("amp_prefix", "amp_host"),
    "dated": ("slash_amp", "query_amp", "google_amp", "amp_prefix"),
    "html": ("dot_amp", "query_amp", "output_type", "amp_prefix"),
    "article_id": ("amp_prefix", "query_amp", "amp_host"),
    "articles": ("amp_prefix", "slash_amp", "query_amp"),
    "num": ("slash_amp", "output_type"),
    "query": ("amp_prefix", "amp_host"),
}


def amp_form(url: str, style: str) -> str:
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    path = "/" + path
    if style == "amp_prefix":
        return f"{scheme}://{host}/amp{path}"
    if style == "google_amp":
        return f"{scheme}://{host}/google-amp{path}"
    if style == "amp_host":
        bare = host[4:] if host.startswith("www.") else host
        return f"{scheme}://amp.{bare}{path}"
    if style == "slash_amp":
        return url + ("amp/" if url.endswith("/") else "/amp")
    if style == "dot_amp":
        return url[: -len(".html")] + ".amp.html"
    if style == "output_type":
        return url + ("&" if "?" in url else "?") + "outputType=amp"
    return url + ("&amp" if "?" in url else "?amp")  # query_amp


def cdn_form(url: str) -> str:
    """The Google AMP cache URL of a page: host dots become dashes, dashes double."""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    cache_host = host.replace("-", "--").replace(".", "-")
    return f"https://{cache_host}.cdn.ampproject.org/c/{'s/' if scheme == 'https' else ''}{rest}"


class Pools:
    """Topics and providers shared by the whole corpus (derived from the seed)."""

    def __init__(self, seed: int):
        rng = random.Random(f"{seed}:pools")
        candidates = sorted({f"AI in {s}" for s in SECTORS} | {f"{c} AI" for c in COMPANIES} | set(FIELDS)
                            | {f"{s} Automation" for s in SECTORS}
                            | {f"{f} in {s}" for f in FIELDS for s in SECTORS if (len(f) + len(s)) % 3 == 0})
        rng.shuffle(candidates)
        self.topics = candidates[:N_TOPICS]
        self.topic_cum = zipf_cum_weights(N_TOPICS, 1.0)
        names: dict[str, str] = {}
        while len(names) < N_PROVIDERS:
            a, b = rng.choice(WORDS_A), rng.choice(WORDS_B)
            form = rng.random()
            name = (f"{a}{b}" if form < 0.4 else f"{a} {b}" if form < 0.75 else f"The {a} {b}"
                    if form < 0.92 else f"{a}{b}.com" if form < 0.97 else f"{a}{b}!")
            domain = re.sub(r"[^a-z0-9]", "", name.lower().removeprefix("the ").removesuffix(".com"))
            domain += ".com" if name.endswith(".com") else rng.choice(TLDS)
            if domain not in names and name not in names.values():
                names[domain] = name
        self.providers = [Provider(rng, name, domain) for domain, name in names.items()]
        self.provider_cum = zipf_cum_weights(N_PROVIDERS, 1.1)

    def provider(self, rng: random.Random) -> Provider:
        return rng.choices(self.providers, cum_weights=self.provider_cum)[0]

    def topic(self, rng: random.Random) -> str:
        return rng.choices(self.topics, cum_weights=self.topic_cum)[0]


def _title(rng: random.Random, when: datetime) -> str:
    year = when.year
    company, market, field = rng.choice(COMPANIES), rng.choice(MARKETS), rng.choice(FIELDS)
    sector, goal = rng.choice(SECTORS), rng.choice(GOALS)
    k = rng.randrange(14)
    if k == 0:
        return f"{market} Market {year} Industry Analysis, Segment & Forecast Up to {year + rng.randint(4, 7)}"
    if k == 1:
        return f"How Will {market} Market Deal with the COVID-19 Crisis?"
    if k == 2:  # " - " gives '---' in the URL slug, as in the real corpus
        return f"Impact of COVID-19 on {market} Market - Beyond {year}"
    if k == 3:
        return f"{company} raises ${rng.randint(2, 90)}.{rng.randint(0, 9)} million to {goal}"
    if k == 4:
        return f"{company} and {rng.choice(COMPANIES)} team up on {field} for {sector}"
    if k == 5:
        return f"{field}: {rng.choice(PEOPLE)} use it to {goal}"
    if k == 6:
        return f"Why {company}’s {_bare(rng.choice(PRODUCTS))} matters for {sector.lower()}"
    if k == 7:
        return f"Report on \"{market} Market Size, Share, Growth, Trends, and Forecast, {year} – {year + 7}\""
    return f"{company} {rng.choice(VERBS)} {rng.choice(PRODUCTS)} to {goal}"


def _bare(product: str) -> str:
    return re.sub(r"^(?:an?|its) ", "", product)


def _excerpt(rng: random.Random, title: str, when: datetime) -> str:
    company, field, sector = rng.choice(COMPANIES), rng.choice(FIELDS), rng.choice(SECTORS)
    sentences = [
        f"{rng.choice(PLACES)}, {when:%B} {when.day}, {when.year} (GLOBE NEWSWIRE) -- {title}.",
        f"{company} said on {when:%A} it would use {field.lower()} to {rng.choice(GOALS)}.",
        f"The global {rng.choice(MARKETS).lower()} market is expected to grow at a CAGR of around "
        f"{rng.randint(5, 40)}% during the forecast period.",
        f"According to {rng.choice(PEOPLE)}, {field.lower()} could change {sector.lower()} within "
        f"{rng.randint(2, 10)} years.",
        f"“It’s a big step,” said a spokesperson for {company}.",
        f"There’s plenty to be said in favor of {company}’s {_bare(rng.choice(PRODUCTS))}, such as its "
        f"ability to {rng.choice(GOALS)}.",
    ]
    text = " ".join(rng.sample(sentences, rng.randint(1, 3)))
    return text + " ..." if rng.random() < 0.3 else text


def _url(rng: random.Random, prov: Provider, title: str, when: datetime, ident: int) -> str:
    slug = slugify(title)
    base = f"https://{prov.host}"
    style = prov.path_style
    if style == "press":
        return f"{base}/press-release/{slug}-{when:%Y-%m-%d}-{ident}"
    if style == "dated":
        return f"{base}/{when:%Y/%m/%d}/{slug}-{ident}/"
    if style == "html":
        return f"{base}/{rng.choice(SECTIONS)}/{when:%Y/%m}/{slug}-{ident}.html"
    if style == "article_id":
        return f"{base}/article/{slug[:60].rstrip('-')}-idUS{_base36(ident * 7919).upper()}"
    if style == "articles":
        return f"{base}/articles/{ident}/{slug}"
    if style == "num":
        return f"{base}/news/{ident}_{slug}"
    return (f"{base}/news/{when:%Y/%m}/{slug}-{ident}/?itm_source=rss&utm_medium=link"
            f"&utm_campaign={rng.choice(SECTIONS)}")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def _image(rng: random.Random, prov: Provider, ident: int, k: int) -> tuple[str, int, int]:
    if rng.random() < P_SHARED_IMAGE:
        return prov.default_image
    w, h = rng.choice(IMAGE_SIZES)
    tail = rng.choice(("", f"?w={w}", f"?fit={w}%2C{h}&strip=all", "?p=facebook"))
    return f"{prov.image_base}/{ident:x}{k}{rng.choice(('.jpg', '.png', '.jpeg'))}{tail}", w, h


class Story:
    """The fields of an article that a related link to it repeats."""

    __slots__ = ("title", "excerpt", "when", "url", "amp", "cdn", "provider", "images")

    def __init__(self, rng: random.Random, pools: Pools, when: datetime, ident: int, p_amp: float):
        self.when = when
        self.provider = pools.provider(rng)
        self.title = _title(rng, when)
        self.excerpt = _excerpt(rng, self.title, when)
        self.url = _url(rng, self.provider, self.title, when, ident)
        if rng.random() < p_amp:
            self.amp = amp_form(self.url, self.provider.amp_style)
            self.cdn = cdn_form(self.amp)
        else:
            self.amp = self.cdn = None
        self.images: list[tuple[str, int, int, bool]] = []


class Generator:
    def __init__(self, articles: int, seed: int = 1):
        self.n = articles
        self.seed = seed
        self.pools = Pools(seed)

    def _when(self, rng: random.Random, i: int) -> datetime:
        return START + timedelta(minutes=i * MINUTES_PER_ARTICLE + rng.randrange(MINUTES_PER_ARTICLE))

    def _article_story(self, i: int) -> tuple[random.Random, Story]:
        """Article i's shared fields; the returned generator continues with the rest."""
        rng = random.Random(f"{self.seed}:article:{i}")
        story = Story(rng, self.pools, self._when(rng, i), 1_000_000 + i, P_AMP)
        if rng.random() < P_IMAGES:
            for k in range(2 if rng.random() < P_TWO_IMAGES else 1):
                story.images.append((*_image(rng, story.provider, 1_000_000 + i, k), rng.random() < P_CACHED))
        return rng, story

    def _outside_story(self, k: int) -> tuple[random.Random, Story]:
        """Story k published outside the corpus, linked by the articles around article k."""
        rng = random.Random(f"{self.seed}:outside:{k}")
        story = Story(rng, self.pools, self._when(rng, k), 5_000_000 + k, P_RELATED_AMP)
        if rng.random() < P_RELATED_IMAGE:
            story.images.append((*_image(rng, story.provider, 5_000_000 + k, 0), rng.random() < P_CACHED))
        return rng, story

    def filename(self, i: int, story: Story) -> str:
        return f"{story.when:%Y-%m-%d}-{slugify(story.title)[:70].rstrip('-')}-{i}.md"

    def article(self, i: int) -> tuple[str, str]:
        """(file name, file text) of article i."""
        rng, story = self._article_story(i)
        prov = story.provider
        out = ["---", "category: news", f"title: {quoted(story.title)}", f"excerpt: {quoted(story.excerpt)}",
               f"publishedDateTime: {date_text(story.when)}", f"webUrl: {quoted(story.url)}"]
        if story.amp:
            out += [f"ampWebUrl: {quoted(story.amp)}", f"cdnAmpWebUrl: {quoted(story.cdn)}"]
        out.append("type: article")
        if rng.random() < P_SCORES:
            quality = 0 if rng.random() < 0.15 else rng.randint(20, 95)
            heat = rng.choice((-1, 0)) if rng.random() < 0.2 else rng.randint(1, 130)
            out += [f"quality: {quality}", f"heat: {heat}", f"published: {'true' if rng.random() < 0.35 else 'false'}"]
        out += ["", "provider:", f"  name: {prov.name}", f"  domain: {prov.domain}"]
        if prov.logo:
            out += ["  images:", f"    - url: \"https://smartableai.github.io/artificial-intelligence/assets/images/"
                    f"organizations/{prov.domain}-50x50.jpg\"", "      width: 50", "      height: 50"]
        out += ["", "topics:"]
        count = rng.choices(list(TOPIC_COUNT_WEIGHTS), weights=list(TOPIC_COUNT_WEIGHTS.values()))[0]
        topics: list[str] = []
        while len(topics) < count - 1:
            topic = self.pools.topic(rng)
            if topic not in topics:
                topics.append(topic)
        out += [f"  - {t}" for t in topics + ["AI"]]
        if story.images:
            out += ["", "images:"]
            for url, w, h, cached in story.images:
                out += [f"  - url: {quoted(url)}", f"    width: {w}", f"    height: {h}"]
                if cached:
                    out.append("    isCached: true")
                out.append(f"    title: {quoted(story.title)}")
        if rng.random() < P_RELATED:
            out += ["", "related:"]
            count = rng.choices(list(RELATED_COUNT_WEIGHTS), weights=list(RELATED_COUNT_WEIGHTS.values()))[0]
            linked: set[tuple[str, int]] = set()
            for _ in range(count):
                out += self._related(rng, i, linked)
        token = base64.b64encode(rng.randbytes(368 if rng.random() < P_LONG_SECURED else 240)).decode()
        out += ["", f"secured: \"{token};{base64.b64encode(rng.randbytes(16)).decode()}\"", "---", ""]
        return self.filename(i, story), "\n".join(out) + "\n"

    def _related(self, rng: random.Random, i: int, linked: set) -> list[str]:
        internal = self.n > 1 and rng.random() < P_INTERNAL
        for _ in range(4):  # a few tries for a story not linked yet from this article
            if internal:
                offset = rng.randint(1, min(INTERNAL_WINDOW, self.n - 1)) * rng.choice((-1, 1))
                j = i + offset if 0 <= i + offset < self.n else i - offset
                key = ("article", j)
            else:
                j = min(max(i + rng.randint(-EXTERNAL_WINDOW, EXTERNAL_WINDOW), 0), max(self.n - 1, 0))
                key = ("outside", j)
            if key not in linked and 0 <= j < max(self.n, 1):
                break
        else:
            return []
        linked.add(key)
        if internal:
            story = self._article_story(j)[1]
            quality = rng.randint(20, 95)
        else:
            story_rng, story = self._outside_story(j)
            quality = story_rng.randint(20, 95)
        url, amp = story.url, story.amp
        if internal and rng.random() < P_INTERNAL_AMP:
            # Reached only through an AMP form: kg must fold it into the article's node.
            forms = [f for f in (story.amp, story.cdn) if f] + [cdn_form(story.url), amp_form(story.url, "query_amp")]
            if not story.url.endswith(".html") and "?" not in story.url:
                forms.append(amp_form(story.url, "slash_amp"))
            url, amp = rng.choice(forms), None
        prov = story.provider
        out = [f"  - title: {quoted(story.title)}", f"    excerpt: {quoted(story.excerpt)}",
               f"    publishedDateTime: {date_text(story.when)}", f"    webUrl: {quoted(url)}"]
        if amp:
            out += [f"    ampWebUrl: {quoted(amp)}", f"    cdnAmpWebUrl: {quoted(story.cdn)}"]
        out += ["    type: article", "    provider:", f"      name: {prov.name}", f"      domain: {prov.domain}",
                f"    quality: {quality}"]
        if story.images:
            img_url, w, h, cached = story.images[0]
            out += ["    images:", f"      - url: {quoted(img_url)}", f"        width: {w}", f"        height: {h}"]
            if cached:
                out.append("        isCached: true")
        return out

    def articles(self):
        for i in range(self.n):
            yield self.article(i)


def generate(outdir: str | os.PathLike, articles: int, seed: int = 1) -> list[Path]:
    """Write ``articles`` files into ``outdir`` (created; it must hold no .md files yet)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    if any(p.suffix in SUFFIXES for p in out.iterdir()):
        raise FileExistsError(f"{out} already holds article files; give an empty folder")
    paths = []
    for name, text in Generator(articles, seed).articles():
        path = out / name
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic news corpus shaped like the real one.")
    parser.add_argument("outdir", help="folder to write the article files into (new or empty)")
    parser.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.articles < 0:
        parser.error("--articles must be 0 or more")
    started = time.perf_counter()
    try:
        paths = generate(args.outdir, args.articles, args.seed)
    except (OSError, FileExistsError) as err:
        print(f"generate: error: {err}", file=sys.stderr)
        return 1
    print(f"generate: {len(paths)} articles in {args.outdir} ({time.perf_counter() - started:.2f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
