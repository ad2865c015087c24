"""Synthetic data for the demo county: invented names and plausible distributions (no real people)."""

from __future__ import annotations

GIVEN = [
    "Amina",
    "Ahmad",
    "Fatima",
    "Mohammad",
    "Olena",
    "Oleksandr",
    "Zainab",
    "Ali",
    "Mariam",
    "Hassan",
    "Nour",
    "Yusuf",
    "Daria",
    "Andrii",
    "Leyla",
    "Omar",
    "Hawa",
    "Abdi",
    "Shirin",
    "Reza",
    "Iryna",
    "Mykola",
    "Sara",
    "Ibrahim",
    "Aisha",
    "Mustafa",
    "Yasmin",
    "Khaled",
    "Kateryna",
    "Dmytro",
    "Samira",
    "Tesfay",
    "Helen",
    "Mamadou",
    "Fatoumata",
    "Elif",
    "Emre",
    "Rania",
    "Bashir",
    "Nadia",
]
FAMILY = [
    "Haddad",
    "Rahimi",
    "Hosseini",
    "Kovalenko",
    "Shevchenko",
    "Al-Khatib",
    "Yousef",
    "Mahmoud",
    "Karimi",
    "Bondarenko",
    "Tkachenko",
    "Ahmadi",
    "Sultani",
    "Barzani",
    "Hamdan",
    "Okonkwo",
    "Diallo",
    "Bah",
    "Tesfaye",
    "Gebremedhin",
    "Yilmaz",
    "Demir",
    "Nazari",
    "Rezaei",
    "Melnyk",
    "Kravchenko",
    "Saleh",
    "Omar",
    "Hussein",
    "Abdullah",
    "Jafari",
    "Mohammadi",
    "Sidibe",
    "Camara",
    "Berhane",
    "Aziz",
    "Farah",
    "Nasser",
    "Popova",
]
NATIONALITIES = [
    ("syrisch", 26),
    ("ukrainisch", 22),
    ("afghanisch", 14),
    ("irakisch", 9),
    ("türkisch", 7),
    ("eritreisch", 5),
    ("guineisch", 4),
    ("iranisch", 5),
    ("somalisch", 3),
    ("nigerianisch", 3),
    ("georgisch", 2),
]
LANGUAGES = {
    "syrisch": ["ar"],
    "ukrainisch": ["uk", "ru"],
    "afghanisch": ["fa", "ps"],
    "irakisch": ["ar", "ku"],
    "türkisch": ["tr"],
    "eritreisch": ["ti"],
    "guineisch": ["fr"],
    "iranisch": ["fa"],
    "somalisch": ["so"],
    "nigerianisch": ["en"],
    "georgisch": ["ka"],
}
CONCERNS = [
    "Arbeit und Wohnung",
    "Anerkennung des Berufsabschlusses",
    "Kita-Platz und Schulwechsel",
    "Aufenthaltsstatus und Arbeitserlaubnis",
    "Sprachkurs und Arbeit",
    "Gesundheitliche Versorgung",
    "Wohnungssuche",
    "Ausbildungsplatz",
    "Schulden und Leistungsbezug",
    "Familiennachzug",
]
LIFE_AREAS = [
    "language",
    "work_training",
    "housing",
    "health",
    "education",
    "childcare",
    "residence",
    "money",
    "family",
]
GOALS = {
    "language": "Sprachkurs B1 abschließen",
    "work_training": "Ausbildungs- oder Arbeitsplatz finden",
    "housing": "Eigene Wohnung beziehen",
    "health": "Fachärztliche Behandlung sichern",
    "education": "Schulplatz für die Kinder",
    "childcare": "Kita-Platz für das jüngste Kind",
    "residence": "Aufenthalt verfestigen (§ 25b AufenthG prüfen)",
    "money": "Leistungen klären und Schulden regeln",
    "family": "Familiennachzug vorbereiten",
}
# Referral agency -> legal domain of the assessment (forms/assessment.json)
AGENCIES = [
    ("jobcenter", "sgb2", 30),
    ("foreigners_authority", "aufenthg", 18),
    ("employment_agency", "sgb3", 10),
    ("youth_office", "sgb8", 8),
    ("mbe", "none", 8),
    ("social_welfare_office", "sgb12", 7),
    ("jmd", "none", 6),
    ("naturalisation_authority", "stag", 5),
    ("refugee_counselling", "none", 4),
    ("health_services", "none", 2),
    ("school", "none", 1),
    ("integration_agency", "none", 1),
]
# Inhabitants of the county the volumes below describe (Kreis Paderborn, its seed's populations); other
# counties scale by their own (engine/demo/generator.py). Shares per municipality come from the seeds.
REFERENCE_POPULATION = 317_100
# Persons supported per school year (2023/24 is the annual report's 930; others plausible), CM cases likewise
PERSONS = {2022: 780, 2023: 930, 2024: 985, 2025: 1010, 2026: 1000}
CM_CASES = {2022: 301, 2023: 364, 2024: 392, 2025: 405, 2026: 400}
UMA_PER_YEAR = 42  # the UmA team works since 1 Oct 2024
TOPICS = [
    (
        "language",
        "Zu wenige Plätze in Integrationskursen mit Kinderbetreuung",
        "Mehrere Klientinnen können Integrationskurse nicht besuchen, weil Kinderbetreuung fehlt.",
    ),
    (
        "work",
        "Sprache und Arbeitsaufnahme zusammen denken",
        "Beschäftigte brechen Sprachkurse ab; berufsbegleitende Kurse fehlen.",
    ),
    (
        "housing",
        "Wohnungslose Geflüchtete nach Anerkennung",
        "Nach der Anerkennung bleiben Menschen in Gemeinschaftsunterkünften, da Wohnungen fehlen.",
    ),
    (
        "health",
        "Psychotherapie mit Dolmetschung",
        "Traumatisierte Personen warten lange auf Therapieplätze; Dolmetschkosten sind ungeklärt.",
    ),
    (
        "education",
        "Schulplatzvergabe für Seiteneinsteiger",
        "Kinder warten nach Zuzug mehrere Wochen auf einen Schulplatz.",
    ),
    (
        "training",
        "Ausbildungsduldung und Ausbildungsbeginn",
        "Betriebe zögern mit Ausbildungsverträgen, weil die Duldung unklar ist.",
    ),
    (
        "residence",
        "Lange Bearbeitungszeiten bei Aufenthaltserlaubnissen",
        "Arbeitsaufnahmen scheitern, weil Fiktionsbescheinigungen fehlen.",
    ),
    (
        "other",
        "Regeln und Abläufe in Deutschland verstehen",
        "Viele Anliegen entstehen, weil Abläufe der Behörden unbekannt sind.",
    ),
    (
        "language",
        "Sprachkurse im ländlichen Raum schlecht erreichbar",
        "Ohne ÖPNV-Anbindung sind Kurse in der Kreisstadt für viele nicht erreichbar.",
    ),
    (
        "work",
        "Anerkennung ausländischer Berufsabschlüsse dauert zu lange",
        "Fachkräfte arbeiten monatelang unterhalb ihrer Qualifikation.",
    ),
    (
        "health",
        "Fehlende Kinderärztinnen und -ärzte",
        "Familien finden keine kinderärztliche Praxis, die neue Patientinnen aufnimmt.",
    ),
    (
        "housing",
        "Mietkautionen für Leistungsbeziehende",
        "Vermieter verlangen Kautionen, deren Übernahme unterschiedlich gehandhabt wird.",
    ),
]
STATE_AUTHORITY = (
    "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration des Landes NRW"
)


def weighted(rng, pairs):
    """Pick from (value, weight) pairs, or (value, extra, weight) triples (returns the tuple)."""
    total = sum(p[-1] for p in pairs)
    pick = rng.uniform(0, total)
    for p in pairs:
        pick -= p[-1]
        if pick <= 0:
            return p
    return pairs[-1]


# Households: how many persons a case holds (most one to four; up to seven), relationships to the case's
# person, and residence statuses with how many months their papers run (None: no end date).
HOUSEHOLD_SIZES = [(1, 52), (2, 14), (3, 12), (4, 11), (5, 6), (6, 3), (7, 2)]
RESIDENCE = [
    ("gestattung", (3, 6), 18),
    ("duldung", (3, 6), 12),
    ("chancen_104c", (12, 18), 3),
    ("ae_25a", (12, 36), 4),
    ("ae_25b", (12, 36), 3),
    ("ae_24", (6, 24), 18),
    ("ae_other", (12, 36), 16),
    ("settled", None, 10),
    ("eu_citizen", None, 6),
    ("german", None, 6),
    ("unknown", None, 4),
]
