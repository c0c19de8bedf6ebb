"""Fuzzy matching of people, addresses and companies (apps.crossmatch.names).

Unit tests first, then the evaluation on the labelled set of tests/crossmatch/labelled.py:
people through keys -> blocking index -> candidates -> score -> threshold; addresses and
companies through the matcher itself (each posted as a report, matched as the worker does).
The evaluation prints precision, recall, F1 and blocking recall and fails if any of them
drops below the level recorded here (run with -s to see the numbers).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date

import pytest

from apps.crossmatch.names import (
    ADDRESS_MATCH_THRESHOLD,
    COMPANY_MATCH_THRESHOLD,
    MAX_KEYS_PER_NAME,
    PERSON_MATCH_THRESHOLD,
    BlockingIndex,
    PersonRecord,
    address_keys,
    address_score,
    company_keys,
    company_score,
    deletes,
    display_forms,
    dob_relation,
    fold,
    fold_forms,
    latin_forms,
    name_tokens,
    person_keys,
    person_score,
)
from tests.crossmatch import labelled, linkage

pytestmark = pytest.mark.once  # no database or services: the first pass only

P = PersonRecord
D = date(1980, 3, 14)


def same(a: str, b: str, da=None, db=None, **kw) -> float:
    return person_score(P(a, da), P(b, db), **kw)[0]


def keys_meet(a: str, b: str) -> bool:
    return bool(person_keys(a) & person_keys(b))


# ---------------------------------------------------------------------------------------
# Transliteration and fold
# ---------------------------------------------------------------------------------------


def test_greek_elot_and_phonetic_forms():
    assert display_forms("Χρήστος Παπαδόπουλος") == [
        "Christos Papadopoulos",
        "Hristos Papadopoulos",
    ]
    assert latin_forms("Ευάγγελος")[0] == "evangelos"  # ευ+vowel -> ev, γγ -> ng
    assert latin_forms("Ευθυμία")[0] == "efthymia"  # ευ+voiceless -> ef
    assert latin_forms("Μπακογιάννης")[:2] == ("mpakogiannis", "bakoyannis")
    assert latin_forms("Αϊδίνης")[0] == "aidinis"  # diaeresis splits αι


def test_bulgarian_and_macedonian_rules_not_russian():
    assert display_forms("Георги Щерев") == ["Georgi Shterev"]  # not Shcherev
    assert latin_forms("Цветан Жеков Кръстев")[0] == "tsvetan žekov krastev"
    assert display_forms("Ѓорѓи Џевдет Ќосевски Ѕвездаков")[0] == (
        "Gjorgji Dževdet Kjosevski Dzvezdakov".replace("Dž", "Dzh")
    )
    assert display_forms("Љубица Њагул Јован")[0] == "Ljubica Njagul Jovan"
    assert display_forms("Юлия Ямбол")[0] == "Yuliya Yambol"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Χρήστος", "Christos"),
        ("Χρήστος", "Hristos"),
        ("Χρήστος", "Khristos"),
        ("Щерев", "Shterev"),
        ("Георги", "Georgi"),
        ("Ѓорѓи", "Gjorgji"),
        ("Đorđi", "Gjorgji"),
        ("Xhevdet", "Dzhevdet"),
        ("Xhevdet", "Dževdet"),
        ("Xhevdet", "Џевдет"),
        ("Çela", "Chela"),
        ("Çela", "Чела"),
        ("Dvořák", "Dvorak"),
        ("Müller", "Mueller"),
        ("Ivanoff", "Ivanov"),
        ("Iwanow", "Ivanov"),
        ("Petrović", "Petrovich"),
        ("Petrović", "Petrovitch"),
        ("Jovanovski", "Jovanovsky"),
        ("Papadopoulos", "Papadopulos"),
        ("Kovács", "Kovach"),
        ("Gonçalves", "Goncalves"),
        ("Konstantinos", "Κωνσταντίνος"),
        ("Giannis", "Γιάννης"),
        ("Yannis", "Γιάννης"),
        ("Panayiotis", "Παναγιώτης"),
        ("Bakoyannis", "Μπακογιάννης"),
        ("Mpakogiannis", "Bakoyannis"),
        ("Gkikas", "Gikas"),
        ("Ntokos", "Dokos"),
        ("Lambros", "Lampros"),
        ("Yordan", "Jordan"),
        ("Йордан", "Jordan"),
        ("Christophoros", "Christoforos"),
        ("Ksenakis", "Xenakis"),
        ("Strandzha", "Странджа"),
        ("Qosja", "Kjosja"),
        ("Ќосевски", "Ćosevski"),
    ],
)
def test_variants_share_a_key_form(a, b):
    assert set(_all_forms(a)) & set(_all_forms(b)), (a, b, _all_forms(a), _all_forms(b))


def _all_forms(word: str) -> list[str]:
    return [f for lat in latin_forms(word) for f in fold_forms(lat)]


def test_fold_keeps_different_names_apart():
    for a, b in [
        ("Ivan", "Ivana"),
        ("Petrov", "Petrova"),
        ("Maria", "Mario"),
        ("Georgiev", "Georgieva"),
        ("Nikolov", "Nikolovski"),
    ]:
        assert fold(a) != fold(b)


# ---------------------------------------------------------------------------------------
# Keys and the blocking index
# ---------------------------------------------------------------------------------------


def test_person_keys_are_bounded_and_namespaced():
    for name in [
        "Χρήστος Παπαδόπουλος",
        "Christos Papadopoulos",
        "Maria del Carmen García López de la Fuente",
        "Ѓорѓи Петровски",
        "X",
    ]:
        ks = person_keys(name)
        assert len(ks) <= MAX_KEYS_PER_NAME
        assert all(k.startswith(("p:", "n:")) and len(k) < 40 for k in ks)
    assert all(k.startswith("a:") for k in address_keys("Hauptstraße 12, 10115 Berlin"))
    assert all(k.startswith("c:") for k in company_keys("Acme Trading Ltd"))


@pytest.mark.parametrize(
    "a, b",
    [
        ("Χρήστος Παπαδόπουλος", "Christos Papadopoulos"),
        ("Hristos Papadopoulos", "Papadopoulos Christos"),
        ("Christos Papadopoulos", "Xristos Papadopolous"),  # typo in each token
        ("Георги Иванов", "Georgi Ivanov"),
        ("Ѓорѓи Петровски", "Gjorgji Petrovski"),
        ("Xhevdet Çela", "Dzhevdet Chela"),
        ("Robert Smith", "Bob Smyth"),  # nickname + typo
        ("Antonín Dvořák", "Dvorak Antonin"),
    ],
)
def test_keys_retrieve_variants(a, b):
    assert keys_meet(a, b)


def test_one_deletion_keys_catch_one_edit_anywhere():
    base = "papadopoulos"
    for variant in [
        "apadopoulos",
        "pbpadopoulos",
        "papdaopoulos",
        "papadopoulosx",
        "papadopouls",
        "papadxpoulos",
    ]:
        assert ({base} | set(deletes(base))) & ({variant} | set(deletes(variant))), variant


def test_blocking_index_ranks_by_shared_keys():
    idx = BlockingIndex()
    names = {
        1: "Christos Papadopoulos",
        2: "Christos Papadakis",
        3: "Maria Papadopoulou",
        4: "John Smith",
        5: "Χρήστος Παπαδόπουλος",
    }
    for i, n in names.items():
        idx.add(i, person_keys(n))
    got = idx.candidates(person_keys("Hristos Papadopoulos"), limit=3)
    ids = [i for i, _ in got]
    assert set(ids[:2]) == {1, 5} and 4 not in ids
    assert idx.candidates(person_keys("Hristos Papadopoulos"), exclude=1)[0][0] == 5


# ---------------------------------------------------------------------------------------
# Person score
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Χρήστος Παπαδόπουλος", "Christos Papadopoulos"),
        ("Χρήστος Παπαδόπουλος", "Hristos Papadopoulos"),
        ("Christos Papadopoulos", "Hristos Papadopoulos"),
        ("Щерев Иван", "Ivan Shterev"),
        ("Георги Иванов", "Georgi Ivanov"),
        ("Ѓорѓи Трајковски", "Gjorgji Trajkovski"),
        ("Xhevdet Çela", "Dzhevdet Chela"),
        ("Antonín Dvořák", "Antonin Dvorak"),
        ("Papadopoulos Christos", "Christos PAPADOPOULOS"),
        ("Giorgos Papadakis", "Georgios Papadakis"),
        ("Γιάννης Οικονόμου", "Ioannis Oikonomou"),
        ("Robert Smith", "Bob Smith"),
        ("Сашо Петров", "Aleksandar Petrov"),
        ("Gjergj Leka", "George Leka"),
        ("Jürgen Müller", "Juergen Mueller"),
        ("Sean O'Brien", "Seán OBrien"),
        ("Anna van den Berg", "Anna Vandenberg"),
    ],
)
def test_same_person_without_date_of_birth(a, b):
    assert same(a, b) >= PERSON_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a, b",
    [
        ("Christos Papadopoulos", "Christos Papadopolous"),  # transposition
        ("Christos Papadopoulos", "Chrstos Papadopoulos"),  # deletion
        ("Georgi Ivanov", "Georgi Ivanovv"),  # insertion
        ("Georgi Ivanov", "Georgi Ivanob"),  # substitution
        ("Mikkel Holm", "Mikkel Hobm"),  # in a short name
    ],
)
def test_typo_with_equal_date_of_birth(a, b):
    assert same(a, b, D, D) >= PERSON_MATCH_THRESHOLD


def test_date_of_birth_raises_and_lowers():
    a, b = "Christos Papadopoulos", "Hristos Papadopoulos"
    missing = same(a, b, D, None)
    equal = same(a, b, D, D)
    transposed = same(a, b, date(1980, 3, 4), date(1980, 4, 3))
    one_digit = same(a, b, D, date(1981, 3, 14))
    different = same(a, b, D, date(1975, 9, 2))
    assert equal > transposed >= one_digit > missing > different
    assert transposed >= PERSON_MATCH_THRESHOLD and one_digit >= PERSON_MATCH_THRESHOLD
    # a typo in a short name and a mistyped digit: still one person (issue 11)
    assert same("Ida Kristensen", "Iad Kristensen", D, date(1980, 3, 17)) >= 0.5
    assert different < 0.05
    assert dob_relation(date(1980, 3, 4), date(1980, 4, 3)) == "transposed"
    assert dob_relation(D, date(1980, 3, 41 - 27)) == "equal"
    assert dob_relation(D, date(1908, 3, 14)) == "one digit"
    assert dob_relation(D, date(1980, 3, 41 - 30)) == "one digit"  # 14 -> 11
    assert dob_relation(D, date(1970, 3, 15)) == "two digits"
    assert dob_relation(D, None) == "missing"


@pytest.mark.parametrize(
    "a, b, da, db",
    [
        ("Ivan Petrov", "Georgi Petrov", D, date(1984, 1, 2)),  # same surname, sibling
        ("Ivan Petrov", "Georgi Petrov", D, None),
        ("Ivan Petrov", "Ivana Petrova", None, None),  # the other gender
        ("Theodoros Chatzis", "Theodora Chatzi", D, None),
        ("Ivan Ivanov", "Ivan Ivanov", D, date(1962, 11, 30)),  # namesake
        ("Maria Papadaki", "Maria Papadakis", D, date(1990, 5, 6)),
        ("Jana Novakova", "Hana Novakova", None, D),  # one letter, no DOB
        ("Christina Wagner", "Christina Wallner", None, D),
        ("Todor Stoyanov", "Todor Stoyanov Todorov", D, date(1950, 1, 1)),
        ("Elena Nikolova", "Elena Nikolovska", None, None),  # derived surname
        ("Petar Todorov", "Todor Petrov", None, None),
        ("John Smith", "Mary Jones", D, D),
    ],
)
def test_different_people(a, b, da, db):
    assert same(a, b, da, db) < PERSON_MATCH_THRESHOLD


def test_reasons_are_readable():
    score, reasons = person_score(P("Χρήστος Παπαδόπουλος", D), P("Christos Papadopoulos", D))
    assert score > 0.99
    assert reasons[0] == (
        "name: 'Χρήστος Παπαδόπουλος' ~ 'Christos Papadopoulos' (transliteration, 1.00)"
    )
    assert "date of birth equal" in reasons
    _, reasons = person_score(P("Robert Smith"), P("Smith Bob", date(1970, 1, 1)))
    assert "nickname" in reasons[0] and "swapped order" in reasons[0]
    assert "nickname: 'Robert' ~ 'Bob'" in reasons
    assert "date of birth missing on one side" in reasons
    _, reasons = person_score(P("Antonín Dvořák"), P("Antonin Dvorak"))
    assert "diacritics" in reasons[0]
    _, reasons = person_score(P("Ivan Petrov", D), P("Ivan Petrov", date(1955, 7, 8)))
    assert reasons[-1] == "date of birth differs (1980-03-14 / 1955-07-08)"


def test_score_is_symmetric_and_bounded():
    pairs = [
        ("Χρήστος Παπαδόπουλος", "Papadopoulos Hristos"),
        ("Ivan Petrov", "Ivana Petrova"),
        ("Robert Smith", "Bob Smyth"),
        ("A", "B"),
        ("", "Ivan"),
    ]
    for a, b in pairs:
        s1, _ = person_score(P(a, D), P(b))
        s2, _ = person_score(P(b), P(a, D))
        assert 0.0 <= s1 <= 1.0 and s1 == s2


def test_rare_names_weigh_more_than_common_ones():
    freq = {"ivan": 0.05, "ivanov": 0.04, "xhevdet": 1e-6, "cela": 2e-6}.get

    def tf(token: str) -> float:
        return freq(token, 1e-4)

    common = same("Ivan Ivanov", "Ivan Ivanov", token_frequency=tf)
    rare = same("Xhevdet Çela", "Xhevdet Chela", token_frequency=tf)
    uniform = same("Ivan Ivanov", "Ivan Ivanov")
    assert rare > uniform > common
    _, reasons = person_score(P("Ivan Ivanov"), P("Ivan Ivanov"), token_frequency=tf)
    assert "common name: weighs less" in reasons


def test_typo_without_date_of_birth_needs_frequencies():
    """Without a date of birth, 'Papadopolous' ~ 'Papadopoulos' counts only when the
    frequencies show it is a rare variant of an established name (SymSpell's reasoning);
    two established names one letter apart (Wagner / Wallner) never match on name alone."""
    counts = {
        "papadopulos": 900,
        "papadopolus": 1,
        "kristos": 500,
        "hristos": 500,
        "vagner": 400,
        "valner": 60,
        "kristina": 300,
    }
    n = 100_000

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    a, b = "Christos Papadopoulos", "Christos Papadopolous"
    assert same(a, b) < PERSON_MATCH_THRESHOLD
    assert same(a, b, token_frequency=tf, name_count=n) >= PERSON_MATCH_THRESHOLD
    assert (
        same("Christina Wagner", "Christina Wallner", token_frequency=tf, name_count=n)
        < PERSON_MATCH_THRESHOLD
    )


def test_a_spelling_without_diacritics_is_the_same_name():
    """Çollaku written without the cedilla is read apart by the fold (ç -> ch, c -> ts/k),
    but it is the same spelling, as ASCII-only documents write it."""
    assert same("Xhafer Çollaku", "Xhafer Collaku") >= PERSON_MATCH_THRESHOLD
    assert same("Çlirim Çollaku", "Clirim Collaku", D, D) > 0.99


def test_a_letter_lost_at_the_end_is_a_typo_not_the_other_gender_form():
    """Monik (seen once) against Monika (established): a typo; Ivan against Ivana, both
    established, stays the other gender's name."""
    counts = {"monika": 40, "monik": 1, "kruger": 30, "ivan": 300, "ivana": 200, "petrov": 90}
    n = 10_000

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    kw = {"token_frequency": tf, "name_count": n}
    assert same("Monika Kruger", "Kruger Monik", D, None, **kw) >= PERSON_MATCH_THRESHOLD
    assert same("Monika Kruger", "Kruger Monik", D, None) < PERSON_MATCH_THRESHOLD
    assert same("Ivan Petrov", "Ivana Petrov", None, None, **kw) < PERSON_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a, b",
    [
        ("Jan Pospíšil", "Honza Pospíšil"),
        ("Ευαγγελία Παπαδάκη", "Litsa Papadaki"),
        ("Веселин Атанасов", "Vesko Atanasov"),
        ("Zsuzsanna Nagy", "Zsuzsa Nagy"),
        ("Conceição Ribeiro", "São Ribeiro"),
        ("Cornelis de Graaf", "Kees de Graaf"),
        ("Sarah Smith", "Sally Smith"),
        ("Николай Димитров", "Nick Dimitrov"),
    ],
)
def test_nicknames_of_many_languages(a, b):
    assert same(a, b, D, D) > 0.9
    assert same(a, b) >= PERSON_MATCH_THRESHOLD


def test_a_misspelt_nickname_is_a_typo_of_the_nickname():
    """Lsii (seen once) is one edit from Lisi, a nickname of Elisabeth; with the date of
    birth it is the same person. Without frequencies, or without a date of birth, it is not
    evidence enough."""
    counts = {"elisabet": 30, "lsii": 1, "volf": 200}
    n = 10_000

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    kw = {"token_frequency": tf, "name_count": n}
    assert same("Elisabeth Wolf", "Lsii Wolf", D, D, **kw) >= PERSON_MATCH_THRESHOLD
    assert same("Elisabeth Wolf", "Lsii Wolf", D, D) < PERSON_MATCH_THRESHOLD
    assert same("Elisabeth Wolf", "Lsii Wolf", D, None, **kw) < PERSON_MATCH_THRESHOLD


def test_a_long_rare_typo_counts_without_a_date_of_birth_while_few_names_are_stored():
    """Issue 11: with few names stored, "Ionescu" and its typo "Ioenscu" have each been seen
    once (in the pair's own records), and _rare_variant cannot tell which is the name. A
    one-edit typo of a long token seen at most twice now counts a little; short tokens and
    a neighbour that is a listed common name (Murray / Murphy) still do not."""
    counts = {"ramona": 3, "ionescu": 1, "ionscu": 1, "brentan": 2, "murai": 4, "murfi": 1}
    n = 80

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    kw = {"token_frequency": tf, "name_count": n}
    assert same("Ramona Ionescu", "Ramona Ioenscu", D, None, **kw) >= PERSON_MATCH_THRESHOLD
    assert same("Ramona Ionescu", "Ramona Ioenscu", D, None) < PERSON_MATCH_THRESHOLD
    assert same("Brendan Murray", "Brendan Murphy", D, None, **kw) < PERSON_MATCH_THRESHOLD


def test_a_rare_spelling_is_a_typo_only_one_letter_away_and_if_no_listed_name():
    """Maros (a typo of Marios, seen once) is no typo of Maria: another ending, not a
    letter lost; Bos, a common Dutch name, is no typo of (De) Boer."""
    counts = {"maros": 1, "maria": 60, "mihailidi": 3, "mihalides": 1, "anuk": 20}
    counts |= {"bor": 7, "debor": 7, "bos": 1}
    n = 5_000

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    kw = {"token_frequency": tf, "name_count": n}
    assert same("Maros Mikhaelides", "Μαρία Μιχαηλίδη", None, D, **kw) < PERSON_MATCH_THRESHOLD
    assert same("Anouk De Boer", "Anouk Bos", None, D, **kw) < PERSON_MATCH_THRESHOLD


def test_twins_at_one_address_are_two_people():
    """One family name, one date of birth, two established given names: twins, however
    rare the family name (issue 11: shared addresses of different people)."""
    counts = {"teresa": 9, "verena": 7, "lehner": 1, "josef": 20, "aleksander": 15, "maier": 3}
    n = 5_000

    def tf(token: str) -> float:
        return counts.get(token, 0) / n

    kw = {"token_frequency": tf, "name_count": n}
    assert same("Theresa Lechner", "Verena Lechner", D, D, **kw) < PERSON_MATCH_THRESHOLD
    assert same("Josef MAYER", "Alexander Mayer", D, D, **kw) < PERSON_MATCH_THRESHOLD
    _, reasons = person_score(P("Josef Mayer", D), P("Alexander Mayer", D), **kw)
    assert "rare name: weighs more" not in reasons


def test_an_initial_i_before_a_vowel_is_the_iotated_cyrillic_letter():
    """Iuliia, Iana: the passport (ICAO) and Unidecode spelling of Юлия, Яна."""
    assert same("Юлия Чолакова", "Iuliia Cholakova", D, D) > 0.99
    assert same("Яна Ценова", "Iana Tsenova") >= PERSON_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a, b",
    [
        ("Nikolaj Marinow", "Николай Маринов"),
        ("Bojan Petrovski", "Boyan Petrovski"),
        ("Kalojan Iwanow", "Калоян Иванов"),
        ("Andrej Novak", "Andrey Novak"),
    ],
)
def test_a_j_between_vowels_or_at_the_end_is_the_glide_others_write_y(a, b):
    assert same(a, b) >= PERSON_MATCH_THRESHOLD  # the same spelling: no date needed


def test_the_dutch_ij_is_the_y_others_write():
    assert same("Anouk Dijkstra", "Anouk Dykstra") >= PERSON_MATCH_THRESHOLD
    assert same("Cornelis Meijer", "Cornelis Meyer") >= PERSON_MATCH_THRESHOLD


def test_name_tokens_for_the_frequency_table():
    assert name_tokens("Χρήστος Παπαδόπουλος") == ["hristos", "papadopulos"]
    assert name_tokens("Dr. Anna van der Berg") == ["ana", "berg"]


# ---------------------------------------------------------------------------------------
# Addresses and companies
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hauptstraße 12, 10115 Berlin", "Hauptstr. 12, Berlin"),
        ("ул. Шипка 23, 1000 София", "ul. Shipka 23, 1000 Sofia"),
        ("Οδός Ερμού 15, 105 63 Αθήνα", "Ermou 15, 10563 Athens"),
        ("12 Baker Street, London NW1 6XE", "Baker St 12, NW16XE London"),
        ("Rruga e Durrësit 5, Tiranë 1001", "Rr. e Durresit 5, 1001 Tirana"),
        ("Kalverstraat 92, 1012 PH Amsterdam", "Kalverstr. 92, Amsterdam"),
    ],
)
def test_same_address(a, b):
    assert address_score(a, b)[0] >= ADDRESS_MATCH_THRESHOLD
    assert address_keys(a) & address_keys(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hauptstraße 12, 10115 Berlin", "Hauptstraße 14, 10115 Berlin"),  # neighbour
        ("Hauptstraße 12, 10115 Berlin", "Lindenweg 12, 10115 Berlin"),  # other street
        ("Hauptstraße 12, 10115 Berlin", "Hauptstraße 12, 80331 München"),  # other city
    ],
)
def test_different_address(a, b):
    assert address_score(a, b)[0] < ADDRESS_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "a, b",
    [
        ("ACME Trading Ltd", "Acme Trading Limited"),
        ("ACME Trading Ltd", "ACME TRADING"),
        ("Άλφα Εμπορική Α.Ε.", "Alfa Emporiki SA"),
        ("Бета Транс ЕООД", "Beta Trans EOOD"),
        ("Alphatrans GmbH", "Alpha Trans GmbH & Co. KG"),
        ("Novak s.r.o.", "Novák spol. s r.o."),
        ("Balkan Express", "Balkan Expres"),
        ("Aurora International DAC", "Aurora International"),
        ("Странджа Импекс АД", "Странджа Импекс JSC"),
    ],
)
def test_same_company(a, b):
    assert company_score(a, b)[0] >= COMPANY_MATCH_THRESHOLD
    assert company_keys(a) & company_keys(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Acme Trading", "Acme Logistics"),
        ("Balkan Express", "Balkan Expert"),
        ("Acme Trading Ltd", "Acne Trading Ltd"),
        ("Nordic Imports AB", "Baltic Imports AB"),
        # one more distinctive word on one side: another company of the same owner, at best
        ("Vltava International Kft.", "Vltava Quantum International"),
    ],
)
def test_different_company(a, b):
    assert company_score(a, b)[0] < COMPANY_MATCH_THRESHOLD


# ---------------------------------------------------------------------------------------
# Evaluation on the labelled set
# ---------------------------------------------------------------------------------------

CANDIDATE_LIMIT = 100  # what the service fetches from the key table per new name

# The levels reached (seed labelled.SEED), rounded down a little. The suite fails when any
# of them drops. People: see labelled.py for the composition.
FLOORS = {
    "people, stream, with token frequencies": {"precision": 0.999, "recall": 0.984},
    "people, stream, no frequencies": {"precision": 0.999, "recall": 0.918},
    "people, labelled pairs, with token frequencies": {"precision": 0.999, "recall": 0.984},
    "people, labelled pairs, no frequencies": {"precision": 0.999, "recall": 0.918},
    # addresses and companies: posted as reports and matched by the matcher
    "addresses, labelled pairs": {"precision": 0.999, "recall": 0.999},
    "companies, labelled pairs": {"precision": 0.996, "recall": 0.996},
    "addresses, stream": {"precision": 0.98, "recall": 0.999},
    "companies, stream": {"precision": 0.93, "recall": 0.998},
}
BLOCKING_RECALL_FLOOR = {"people": 0.998}


def _report(name: str, tp: int, fp: int, fn: int, extra: str = "") -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"\n{name}: precision={precision:.4f} recall={recall:.4f} F1={f1:.4f} "
        f"(tp={tp} fp={fp} fn={fn}) {extra}"
    )
    return {"precision": precision, "recall": recall, "f1": f1}


def _check(name: str, got: dict[str, float]) -> None:
    floor = FLOORS[name]
    assert got["precision"] >= floor["precision"], (name, got)
    assert got["recall"] >= floor["recall"], (name, got)


@pytest.fixture(scope="module")
def labelled_set():
    t0 = time.perf_counter()
    s = labelled.build()
    print(
        f"\nlabelled set built in {time.perf_counter() - t0:.1f}s: {len(s.people)} person "
        f"records of {len({r.entity for r in s.people})} people, {len(s.person_pairs)} "
        f"labelled person pairs, {len(s.address_pairs)} address pairs, "
        f"{len(s.company_pairs)} company pairs"
    )
    print("person pairs:", s.composition())
    return s


@pytest.fixture(scope="module")
def people_index(labelled_set):
    keys = {r.rid: person_keys(r.name, r.country) for r in labelled_set.people}
    counts: Counter[str] = Counter()
    for r in labelled_set.people:
        counts.update(set(name_tokens(r.name, r.country)))
    n = len(labelled_set.people)
    print(
        f"keys per name: mean {sum(map(len, keys.values())) / n:.1f}, "
        f"max {max(map(len, keys.values()))}"
    )
    return keys, (lambda t: counts.get(t, 0) / n), n


def _rec(r) -> PersonRecord:
    return PersonRecord(r.name, r.dob, r.country)


@pytest.mark.parametrize("with_tf", [True, False], ids=["tf", "uniform"])
def test_people_stream_through_the_index(labelled_set, people_index, with_tf):
    """As the service runs: records arrive one by one (shuffled); each new record's keys
    fetch candidates from the index of all earlier ones (top CANDIDATE_LIMIT by shared
    keys), each candidate is scored, and a score at the threshold is a match. Truth: the
    two records are of one synthetic person. Every same-person pair counts for recall,
    every wrong match of any two records for precision."""
    keys, tf, n = people_index
    kw = {"token_frequency": tf, "name_count": n} if with_tf else {}
    order = list(labelled_set.people)
    by_rid = {r.rid: r for r in order}
    random.Random(7).shuffle(order)
    per_entity = Counter(r.entity for r in order)
    total_true = sum(k * (k - 1) // 2 for k in per_entity.values())
    idx = BlockingIndex()
    tp = fp = retrieved_true = n_cands = 0
    t0 = time.perf_counter()
    for r in order:
        cands = idx.candidates(keys[r.rid], limit=CANDIDATE_LIMIT)
        n_cands += len(cands)
        for cid, _shared in cands:
            o = by_rid[cid]
            same_person = o.entity == r.entity
            retrieved_true += same_person
            if person_score(_rec(r), _rec(o), **kw)[0] >= PERSON_MATCH_THRESHOLD:
                tp += same_person
                fp += not same_person
        idx.add(r.rid, keys[r.rid])
    elapsed = time.perf_counter() - t0
    blocking_recall = retrieved_true / total_true
    name = "people, stream, with token frequencies" if with_tf else "people, stream, no frequencies"
    got = _report(
        name,
        tp,
        fp,
        total_true - tp,
        f"blocking recall={blocking_recall:.4f} candidates/record="
        f"{n_cands / len(order):.1f} scored in {elapsed:.1f}s",
    )
    assert blocking_recall >= BLOCKING_RECALL_FLOOR["people"]
    _check(name, got)


@pytest.mark.parametrize("with_tf", [True, False], ids=["tf", "uniform"])
def test_people_labelled_pairs(labelled_set, people_index, with_tf):
    """The labelled pairs (true matches of every variant kind, and the near misses):
    a pair is predicted a match when the index of all records returns the second for the
    first's keys and the score reaches the threshold."""
    keys, tf, n = people_index
    kw = {"token_frequency": tf, "name_count": n} if with_tf else {}
    idx = BlockingIndex()
    for r in labelled_set.people:
        idx.add(r.rid, keys[r.rid])
    tp = fp = fn = blocked = n_true = 0
    fn_kinds: Counter[str] = Counter()
    fp_kinds: Counter[str] = Counter()
    for p in labelled_set.person_pairs:
        found = p.b.rid in {
            i for i, _ in idx.candidates(keys[p.a.rid], limit=CANDIDATE_LIMIT, exclude=p.a.rid)
        }
        pred = found and person_score(_rec(p.a), _rec(p.b), **kw)[0] >= PERSON_MATCH_THRESHOLD
        if p.match:
            n_true += 1
            blocked += found
            tp += pred
            fn += not pred
            if not pred:
                fn_kinds[p.kind] += 1
        elif pred:
            fp += 1
            fp_kinds[p.kind] += 1
    name = (
        "people, labelled pairs, with token frequencies"
        if with_tf
        else "people, labelled pairs, no frequencies"
    )
    got = _report(name, tp, fp, fn, f"blocking recall={blocked / n_true:.4f}")
    print("  missed:", fn_kinds.most_common(8), " wrong:", fp_kinds.most_common(5))
    assert blocked / n_true >= BLOCKING_RECALL_FLOOR["people"]
    _check(name, got)


@pytest.mark.slow
@pytest.mark.parametrize("what", ["addresses", "companies"])
def test_addresses_and_companies_labelled_pairs_through_the_matcher(
    labelled_set, what, world, post
):
    """Each labelled address (company) is posted as a report naming it, through the real
    write path, and matched as the worker does (report_match on commit, alerts included).
    A labelled pair is predicted a match when the matcher made a Match of that entity (exact
    or fuzzy) between the reports of its two texts. The stream figures count every pair of
    reports: same-entity pairs for recall, every match of two entities for precision."""
    entity, rows, pairs = (
        ("address", labelled_set.addresses, labelled_set.address_pairs)
        if what == "addresses"
        else ("company", labelled_set.companies, labelled_set.company_pairs)
    )

    run = linkage.places_run(entity, rows, pairs, post, world.coordinator, world.postal)

    print(f"\n{what}: {len(rows)} reports posted and matched in {run.seconds:.1f}s")
    name = f"{what}, labelled pairs"
    got = _report(name, run.labelled.tp, run.labelled.fp, run.labelled.fn)
    stream = _report(f"{what}, stream", run.stream.tp, run.stream.fp, run.stream.fn)
    _check(name, got)
    _check(f"{what}, stream", stream)
