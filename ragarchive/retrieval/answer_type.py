"""What a question asks for: the expected answer type and the focus words of its question phrase.

German, French and English. The type comes from the question word *and* the head noun of the
question phrase: "who" asks for a person, but "which clergyman" does too, "à quel taux" asks for a
rate, "Quel délai de grâce" for a duration, "wie schwer" for a quantity. The focus words are the
content words of that phrase ("délai", "clergyman", "Preis"): the reader looks for an answer near
them. Rules, not a model: question phrases are a small closed class in each language, and the
rules can be read and extended by the people who know their archive's questions.

Types: person, organisation, place, date, duration, number, money, name (of a thing), reason,
description (what happened; the fallback).
"""

from __future__ import annotations

import re

from ragarchive.ask_types import ExpectedAnswer
from ragarchive.text.tokens import QUESTION_WORD


# Head nouns of question phrases, by the type they ask for (lower-case; German nouns too).
_HEADS: dict[str, str] = {}


def _heads(kind: str, words: str) -> None:
    for w in words.split():
        _HEADS[w] = kind


_heads("person", """
    man woman men women person people gentleman lady boy girl child author writer poet painter
    artist sculptor architect engineer builder inventor composer clergyman minister priest vicar
    rector curate bishop archbishop cardinal pope monk nun preacher king queen prince princess
    emperor empress duke duchess count countess earl baron lord knight officer general colonel
    captain lieutenant major admiral commander soldier sergeant mayor alderman magistrate judge
    justice lawyer barrister solicitor attorney counsel doctor physician surgeon dentist nurse
    professor teacher master student pupil scholar merchant trader banker manufacturer farmer
    landlord tenant owner proprietor publisher editor printer agent clerk secretary treasurer
    chairman president director manager member candidate deputy senator statesman politician
    chancellor governor consul ambassador envoy prisoner criminal thief murderer victim witness
    actor actress singer musician dancer player husband wife widow son daughter father mother
    brother sister heir uncle aunt servant coachman driver sailor seaman fisherman shoemaker
    tailor baker butcher smith innkeeper innkeeper's speaker lecturer orator traveller
    explorer pilot inspector constable policeman detective spinster bachelor postmaster
    librarian pharmacist chemist druggist aviator airman engine-driver stoker conductor
    foreman labourer workman contractor surveyor auctioneer churchman prelate emissary envoy
    correspondent porter astrologer parliamentarian citizen nobleman peer
    mann frau herr dame person leute knabe mädchen kind verfasser dichter schriftsteller maler
    künstler bildhauer baumeister architekt ingenieur erfinder komponist pfarrer pastor priester
    bischof erzbischof kardinal papst mönch prediger könig königin prinz prinzessin kaiser
    kaiserin herzog herzogin graf gräfin fürst fürstin freiherr ritter offizier general oberst
    hauptmann leutnant major admiral soldat bürgermeister richter anwalt advokat arzt doktor
    chirurg professor lehrer schüler student gelehrter kaufmann händler bankier fabrikant bauer
    pächter besitzer eigentümer verleger redakteur drucker sekretär präsident direktor
    vorsitzender mitglied kandidat abgeordneter minister kanzler gouverneur konsul gesandter
    gefangener verbrecher dieb mörder opfer zeuge schauspieler sänger musiker gatte gattin witwe
    sohn tochter vater mutter bruder schwester erbe diener kutscher matrose fischer schuster
    schneider bäcker metzger schmied wirt redner reisender führer lokomotivführer apotheker
    bibliothekar postmeister flieger heizer arbeiter unternehmer sieger gewinner bürger portier
    korrespondent prälat edelmann
    homme femme monsieur madame personne enfant garçon fille auteur écrivain poète peintre
    artiste sculpteur architecte ingénieur inventeur compositeur prêtre curé abbé évêque
    archevêque cardinal pape moine religieuse prédicateur roi reine prince princesse empereur
    impératrice duc duchesse comte comtesse baron marquis marquise chevalier officier général
    colonel capitaine lieutenant commandant amiral soldat sergent maire adjoint magistrat juge
    avocat notaire médecin docteur chirurgien professeur instituteur élève étudiant savant
    marchand négociant banquier fabricant cultivateur fermier propriétaire éditeur rédacteur
    imprimeur secrétaire trésorier président directeur membre candidat député sénateur ministre
    gouverneur consul ambassadeur prisonnier criminel voleur assassin meurtrier victime témoin
    acteur actrice chanteur chanteuse musicien danseur mari époux épouse veuve fils père mère
    frère sœur soeur héritier domestique cocher marin pêcheur cordonnier tailleur boulanger
    boucher forgeron aubergiste orateur voyageur explorateur commissaire gendarme mécanicien
    machiniste conducteur chauffeur pharmacien bibliothécaire receveur aviateur ouvrier
    entrepreneur vainqueur gagnant prélat émissaire correspondant parlementaire citoyen portier
    noble
""")
_heads("organisation", """
    company firm society association committee council board bank regiment party club union
    institution house corporation government ministry department court school college
    university church congregation parish newspaper paper journal railway
    gesellschaft firma verein verband ausschuss komitee rat bank regiment partei genossenschaft
    anstalt haus behörde regierung ministerium gericht schule universität kirche gemeinde
    zeitung blatt bahn eisenbahngesellschaft
    compagnie société maison association comité conseil banque régiment parti club union
    institution gouvernement ministère tribunal cour école collège université église paroisse
    journal chemin commission administration organisme
""")
_heads("place", """
    place town city village country county parish street road square river port harbour
    island province region district state kingdom land spot building hall church hotel inn
    where location destination diocese room address quarter suburb continent prison gaol
    ort stadt dorf land landschaft gegend straße strasse platz fluss hafen insel provinz bezirk
    staat königreich gebäude stelle diözese zimmer saal adresse gefängnis erdteil
    lieu ville village pays département rue place fleuve rivière port île province région
    canton commune endroit bâtiment terrain diocèse localité salle édifice adresse quartier
    faubourg continent prison
""")
_heads("date", """
    date year day month time week hour season century anniversary evening morning night
    afternoon noon midnight o'clock
    datum jahr tag monat zeit uhrzeit woche stunde jahrhundert abend morgen nacht mittag
    nachmittag vormittag jahrestag
    date année an jour mois époque semaine heure siècle soir matin nuit après-midi midi soirée
    matinée moment
""")
_heads("duration", """
    period duration term length delay respite interval frist dauer zeitraum délai durée période
    terme intervalle
""")
_heads("number", """
    number height weight length distance depth width breadth size population quantity amount
    age capacity tonnage speed temperature votes span
    temperatur
    zahl anzahl höhe gewicht länge entfernung tiefe breite größe menge einwohnerzahl alter
    nombre hauteur poids longueur distance profondeur largeur taille population quantité âge
    vitesse température
""")
_heads("money", """
    price cost sum fee rent wage wages salary fine rate percentage interest premium tax duty toll
    fare subscription reward value revenue budget capital loan debt pay dividend expenditure
    preis kosten summe betrag gebühr miete lohn gehalt strafe zins zinsfuß zinsen steuer zoll
    abgabe belohnung wert kapital anleihe schuld dividende ausgaben
    prix coût somme montant frais loyer salaire amende taux pourcentage intérêt impôt droit
    récompense valeur recette budget capital emprunt dette dividende dépense dépenses
""")
_heads("name", """
    name title ship vessel steamer boat book work play opera piece song poem horse paper
    newspaper journal motto word
    name titel schiff dampfer boot buch werk stück oper lied gedicht pferd wort
    nom titre navire vapeur bateau livre ouvrage pièce opéra chanson poème cheval mot
""")
_heads("reason", "reason cause motive ground grund ursache anlass anlaß raison cause motif")
_heads("description", "role part rolle rôle")

# Question words (lower-case, at the start or after a preposition), checked in order: the
# longer phrases first so that "how long" is not read as "how".
_QUESTION_WORDS: list[tuple[str, str]] = [
    (r"how much (?:did|does|do|was|were|is|are|had|has)\b.*\b(?:cost|pay|paid|charged|fetch|sold|worth|earn|raise|spend|spent)", "money"),
    (r"how much (?:money|rent|interest|duty|tax)", "money"),
    (r"what (?:did|does|do|would|will) (?:[\w'’.-]+ ){1,8}cost", "money"),
    (r"(?:at )?what (?:price|cost|rate|sum|fee|percentage|interest)", "money"),
    (r"wie ?viel (?:kostete|kosten|kostet|bezahlte|zahlte|betrug der preis|geld|thaler|taler|gulden|mark|franken)", "money"),
    (r"wie hoch (?:war|ist|waren) (?:der|die|das) (?:preis|kosten|lohn|miete|zins|summe|betrag|strafe|steuer)", "money"),
    (r"(?:zu )?welchem (?:preis|zinsfu(?:ß|ss))|welchen preis", "money"),
    (r"combien (?:a|ont|avait|avaient)?\s*(?:co[uû]t|pay|rapport|valu)\w*", "money"),
    (r"combien co[uû]t\w*|(?:à|a) quel (?:prix|taux)|quel (?:prix|taux|montant)|quelle somme", "money"),
    (r"how long|for how long|how many (?:years|months|weeks|days|hours|minutes)", "duration"),
    (r"wie lange|wie ?viele?n? (?:jahren?|monaten?|wochen|tagen?|stunden)", "duration"),
    (r"combien de (?:temps|jours|mois|ans|années|semaines|heures)|pendant combien|depuis combien", "duration"),
    (r"when|what year|which year|what date|what day|on which day|at what time|since when", "date"),
    (r"wann|seit wann|in welchem jahre?|an welchem tage?|um welche (?:zeit|uhrzeit|stunde)|"
     r"um wie ?viel uhr|bis wann", "date"),
    (r"quand|en quelle année|quelle année|quel jour|à quelle date|quelle date|depuis quand|à quelle heure", "date"),
    (r"how many|how much|how often|how (?:high|tall|heavy|far|wide|deep|old|large|big|long ago)", "number"),
    (r"wie ?viele?|wieviel|wie oft|wie (?:hoch|schwer|weit|breit|tief|alt|gro(?:ß|ss)|stark|lang\b)", "number"),
    (r"combien|quel (?:âge|poids|nombre)|quelle (?:hauteur|longueur|distance|profondeur|largeur)", "number"),
    (r"what (?:was|is) the name|what (?:was|were) (?:it|they|he|she) called|what name", "name"),
    (r"wie hie(?:ß|ss|s)|wie hei(?:ß|ss)t|welchen namen|wie nannte|wie (?:ist|war|lautet|lautete) .{0,60}(?:überschrieben|betitelt)|"
     r"wie lautet(?:e)? der titel", "name"),
    (r"comment s'appel\w*|comment se nomm\w*|quel (?:est|était) le nom|quel nom|sous quel nom", "name"),
    (r"why|for what reason|what (?:caused|was the cause|was the reason|led to)", "reason"),
    (r"warum|weshalb|weswegen|wieso|aus welchem grunde?", "reason"),
    (r"pourquoi|pour quelle raison|pour quel motif|quelle (?:fut|était|est) la (?:cause|raison)", "reason"),
    (r"where|whither|whence|from where|to where|in which place", "place"),
    (r"wo(?:hin|her)?\b", "place"),
    (r"où|d'où|par où", "place"),
    (r"who|whom|whose|by whom", "person"),
    (r"wer|wem|wen|wessen|von wem|mit wem", "person"),
    (r"qui|à qui|de qui|par qui|avec qui", "person"),
]
# "which town", "what was the price", "quel est le prix", "welches war der Preis" — but not
# "what did the committee decide", whose noun is the subject, not the asked thing.
_WH = re.compile(
    r"\b(?:which|what|welche[rsnm]?|quel(?:le)?s?|lequel|laquelle|lesquel(?:le)?s|"
    r"was\s+für(?:\s+eine?[nmrs]?)?)\s+"
    r"(?:(?:was|were|is|war|waren|ist|est|était|fut|étaient)\s+(?:the|der|die|das|le|la|les|l')\s*)?"
    r"(?!(?:did|does|do|had|has|have|hat|hatte|hatten|a|ont|avait|avaient|will|would|could)\b)"
    r"((?:[\w'’-]+\s+){0,3}[\w'’-]+)",
    re.IGNORECASE,
)
# "how many inhabitants", "combien d'habitants", "wie viele Stimmen", "wie hieß das Schiff",
# "what was the ship called": the counted or named thing is the focus
_COUNTED = re.compile(
    r"\b(?:how many|how much|combien d[e']|combien de|wie ?viele?n?|wieviele?n?|wie (?:hie(?:ß|ss|s)|hei(?:ß|ss)t) (?:der|die|das)|"
    r"what (?:was|were) the|comment s'appelait (?:le|la|l')|comment se nommait (?:le|la|l'))\s*"
    r"((?:[\w'’-]+\s+){0,1}[\w'’-]+)")
_NAME_OF = re.compile(r"\b(?:name of(?: the)?|nom d[eu]|nom de la|namen? de[rsnm])\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)")
_SKIP = frozenset(
    "the a an of was were is are did does do had has in on at to by for from which what kind sort "
    "der die das den dem des ein eine war ist sind waren hat hatte wurde welche welcher welches "
    "le la les un une de du des était est fut a ont avait quel quelle quels quelles espèce sorte "
    "genre art".split()
)


def expected_answer(question: str) -> ExpectedAnswer:
    """The expected answer of a German, French or English question.

    The question word that comes first decides, unless the head noun of a question phrase starts
    no later than it ("which clergyman", "Quelle ville … qui …", "who was the architect"): a head
    noun is more specific than "who" or "which". Phrases that name their type themselves ("how
    long", "à quel taux", "warum") keep it."""
    low = " ".join(question.lower().replace("’", "'").split())
    word_type, word_pos = _question_word_type(low)
    head, focus, head_pos = _head_phrase(low)
    head_kind = head_type(head) if head else None
    if head and head_kind is None and _WH.match(low[head_pos:]):
        head_kind = "name"  # "which isthmus", "quel fleuve": a thing known by its name
    specific = word_type in ("money", "duration", "reason", "name")
    if head_kind and (word_type is None or (head_pos <= word_pos + 12 and not specific)
                      or head_pos < word_pos):
        kind, source = head_kind, "head"
        if word_type == "number" and head_kind in ("money", "duration"):
            kind = head_kind  # "how many francs", "combien de mois"
        elif word_type == "number" and word_pos <= head_pos:
            kind = "number"  # "how many people", "wie viele Fahrgäste": a count, not a name
    elif word_type:
        kind, source = word_type, "question_word"
        if kind == "name" and head_kind in ("person", "place", "organisation"):
            kind = head_kind  # "what was the name of the vicar"
    else:
        kind, source = "description", "default"
    numbers = tuple(re.findall(r"\d[\d.,]*", question))
    return ExpectedAnswer(kind, head, tuple(focus), source, numbers)


def head_type(head: str) -> str | None:
    """The type a head noun asks for; a German compound by its last part ("Geldstrafe" →
    "strafe" → money, "Segelschiff" → "schiff" → name)."""
    if head in _HEADS:
        return _HEADS[head]
    if head.endswith("s") and head[:-1] in _HEADS:  # "which provinces", "quels parlementaires"
        return _HEADS[head[:-1]]
    for i in range(1, len(head) - 3):
        if head[i:] in _HEADS and len(head[i:]) >= 4:
            return _HEADS[head[i:]]
    return None


def _question_word_type(low: str) -> tuple[str | None, int]:
    """The type of the earliest question word (ties: the longer phrase, listed first)."""
    best: tuple[int, int, str] | None = None
    for order, (pattern, kind) in enumerate(_QUESTION_WORDS):
        m = re.search(rf"(?:^|[\s,;:(«„\"'-])({pattern})(?!\w)", low)
        if m and (best is None or (m.start(1), order) < best[:2]):
            best = (m.start(1), order, kind)
    return (best[2], best[0]) if best else (None, len(low))


def _head_phrase(low: str) -> tuple[str | None, list[str], int]:
    """The head noun after which/what/welche/quel (or "name of the X", "who was the X"), its
    content words, and where the phrase starts."""
    m = _WH.search(low)
    if m and m.group(1).split()[0] in ("name", "nom", "namen"):
        m = _NAME_OF.search(low) or m
    m = (m or _NAME_OF.search(low) or _COUNTED.search(low)
         or re.search(r"\b(?:who|wer|qui) (?:was|were|is|war|waren|ist|était|fut|est) "
                      r"(?:the |der |die |das |le |la |l')?([\w'’-]+(?:\s+[\w'’-]+)?)", low))
    if not m:
        return None, [], len(low)
    # "which French colonel's camp": the possessor names the person asked for
    words = [re.sub(r"['’]s$", "", w) for w in QUESTION_WORD.findall(m.group(1)) if w not in _SKIP]
    # the noun right after the question word ("quel terrain"), or after an adjective ("which
    # Scottish town"); not a later noun of the clause ("… le capitaine")
    head = next((w for w in words[:2] if w in _HEADS), None)
    if head is None and words:
        head = words[0]
    upto = words.index(head) + 1 if head in words else 1
    focus = [w for w in words[:upto][-3:] if len(w) >= 3]
    return head, focus, m.start()
