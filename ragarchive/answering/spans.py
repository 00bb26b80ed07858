"""Answer candidates: spans of an expected type in OCR'd newspaper text.

Regular expressions, written for the conventions of 1800–1950 papers in German, French and
English and for OCR noise: dates with weekdays, feast days and ordinals ("den 7. Juni", "the 6th
inst.", "dimanche 3 février"); numbers in digits and words, fractions ("4 3/4 %"); old money
("£ 3 10s.", "8,938,947l.", "Fr. 61.-", "1 fr. 90 c.", "20 Thaler"); measures ("214 feet",
"160 Kilogramm"); durations; persons with titles and initials ("Herr Dr. K. Müller", "M. le
maire", "Alderman Thomas Gedge", "Messrs. Corder and Blythe"); organisations, places and names
of things from capitalised runs. Each span carries a ``strength`` in (0, 1]: how surely it is of
the type (a titled name is surely a person, a lone capitalised word only perhaps).
A model-based tagger would need weights these machines cannot download, and would know neither
"Sgr." nor "Michaelmas".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ragarchive.text.tokens import LETTER_RUN

_MONTHS = (  # full names before their abbreviations: the first alternative that fits wins
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"januar|jänner|jaenner|februar|feber|hornung|märz|maerz|mai|juni|juli|oktober|dezember|"
    r"janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|"
    r"décembre|decembre|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b"
)
_WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_FEASTS = (
    r"johannis|johanni|michaelis|martini|jakobi|georgi|walpurgis|lichtmess|lichtmeß|ostern|"
    r"pfingsten|weihnachten|neujahr|fastnacht|michaelmas|martinmas|candlemas|lady[- ]day|"
    r"whitsun\w*|easter|christmas|midsummer|lammas|pâques|pentecôte|noël|toussaint|"
    r"saint-martin|saint-jean|chandeleur|ascension|assomption"
)
_ORD = r"\d{1,2}(?:st|nd|rd|th|er|e|ème|\.)?"
# every pattern starts where a word starts: trying each alternative inside words cost 4x the time
_DATE = re.compile(
    rf"(?<!\w)(?:(?:{_WEEKDAYS}),?\s+(?:(?:the|den|le)\s+)?)?"
    rf"(?:(?:the\s+|den\s+|le\s+)?{_ORD}\s+(?:day\s+)?(?:of\s+)?(?:{_MONTHS})\.?(?:,?\s+(?:1[5-9]\d\d|20\d\d))?"
    rf"|(?:{_MONTHS})\.?\s+{_ORD}(?:,?\s+(?:1[5-9]\d\d|20\d\d))?"
    rf"|(?:the\s+)?{_ORD}\s+(?:inst|ult|ulto|instant|ultimo|d\.\s*m|dieses|ds|c\.|courant|cour)\b\.?"
    rf"|(?:in\s+|im\s+jahre?\s+|en\s+|anno\s+)?(?:1[5-9]\d\d|20\d\d)\b"
    rf"|(?:{_WEEKDAYS})(?:\s+(?:last|next|morning|evening|night|week|dernier|prochain|soir|matin|abend|morgen))?"
    rf"|(?:(?:at|on|zu|an|à\s+la|a\s+la)\s+)?(?:{_FEASTS})\b"
    rf"|yesterday|gestern|vorgestern|hier\s+(?:soir|matin)|avant-hier|last\s+(?:week|month|year)"
    rf"|(?:in\s+the\s+)?(?:spring|summer|autumn|winter)\s+of\s+(?:1[5-9]\d\d)"
    rf"|(?:im\s+)?(?:frühjahr|frühling|sommer|herbst|winter)\s+(?:1[5-9]\d\d)"
    rf")",
    re.IGNORECASE,
)
_HOUR_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|ein|eins|zwei|drei|vier|"
    r"fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|une|deux|trois|quatre|cinq|six|sept|huit|"
    r"neuf|dix|onze|douze|midi|minuit"
)
_DAYPART = (
    r"morning|afternoon|evening|night|a\.\s?m\.|p\.\s?m\.|morgens|vormittags|nachmittags|"
    r"abends|nachts|früh|du\s+matin|du\s+soir|de\s+l'après-midi|de\s+relevée"
)
# times of day: "um elf Uhr", "à trois heures du soir", "at 4 o'clock", "half-past seven p.m.",
# "9 h. 30", "um 1/2 10 Uhr"
_TIME = re.compile(
    rf"(?<!\w)(?:(?:at|um|gegen|à|vers|a)\s+)?"
    rf"(?:(?:half[- ]past|a\s+quarter\s+(?:past|to)|halb|dreiviertel|viertel(?:\s+nach|\s+vor)?|1/2|3/4|1/4)\s+)?"
    rf"(?:\d{{1,2}}(?:[.:]\d\d)?|{_HOUR_WORDS})\s*"
    rf"(?:o'clock|o’clock|uhr|heures?|h\.?(?:\s*\d\d)?(?!\w))(?:\s+(?:et\s+demie|et\s+quart|\d\d(?!\d)))?"
    rf"(?:\s+(?:in\s+the\s+)?(?:{_DAYPART}))?"
    rf"|(?<!\w)(?:half[- ]past\s+)?(?:\d{{1,2}}(?:[.:]\d\d)?|{_HOUR_WORDS})\s+(?:a\.\s?m\.|p\.\s?m\.)",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|million|dozen|score|half|"
    r"ein|eine|einen|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|"
    r"dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|tausend|million|millionen|"
    r"dutzend|halb|halbe|anderthalb|"
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
    r"seize|vingt|trente|quarante|cinquante|soixante|cent|cents|mille|million|millions|douzaine|demi"
)
_NUM = (
    rf"(?:\d[\d.,' ]*\d|\d)(?:\s+\d/\d|\s*[½¼¾⅓])?(?:\s*/\s*\d+)?"
    rf"|(?:(?:{_NUMBER_WORDS})(?:[\s-]+(?:and\s+|und\s+|et\s+)?(?:{_NUMBER_WORDS}))*)(?!\w)"
)
_CURRENCY_AFTER = (
    r"pounds?|l\.|£|guineas?|shillings?|s\.|pence|d\.|dollars?|cents?|francs?|fr\.|frs\.?|fcs\.?|"
    r"centimes?|c\.|c\b|sous|livres|écus|thaler|thlr\.?|rthlr\.?|rthl\.?|taler|gulden|fl\.|"
    r"kreuzer|kr\.|xr\.|groschen|sgr\.|ggr\.|silbergroschen|pfennig|pf\.|mark|m\.|mk\.|rm\.|"
    r"kronen|heller|florins?|marks|per\s+cent\.?|percent|p\.\s*c(?:t)?\.?|pour\s+cent|"
    r"prozent|procent|pct\.?|%"
)
_MONEY = re.compile(
    rf"(?:(?<!\w)|(?=[£$]))(?:"
    rf"(?:£|\$|fr\.|frs\.|fl\.|m\.|rm\.)\s?\d[\d.,]*(?:\s?-)?(?:\s+\d{{1,2}}\s?s\.?)?(?:\s+\d{{1,2}}\s?d\.?)?"
    rf"|(?:{_NUM})\s*(?:{_CURRENCY_AFTER})(?:\s*(?:{_NUM})\s*(?:s\.|d\.|c\.|cent\.|centimes|kr\.|sgr\.|pf\.|pence|shillings))*"
    rf"|\d[\d,.]*\d?\s?l\.(?=\s|$|,))",
    re.IGNORECASE,
)
_UNITS = (
    r"feet|foot|ft\.|inches|inch|in\.|yards?|miles?|acres?|tons?|cwt\.?|lbs?\.?|pounds|ounces|oz\.|"
    r"gallons?|quarters?|bushels?|stones?|hands|fathoms|leagues|degrees|metres?|meters?|mètres?|"
    r"kilomètres?|kilometres?|kilogrammes?|kilogramm|kilos?|kg\.?|grammes?|gramm|tonnes?|"
    r"hectares?|litres?|liter|lieues?|pieds?|pouces?|toises?|arpents?|quintaux|quintal|livres|"
    r"fuß|fuss|zoll|ellen?|klafter|meilen?|morgen|pfund|zentner|centner|lot|loth|scheffel|"
    r"malter|eimer|maß|mass|stück|stunden|grad|ruthen|ruten|joch|quadratmeilen|"
    r"men|persons|people|souls|inhabitants|soldiers|votes|columns|houses|horses|ships|guns|"
    r"mann|personen|seelen|einwohner|soldaten|stimmen|häuser|pferde|schiffe|kanonen|"
    r"hommes|personnes|âmes|habitants|soldats|voix|maisons|chevaux|navires|canons|"
    r"(?-i:[A-ZÄÖÜ][a-zäöüß]{3,})"  # a German noun after a number is most often its unit
)
_QUANTITY = re.compile(rf"(?<![\w.,])(?:{_NUM})(?:\s+(?:{_UNITS}))?", re.IGNORECASE)
_TIME_UNITS = (
    r"years?|months?|weeks?|days?|hours?|minutes?|fortnight|twelvemonth|"
    r"jahre?n?|monate?n?|wochen?|tage?n?|stunden?|minuten?|"
    r"ans|années?|mois|semaines?|jours?|heures?|minutes?"
)
_DURATION = re.compile(
    rf"(?<![\w.,])(?:a|an|{_NUM})\s+(?:(?:full|long|whole|ganze[n]?|volle[n]?|entiers?|pleins?)\s+)?"
    rf"(?:{_TIME_UNITS})(?:'|’)?(?:\s+(?:imprisonment|hard\s+labour|gefängnis|zuchthaus|festung|de\s+prison))?"
    rf"|a\s+fortnight|a\s+twelvemonth|vierzehn\s+tage|huit\s+jours|quinze\s+jours",
    re.IGNORECASE,
)
_TITLES = (
    r"mr|mrs|messrs|miss|dr|rev|revd|sir|lord|lady|capt|captain|col|colonel|gen|general|major|"
    r"lieut|lieutenant|adm|admiral|alderman|ald|prof|professor|hon|esq|st|saint|father|brother|"
    r"sister|bishop|archbishop|cardinal|earl|duke|count|baron|king|queen|prince|princess|mayor|"
    r"herr|herrn|hr|frau|fräulein|frl|graf|grafen|gräfin|fürst|fürsten|freiherr|frhr|baron|"
    r"könig|königs|kaiser|kaisers|prinz|herzog|pfarrer|pastor|bürgermeister|oberst|hauptmann|"
    r"m|mm|mme|mmes|mlle|mlles|mgr|me|sr|abbé|l'abbé|monseigneur|monsieur|madame|"
    r"général|le\s+général|colonel|le\s+colonel|capitaine|le\s+capitaine|comte|le\s+comte|"
    r"marquis|le\s+marquis|duc|le\s+duc|maréchal|le\s+maréchal|docteur|le\s+docteur|"
    r"maître|père|frère|sœur"
)
_CAP = r"[A-ZÄÖÜÀÂÉÈÊÎÔÛÇ][\w'’-]+"
_INITIAL = r"[A-ZÄÖÜÀÂÉÈÊÎÔÛÇ]\.(?:\s*[A-Z]\.)*"
_NAME_PART = rf"(?:{_INITIAL}|{_CAP}|(?:von|van|de|du|des|della|di|le|la|zu|vom|der|d')\s+(?={_CAP}))"
_PERSON = re.compile(
    rf"\b(?i:{_TITLES})\.?\s+(?:(?i:{_TITLES})\.?\s+)*(?:le\s+maire|le\s+préfet|le\s+curé|"
    # "Messrs. Corder and Blythe" is one span; "Gedge and Messrs. Corder" two titled names
    rf"(?:{_NAME_PART}\s*){{1,4}}(?:\s*(?:and|und|et|&)\s+(?!(?i:{_TITLES})\b)(?:{_NAME_PART}\s*){{1,3}})?)"
    rf"|\b{_CAP}\s+(?:{_INITIAL}\s*)*{_CAP}(?:\s+{_CAP})?",
)
_TITLE_START = re.compile(rf"^(?:{_TITLES})\b", re.IGNORECASE)
_TITLE_ONLY = re.compile(rf"(?:(?:{_TITLES})\.?\s*)+", re.IGNORECASE)  # "Herr", "Monsieur": no name
_ORG_WORDS = (
    r"company|co\.|society|bank|committee|council|board|association|club|union|railway|"
    r"institution|corporation|party|regiment|guards|college|university|hospital|church|"
    r"gesellschaft|verein|bank|ausschuss|comité|rat|partei|regiment|anstalt|kompagnie|"
    r"compagnie|société|banque|comité|conseil|association|cercle|parti|régiment|chemin\s+de\s+fer"
)
_CAPRUN = re.compile(rf"{_CAP}(?:\s+(?:of|de|du|des|der|für|and|&|et|la|le|the)?\s*{_CAP}){{0,4}}")
_ARTICLE_LED = re.compile(r"(?:the|der|die|das|le|la|les|l'|un|une|a|an|ein|eine)\s", re.IGNORECASE)
# a quoted title: double quotes or guillemets (apostrophes are elisions far more often), starting
# with a capital or a digit
_QUOTED = re.compile(r"[\"“„«]\s*([A-ZÄÖÜÀÂÉÈÊÎÔÛÇ0-9][^\"“”„«»\n]{2,80}?)\s*[\"”“»]")
_PLACE_PREP = re.compile(
    r"\b(?:at|in|from|to|near|of|into|towards|nach|von|bei|zu|aus|in|um|à|a|de|en|près\s+de|vers|dans)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    type: str
    strength: float


def find_spans(text: str, kind: str) -> list[Span]:
    """Spans of ``kind`` in ``text`` (offsets into it), strongest readings first where they
    overlap."""
    finders = {
        "date": _dates, "number": _numbers, "money": _money, "duration": _durations,
        "person": _persons, "organisation": _organisations, "place": _places, "name": _names,
    }
    finder = finders.get(kind)
    return _dedupe(finder(text)) if finder else []


def _matches(pattern: re.Pattern, text: str, kind: str, strength: float) -> list[Span]:
    out = []
    for m in pattern.finditer(text):
        piece = m.group(0).strip(" ,;:")
        if len(piece) < 2:
            continue
        start = m.start() + m.group(0).find(piece)
        out.append(Span(start, start + len(piece), piece, kind, strength))
    return out


def _dates(text: str) -> list[Span]:
    out = _matches(_TIME, text, "date", 0.9)
    for s in _matches(_DATE, text, "date", 1.0):
        low = s.text.lower()
        if re.fullmatch(r"(?:in |en |im jahre? |anno )?\d{4}", low):
            out.append(Span(s.start, s.end, s.text, "date", 0.7))  # a bare year
        elif re.fullmatch(rf"(?:{_WEEKDAYS}|{_FEASTS}).*", low, re.IGNORECASE) and not re.search(r"\d", low):
            out.append(Span(s.start, s.end, s.text, "date", 0.8))
        elif re.fullmatch(r"(?:may|mai|mars|march)\.?\s+\d{1,2}\.?", low):
            out.append(Span(s.start, s.end, s.text, "date", 0.6))  # "may 3" is often not a date
        else:
            out.append(s)
    return out


def _numbers(text: str) -> list[Span]:
    out = []
    days = [(d.start(), d.end()) for d in _DATE.finditer(text) if re.search(r"\d", d.group(0))]
    for s in _matches(_QUANTITY, text, "number", 0.8):
        if any(a <= s.start < b for a, b in days):
            continue  # the day of a date ("den 11. Juni") or a year is no count
        if re.match(r"\d", s.text):
            strength = 1.0 if " " in s.text else 0.6
        else:
            # number words: "one" and "ein" are articles as often as numbers
            first = s.text.split()[0].lower()
            if first in ("one", "ein", "eine", "einen", "un", "une", "half", "halb", "halbe", "demi"):
                if len(s.text.split()) < 2 or not re.search(_NUMBER_WORDS, s.text.split()[1], re.I):
                    continue
            strength = 0.7
        out.append(Span(s.start, s.end, s.text, "number", strength))
    return out + [Span(m.start, m.end, m.text, "number", 0.9) for m in _money(text)]


def _money(text: str) -> list[Span]:
    return _matches(_MONEY, text, "money", 1.0)


def _durations(text: str) -> list[Span]:
    return _matches(_DURATION, text, "duration", 1.0)


def _persons(text: str) -> list[Span]:
    out = []
    for s in _matches(_PERSON, text, "person", 1.0):
        titled = bool(_TITLE_START.match(s.text))
        if titled and re.match(r"[a-z]{1,2}\b", s.text):
            continue  # "m Schlosse": a lower-case letter is no "M." nor "Hr."
        strength = 1.0 if titled else 0.6
        words = LETTER_RUN.findall(s.text)
        if not titled and (re.fullmatch(rf"(?:{_WEEKDAYS}|{_MONTHS})", words[0], re.IGNORECASE)
                           or all(_common_german(w) for w in words)):
            continue
        if not titled and _at_sentence_start(text, s.start) and len(s.text.split()) < 3:
            strength = 0.4
        if not titled and _after_role(text, s):
            strength = 0.9  # "Baumeister Karl Weidenbach", "the librarian, Arthur Pellow"
        out.append(Span(s.start, s.end, s.text.rstrip(" .") if not titled else s.text.rstrip(" "), "person", strength))
    return out + [Span(c.start, c.end, c.text, "person", 0.7 * c.strength) for c in _capitalised(text)
                  if not _ARTICLE_LED.match(c.text) and not re.search(rf"\b(?:{_ORG_WORDS})\b", c.text, re.I)
                  and not _TITLE_ONLY.fullmatch(c.text)]


def is_time(text: str) -> bool:
    """Whether a date span is a time of day ("à neuf heures du matin", "11 a.m.")."""
    return bool(_TIME.fullmatch(text))


def is_title(word: str) -> bool:
    """"Captain", "Capt", "Herr", "M": a title, not a name."""
    return bool(_TITLE_ONLY.fullmatch(word))


def _after_role(text: str, span: Span) -> bool:
    """Whether a person noun ("Lokomotivführer", "librarian", "pharmacien") heads the span or
    stands right before it: what follows is that person's name."""
    from ragarchive.retrieval.answer_type import head_type

    words = span.text.split()
    before = LETTER_RUN.findall(text[max(0, span.start - 30) : span.start])[-1:]
    role = [words[0]] if len(words) >= 3 else []
    return any(head_type(w.lower()) == "person" for w in role + before)


def _organisations(text: str) -> list[Span]:
    out = []
    for s in _capitalised(text, min_words=1):
        if re.search(rf"\b(?:{_ORG_WORDS})\b", s.text, re.IGNORECASE):
            out.append(Span(s.start, s.end, s.text, "organisation", 1.0))
        else:
            out.append(Span(s.start, s.end, s.text, "organisation", 0.4))
    return out


def _places(text: str) -> list[Span]:
    out = []
    for s in _capitalised(text):
        after_prep = bool(_PLACE_PREP.search(text[max(0, s.start - 14) : s.start]))
        # s.strength is halved for a run of common German nouns: "zu Herzen" is no place
        strength = (0.9 if after_prep else 0.45) * s.strength / 0.5
        if _TITLE_START.match(s.text):
            strength = 0.2  # "Mr. Smith" is no place
        out.append(Span(s.start, s.end, s.text, "place", strength))
    return out


def _names(text: str) -> list[Span]:
    out = []
    for m in _QUOTED.finditer(text):
        out.append(Span(m.start(1), m.end(1), m.group(1), "name", 1.0))
    out += [Span(c.start, c.end, c.text, "name", c.strength) for c in _capitalised(text)]
    return out


def _capitalised(text: str, min_words: int = 1) -> list[Span]:
    """Runs of capitalised words, not counting a sentence's first word when it stands alone, nor
    weekdays and months; a run of common German words is most often nouns, not a name."""
    out = []
    for s in _matches(_CAPRUN, text, "name", 0.5):
        if len(s.text.split()) < min_words or len(s.text) < 3:
            continue
        if re.fullmatch(rf"(?:{_WEEKDAYS}|{_MONTHS})", s.text.split()[0], re.IGNORECASE):
            continue
        words = LETTER_RUN.findall(s.text)
        if len(words) == 1 and _function_word(words[0]) or _TITLE_ONLY.fullmatch(s.text):
            continue  # "Qui", "Ses", "Pour" at the head of a verse or a line; "Miss" alone
        if all(_common_german(w) for w in words):
            s = Span(s.start, s.end, s.text, s.type, s.strength * 0.5)
        if len(s.text.split()) == 1 and _at_sentence_start(text, s.start):
            continue
        if s.text.isupper() and len(s.text) > 25:
            continue  # a headline in capitals
        out.append(s)
    return out


@lru_cache(maxsize=50_000)
def _common_german(word: str) -> bool:
    """A word written in capitals for another reason than being a name: a German noun ("Zug",
    "Geschmack": common in German, less so in French), or a very common French or English word
    at the start of a verse or a line ("Deux", "Pour", "The")."""
    from wordfreq import zipf_frequency

    low = word.lower()
    de, fr, en = (zipf_frequency(low, lang) for lang in ("de", "fr", "en"))
    # German nouns; or words so common in French or English that a capital means a line start
    return (de >= 3.2 and de > fr + 0.5) or fr >= 5.0 or en >= 5.5


@lru_cache(maxsize=50_000)
def _function_word(word: str) -> bool:
    """A word so common in French or English (pronouns, articles, conjunctions) that a capital
    means the start of a line, never a name."""
    from wordfreq import zipf_frequency

    low = word.lower()
    return zipf_frequency(low, "fr") >= 6.05 or zipf_frequency(low, "en") >= 6.0


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:;\"«„(\n"


def _dedupe(spans: list[Span]) -> list[Span]:
    """Where spans overlap, the stronger (then the longer) one stays."""
    import bisect

    starts: list[int] = []
    kept: list[Span] = []  # sorted by start, never overlapping
    for s in sorted(spans, key=lambda s: (-s.strength, -(s.end - s.start), s.start)):
        i = bisect.bisect_left(starts, s.start)
        if (i < len(kept) and kept[i].start < s.end) or (i > 0 and kept[i - 1].end > s.start):
            continue
        starts.insert(i, s.start)
        kept.insert(i, s)
    return kept
