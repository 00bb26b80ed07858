"""The fictional articles of the demo archive, hand-written as plain data.

Everything here is invented: the three newspapers, the towns of Marbethal, Valmarbe and
Wendmouth, the rivers Marbe and Wend, every person, price and event. The facts are distinctive
(names, numbers, dates) so that questions can target them, and some events are reported in two
languages (the Marbe flood of March 1876, the Marbethal-Valmarbe railway of 1868, the flood of
January 1910) so that cross-lingual retrieval can be tested.

Each article is a dict with ``paper``, ``date`` (ISO), ``language`` (ISO 639-1), ``title``
(modern spelling, as a library catalogue records it), ``page`` (page of the issue), ``format``
(how the demo archive stores it: ``mets``, ``text``, ``hocr`` or ``image``) and ``text``
(paragraphs separated by a blank line). Articles of one paper, date and format ``mets`` form one
METS/ALTO issue; ``hocr`` articles of one paper and date share one hOCR page.
"""

from __future__ import annotations

from typing import Any

BOTE = "Der Marbethaler Bote"
COURRIER = "Le Courrier de Valmarbe"
GAZETTE = "The Wendmouth Gazette"

# Per-newspaper facts the writers need. ``script`` chooses the OCR-noise profile: the German
# paper was set in Fraktur (long s, Fraktur confusions), the others in roman type.
PAPERS: dict[str, dict[str, Any]] = {
    BOTE: {
        "slug": "marbethaler-bote",
        "folder": "der-marbethaler-bote",
        "language": "de",
        "mods_language": "ger",
        "tesseract_language": "frk",
        "script": "fraktur",
        "place": "Marbethal",
        "subtitle": "Wochenschrift für Stadt und Land",
    },
    COURRIER: {
        "slug": "courrier-de-valmarbe",
        "folder": "le-courrier-de-valmarbe",
        "language": "fr",
        "mods_language": "fre",
        "tesseract_language": "fra",
        "script": "roman",
        "place": "Valmarbe",
        "subtitle": "Journal politique, agricole et commercial",
    },
    GAZETTE: {
        "slug": "wendmouth-gazette",
        "folder": "the-wendmouth-gazette",
        "language": "en",
        "mods_language": "eng",
        "tesseract_language": "eng",
        "script": "roman",
        "place": "Wendmouth",
        "subtitle": "and Wend Valley Advertiser",
    },
}


def _a(paper: str, date: str, page: int, fmt: str, title: str, *paragraphs: str) -> dict[str, Any]:
    return {
        "paper": paper,
        "date": date,
        "language": PAPERS[paper]["language"],
        "title": title,
        "page": page,
        "format": fmt,
        "text": "\n\n".join(paragraphs),
    }


ARTICLES: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- Der Marbethaler Bote (de)
    _a(BOTE, "1852-05-22", 3, "text", "Auswanderung nach Amerika",
       "Am 17. Mai verließen wieder 86 Personen aus Oberweiler und Kirchbach unsere Gegend, um "
       "über Bremen nach New-York auszuwandern. Die meisten sind Kleinbauern und Taglöhner, die "
       "ihre Güter verkauft haben; sie reisen mit dem Segelschiffe „Helene“, das am 1. Juni den "
       "Hafen verlassen soll. Der Schullehrer Christian Weber aus Kirchbach führt die "
       "Gesellschaft an; er will in Ohio eine neue Gemeinde gründen. Seit Neujahr sind aus dem "
       "Amte Marbethal schon 231 Personen ausgewandert. Möge es ihnen in der neuen Welt wohl "
       "ergehen!"),
    _a(BOTE, "1854-11-04", 1, "mets", "Eröffnung der Gasbeleuchtung",
       "Am Abend des 2. November wurde in unserer Stadt zum ersten Male die Gasbeleuchtung "
       "angezündet. Die neue Gasanstalt vor dem Kirchbacher Thor, erbaut unter der Leitung des "
       "Herrn Direktors Friedrich Albrecht Möller, versorgt fortan 112 Straßenlaternen mit "
       "Leuchtgas. Zahlreiche Bürger zogen mit ihren Familien durch die Hauptstraße und über "
       "den Marktplatz, um das helle Licht zu bewundern. Die Anlage hat der Stadt 9500 Gulden "
       "gekostet, wovon die Hälfte durch eine Anleihe gedeckt wird.",
       "Herr Bürgermeister Konrad Vogelsang dankte dem Gemeinderath und den Arbeitern der "
       "Anstalt. Private Haushaltungen können sich vom 1. Dezember an gegen eine jährliche "
       "Gebühr anschließen lassen."),
    _a(BOTE, "1854-11-04", 2, "mets", "Marktbericht",
       "Marbethal, 3. November. Auf dem heutigen Fruchtmarkte waren die Zufuhren bedeutend, die "
       "Preise jedoch fest. Es kostete der Malter Weizen 7 Gulden 40 Kreuzer, Korn 5 Gulden 12 "
       "Kreuzer, Gerste 4 Gulden 30 Kreuzer und Hafer 3 Gulden 6 Kreuzer. Der Sack Kartoffeln "
       "galt 1 Gulden 30 Kreuzer. Butter wurde zu 28 Kreuzer das Pfund verkauft, zehn Eier zu 6 "
       "Kreuzer. Die Händler aus Valmarbe kauften vornehmlich Weizen auf, weshalb man für die "
       "nächste Woche ein weiteres Steigen der Preise erwartet."),
    _a(BOTE, "1854-11-04", 2, "mets", "Brand in Oberweiler",
       "In der Nacht vom 31. Oktober auf den 1. November brach in der Scheuer des Landwirths "
       "Jakob Heinzmann zu Oberweiler Feuer aus. Die Flammen ergriffen in kurzer Zeit die ganze "
       "Heu- und Strohernte. Die Feuerwehren von Oberweiler und Kirchbach eilten herbei und "
       "konnten das Wohnhaus retten; auch die 14 Stück Rindvieh wurden glücklich aus dem Stalle "
       "gebracht. Als Ursache wird eine umgestürzte Laterne im Stalle angenommen. Der Schaden "
       "wird auf 2300 Gulden geschätzt und ist nur zum Theil durch Versicherung gedeckt."),
    _a(BOTE, "1859-08-13", 2, "text", "Eröffnung der Sparkasse",
       "Die städtische Sparkasse, deren Gründung der Gemeinderath im Frühjahr beschlossen hatte, "
       "wurde am 1. August im Erdgeschoß des Rathauses eröffnet. Schon am ersten Tage wurden 213 "
       "Sparbücher ausgegeben und 11480 Gulden eingelegt. Die Einlagen werden mit 3½ vom Hundert "
       "verzinst; die kleinste Einlage beträgt 12 Kreuzer. Rechner der Kasse ist Herr Kaufmann "
       "Daniel Pfister. Die Kasse ist jeden Mittwoch und Samstag von 9 bis 12 Uhr geöffnet. "
       "Besonders Dienstboten und Handwerksgesellen wird empfohlen, ihre Ersparnisse hier sicher "
       "anzulegen."),
    _a(BOTE, "1862-01-25", 1, "text", "Eisgang auf der Marbe",
       "Die strenge Kälte der letzten Wochen hat die Marbe von Kirchbach bis unterhalb der Stadt "
       "zufrieren lassen; am 19. Januar zeigte das Thermometer 18 Grad unter Null. Das Eis ist an "
       "vielen Stellen 40 Centimeter dick, so daß die Fähre bei Kirchbach seit zehn Tagen "
       "stillliegt und schwere Fuhrwerke über den Fluß fahren. Auf dem Eise unterhalb der "
       "Steinbrücke tummeln sich täglich Hunderte von Schlittschuhläufern. Die Schiffer fürchten "
       "jedoch den kommenden Eisgang und haben ihre Nachen auf das Ufer gezogen."),
    _a(BOTE, "1868-09-19", 1, "mets", "Eröffnung der Marbethalbahn",
       "Am Dienstag, den 15. September, wurde die Eisenbahn von Marbethal nach Valmarbe "
       "feierlich eröffnet. Der erste Zug, von der Lokomotive „Marbe“ gezogen und von dem "
       "Lokomotivführer Anton Rieger geführt, verließ unseren Bahnhof um 9 Uhr morgens unter dem "
       "Donner der Böller. Die Strecke ist 38 Kilometer lang und zählt sieben Stationen; die "
       "Fahrt nach Valmarbe dauert 1 Stunde 20 Minuten. Fortan verkehren täglich sechs Züge in "
       "jeder Richtung.",
       "In Valmarbe wurden die Gäste von dem Maire, Herrn Auguste Delorme, begrüßt, und bei dem "
       "Festmahle im Gasthofe zum Goldenen Löwen wurde auf die Freundschaft der beiden Städte "
       "getrunken. Der Fahrpreis dritter Klasse beträgt 54 Kreuzer."),
    _a(BOTE, "1868-09-19", 1, "mets", "Aus dem Gemeinderath",
       "In seiner Sitzung vom 16. September hat der Gemeinderath mit 14 gegen 3 Stimmen den Bau "
       "eines neuen Schulhauses in der Lindengasse beschlossen. Das Gebäude soll acht Schulsäle "
       "für zusammen 560 Kinder enthalten. Die Pläne hat Baumeister Karl Weidenbach entworfen; "
       "die Kosten sind auf 24000 Gulden veranschlagt. Mit den Arbeiten soll im nächsten "
       "Frühjahr begonnen werden, damit das Haus zu Ostern 1870 bezogen werden kann. Ferner "
       "wurde beschlossen, den Weg zum Bahnhofe mit Linden zu bepflanzen."),
    _a(BOTE, "1868-09-19", 2, "mets", "Vortrag über den elektrischen Telegraphen",
       "Vor einer Zuhörerschaft von etwa 140 Personen sprach am Donnerstag Abend Herr "
       "Gymnasiallehrer Dr. Heinrich Sauerwein im Saale des Gymnasiums über den elektrischen "
       "Telegraphen. Er zeigte an einem kleinen Apparate, wie der Strom einer galvanischen "
       "Batterie den Anker des Schreibapparates bewegt und Punkte und Striche auf einen "
       "Papierstreifen drückt. Eine Depesche von Marbethal nach Valmarbe, so erklärte der "
       "Redner, brauche kaum eine Sekunde. Zum Schlusse wurde eine Nachricht an das "
       "Telegraphenamt am Bahnhofe gesandt, deren Antwort nach wenigen Minuten eintraf. Der "
       "Ertrag des Abends, 31 Gulden, fließt der Schulbibliothek zu."),
    _a(BOTE, "1868-09-19", 2, "mets", "Schifffahrt auf der Marbe",
       "Das Dampfschiff „Stadt Marbethal“ hat am 12. September seine letzte Fahrt in diesem "
       "Jahre nach Valmarbe gemacht. Der Verkehr auf dem Flusse hat seit der Eröffnung der "
       "Eisenbahn stark abgenommen. Im laufenden Jahre beförderte das Schiff noch 8460 Personen "
       "und 1920 Zentner Güter, gegen 13200 Personen im Vorjahre. Die Gesellschaft erwägt, das "
       "Schiff zu verkaufen und nur noch Schleppkähne für Holz und Steine zu betreiben."),
    _a(BOTE, "1871-06-17", 2, "text", "Neue Glocken für St. Martin",
       "Am Sonntag, den 11. Juni, wurden die drei neuen Glocken der Stadtkirche St. Martin "
       "feierlich geweiht. Sie sind in der Glockengießerei der Gebrüder Hamberger in Marbethal "
       "gegossen; die größte wiegt 1420 Kilogramm und trägt die Inschrift „Friede den "
       "Lebenden“. Ein Wagen mit vier geschmückten Pferden brachte die Glocken vom Gießhause zur "
       "Kirche, begleitet von der ganzen Schuljugend. Die Kosten von 6800 Gulden wurden "
       "größtentheils durch freiwillige Gaben der Gemeinde aufgebracht. Am Abend erklang das "
       "neue Geläute zum ersten Male über der Stadt."),
    _a(BOTE, "1876-03-18", 1, "mets", "Das Hochwasser der Marbe",
       "Seit Menschengedenken hat unsere Stadt keine solche Wassersnoth gesehen wie in der Nacht "
       "vom 12. auf den 13. März. Nach dreitägigem Regen und plötzlicher Schneeschmelze stieg "
       "die Marbe am Pegel der Steinbrücke bis auf 6,35 Meter, den höchsten Stand seit dem Jahre "
       "1824. Die ganze Fischergasse und ein Theil der Mühlenvorstadt standen unter Wasser; drei "
       "Häuser am Ufer sind eingestürzt.",
       "Der Schiffer Peter Lenz, 46 Jahre alt, ertrank bei dem Versuche, seinen Nachen zu "
       "retten. 212 Personen mußten in der Kornhalle untergebracht werden. Den Schaden schätzt "
       "man vorläufig auf 180000 Mark. Seit dem 15. fällt das Wasser langsam."),
    _a(BOTE, "1876-03-18", 1, "mets", "Hilfscomité für die Ueberschwemmten",
       "Unter dem Vorsitze des Herrn Bürgermeisters Georg Hartung hat sich ein Hilfscomité für "
       "die durch das Hochwasser geschädigten Familien gebildet. Bis zum Abend des 17. März sind "
       "bereits 4312 Mark an Gaben eingegangen, darunter 500 Mark von der Spinnerei Kolb & "
       "Söhne. Auch Betten, Kleider und Lebensmittel werden im Rathause entgegengenommen. Das "
       "Comité bittet die Einwohner, sich der Nothleidenden in der Fischergasse anzunehmen, bis "
       "ihre Wohnungen wieder bewohnbar sind."),
    _a(BOTE, "1876-03-18", 2, "mets", "Witterung",
       "Nach den Aufzeichnungen des Herrn Apothekers Wilhelm Brenner fielen am 11. März nicht "
       "weniger als 41 Millimeter Regen, so viel wie sonst in einem ganzen Monate. Die "
       "Temperatur stieg an diesem Tage auf 11 Grad Reaumur, wodurch der Schnee auf den Höhen "
       "des Eulenwaldes rasch schmolz. Seit dem 14. ist es wieder kälter geworden, und in der "
       "vergangenen Nacht fiel leichter Frost. Das Barometer steht hoch, so daß man auf "
       "trockenes Wetter hoffen darf."),
    _a(BOTE, "1876-03-18", 2, "mets", "Marktbericht",
       "Marbethal, 17. März. Wegen der Ueberschwemmung war der Wochenmarkt nur schwach "
       "befahren. Weizen kostete 22 Mark 50 Pfennig der Doppelzentner, Roggen 17 Mark 80 "
       "Pfennig, Hafer 16 Mark. Kartoffeln galten 4 Mark 20 Pfennig der Zentner. Heu war wegen "
       "der verdorbenen Vorräthe in den Scheunen am Ufer sehr gesucht und stieg auf 6 Mark der "
       "Zentner. Butter kostete 1 Mark 10 Pfennig das Pfund."),
    _a(BOTE, "1876-03-25", 1, "text", "Nach dem Hochwasser",
       "Die Aufnahme der Hochwasserschäden durch die Bezirksbehörde ist nunmehr beendet. In "
       "Marbethal und den Dörfern an der Marbe wurden 186 Gebäude beschädigt, davon 11 gänzlich "
       "zerstört. Die Regierung hat eine Unterstützung von 25000 Mark bewilligt; das "
       "Hilfscomité hat bis heute 9870 Mark gesammelt. Auch aus Valmarbe, wo das Wasser "
       "ebenfalls große Verwüstungen anrichtete, ist eine Gabe von 1000 Franken eingetroffen. "
       "Der Gemeinderath beräth über den Bau eines steinernen Dammes längs der Fischergasse, "
       "dessen Kosten auf 74000 Mark berechnet werden."),
    _a(BOTE, "1879-05-10", 3, "hocr", "Das neue Postgebäude",
       "Am Montag, den 5. Mai, wurde das neue kaiserliche Postgebäude am Marktplatze dem "
       "Verkehr übergeben. Das stattliche Haus aus rothem Sandstein enthält außer den Schaltern "
       "für Briefe und Packete auch die Telegraphenstation und die Wohnung des Postmeisters. "
       "Postmeister Ludwig Eberhardt empfing die Vertreter der Stadt und führte sie durch die "
       "hellen Räume. Der Bau hat 96000 Mark gekostet. Die alte Post in der Kirchgasse wird "
       "geschlossen."),
    _a(BOTE, "1879-05-10", 3, "hocr", "Viehmarkt",
       "Auf den Viehmarkt am 8. Mai waren 412 Stück Rindvieh und 230 Schweine aufgetrieben. Der "
       "Handel ging lebhaft. Ein Paar Zugochsen kostete 620 bis 780 Mark, eine Milchkuh 240 bis "
       "330 Mark. Für fette Schweine wurden 52 Mark der Zentner Lebendgewicht bezahlt, für "
       "Ferkel 18 bis 24 Mark das Paar. Viele Händler aus Valmarbe und dem Oberlande kauften "
       "Ochsen auf."),
    _a(BOTE, "1880-10-02", 2, "text", "Die Weinlese",
       "Die Weinlese an den Hängen des Sonnenbergs hat am 27. September begonnen und ist unter "
       "günstigem Wetter beinahe beendet. Die Menge ist gering, weil der Frost im Mai viele "
       "Trauben vernichtet hat, die Güte aber vorzüglich: der Most wog bis zu 84 Grad nach "
       "Oechsle. Für den Hektoliter Most wurden 38 bis 45 Mark bezahlt. Winzer Philipp Scherer "
       "erzielte für seinen Riesling den höchsten Preis. Man erwartet einen Wein, der dem "
       "berühmten Jahrgange 1865 nicht nachstehen wird."),
    _a(BOTE, "1883-07-07", 1, "mets", "Das Gauturnfest",
       "Das Gauturnfest des Marbegaues, das am Sonntag, den 1. Juli, in unserer Stadt gefeiert "
       "wurde, war vom schönsten Wetter begünstigt. Aus 23 Vereinen waren 640 Turner "
       "erschienen, die in langem Zuge mit Fahnen und Musik vom Bahnhofe zum Festplatze auf der "
       "Schützenwiese zogen. Bei dem Wettturnen errang Emil Strobel vom Turnverein Marbethal mit "
       "58 Punkten den ersten Preis, einen Eichenkranz; der zweite Preis fiel an Ludwig Haas aus "
       "Kirchbach. Am Abend vereinigte ein Festball die Turner und ihre Gäste in der Festhalle."),
    _a(BOTE, "1883-07-07", 1, "mets", "Die neue Wasserleitung",
       "Der Bürgerausschuß hat in seiner Sitzung vom 4. Juli den Bau einer Wasserleitung "
       "genehmigt. Das Wasser soll aus der Quelle am Hirschberg gefaßt und in einer 7,2 "
       "Kilometer langen eisernen Leitung in einen Hochbehälter über der Stadt geführt werden. "
       "Die Kosten betragen nach dem Voranschlage des Ingenieurs Otto Bräuninger 310000 Mark und "
       "werden durch eine Anleihe aufgebracht. Man hofft, daß mit dem reinen Quellwasser auch "
       "die Fieberfälle in der unteren Stadt abnehmen werden. Die Arbeiten sollen im Herbst 1884 "
       "vollendet sein."),
    _a(BOTE, "1883-07-07", 2, "mets", "Unglück im Steinbruch",
       "Am Mittwoch, den 4. Juli, ereignete sich im Steinbruche am Eulenkopf ein schweres "
       "Unglück. Beim Sprengen löste sich eine Felswand zu früh und verschüttete zwei Arbeiter. "
       "Der Steinhauer Michael Ott aus Oberweiler wurde mit einem gebrochenen Beine geborgen, "
       "sein Kamerad Johann Kiefer erlitt schwere Quetschungen. Beide wurden in das städtische "
       "Spital gebracht. Die Untersuchung über die Ursache des Unglücks ist eingeleitet."),
    # ---------------------------------------------------------------- Le Courrier de Valmarbe (fr)
    _a(COURRIER, "1861-02-09", 2, "text", "Le nouveau pont suspendu",
       "Le pont suspendu qui relie Valmarbe au village de Saint-Aurèle a été livré à la "
       "circulation le dimanche 3 février. L'ouvrage, long de 96 mètres, est soutenu par quatre "
       "câbles de fil de fer tendus entre deux piles de pierre. Il a été construit en dix-huit "
       "mois par l'entreprise de M. Barthélemy Castagnier, pour une dépense de 142,000 francs. "
       "Le péage est fixé à 5 centimes pour les piétons et à 25 centimes pour une voiture "
       "attelée. Le bac qui traversait jusqu'ici la rivière est supprimé."),
    _a(COURRIER, "1864-07-30", 3, "text", "Concours agricole",
       "Le concours agricole de l'arrondissement s'est tenu dimanche dernier, 24 juillet, sur le "
       "champ de foire de Valmarbe. Plus de 260 animaux avaient été présentés. Le premier prix "
       "de la race bovine, une médaille d'argent et 150 francs, a été décerné au taureau de M. "
       "Hippolyte Barrault, cultivateur à Saint-Aurèle. Dans le concours de charrues, M. Désiré "
       "Pothier l'a emporté avec un labour de 18 centimètres de profondeur. La journée s'est "
       "terminée par un banquet présidé par M. le sous-préfet."),
    _a(COURRIER, "1868-09-17", 1, "mets", "Inauguration du chemin de fer de la Marbe",
       "Le mardi 15 septembre a eu lieu l'inauguration de la ligne de chemin de fer de Valmarbe "
       "à Marbethal. Le train inaugural, parti de Marbethal à neuf heures du matin, est entré en "
       "gare de Valmarbe à dix heures vingt, salué par le canon et par la musique municipale. M. "
       "Auguste Delorme, maire, a souhaité la bienvenue aux invités allemands, et un banquet de "
       "220 couverts a été servi à l'Hôtel du Lion d'Or.",
       "La ligne, longue de 38 kilomètres, compte sept stations; six trains circuleront chaque "
       "jour dans chaque sens. Le prix d'une place de troisième classe est fixé à 1 fr. 90 c."),
    _a(COURRIER, "1868-09-17", 1, "mets", "Conseil municipal",
       "Dans sa séance du 12 septembre, le conseil municipal a adopté le projet d'une halle "
       "couverte sur la place Saint-Rémy. Les plans sont dus à M. Émile Garnaud, architecte de "
       "la ville; la dépense est évaluée à 68,000 francs. La halle, construite en fer et en "
       "briques, abritera 120 places pour les marchands de grains et de légumes. Le conseil a "
       "également voté un crédit de 3,500 francs pour la réparation du quai de la Marbe. Les "
       "travaux de la halle commenceront au printemps prochain."),
    _a(COURRIER, "1868-09-17", 2, "mets", "Mercuriale du marché de Valmarbe",
       "Marché du 16 septembre. Froment, 24 fr. 50 c. l'hectolitre; seigle, 16 fr.; orge, 13 "
       "fr. 25 c.; avoine, 9 fr. 80 c. Pommes de terre, 5 fr. 50 c. les 100 kilogrammes. "
       "Beurre, 1 fr. 80 c. le kilogramme; œufs, 90 c. la douzaine. Le marché était bien "
       "approvisionné, et les acheteurs venus de Marbethal par le nouveau chemin de fer ont été "
       "nombreux. Le cours du froment est en hausse de 50 centimes sur la semaine précédente."),
    _a(COURRIER, "1872-12-14", 1, "text", "Le recensement de 1872",
       "Les résultats du recensement viennent d'être publiés. La ville de Valmarbe compte 11,842 "
       "habitants, soit 312 de plus qu'en 1866. Le faubourg Saint-Jean, où se sont établies les "
       "nouvelles forges, a vu sa population augmenter d'un quart. On compte dans la commune "
       "1,906 maisons et 2,871 ménages. Les naissances de l'année dernière se sont élevées à 361 "
       "et les décès à 298. Saint-Aurèle, au contraire, a perdu 57 habitants."),
    _a(COURRIER, "1876-03-16", 1, "mets", "La crue de la Marbe",
       "Depuis la grande inondation de 1824, on n'avait pas vu la Marbe atteindre une telle "
       "hauteur. Dans la nuit du 12 au 13 mars, après trois jours de pluie et la fonte rapide "
       "des neiges, la rivière est montée au pont de Pierre jusqu'à 5 mètres 10 au-dessus de "
       "l'étiage. Le faubourg Saint-Jean a été entièrement envahi par les eaux et 140 familles "
       "ont dû quitter leurs maisons. Le moulin de M. Jean-Baptiste Roussel a été emporté.",
       "On annonce de Marbethal que les dégâts y sont plus grands encore et qu'un batelier, "
       "Pierre Lenz, a péri dans les flots. Les eaux baissent lentement depuis le 15."),
    _a(COURRIER, "1876-03-16", 1, "mets", "Souscription en faveur des inondés",
       "Le Courrier ouvre aujourd'hui une souscription en faveur des victimes de l'inondation. "
       "La première liste s'élève à 2,865 francs, dont 500 francs de M. le maire Charles "
       "Fontenay et 300 francs de la Société des forges de Valmarbe. Le conseil municipal, "
       "réuni d'urgence le 14 mars, a voté un secours de 10,000 francs pour les habitants du "
       "faubourg Saint-Jean et une somme de 1,000 francs pour les inondés de Marbethal. Les dons "
       "en nature sont reçus à la mairie."),
    _a(COURRIER, "1876-03-16", 2, "mets", "Bulletin météorologique",
       "D'après les observations de M. Louis Ragot, professeur à l'École normale, il est tombé "
       "38 millimètres de pluie le 11 mars. Le thermomètre a marqué 13 degrés centigrades à "
       "midi, température extraordinaire pour la saison, qui a fait fondre en un jour la neige "
       "des hauteurs de la Haute-Marbe. Depuis le 14, le vent a tourné au nord et les nuits sont "
       "redevenues froides. On prévoit un temps sec pour la semaine."),
    _a(COURRIER, "1876-03-16", 2, "mets", "Faits divers",
       "Un vol a été commis dans la nuit de samedi à dimanche à la boulangerie de M. Mercier, "
       "rue des Cordiers. Le voleur, entré par la fenêtre de la cour, a emporté trois pains et "
       "une somme de 12 francs. Les soupçons se portent sur un vagabond qui avait été vu rôdant "
       "dans le quartier. La passerelle du moulin, endommagée par la crue, ne sera rétablie que "
       "dans huit jours."),
    _a(COURRIER, "1881-05-21", 2, "text", "La bibliothèque populaire",
       "La bibliothèque populaire, fondée par la Société d'instruction de Valmarbe, a ouvert ses "
       "portes le dimanche 15 mai dans une salle de l'ancien collège. Elle possède déjà 2,400 "
       "volumes, dont beaucoup ont été donnés par des habitants de la ville. Les livres sont "
       "prêtés gratuitement le dimanche de dix heures à midi et le jeudi soir de sept à neuf "
       "heures. Le bibliothécaire est M. Théodore Vasseur, instituteur en retraite. Dès le "
       "premier jour, 87 lecteurs se sont fait inscrire."),
    _a(COURRIER, "1884-03-08", 2, "text", "Déraillement sur la ligne de la Marbe",
       "Lundi 3 mars, le train de marchandises de six heures du matin a déraillé entre "
       "Saint-Aurèle et la station de Kirchbach, à la suite d'un éboulement causé par le dégel. "
       "La locomotive et quatre wagons chargés de charbon ont quitté les rails. Le mécanicien, "
       "Joseph Huguenin, et le chauffeur n'ont reçu que de légères contusions. La circulation "
       "des trains de voyageurs a été rétablie le lendemain à midi par une voie provisoire."),
    _a(COURRIER, "1887-08-06", 1, "text", "Orage et grêle",
       "Un orage d'une violence extraordinaire s'est abattu mardi 2 août, vers cinq heures du "
       "soir, sur la vallée de la Marbe. Pendant vingt minutes, la grêle, grosse comme des œufs "
       "de pigeon, a haché les vignes de la Côte-Rousse et les blés encore sur pied. À "
       "Saint-Aurèle, la foudre est tombée sur le clocher sans causer d'incendie. Les pertes "
       "sont évaluées à 120,000 francs pour la seule commune de Valmarbe. Le préfet a fait "
       "ouvrir une enquête pour venir en aide aux vignerons les plus éprouvés."),
    _a(COURRIER, "1893-10-14", 2, "text", "Le port de Valmarbe",
       "La navigation sur la Marbe a été très active cette année. Du 1er janvier au 30 "
       "septembre, 1,236 bateaux sont entrés au port de Valmarbe, apportant surtout de la "
       "houille, du bois et des pierres de taille. Le tonnage total dépasse 148,000 tonnes. Pour "
       "répondre à ce trafic, l'administration des ponts et chaussées fait prolonger le quai de "
       "180 mètres en aval du pont de Pierre. Une grue à vapeur, capable de soulever 12 tonnes, "
       "sera installée au printemps."),
    _a(COURRIER, "1898-04-23", 1, "mets", "Conférence sur les rayons X",
       "Mercredi 20 avril, M. Lucien Marchetti, professeur de physique au collège de Valmarbe, "
       "a donné à la salle des fêtes une conférence sur les rayons découverts par le professeur "
       "Röntgen. Devant plus de 300 auditeurs, il a fait fonctionner une bobine d'induction et "
       "un tube de Crookes et a montré sur un écran fluorescent les os de la main d'un "
       "volontaire. Il a présenté ensuite la photographie d'un porte-monnaie fermé, où l'on "
       "distinguait nettement les pièces de monnaie. Le conférencier a insisté sur les services "
       "que cette découverte rend déjà à la chirurgie. La recette a été versée à l'hospice."),
    _a(COURRIER, "1898-04-23", 1, "mets", "Le tramway électrique",
       "Le conseil municipal a approuvé, par 19 voix contre 4, la convention avec la Société des "
       "Tramways de la Marbe pour l'établissement d'un tramway électrique. La ligne, longue de 4 "
       "kilomètres 300, reliera la gare à la place d'Armes en passant par la rue Nationale et le "
       "pont de Pierre. Les voitures circuleront toutes les douze minutes et le prix de la place "
       "sera de 10 centimes. L'usine électrique sera construite au bord de la Marbe, près de "
       "l'ancien moulin Roussel. L'ouverture est prévue pour le printemps de 1900."),
    _a(COURRIER, "1898-04-23", 2, "mets", "Incendie rue des Tanneurs",
       "Un violent incendie a éclaté jeudi 21 avril, vers trois heures du matin, dans la "
       "tannerie de MM. Lefebvre frères, rue des Tanneurs. Les pompiers, sous les ordres du "
       "capitaine Paul Mathis, ont combattu le feu pendant cinq heures et ont réussi à préserver "
       "les maisons voisines. Le séchoir et les magasins de cuirs ont été détruits. Les pertes "
       "sont évaluées à 45,000 francs et sont couvertes par une assurance. Trente ouvriers se "
       "trouvent momentanément sans travail."),
    _a(COURRIER, "1902-11-08", 2, "hocr", "Le nouvel hôpital",
       "Le nouvel hôpital civil de Valmarbe a été inauguré lundi 3 novembre en présence du "
       "préfet et du conseil municipal. Les bâtiments, élevés sur le plateau des Tilleuls, "
       "comprennent six pavillons et 120 lits, une salle d'opérations et un cabinet de rayons X. "
       "La dépense totale s'est élevée à 410,000 francs. Le service médical est dirigé par le "
       "docteur Armand Pélissier. Les religieuses de l'ancien hospice continueront à soigner les "
       "malades."),
    _a(COURRIER, "1902-11-08", 2, "hocr", "Tribunal correctionnel",
       "Victor Grosjean, journalier à Saint-Aurèle, a comparu mardi pour délit de chasse. "
       "Surpris par le garde forestier dans la forêt du Haut-Bois, il portait onze collets et "
       "deux lièvres. Le tribunal l'a condamné à 50 francs d'amende et à la confiscation de ses "
       "collets. Pour outrages à un agent de police, la femme Rosalie Hanot a été condamnée à "
       "six jours de prison."),
    _a(COURRIER, "1905-06-17", 2, "text", "La course de côte des Trois-Sapins",
       "La course de côte organisée par l'Automobile-Club de la Marbe a eu lieu dimanche 11 juin "
       "sur la route du col des Trois-Sapins. Vingt-deux voitures et neuf motocyclettes ont pris "
       "le départ. Le meilleur temps a été réalisé par M. Henri Vautrin, sur une voiture de 40 "
       "chevaux, qui a gravi les 6 kilomètres du parcours en 7 minutes 42 secondes. Une foule "
       "nombreuse s'était massée dans les virages. Aucun accident n'est à déplorer, si ce n'est "
       "la chute sans gravité d'un motocycliste."),
    _a(COURRIER, "1910-01-29", 1, "text", "La crue de janvier",
       "Après les pluies persistantes de la semaine, la Marbe est de nouveau sortie de son lit. "
       "Mercredi 26 janvier, l'échelle du pont de Pierre marquait 4 mètres 62, soit près d'un "
       "demi-mètre de moins qu'en mars 1876, où l'eau avait atteint 5 mètres 10. Les quais et la "
       "partie basse du faubourg Saint-Jean sont inondés, et le service du tramway est "
       "interrompu entre la gare et la place d'Armes. Grâce à la digue construite après 1876, "
       "les dégâts restent limités. Les pompiers ont évacué en barque 63 personnes."),
    _a(COURRIER, "1912-09-21", 3, "text", "Un aviateur à Valmarbe",
       "Un aéroplane s'est posé lundi 16 septembre, vers onze heures, sur le champ de manœuvres "
       "de Valmarbe. L'aviateur, M. Marcel Lavergne, venait de Verdonville, qu'il avait quitté à "
       "9 h. 40; il a franchi les 72 kilomètres en 54 minutes, à une altitude de 600 mètres. Des "
       "centaines de curieux ont aussitôt entouré le biplan. M. Lavergne est reparti le "
       "lendemain matin, après avoir fait le plein d'essence au garage Mougenot."),
    # ---------------------------------------------------------------- The Wendmouth Gazette (en)
    _a(GAZETTE, "1866-06-09", 2, "text", "Opening of the Wendmouth and Carrick Railway",
       "The Wendmouth and Carrick Junction Railway was opened for passenger traffic on Monday, "
       "4 June 1866. The first train, drawn by the engine Lady Voss and decorated with flags and "
       "evergreens, left the new station in Station Road at eight o'clock with 320 passengers. "
       "The line is 23 miles long and has six intermediate stations. Four trains will run each "
       "way on weekdays and two on Sundays, and the journey to Carrick Junction takes an hour "
       "and ten minutes. The contractors, Messrs. Holroyd and Pike, were entertained at dinner "
       "at the Crown Hotel."),
    _a(GAZETTE, "1869-01-16", 3, "text", "Destructive Fire at the Ropeworks",
       "Early on Tuesday morning, 12 January, a fire broke out in the ropeworks of Messrs. "
       "Harker and Son in Tanner's Lane. The flames spread rapidly along the rope walk, 300 "
       "yards in length, and in spite of the efforts of the Volunteer Fire Brigade under Captain "
       "Noakes the whole of the building and its stock of hemp were destroyed. The adjoining "
       "cottages were saved by the neighbours, who formed a chain of buckets from the river. "
       "The damage is estimated at 4,500 pounds, of which only 3,000 pounds is covered by "
       "insurance. About sixty men and boys are thrown out of employment."),
    _a(GAZETTE, "1872-05-18", 1, "mets", "Opening of the New Iron Bridge",
       "The new iron bridge over the river Wend at Wendmouth was opened on Tuesday, 14 May 1872, "
       "amid great rejoicing. The Mayor, Alderman Thomas Gedge, cut the ribbon at noon, and a "
       "procession of the Corporation, the Volunteers and the friendly societies crossed from "
       "the Quay to Eastbank. The bridge has a single span of 214 feet and was designed by Mr. "
       "Josiah Pennock, C.E.; the ironwork was cast at the Northgate Foundry.",
       "The total cost was 18,400 pounds, of which 6,000 pounds were raised by public "
       "subscription. The old ferry, which has plied at this spot for two centuries, will cease "
       "to run at the end of the month."),
    _a(GAZETTE, "1872-05-18", 1, "mets", "Town Council",
       "At the monthly meeting of the Council on Wednesday the question of a new cemetery was "
       "again debated at length. Dr. Rowland Hesketh, the medical officer, reported that the "
       "churchyard of St. Bride's was dangerously overcrowded. On the motion of Mr. Councillor "
       "Fairbrother the Council resolved, by eleven votes to seven, to purchase Hollins Field, "
       "an area of nine acres, for the sum of 2,350 pounds. The Town Clerk was instructed to "
       "apply to the Home Secretary for the necessary sanction."),
    _a(GAZETTE, "1872-05-18", 2, "mets", "Corn Exchange",
       "Wendmouth, Saturday. There was a moderate attendance at this morning's market. English "
       "wheat sold slowly at 56s. to 58s. per quarter, a decline of 1s. on last week. Barley, "
       "38s.; oats, 24s. to 26s.; beans, 40s. Foreign wheat from Danzig fetched 60s. Fresh "
       "butter was 1s. 4d. per pound, and eggs fourteen for a shilling. Fat cattle were in good "
       "demand at the Monday sale, and prime beasts made 9s. per stone."),
    _a(GAZETTE, "1872-05-18", 2, "mets", "Shipping Intelligence",
       "Arrived: the barque Margaret Ellison, Captain Dowson, from Riga with timber, after a "
       "passage of nineteen days; the brig Kestrel, from Blackhaven, with coal; the schooner Two "
       "Sisters, from Bordeaux, with wine. Sailed: the steamer Wend, for Hamburg, with general "
       "cargo; the brig Providence, for Lisbon, with coals. Eleven vessels are now loading in "
       "the harbour. The new dock gates were worked for the first time on Thursday."),
    _a(GAZETTE, "1879-12-06", 2, "text", "The New Reservoir",
       "The reservoir of the Wendmouth Waterworks Company at Cold Fell Moor was completed this "
       "week after four years of labour. The embankment is 82 feet high and 1,100 feet long, and "
       "the reservoir, when full, will hold 140 million gallons, sufficient for the wants of the "
       "town for six months. The water is conveyed to the town through an iron main nine miles "
       "in length. The engineer, Mr. Josiah Pennock, who also designed the iron bridge, has "
       "expressed full confidence in the soundness of the work. The cost has been about 96,000 "
       "pounds."),
    _a(GAZETTE, "1885-07-11", 2, "text", "Wendmouth Regatta",
       "The annual regatta was held on Wednesday, 8 July, in splendid weather, and the banks of "
       "the Wend from the bridge to the Quay were lined with spectators. The chief event, the "
       "Senior Fours for the Corporation Challenge Cup, was won by the Wend Amateur Rowing Club "
       "by a length and a half over Carrick. The sculling race was won by Mr. T. Appleyard. In "
       "the afternoon the band of the Volunteers played on the Quay, and the day closed with a "
       "display of fireworks from a barge moored in mid-river."),
    _a(GAZETTE, "1888-09-29", 3, "hocr", "Launch at Eastbank",
       "On Wednesday, 26 September, the screw steamer Wend Star was launched from the yard of "
       "Messrs. Corder and Blythe at Eastbank. She is the largest vessel yet built on the Wend, "
       "being 260 feet long and of 1,840 tons gross register, and is intended for the Baltic "
       "trade. The ceremony of naming was performed by Miss Florence Corder. As the vessel left "
       "the ways a great cheer rose from the crowd of workmen on both banks. The engines, of 900 "
       "horse-power, are to be fitted by the Northgate Foundry."),
    _a(GAZETTE, "1888-09-29", 3, "hocr", "Michaelmas Fair",
       "The Michaelmas Fair was held on Thursday and Friday on the Market Place and the Fair "
       "Field. The horse fair was well attended, and good cart horses made from 35 to 48 pounds. "
       "Farm servants were hired at wages of 14 to 18 pounds a year for men and 8 to 11 pounds "
       "for women. The shows, roundabouts and gingerbread stalls drew great crowds in the "
       "evening, and the police report the fair to have been unusually orderly."),
    _a(GAZETTE, "1891-05-16", 1, "text", "The Census",
       "The provisional figures of the census taken on the night of 5 April have now been issued "
       "for the borough. Wendmouth contains 23,517 persons, an increase of 2,904 since 1881. "
       "There are 4,730 inhabited houses and 212 uninhabited. The increase has been chiefly in "
       "the Eastbank ward, where the shipyards have attracted many families from the country. "
       "The females exceed the males by 1,146."),
    _a(GAZETTE, "1894-11-24", 1, "mets", "Great Gale on the Coast",
       "A gale of exceptional violence swept the coast on Wednesday night, 21 November, and "
       "continued until the afternoon of Thursday. At the height of the storm the schooner "
       "Brothers' Hope, of Blackhaven, was driven ashore on the Skellow Sands. The lifeboat Anne "
       "Carew, under Coxswain William Tregaskis, was launched at three in the morning and after "
       "two attempts brought off the crew of five.",
       "Several chimneys were blown down in the town, and part of the roof of the Corn Exchange "
       "was carried away. The barometer fell to 28.6 inches, the lowest reading recorded at "
       "Wendmouth for twenty years."),
    _a(GAZETTE, "1894-11-24", 1, "mets", "The Free Library",
       "The new Free Library in Church Street was formally opened on Tuesday, 20 November, by "
       "Lady Harriet Voss. The building, in red brick with stone dressings, is the gift of Mr. "
       "Samuel Ashdown, the ironmaster, who contributed 5,000 pounds towards its cost. The "
       "lending department contains 6,200 volumes, and the reading room is supplied with thirty "
       "newspapers and periodicals. The librarian, Mr. Arthur Pellow, reports that 410 "
       "borrowers' tickets were issued on the first day."),
    _a(GAZETTE, "1894-11-24", 2, "mets", "Police Court",
       "Monday, before the Mayor and Mr. J. Haddon. James Corrigan, labourer, was fined 5s. and "
       "costs for being drunk and disorderly in Fish Street on Saturday night. Mary Ann Tolley, "
       "charged with stealing a pair of boots from the shop of Mr. Bettany, was remanded for a "
       "week. Henry Bolt, carter, was fined 10s. for furious driving on the Quay, a constable "
       "having seen him drive a loaded cart at full gallop past the bridge. The Bench remarked "
       "that such cases were becoming far too common."),
    _a(GAZETTE, "1899-08-19", 3, "text", "The Heat",
       "The heat of the past week has been almost tropical. At the Castle Hill Observatory Mr. "
       "Ebenezer Clough recorded a temperature of 91 degrees in the shade on Tuesday, 15 August, "
       "the highest since his observations began in 1858. Three cases of sunstroke were treated "
       "at the Infirmary, and a carter fell dead beside his horse in Market Street. The water in "
       "the Wend is lower than at any time in living memory, and the Waterworks Company has "
       "asked householders not to water their gardens."),
    _a(GAZETTE, "1906-03-10", 2, "text", "Lecture on Radium",
       "Professor Alfred Tennant, of the Northern College of Science, lectured on Wednesday, 7 "
       "March, at the Mechanics' Institute on radium and radio-activity. He exhibited a minute "
       "quantity of radium bromide, valued at more than 400 pounds, which caused a screen of "
       "zinc sulphide to glow in the darkened hall. The professor explained that the substance "
       "gives out heat continuously without any apparent loss. He warned his hearers that the "
       "rays can cause serious burns. The Mayor presided and proposed a vote of thanks."),
    _a(GAZETTE, "1910-02-05", 1, "mets", "Floods on the Continent",
       "Serious floods are reported from the valley of the Marbe. At Valmarbe the water rose on "
       "26 January to 4.62 metres on the gauge of the Pont de Pierre, and the lower quarter of "
       "the town was under water; sixty-three persons were taken from their houses in boats. The "
       "level was, however, lower than in the great flood of March 1876, when the river reached "
       "5.10 metres at Valmarbe and a boatman was drowned at Marbethal. The embankment built "
       "after that disaster is said to have saved the town from much worse damage."),
    _a(GAZETTE, "1910-02-05", 1, "mets", "Tramway Extension",
       "The extension of the Corporation tramways from the Market Cross to Hollins Park was "
       "opened for traffic on Tuesday, 1 February. The new line is 1.7 miles in length and has "
       "cost 21,600 pounds, including four new cars. The first car was driven by the Chairman of "
       "the Tramways Committee, Mr. Councillor Edwin Lark, with the Mayor and members of the "
       "Council as passengers. The fare for the whole distance is one penny, and cars will run "
       "every eight minutes from six in the morning until eleven at night."),
    _a(GAZETTE, "1910-02-05", 2, "mets", "Wireless Telegraphy at the Institute",
       "A large audience assembled at the Mechanics' Institute on Wednesday evening, 2 February, "
       "to hear Dr. Margaret Ellery lecture on wireless telegraphy. Dr. Ellery explained how "
       "electric waves may be sent through space without any wire. With the help of Mr. Frank "
       "Dimmock she received messages on the platform from a station set up at Skellow Point, "
       "eleven miles away, and the signals were read aloud to the audience. The lecture was "
       "warmly applauded. The proceeds, 14 pounds 6s., will go to the Institute's building "
       "fund."),
    _a(GAZETTE, "1913-05-10", 4, "image", "An Aeroplane Visits Wendmouth",
       "Wendmouth saw its first aeroplane on Tuesday, 6 May, when Captain Hugh Ransome landed "
       "his Bleriot monoplane on Sandhill Common at a quarter past four. He had flown from "
       "Carrick Junction, 23 miles, in thirty-one minutes. Hundreds of people ran across the "
       "common to see the machine, and the police had difficulty in keeping them back. Captain "
       "Ransome will give a flying display on Saturday afternoon, weather permitting."),
    _a(GAZETTE, "1919-07-26", 1, "text", "Peace Celebrations",
       "Wendmouth celebrated the signing of peace on Saturday, 19 July, with great enthusiasm. A "
       "procession of discharged soldiers, the fire brigade, the friendly societies and "
       "decorated lorries passed through the principal streets to Hollins Park, where tea was "
       "given to 4,800 school children. Each child received a commemorative mug. In the evening "
       "there was dancing on the Quay, and at ten o'clock a great bonfire was lit on Castle "
       "Hill. The cost of the celebrations, about 1,250 pounds, was met by public subscription."),
    _a(GAZETTE, "1920-06-12", 1, "text", "Unveiling of the War Memorial",
       "The war memorial in Victoria Square was unveiled on Sunday, 6 June, by General Sir "
       "Walter Marrable before a crowd estimated at ten thousand. The memorial, a granite cross "
       "28 feet high, was designed by Miss Edith Marwood, the sculptor, and bears the names of "
       "412 men of Wendmouth who fell in the Great War. Wreaths were laid by the Mayor, by the "
       "Wend Amateur Rowing Club and by many relatives. The Last Post was sounded by buglers of "
       "the Territorial battalion. The memorial cost 3,900 pounds."),
]
