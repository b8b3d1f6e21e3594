"""English-ish demo text with Zipfian word frequencies, for ``inv db.seed``.

Each word is drawn from one of three ranked lists, and within a list with probability
proportional to 1/rank^s (Zipf's law): English function words (36 % of the words; the
``english`` text-search configuration drops them, as it would in real prose), a few hundred
real content words (54 %), and a long tail of pronounceable made-up words (10 %: names,
jargon). With about 200 words per article this gives what a search benchmark needs: content
words ranked roughly 30 to 180 appear in 10-40 % of the articles, tail words ranked beyond
a few thousand in a handful of them.

Everything is drawn from one `random.Random`, so a seed reproduces the same text.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence


def words_of(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: The most frequent English words; to_tsvector('english', ...) drops all of these.
FUNCTION_WORDS = words_of(
    "the of and to a in is that for it as with was on be by this are or from at which an but "
    "not have has its can we you they their will all when than into how about these our there "
)

#: Real content words, most frequent first (a blog about software, teams and ideas).
CONTENT_WORDS = words_of(
    "data time system people team work design code performance user project database query "
    "year product change process software problem question model service value example number "
    "world idea business server network security test result experience language feature "
    "release support application community cost report function table index search cloud "
    "customer development research market story version practice history science music travel "
    "city health energy food water policy money school future power quality memory library "
    "platform framework interface review budget analysis method pattern strategy structure "
    "growth risk storage backup cluster cache latency throughput schema migration deploy "
    "pipeline monitoring incident outage scaling replica transaction lock queue worker message "
    "event stream batch request response token session account password privacy encryption "
    "compliance audit documentation tutorial guide lesson mistake habit career manager "
    "engineer designer writer reader editor author article chapter draft feedback meeting "
    "decision roadmap deadline estimate sprint backlog ticket bug fix patch upgrade dependency "
    "package compiler runtime kernel thread process container image volume mount protocol "
    "socket browser mobile desktop garden kitchen recipe coffee bread river mountain forest "
    "ocean island winter summer spring autumn morning evening weekend holiday family friend "
    "neighbor village market festival museum theater painting novel poem camera photograph "
    "bicycle train airport hotel restaurant street bridge tower castle harbor desert valley "
    "glacier volcano planet galaxy telescope orbit satellite rocket engine battery solar wind "
    "carbon climate weather storm rain snow election parliament court law contract tax salary "
    "pension insurance mortgage rent startup investor revenue profit loss merger acquisition "
    "strategy pricing discount inventory shipping warehouse supplier factory robot sensor "
    "drone vehicle traffic parking license permit inspection hospital doctor nurse patient "
    "vaccine therapy nutrition exercise sleep stress focus attention curiosity patience "
    "courage humor kindness trust honesty freedom justice equality tradition culture language "
    "grammar vocabulary translation dialect accent poetry rhythm melody harmony guitar piano "
    "violin orchestra concert album playlist podcast radio television newspaper magazine "
    "journalist interview headline column opinion debate argument evidence theory experiment "
    "hypothesis measurement statistics probability algorithm graph vector matrix tensor "
    "gradient optimization compression parser lexer syntax semantics refactoring abstraction "
    "encapsulation inheritance recursion iteration concurrency parallelism determinism "
    "idempotency consistency availability partition durability isolation replication sharding "
    "partitioning vacuum checkpoint snapshot rollback postgres sqlite redis kafka kubernetes "
    "docker linux python rust golang javascript typescript haskell erlang elixir clojure "
    "fortran cobol "
)

_ONSETS = words_of(
    "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr qu r s sc sh sk sl sm sn sp "
    "st str t th tr v w z "
)
_VOWELS = words_of("a e i o u ai ea ee io oa ou ")
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "rk", "st", "x", "ck")


def _made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable words of 2-3 syllables, none of them in ``taken``."""
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if word not in seen and 5 <= len(word) <= 14:
            seen.add(word)
            words.append(word)
    return words


#: (list, share of all words, Zipf exponent) for body text.
_MIX = (("function", 0.36, 1.0), ("content", 0.54, 0.9), ("tail", 0.10, 1.0))
#: Titles: content words and tail words only.
_TITLE_MIX = (("content", 0.85, 0.9), ("tail", 0.15, 1.0))


def _mixture(
    lists: dict[str, Sequence[str]], mix: Sequence[tuple[str, float, float]]
) -> tuple[list[str], list[float]]:
    """One word list and its cumulative weights for a mixture of Zipfian lists."""
    words: list[str] = []
    weights: list[float] = []
    for name, share, exponent in mix:
        zipf = [1.0 / rank**exponent for rank in range(1, len(lists[name]) + 1)]
        total = sum(zipf)
        words += lists[name]
        weights += [share * w / total for w in zipf]
    return words, list(itertools.accumulate(weights))


class DemoText:
    """Titles, excerpts, article bodies and comments from one Zipfian vocabulary."""

    def __init__(self, rng: random.Random, tail_words: int = 100_000) -> None:
        self._rng = rng
        content = list(dict.fromkeys(CONTENT_WORDS))  # keep the rank order, drop repeats
        tail = _made_up_words(rng, tail_words, set(FUNCTION_WORDS) | set(content))
        lists = {"function": FUNCTION_WORDS, "content": content, "tail": tail}
        #: Content words, most frequent first (a benchmark's common terms come from here).
        self.content_words: Sequence[str] = tuple(content)
        #: Made-up words, most frequent first (a benchmark's rare terms come from the end).
        self.tail_words: Sequence[str] = tuple(tail)
        self._words, self._cum = _mixture(lists, _MIX)
        self._title_words, self._title_cum = _mixture(lists, _TITLE_MIX)

    def words(self, count: int) -> list[str]:
        return self._rng.choices(self._words, cum_weights=self._cum, k=count)

    def title(self) -> str:
        rng = self._rng
        drawn = rng.choices(self._title_words, cum_weights=self._title_cum, k=rng.randint(3, 8))
        words = list(dict.fromkeys(drawn))
        form = rng.random()
        if form < 0.15:
            words = ["how", "to", *words]
        elif form < 0.25:
            words = ["why", *words, "matters"]
        elif form < 0.3:
            words = [str(rng.randint(3, 12)), "lessons", "on", *words]
        return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w for i, w in enumerate(words))

    def sentences(self, word_count: int) -> list[str]:
        rng = self._rng
        words = self.words(word_count)
        out: list[str] = []
        start = 0
        while start < len(words):
            end = start + rng.randint(6, 18)
            sentence = words[start:end]
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + ".")
            start = end
        return out

    def excerpt(self) -> str:
        return " ".join(self.sentences(self._rng.randint(14, 36)))

    def body(self) -> str:
        """An article body: 60-600 words (median about 190) in paragraphs of 2-6 sentences."""
        rng = self._rng
        word_count = min(600, max(60, int(rng.lognormvariate(5.25, 0.45))))
        sentences = self.sentences(word_count)
        paragraphs: list[str] = []
        start = 0
        while start < len(sentences):
            end = start + rng.randint(2, 6)
            paragraphs.append(" ".join(sentences[start:end]))
            start = end
        return "\n\n".join(paragraphs)

    def comment(self) -> str:
        return " ".join(self.sentences(self._rng.randint(5, 60)))
