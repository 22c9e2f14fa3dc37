"""The columns of an organisation import: the headers accepted for each (English codes
and Dutch words), and the words accepted in its cells. Shared by the importer and the
template files offered for download."""

#: Column code -> the headers accepted for it (English codes and Dutch words).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "naam"),
    "kind": ("kind", "soort", "type"),
    "size": ("size", "grootte"),
    "sector": ("sector",),
    "branch": ("branch", "branche"),
    "kvk_number": ("kvk_number", "kvk", "kvk_nummer", "kvknummer"),
    "member_count": ("member_count", "leden", "aantal_leden"),
    "mkb_member_count": ("mkb_member_count", "mkb_leden", "aantal_mkb_leden"),
    "website": ("website",),
    "listed": ("listed", "beursgenoteerd"),
    "active": ("active", "actief"),
    "member_of": ("member_of", "lid_van"),
    "contact_name": ("contact_name", "contact_naam", "contactpersoon"),
    "contact_email": ("contact_email", "contact_e_mail", "e_mail", "email"),
    "contact_phone": ("contact_phone", "contact_telefoon", "telefoon"),
    "contact_function": ("contact_function", "contact_functie", "functie"),
    "contact_language": ("contact_language", "contact_taal", "taal"),
    "contact_primary": ("contact_primary", "contact_primair", "primair"),
}
REQUIRED_COLUMNS = ("name", "kind")
ORGANISATION_FIELDS = ("name", "kind", "size", "sector", "branch", "kvk_number", "member_count",
                       "mkb_member_count", "website", "listed", "active")
#: How a list of associations is separated inside the member_of cell.
MEMBER_SEPARATOR = "|"

KIND_WORDS = {
    "brancheorganisatie": "branch_association", "branch association": "branch_association",
    "branchevereniging": "branch_association",
    "productschap": "product_board", "product board": "product_board",
    "hoofdproductschap": "product_board",
    "bedrijfschap": "industry_board", "hoofdbedrijfschap": "industry_board",
    "industry board": "industry_board",
    "bedrijf": "company", "onderneming": "company", "company": "company",
}
SIZE_WORDS = {"large": "large", "groot": "large", "grootbedrijf": "large",
              "mkb": "mkb", "sme": "mkb", "klein": "mkb"}
LANGUAGE_WORDS = {"nl": "nl", "nederlands": "nl", "dutch": "nl", "en": "en", "engels": "en",
                  "english": "en"}
