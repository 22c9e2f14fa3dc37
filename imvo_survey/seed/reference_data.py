"""The reference lists of DOMAIN.md ("Reference codes"): codes never change, labels may.

Each entry is (code, Dutch label, English label); the order is the display order.
"""

from __future__ import annotations

#: The Transparantiebenchmark's 18 sectors in the order of the seed's Tabel 1, with the
#: aliases printed there.
SECTORS = [
    ("banken", "Banken", "Banks", ()),
    ("transport", "Transport", "Transport", ("Transport & logistiek",)),
    ("energie", "Energie", "Energy", ()),
    ("ingenieurs", "Ingenieurs", "Engineering", ()),
    ("verzekeraars", "Verzekeraars", "Insurance", ()),
    ("media", "Media", "Media", ()),
    ("consumentenproducten", "Consumentenproducten", "Consumer products", ("Consumentenp.",)),
    ("voedsel_drank", "Voedsel en drank", "Food and beverages", ("Voedsel/drank",)),
    ("olie_gas", "Olie en gas", "Oil and gas", ()),
    ("industriele_goederen", "Industriële goederen", "Industrial goods", ("Industriegoed",)),
    ("retail_food", "Retail food", "Food retail", ()),
    ("technologie", "Technologie", "Technology", ()),
    ("uitzendbureaus", "Uitzendbureaus", "Staffing agencies", ()),
    ("it", "IT", "IT", ()),
    ("maritiem", "Maritiem", "Maritime", ()),
    ("retail_nonfood", "Retail nonfood", "Non-food retail", ()),
    ("handelsmaatschappijen", "Handelsmaatschappijen", "Trading companies", ("Handelsmaats",)),
    ("overig", "Overig", "Other", ()),
]

#: MVO Nederland's selected branches plus wholesale and retail, with the sectors they fall under.
BRANCHES = [
    ("chemicals_pharma", "Organische chemie en farmacie (incl. rubber en kunststof)",
     "Organic chemicals and pharmaceuticals (incl. rubber and plastics)",
     ("industriele_goederen", "consumentenproducten")),
    ("metals", "IJzer, staal en non-ferrometalen, ijzerwaren",
     "Iron, steel and non-ferrous metals, hardware", ("industriele_goederen",)),
    ("electrical_machines", "Elektrische apparaten, machines en voertuigen",
     "Electrical appliances, machines and vehicles", ("technologie", "industriele_goederen", "it")),
    ("manufactured_goods", "Diverse fabricaten (huishoud- en kantoorartikelen, meubels)",
     "Miscellaneous manufactured goods (household and office articles, furniture)",
     ("consumentenproducten", "retail_nonfood")),
    ("textiles_clothing", "Textiel, tapijt en kleding", "Textiles, carpets and clothing",
     ("consumentenproducten", "retail_nonfood")),
    ("wholesale_retail", "Groot- en detailhandel", "Wholesale and retail",
     ("handelsmaatschappijen", "retail_food", "retail_nonfood")),
]

ASPECT_GROUPS = [
    ("human_rights", "Mensenrechten", "Human rights"),
    ("labour", "Arbeidsomstandigheden en arbeidsnormen", "Labour conditions and labour standards"),
    ("environment", "Milieu", "Environment"),
    ("governance", "Goed bestuur en consumentenbelangen", "Governance and consumer interests"),
    ("animal_welfare", "Dierenwelzijn", "Animal welfare"),
]

#: (code, Dutch, English, group code)
ASPECTS = [
    ("human_rights", "Mensenrechten (algemeen)", "Human rights (general)", "human_rights"),
    ("land_rights", "Landrechten en lokale gemeenschappen", "Land rights and local communities", "human_rights"),
    ("freedom_of_association", "Vrijheid van vakvereniging en collectief onderhandelen",
     "Freedom of association and collective bargaining", "labour"),
    ("forced_labour", "Uitbannen van dwangarbeid", "Elimination of forced labour", "labour"),
    ("child_labour", "Afschaffen van kinderarbeid", "Abolition of child labour", "labour"),
    ("discrimination", "Uitbannen van discriminatie in beroep en beroepsuitoefening",
     "Elimination of discrimination in employment", "labour"),
    ("wages", "Lonen (leefbaar loon)", "Wages (living wage)", "labour"),
    ("working_hours", "Werktijden", "Working hours", "labour"),
    ("health_safety", "Gezondheid en veiligheid", "Health and safety", "labour"),
    ("climate", "Klimaat en broeikasgassen", "Climate and greenhouse gases", "environment"),
    ("biodiversity", "Biodiversiteit en ontbossing", "Biodiversity and deforestation", "environment"),
    ("water", "Water", "Water", "environment"),
    ("pollution_waste", "Vervuiling en afval", "Pollution and waste", "environment"),
    ("anti_corruption", "Bestrijding van corruptie", "Anti-corruption", "governance"),
    ("consumer_interests", "Consumentenbelangen", "Consumer interests", "governance"),
    ("animal_welfare", "Dierenwelzijn", "Animal welfare", "animal_welfare"),
]

ACTIVITY_TYPES = [
    ("code_of_conduct", "Gedragscode", "Code of conduct"),
    ("supplier_code", "Leverancierscode en contractclausules", "Supplier code and contract clauses"),
    ("due_diligence", "Risicoanalyse / due diligence", "Risk analysis / due diligence"),
    ("audit_monitoring", "Audits en monitoring van leveranciers", "Supplier audits and monitoring"),
    ("certification", "Certificering of keurmerk", "Certification or label"),
    ("chain_initiative", "Keteninitiatief of rondetafel", "Chain initiative or round table"),
    ("capacity_building", "Capaciteitsopbouw bij leveranciers", "Capacity building with suppliers"),
    ("complaint_mechanism", "Klachtenmechanisme", "Complaint mechanism"),
    ("stakeholder_dialogue", "Dialoog met belanghebbenden", "Stakeholder dialogue"),
    ("reporting", "Rapportage", "Reporting"),
    ("other", "Anders", "Other"),
]

REPORTING_CHANNELS = [
    ("annual_report", "Jaarverslag", "Annual report"),
    ("sustainability_report", "Apart duurzaamheidsverslag", "Separate sustainability report"),
    ("sector_report", "Sectorverslag", "Sector report"),
    ("website", "Website", "Website"),
    ("publication", "Brochure of publicatie", "Brochure or publication"),
    ("other", "Anders", "Other"),
]

PRODUCT_GROUPS = [
    ("coffee", "Koffie", "Coffee"),
    ("cocoa", "Cacao", "Cocoa"),
    ("soy_feed", "Soja en veevoer", "Soy and animal feed"),
    ("vegetable_oils", "Palmolie en andere plantaardige oliën", "Palm oil and other vegetable oils"),
    ("tea", "Thee", "Tea"),
    ("tropical_timber", "Tropisch hout", "Tropical timber"),
    ("natural_stone", "Natuursteen", "Natural stone"),
    ("cotton", "Katoen", "Cotton"),
    ("textiles_clothing", "Textiel en kleding", "Textiles and clothing"),
    ("footwear", "Schoeisel", "Footwear"),
    ("toys", "Speelgoed", "Toys"),
    ("electronics", "Elektronica en computers", "Electronics and computers"),
    ("metals_minerals", "Metalen en mineralen", "Metals and minerals"),
    ("chemicals_plastics", "Chemicaliën en kunststoffen", "Chemicals and plastics"),
    ("flowers_plants", "Bloemen en planten", "Flowers and plants"),
    ("fish", "Vis", "Fish"),
    ("other", "Overig", "Other"),
]

CHAIN_INITIATIVES = [
    ("idh", "IDH (Initiatief Duurzame Handel)", "IDH (Sustainable Trade Initiative)"),
    ("fsc", "FSC (Forest Stewardship Council)", "FSC (Forest Stewardship Council)"),
    ("rspo", "Rondetafel duurzame palmolie (RSPO)", "Roundtable on Sustainable Palm Oil (RSPO)"),
    ("rtrs", "Rondetafel verantwoorde soja (RTRS)", "Round Table on Responsible Soy (RTRS)"),
    ("mvo_nl_branch_programme", "Internationaal brancheprogramma MVO Nederland",
     "MVO Nederland international branch programme"),
    ("other", "Anders", "Other"),
]

#: Regions used in the seed, with their ISO 3166-1 alpha-2 members.
REGIONS = [
    ("west_africa", "West-Afrika", "West Africa",
     ("BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SN", "SL", "TG")),
    ("south_america", "Zuid-Amerika", "South America",
     ("AR", "BO", "BR", "CL", "CO", "EC", "GY", "PY", "PE", "SR", "UY", "VE")),
    ("south_east_asia", "Zuidoost-Azië", "South-East Asia",
     ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")),
    ("east_asia", "Oost-Azië", "East Asia", ("CN", "HK", "JP", "KP", "KR", "MN", "MO", "TW")),
]
