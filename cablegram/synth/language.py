"""A small word n-gram model for the text of synthetic cables.

It is trained when first used from ``data/phrases.txt``: sentences written
for this project in the register of diplomatic reporting, with slots
(``{COUNTRY}``, ``{PERSON}`` ...) that each cable fills with its own values.
No corpus text is used. Sampling word by word for 251,287 cables would be
too slow in Python, so :class:`Language` draws a pool of sentences once per
seed and cables pick from the pool; the slots keep cables distinct.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cablegram.synth.distributions import Sampler

PHRASES = Path(__file__).parent / "data" / "phrases.txt"
TOPICS = Path(__file__).parent / "data" / "topics.txt"
# Syllables for invented surnames: a long tail of rare words, as real cables have.
_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch",
           "sh", "br", "dr", "kr", "tr", "mb", "nd")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ia")
_ENDINGS = ("", "n", "r", "s", "v", "k", "ski", "ez", "ov", "ani", "ini", "ovic", "sen", "ura")

_START = "<s>"
_END = "</s>"
_SLOT_RE = re.compile(r"\{([A-Z]+)\}")

# Slot fillers, written for this project. Person names are invented surnames
# from many languages; none refers to anyone in particular.
SURNAMES = (
    "Abbott", "Adeyemi", "Alvarez", "Amari", "Andersen", "Bakker", "Barros", "Becker",
    "Bianchi", "Bose", "Brennan", "Castillo", "Chen", "Costa", "Dahl", "Dimitrov", "Diallo",
    "Dubois", "Eriksen", "Farouk", "Fischer", "Fonseca", "Gallo", "Garcia", "Haddad", "Halvorsen",
    "Hoang", "Ibrahim", "Ivanova", "Jansen", "Kamau", "Karimi", "Kaur", "Keller", "Kowalski",
    "Laine", "Larsen", "Lindqvist", "Lopez", "Mahmoud", "Marin", "Mendes", "Moreau", "Murphy",
    "Nakamura", "Navarro", "Nguyen", "Novak", "Okafor", "Olsen", "Ortega", "Osei", "Park",
    "Pereira", "Petrov", "Popescu", "Quispe", "Rahman", "Ramos", "Reyes", "Rossi", "Sato",
    "Schmidt", "Silva", "Sokolov", "Suarez", "Tan", "Tanaka", "Torres", "Vargas", "Varga",
    "Weber", "Wojcik", "Yilmaz", "Young", "Zapata", "Zhou",
)
OFFICIALS = (
    "Foreign Minister", "Deputy Foreign Minister", "Defense Minister", "Finance Minister",
    "Interior Minister", "Trade Minister", "Energy Minister", "State Secretary",
    "Political Director", "Director General", "Presidential Adviser", "Chief of Staff",
    "Deputy Prime Minister", "Central Bank Governor", "Prosecutor General", "MP",
    "Ambassador", "Mayor", "Senator", "Party Chairman",
)
MINISTRIES = (
    "Ministry of Foreign Affairs", "Ministry of Defense", "Ministry of Finance",
    "Ministry of Interior", "Ministry of Trade", "Ministry of Justice", "Ministry of Energy",
    "Ministry of Health", "Prime Minister's Office", "Presidential Administration", "MFA",
)
ORGANISATIONS = (
    "UN", "NATO", "EU", "OSCE", "IMF", "World Bank", "African Union", "OAS", "ASEAN", "IAEA",
    "WTO", "UNHCR", "Council of Europe", "Arab League",
)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Trigrams:
    """Next-word choices after each pair of words, with repeats as weights."""

    table: dict[tuple[str, str], tuple[str, ...]]

    def sentence(self, rng: random.Random, max_words: int = 45) -> str:
        a, b = _START, _START
        words: list[str] = []
        for _ in range(max_words):
            nxt = rng.choice(self.table[(a, b)])
            if nxt == _END:
                break
            words.append(nxt)
            a, b = b, nxt
        text = " ".join(words)
        if not text.endswith((".", "?")):
            text += "."
        return text


def read_phrases(path: Path = PHRASES) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def train(sentences: Sequence[str]) -> Trigrams:
    """Count word trigrams (with start and end marks) over the sentences."""
    table: dict[tuple[str, str], list[str]] = {}
    for s in sentences:
        words = [_START, _START, *s.split(), _END]
        for i in range(2, len(words)):
            table.setdefault((words[i - 2], words[i - 1]), []).append(words[i])
    # Sorted keys: the table (and so every draw) never depends on hash order.
    return Trigrams({k: tuple(table[k]) for k in sorted(table)})


@cache
def model() -> Trigrams:
    return train(read_phrases())


@dataclass(frozen=True, slots=True)
class Language:
    """A pool of sentences drawn from the model with one seed."""

    sentences: tuple[str, ...]

    @classmethod
    def build(cls, seed: int, size: int = 4000) -> Language:
        rng = random.Random(f"language:{seed}")
        m = model()
        pool: list[str] = []
        seen: set[str] = set()
        tries = 0
        while len(pool) < size and tries < size * 20:
            tries += 1
            s = m.sentence(rng)
            if 5 <= len(s.split()) <= 40 and s not in seen:
                seen.add(s)
                pool.append(s)
        return cls(tuple(pool))

    def paragraph(self, rng: random.Random, n_sentences: int, slots: dict[str, str]) -> str:
        """``n_sentences`` sentences from the pool with the cable's slot values filled in."""
        text = " ".join(rng.choices(self.sentences, k=max(1, n_sentences)))
        return fill(text, slots)


def fill(text: str, slots: dict[str, str]) -> str:
    """Put the cable's values in the slots; the phrases hold no other braces."""
    if "{" not in text:
        return text
    try:
        return text.format_map(slots)
    except (KeyError, ValueError, IndexError):  # an unknown slot: fill it word by word
        return _SLOT_RE.sub(lambda m: slots.get(m.group(1), m.group(1).lower()), text)


def _zipf(items: Sequence[str]) -> Sampler[str]:
    """Draw the i-th item with weight 1/(i+1): a few common, a long tail of rare ones."""
    return Sampler.of([(x, 1.0 / (i + 1)) for i, x in enumerate(items)])


def invented_surnames(seed: int, size: int = 5000) -> list[str]:
    """``size`` distinct surnames made of syllables, ours first; the same for the same seed."""
    rng = random.Random(f"surnames:{seed}")
    out = list(SURNAMES)
    seen = set(out)
    while len(out) < size:
        name = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS)
                       for _ in range(rng.randint(1, 3))) + rng.choice(_ENDINGS)
        name = name.capitalize()
        if len(name) > 3 and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def read_topics(path: Path = TOPICS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True, slots=True)
class Pools:
    """Zipf-weighted pools for the person and topic slots, built once per seed."""

    people: Sampler[str]
    topics: Sampler[str]

    @classmethod
    def build(cls, seed: int) -> Pools:
        names = invented_surnames(seed)
        # Shuffle all but our own names so that common and rare invented names vary by seed.
        tail = names[len(SURNAMES):]
        random.Random(f"people:{seed}").shuffle(tail)
        return cls(_zipf([*SURNAMES, *tail]), _zipf(read_topics()))


@cache
def default_pools() -> Pools:
    return Pools.build(0)


def slot_values(rng: random.Random, country: str, city: str,
                pools: Pools | None = None) -> dict[str, str]:
    """The slot values of one cable: its country, city and topics, a person, a date."""
    p = pools or default_pools()
    topic = p.topics.draw(rng)
    return {
        "COUNTRY": country,
        "CITY": city,
        "TOPIC": topic,
        "TOPIC2": p.topics.draw(rng),
        "PERSON": p.people.draw(rng),
        "OFFICIAL": rng.choice(OFFICIALS),
        "MINISTRY": rng.choice(MINISTRIES),
        "ORG": rng.choice(ORGANISATIONS),
        "DAY": f"{rng.choice(MONTH_NAMES)} {rng.randint(1, 28)}",
        "NUMBER": str(rng.choice((2, 3, 5, 12, 20, 35, 40, 150, 300, 1200, 5000))
                      * rng.randint(1, 9)),
    }
