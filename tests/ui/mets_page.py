"""A METS/ALTO issue that ships its page image, for the page-region tests.

The demo archive's METS issues have no page images, so nothing can be drawn for them. This issue
has one page: an ALTO file in ``mm10`` units (tenths of a millimetre, an A4 page 2100 × 2970) and
a PNG of that page at another scale (1240 × 1754 px), with the words drawn where the ALTO says
they are. A block drawn in the wrong place (unscaled mm10 taken as pixels) misses its words.
The article is long enough to be several chunks, so it has a "rest of the article".
"""

from __future__ import annotations

from pathlib import Path

PAGE = (2100, 2970)  # mm10
IMAGE = (1240, 1754)  # px
SCALE = IMAGE[0] / PAGE[0]  # px per mm10 (the same both ways, to a pixel)
STEM = "falkenauer-wochenblatt-1887-05-14"
TITLE = "Die neue Kettenbrücke bei Falkenau"
PARAGRAPHS = [
    "Am Montag, den 9. Mai, wurde die neue Kettenbrücke über die Lauter bei Falkenau feierlich "
    "dem Verkehr übergeben. Schon am frühen Morgen zogen die Vereine der Stadt mit ihren Fahnen "
    "zum Ufer hinab, wo Bürgermeister Anton Reiser die Gäste aus dem ganzen Bezirk begrüßte. Die "
    "Schuljugend sang zwei Lieder, und der Pfarrer segnete das Werk, das so viele Jahre erwartet "
    "worden war. Danach schritt der Festzug unter dem Geläut der Glocken über die Brücke.",
    "Die Brücke ist sechsundneunzig Meter lang und ruht auf zwei Pfeilern aus dem Granit des "
    "Hirschbergs. Erbaut hat sie der Baumeister Karl Weidinger aus Lindach, der schon die Brücke "
    "von Oberau errichtet hatte. Die Ketten wurden in der Hütte zu Wasseralfingen geschmiedet "
    "und auf dem Wasserweg herangeschafft. Der Bau dauerte zwei Jahre; zweimal riss das "
    "Hochwasser der Lauter die Gerüste fort, und einmal musste ein Pfeiler neu gegründet werden.",
    "Die Kosten des Baues beliefen sich auf 184,000 Mark, wovon der Staat ein Drittel trug. Den "
    "Rest bringt die Gemeinde durch ein Brückengeld auf, das zehn Jahre lang erhoben wird: ein "
    "Fußgänger zahlt zwei Pfennig, ein Reiter fünf, ein Fuhrwerk zehn Pfennig. Die Händler des "
    "Marktes rechnen damit, dass nun auch die Bauern vom jenseitigen Ufer den Wochenmarkt "
    "besuchen werden, die bisher den weiten Umweg über die Fähre scheuten.",
    "Am Abend versammelten sich die Festgäste im Saale des Gasthofs zur Post. Der Bürgermeister "
    "dankte dem Baumeister und den Arbeitern, von denen einer beim Bau verunglückt war; seiner "
    "Witwe wurde eine Sammlung von 312 Mark übergeben. Bis in die Nacht hinein spielte die "
    "Stadtkapelle, und auf der Brücke brannten zum ersten Male die neuen Laternen.",
    "Noch vor fünfzig Jahren führte an dieser Stelle nur eine hölzerne Jochbrücke über den Fluss, "
    "die der Eisgang des Winters 1845 zerstörte. Seither besorgte eine Fähre den Verkehr, die bei "
    "hohem Wasser oft tagelang ruhen musste. Mehrere Eingaben an die Regierung blieben ohne "
    "Erfolg, bis der Landtag im Jahre 1884 den Zuschuss bewilligte und der Gemeinderat den Bau "
    "beschloss.",
    "Für den Sommer ist eine Prüfung der Brücke durch den Kreisbaurat angekündigt. Man will die "
    "Ketten mit beladenen Wagen belasten und ihre Dehnung messen; bis dahin dürfen Fuhrwerke mit "
    "mehr als vier Tonnen Last die Brücke nicht befahren. Die Gemeinde hat einen Brückenwärter "
    "angestellt, der im kleinen Zollhaus am linken Ufer wohnt und das Brückengeld einnimmt.",
]


def write_issue(folder: Path) -> Path:
    """Write the issue (METS, ALTO, PNG) into ``folder``; returns the METS file."""
    from PIL import Image, ImageDraw

    (folder / "alto").mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    image = Image.new("L", IMAGE, 255)
    draw = ImageDraw.Draw(image)
    blocks = [_set_block("TB1", TITLE, 110, _font(30), draw)]
    for i, paragraph in enumerate(PARAGRAPHS, start=2):
        top = blocks[-1][1] + blocks[-1][3] + 30
        blocks.append(_set_block(f"TB{i}", paragraph, top, _font(19), draw))
    image.save(folder / "images" / f"{STEM}-p001.png")
    (folder / "alto" / f"{STEM}-p001.xml").write_text(_alto(blocks), encoding="utf-8")
    mets = folder / f"{STEM}-mets.xml"
    mets.write_text(_mets(len(blocks)), encoding="utf-8")
    return mets


def _font(size: int):
    from PIL import ImageFont

    try:  # umlauts need a real font; Pillow's own has no glyphs for them
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _set_block(block_id: str, text: str, top: int, font, draw) -> tuple:
    """Draw ``text`` as lines from ``top`` (px); returns (id, top, lines, height) with each line
    (y, height, [(x, width, word)]) in px."""
    left, width, pitch = 90, IMAGE[0] - 180, round(font.size * 1.45)
    lines, y, words = [], top, text.split()
    while words:
        line, x = [], left
        while words and (not line or x + font.getlength(words[0]) <= left + width):
            w = font.getlength(words[0])
            line.append((x, w, words.pop(0)))
            x += w + font.getlength(" ")
        for wx, _, word in line:
            draw.text((wx, y), word, font=font, fill=0)
        lines.append((y, font.size + 4, line))
        y += pitch
    return block_id, top, lines, y - top


def _mm10(v: float) -> int:
    return round(v / SCALE)


def _alto(blocks: list[tuple]) -> str:
    out = []
    for block_id, top, lines, height in blocks:
        rows = []
        for n, (y, h, words) in enumerate(lines, start=1):
            strings = "".join(
                f'<String HPOS="{_mm10(x)}" VPOS="{_mm10(y)}" WIDTH="{_mm10(w)}" HEIGHT="{_mm10(h)}" '
                f'CONTENT="{word}" WC="0.95"/>' for x, w, word in words)
            rows.append(f'<TextLine ID="{block_id}_L{n}" HPOS="{_mm10(90)}" VPOS="{_mm10(y)}" '
                        f'WIDTH="{_mm10(IMAGE[0] - 180)}" HEIGHT="{_mm10(h)}">{strings}</TextLine>')
        out.append(f'<TextBlock ID="{block_id}" HPOS="{_mm10(90)}" VPOS="{_mm10(top)}" '
                   f'WIDTH="{_mm10(IMAGE[0] - 180)}" HEIGHT="{_mm10(height)}" LANG="de">{"".join(rows)}</TextBlock>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Description>'
            f'<MeasurementUnit>mm10</MeasurementUnit><sourceImageInformation>'
            f'<fileName>{STEM}-p001.png</fileName></sourceImageInformation></Description><Layout>'
            f'<Page ID="P1" PHYSICAL_IMG_NR="1" WIDTH="{PAGE[0]}" HEIGHT="{PAGE[1]}">'
            f'<PrintSpace>{"".join(out)}</PrintSpace></Page></Layout></alto>\n')


def _mets(n_blocks: int) -> str:
    areas = "".join(f'<mets:area FILEID="ALTO1" BEGIN="TB{i}" BETYPE="IDREF"/>' for i in range(1, n_blocks + 1))
    mods = ('<mets:dmdSec ID="{id}"><mets:mdWrap MDTYPE="MODS"><mets:xmlData><mods:mods>'
            '<mods:titleInfo><mods:title>{title}</mods:title></mods:titleInfo>{extra}'
            '<mods:language><mods:languageTerm type="code" authority="iso639-2b">ger</mods:languageTerm>'
            '</mods:language></mods:mods></mets:xmlData></mets:mdWrap></mets:dmdSec>')
    issue = mods.format(id="MODS_ISSUE", title="Falkenauer Wochenblatt", extra=(
        '<mods:originInfo><mods:dateIssued encoding="iso8601">1887-05-14</mods:dateIssued></mods:originInfo>'))
    article = mods.format(id="MODS_ART1", title=TITLE, extra="")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:mods="http://www.loc.gov/mods/v3" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" OBJID="{STEM}">{issue}{article}'
        '<mets:fileSec><mets:fileGrp USE="FULLTEXT"><mets:file ID="ALTO1" MIMETYPE="text/xml">'
        f'<mets:FLocat LOCTYPE="URL" xlink:href="alto/{STEM}-p001.xml"/></mets:file></mets:fileGrp>'
        '<mets:fileGrp USE="DEFAULT"><mets:file ID="IMG1" MIMETYPE="image/png">'
        f'<mets:FLocat LOCTYPE="URL" xlink:href="images/{STEM}-p001.png"/></mets:file></mets:fileGrp>'
        '</mets:fileSec><mets:structMap TYPE="PHYSICAL"><mets:div TYPE="physSequence">'
        '<mets:div ID="PHYS1" TYPE="page" ORDER="1"><mets:fptr FILEID="IMG1"/><mets:fptr FILEID="ALTO1"/>'
        '</mets:div></mets:div></mets:structMap><mets:structMap TYPE="LOGICAL">'
        '<mets:div TYPE="Newspaper"><mets:div TYPE="issue" DMDID="MODS_ISSUE">'
        f'<mets:div ID="ART1" TYPE="article" DMDID="MODS_ART1"><mets:fptr><mets:seq>{areas}'
        '</mets:seq></mets:fptr></mets:div></mets:div></mets:div></mets:structMap></mets:mets>\n')
