"""The words of the matrix exports in Dutch and English: sheet titles, column headers,
code labels and the definitions on the explanation sheet.

The analysis package has no Flask, so no Babel catalogue here: every text is a pair
`(nl, en)` keyed by a stable code, and `text(mapping, code, language)` picks one.
"""

from __future__ import annotations

from . import measures
from .filters import MEASURES as MEASURE_KEYS
from .matrix import TOTAL_KEY, Matrix, row_parts

Pair = tuple[str, str]

#: Sheet titles (also the CSV file names), by table key.
SHEETS: dict[str, Pair] = {
    "matrix": ("Matrix", "Matrix"),
    "activities": ("Activiteiten", "Activities"),
    "activities_long": ("Activiteiten_lang", "Activities_long"),
    "dilemmas": ("Dilemmas", "Dilemmas"),
    "bottlenecks": ("Knelpunten", "Bottlenecks"),
    "answers": ("Antwoorden", "Answers"),
    "codebook": ("Codeboek", "Codebook"),
    "response": ("Respons", "Response"),
    "benchmark": ("Benchmark", "Benchmark"),
    "verification": ("Verificatie", "Verification"),
    "explanation": ("Toelichting", "Explanation"),
}

#: Column headers, by column code.
HEADERS: dict[str, Pair] = {
    "activity_id": ("Activiteit-id", "Activity id"),
    "dilemma_id": ("Dilemma-id", "Dilemma id"),
    "bottleneck_id": ("Knelpunt-id", "Bottleneck id"),
    "organisation": ("Organisatie", "Organisation"),
    "kvk_number": ("KvK-nummer", "KvK number"),
    "kind": ("Soort organisatie", "Kind of organisation"),
    "size": ("Grootte", "Size"),
    "sector": ("Sector", "Sector"),
    "sector_code": ("Sectorcode", "Sector code"),
    "branch": ("Branche", "Branch"),
    "title": ("Titel", "Title"),
    "activity_type": ("Soort activiteit", "Activity type"),
    "aspects": ("Aspecten", "Aspects"),
    "aspect": ("Aspect", "Aspect"),
    "aspect_group": ("Aspectgroep", "Aspect group"),
    "countries": ("Landen", "Countries"),
    "country": ("Land", "Country"),
    "product_groups": ("Productgroepen", "Product groups"),
    "product_group": ("Productgroep", "Product group"),
    "partners": ("Keteninitiatieven", "Chain initiatives"),
    "partners_other": ("Andere partners", "Other partners"),
    "channels": ("Rapportagekanalen", "Reporting channels"),
    "start_year": ("Sinds jaar", "Since year"),
    "member_share": ("Aandeel leden (%)", "Member share (%)"),
    "publish_consent": ("Mag gepubliceerd", "May be published"),
    "carry_status": ("Overgenomen van vorig jaar", "Carried over from last year"),
    "description": ("Omschrijving", "Description"),
    "what_would_help": ("Wat zou helpen", "What would help"),
    "audience": ("Vragenlijst voor", "Questionnaire for"),
    "status": ("Status", "Status"),
    "response_status": ("Status antwoord", "Response status"),
    "version": ("Versie vragenlijst", "Questionnaire version"),
    "invited_at": ("Uitgenodigd op", "Invited at"),
    "opened_at": ("Link geopend op", "Link opened at"),
    "submitted_at": ("Ingediend op", "Submitted at"),
    "last_activity_at": ("Laatste activiteit", "Last activity"),
    "reminder_count": ("Herinneringen", "Reminders"),
    "declined_at": ("Afgezien op", "Declined at"),
    "decline_reason": ("Reden van afzien", "Reason for declining"),
    "code": ("Code", "Code"),
    "question": ("Vraag", "Question"),
    "type": ("Type", "Type"),
    "choices": ("Antwoordcodes", "Answer codes"),
    "reference": ("Referentielijst", "Reference list"),
    "inventory_field": ("Inventarisveld", "Inventory field"),
    "section": ("Onderdeel", "Section"),
    "parent": ("Herhaalgroep", "Repeating group"),
    "required": ("Verplicht", "Required"),
    "questionnaires": ("Vragenlijsten", "Questionnaires"),
    "row_sector": ("Sector", "Sector"),
    "row_branch": ("Branche", "Branch"),
    "row_sector_kind": ("Sector / soort", "Sector / kind"),
    "row_code": ("Code", "Code"),
    "benchmark_year": ("TB jaar", "TB year"),
    "benchmark_level": ("TB niveau", "TB level"),
    "lagging": ("Achterblijvend (*)", "Lagging (*)"),
    "item": ("Onderwerp", "Item"),
    "value": ("Waarde", "Value"),
    "explanation": ("Toelichting", "Explanation"),
    "note": ("Opmerking", "Note"),
}

#: What the matrix cells show, by measure: the name of its figure (`measures.py`).
MEASURES: dict[str, Pair] = {key: (measures.header(key, "nl"), measures.header(key, "en")) for key in MEASURE_KEYS}

#: Labels of codes that have no reference table.
CODES: dict[str, dict[str, Pair]] = {
    "kind": {"branch_association": ("Brancheorganisatie", "Branch association"),
             "product_board": ("Productschap", "Product board"),
             "industry_board": ("Bedrijfschap", "Industry board"), "company": ("Bedrijf", "Company")},
    "size": {"large": ("Groot bedrijf", "Large company"), "mkb": ("MKB", "SME (MKB)")},
    "audience": {"association": ("Brancheorganisaties en schappen", "Associations and boards"),
                 "company": ("Bedrijven", "Companies")},
    "status": {"targeted": ("Nog niet uitgenodigd", "Not yet invited"), "invited": ("Uitgenodigd", "Invited"),
               "opened": ("Link geopend", "Link opened"), "in_progress": ("Bezig", "In progress"),
               "submitted": ("Ingediend", "Submitted"),
               "returned": ("Teruggestuurd voor verduidelijking", "Returned for clarification"),
               "accepted": ("Geaccepteerd", "Accepted"), "declined": ("Afgezien", "Declined"),
               "bounced": ("Niet bezorgd", "Not delivered")},
    "carry_status": {"carried": ("te bevestigen", "to confirm"), "continued": ("voortgezet", "continued"),
                     "changed": ("gewijzigd", "changed"), "ended": ("beëindigd", "ended")},
    "level": {"sector": ("sector", "sector"), "organisation": ("organisaties", "organisations")},
    "rows": {"sector": ("sectoren", "sectors"), "branch": ("branches", "branches"),
             "sector_kind": ("sector en soort organisatie", "sector and kind of organisation")},
    "columns": {"aspect": ("IMVO-aspecten", "IMVO aspects"), "aspect_group": ("aspectgroepen", "aspect groups")},
    "boolean": {"yes": ("ja", "yes"), "no": ("nee", "no")},
}

#: Labels on the explanation sheet.
ITEMS: dict[str, Pair] = {
    "round": ("Ronde", "Round"),
    "year": ("Jaar", "Year"),
    "baseline": ("Nulmeting", "Baseline"),
    "compared_with": ("Vergeleken met", "Compared with"),
    "change_of": ("Verandering van", "Change of"),
    "panel": ("Panel (alleen organisaties die in beide rondes antwoordden)",
              "Panel (only organisations that responded in both rounds)"),
    "measure": ("Maat in de matrix", "Measure in the matrix"),
    "rows": ("Rijen", "Rows"),
    "columns": ("Kolommen", "Columns"),
    "filter": ("Filter", "Filter"),
    "filters": ("Filters", "Filters"),
    "threshold": ("Drempel achterblijvend (%)", "Lagging threshold (%)"),
    "lagging_measure": ("Achterblijvend gemeten met", "Lagging measured by"),
    "exported_at": ("Geëxporteerd op (Europe/Amsterdam)", "Exported at (Europe/Amsterdam)"),
    "software": ("Softwareversie", "Software version"),
    "without_member_count": ("Brancheorganisaties zonder ledental", "Associations without a member count"),
    "without_member_share": ("Activiteiten zonder aandeel leden", "Activities without a member share"),
    "empty": ("Lege cel", "Empty cell"),
    "neutralised": ("Tekst als formule", "Text as a formula"),
    "decimals": ("Decimalen", "Decimals"),
    "left_out": ("Niet in deze werkmap", "Not in this workbook"),
}

#: What every measure and column means (the explanation sheet and datapackage.json).
DEFINITIONS: dict[str, Pair] = {
    "lagging": ("Een cel is achterblijvend als het aspect relevant is (relevantie uit de risicoanalyse boven "
                "de drempel voor relevantie; zonder risicoanalyse is elk aspect relevant) en het aandeel (of de "
                "ledendekking) onder de drempel ligt; lege cellen zijn nooit achterblijvend. In het werkblad "
                "Matrix zijn ze gemarkeerd en per rij opgesomd.",
                "A cell lags when the aspect is relevant (relevance from the risk analysis above the relevance "
                "threshold; without a risk analysis every aspect is relevant) and the share (or member "
                "coverage) is below the threshold; empty cells never lag. On the Matrix sheet they are marked "
                "and listed per row."),
    "empty": ("Een lege cel betekent: geen responderende organisatie in de rij (geen 0).",
              "An empty cell means: no responding organisation in the row (not 0)."),
    "benchmark": ("Transparantiebenchmark per sector: het laatste jaar niet na het jaar van de ronde; in dat "
                  "jaar het gemiddelde van de organisatiescores als die er zijn, anders de sectorrij. Het "
                  "totaal is gewogen naar aantal bedrijven en telt elke sector één keer. Rijen per sector en "
                  "soort krijgen de cijfers van hun sector; rijen per branche hebben geen benchmark (een "
                  "branche kan meerdere sectoren omvatten).",
                  "Transparantiebenchmark per sector: the latest year not after the round's year; within "
                  "that year the mean of the organisations' scores when there are any, else the sector's "
                  "row. The total is weighted by the number of companies and counts each sector once. Rows "
                  "by sector and kind get their sector's figures; rows by branch have no benchmark (a branch "
                  "can span several sectors)."),
    "neutralised": ("Tekst die begint met =, +, -, @, een tab of een regelterugloop krijgt een ' ervoor, "
                    "zodat een spreadsheet hem nooit als formule uitvoert.",
                    "Text beginning with =, +, -, @, a tab or a carriage return gets a ' in front, so that "
                    "a spreadsheet never runs it as a formula."),
    "activities_long": ("Eén rij per activiteit × aspect × land × productgroep; een activiteit zonder landen "
                        "of productgroepen geeft rijen met die kolom leeg. Voor draaitabellen.",
                        "One row per activity × aspect × country × product group; an activity without "
                        "countries or product groups gives rows with that column empty. For pivot tables."),
    "answers": ("Eén rij per responderende organisatie, één kolom per vraagcode; meerdere codes gescheiden "
                "door ';', herhaalde antwoorden door ' | '. Het codeboek geeft de betekenis.",
                "One row per responding organisation, one column per question code; several codes "
                "separated by ';', repeated answers by ' | '. The codebook gives their meaning."),
}

#: The figures' names and meanings come from `measures.py`: one vocabulary for the page,
#: the exports and the API.
HEADERS.update({code: (measures.header(code, "nl"), measures.header(code, "en")) for code in measures.FIGURES})
DEFINITIONS.update({code: figure.description for code, figure in measures.FIGURES.items()})
DEFINITIONS.update({key: measures.figure(key).description for key in MEASURE_KEYS})

#: The sheet that stands in for a table too long for Excel.
TOO_LONG: Pair = (
    "Deze tabel heeft {rows} rijen, meer dan de {limit} die Excel aankan. Gebruik de CSV-export "
    "(imvo matrix export ... --format csv).",
    "This table has {rows} rows, more than the {limit} Excel can hold. Use the CSV export "
    "(imvo matrix export ... --format csv).",
)

#: The explanation sheet's line for each table left out of the workbook.
LEFT_OUT: Pair = (
    "Deze tabel heeft {rows} rijen, meer dan de {limit} die Excel aankan, en is daarom uit deze werkmap "
    "weggelaten. Hij staat volledig in de CSV-export, als {file} in het ZIP-bestand (CSV op de matrixpagina, "
    "of imvo matrix export ... --format csv).",
    "This table has {rows} rows, more than the {limit} Excel can hold, so it was left out of this workbook. "
    "It is in full in the CSV export, as {file} in the ZIP file (CSV on the matrix page, or imvo matrix "
    "export ... --format csv).",
)

#: The labels of the matrix's rows that are no reference entry: the totals row, and
#: "none" (organisations without a sector or branch, or without a kind).
ROW_MARKERS: dict[str, Pair] = {"total": ("Totaal", "Total"), "none": ("Geen", "None")}

#: Shown in the filters line when none is set.
NO_FILTERS: Pair = ("geen: alle benaderde organisaties en hun activiteiten",
                    "none: every targeted organisation and its activities")


def text(pair: Pair, language: str) -> str:
    """The English or (by default) Dutch half of a pair."""
    return pair[1] if language == "en" else pair[0]


def header(code: str, language: str) -> str:
    """A column header; an unknown code is its own header (question codes, say)."""
    pair = HEADERS.get(code)
    return text(pair, language) if pair else code


def code_label(codes: str, code: str | None, language: str) -> str | None:
    """The label of a code from one of the CODES lists; an unknown code stays itself."""
    if code is None:
        return None
    pair = CODES[codes].get(code)
    return text(pair, language) if pair else code


def row_label(matrix: Matrix, key: str, language: str) -> str:
    """A matrix row's label: the reference list's label, "Voedsel en drank / Bedrijf"
    for rows by sector and kind, "Geen" for "none", "Totaal" for the totals row."""
    if key == TOTAL_KEY:
        return text(ROW_MARKERS["total"], language)
    code, kind = row_parts(key)
    reference = matrix.row_reference
    name = text(ROW_MARKERS["none"], language) if code is None else \
        str(reference.at[code, "label_en" if language == "en" else "label_nl"])
    if matrix.rows_by != "sector_kind":
        return name
    return f"{name} / {text(ROW_MARKERS['none'], language) if kind is None else code_label('kind', kind, language)}"


def number(value: int, language: str) -> str:
    """A whole number with thousands separators: 1.048.576 in Dutch, 1,048,576 in English."""
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", ".")


def sheet(key: str, language: str) -> str:
    return text(SHEETS[key], language)


#: What a column holds, where its header does not say enough (datapackage.json).
DESCRIPTIONS: dict[str, Pair] = {
    "activity_id": ("Nummer van de activiteit; koppelt Activiteiten en Activiteiten_lang.",
                    "Number of the activity; links Activities and Activities_long."),
    "organisation": ("Naam van de responderende organisatie.", "Name of the responding organisation."),
    "kind": ("Soort organisatie bij indiening.", "Kind of organisation at submission."),
    "sector": ("Sector van de organisatie bij indiening (de rij van de matrix).",
               "The organisation's sector at submission (the matrix row)."),
    "branch": ("Branche van de organisatie bij indiening.", "The organisation's branch at submission."),
    "aspects": ("IMVO-aspecten van de activiteit, gescheiden door '; '.",
                "The activity's IMVO aspects, separated by '; '."),
    "countries": ("Landen of regio's, gescheiden door '; '.", "Countries or regions, separated by '; '."),
    "product_groups": ("Productgroepen, gescheiden door '; '.", "Product groups, separated by '; '."),
    "member_share": ("Aandeel van de leden dat meedoet, 0-100 (brancheorganisaties en schappen).",
                     "Share of the members taking part, 0-100 (associations and boards)."),
    "publish_consent": ("Toestemming om de activiteit als goed voorbeeld te publiceren.",
                        "Consent to publish the activity as a good practice."),
    "row_code": ("Code van de rij (sector- of branchecode); _total is het totaal, _none zonder sector.",
                 "Code of the row (sector or branch code); _total is the total, _none without a sector."),
    "lagging": ("De achterblijvende cellen van de rij (kolomkoppen).", "The row's lagging cells (column headers)."),
    "choices": ("Code=label per antwoordmogelijkheid, gescheiden door '; '.",
                "Code=label per option, separated by '; '."),
}


def column_description(code: str, language: str) -> str:
    """A column's description: its own text, or else its header."""
    pair = DESCRIPTIONS.get(code) or (measures.FIGURES[code].description if code in measures.FIGURES else None)
    return text(pair, language) if pair else header(code, language)
