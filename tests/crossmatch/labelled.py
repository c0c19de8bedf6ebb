"""A seeded generator of labelled people, addresses and companies for cross-matching.

Everything here is synthetic. Names are drawn from small per-country lists written in the
country's own script (Greek for GR/CY, Bulgarian and Macedonian Cyrillic, Latin with
diacritics elsewhere). Variants of one person are made the ways real reports differ:

- another script or another transliteration scheme (ELOT 743 passport spelling, informal
  English-style, Erasmian as Unidecode writes it; Bulgarian official, older BGN, German
  style "Iwanow", Unidecode's Russian style "Shch"; Macedonian passport, Macedonian Latin,
  Serbo-Croatian; Albanian names written in Macedonian Cyrillic and back),
- diacritics dropped or expanded (ü -> ue, ø -> oe, å -> aa), surname in capitals,
- given and family name swapped, Hungarian family-first order, a patronymic or second
  surname dropped,
- a typo (one insertion, deletion, substitution or transposition; rarely two),
- a nickname (Γιώργος for Γεώργιος, Bob for Robert, Сашо for Александър),
- the date of birth missing on one side, day and month transposed, or one digit wrong.

Near misses are other people: namesakes (same name, other date of birth), siblings (same
surname and address, other given name and date of birth), the other gender form (Ivan
Petrov / Ivana Petrova), one letter different with another date of birth, cousins (same
surname, other given name, date of birth possibly missing).

The transliterations here are written independently of ``apps.crossmatch.names`` (they
follow the same public standards, but share no code), so the matcher is not tested
against itself.

Nothing undecidable is labelled: two different people never both have the same (or
nickname-equal) name while one of them lacks a date of birth - no matcher could tell
them apart, and real data would need a human for them.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz.distance import JaroWinkler
from unidecode import unidecode

SEED = 20201116

# ======================================================================================
# Name lists
# ======================================================================================

_GR_MALE = """Γεώργιος Ιωάννης Κωνσταντίνος Δημήτριος Νικόλαος Παναγιώτης Βασίλειος Χρήστος
Αθανάσιος Μιχαήλ Ευάγγελος Σπυρίδων Αντώνιος Αναστάσιος Θεόδωρος Ανδρέας Χαράλαμπος
Αλέξανδρος Εμμανουήλ Ηλίας Σταύρος Πέτρος Στυλιανός Ελευθέριος Απόστολος Φώτιος Διονύσιος
Γρηγόριος Θωμάς Λάμπρος Στέφανος Παύλος Αριστείδης Ξενοφών Ευστάθιος Κυριάκος Μάρκος
Ιάκωβος Λεωνίδας Παρασκευάς""".split()
_GR_FEMALE = """Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Γεωργία Δήμητρα Ευαγγελία
Κωνσταντίνα Χριστίνα Παναγιώτα Ιωάννα Ειρήνη Αναστασία Δέσποινα Χρυσούλα Ευτυχία Φωτεινή
Αθηνά Θεοδώρα Σταυρούλα Παρασκευή Ευθυμία Ζωή""".split()
_GR_SURNAMES = """Παπαδόπουλος Παπαδάκης Παπαδημητρίου Γεωργίου Νικολάου Οικονόμου Παπανικολάου
Βλάχος Αντωνίου Ιωάννου Κωνσταντινίδης Μακρής Καραγιάννης Παπαγεωργίου Δημητρίου
Χριστοδούλου Αθανασίου Πετρόπουλος Σταυρόπουλος Μιχαηλίδης Αλεξίου Ζαχαρίου Ευαγγέλου
Λαμπράκης Τσακίρης Μπακογιάννης Ντόκος Γκίκας Ψαράς Ξενάκης Θεοδωρίδης Χατζηγεωργίου
Κυριακίδης Αγγελόπουλος Φραγκιαδάκης Μαυρίδης Ευθυμίου Τζαννετάκης Κουτσογιάννης
Μπουλμέτης Ντελής Γκούμας Ρήγας Σαββίδης Ζερβός Χαλκιάς Δούκας Φωτόπουλος Τσιμάρας
Κεφαλάς Μαργαρίτης""".split()
_CY_SURNAMES = """Χαραλάμπους Κυριάκου Παναγή Χριστοφόρου Λοΐζου Σάββα Νεοφύτου Ττοφή
Χατζηπαναγή Ευριπίδου Κωνσταντίνου Ζαβρός""".split()

_BG_MALE = """Георги Иван Димитър Николай Петър Христо Стефан Йордан Тодор Атанас Васил
Красимир Стоян Ангел Борис Валентин Пламен Цветан Любомир Емил Александър Кирил Владимир
Румен Светослав Тихомир Калоян Радослав Добромир Жельо Янко Юлиан Огнян Веселин Младен
Цанко Щилиян Богомил""".split()
_BG_FEMALE = """Мария Иванка Елена Йорданка Пенка Десислава Цветелина Радка Гергана Милена
Надежда Виолета Стефка Даниела Анелия Юлия Теодора Жана Снежана Ралица Цвета Яна Божидара
Люба""".split()
_BG_SURNAMES = """Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Атанасов
Ангелов Василев Йорданов Петков Колев Стефанов Маринов Попов Кирилов Цветков Щерев Жеков
Чолаков Шишманов Кръстев Ценов Якимов Юруков Събев Дончев Бъчваров Цанков Хаджиев Гъров
Вълчев Щерионов Жечев Дъбов Чакъров Пъдарев Ерменков Ракитин""".split()

_MK_MALE = """Александар Ѓорѓи Никола Драган Горан Зоран Дејан Владимир Бојан Марко Стефан Игор
Методија Благоја Трајче Живко Љупчо Миле Кире Томе Филип Жарко Кирил Драги Ненад Ѓоко
Славчо Јордан""".split()
_MK_FEMALE = """Марија Елена Ана Јована Билјана Снежана Ивана Катерина Весна Маја Драгана
Љубица Милица Благица Сашка Жанета Јасмина Ѓурѓица""".split()
_MK_SURNAMES = """Петровски Николовски Стојановски Трајковски Јовановски Димитровски Ѓорѓиевски
Илиевски Ристовски Костовски Атанасовски Митревски Стефановски Велјановски Наумовски
Талевски Џамбазовски Ѓуровски Коцев Бошкоски Алексоски Цветковски Шијаковски Чаловски
Жежовски Јанев Ќосевски Ѕвездаков Спасовски Тасевски""".split()

_AL_MALE = """Xhevdet Agron Arben Bujar Dritan Erion Fatmir Gjergj Ilir Kastriot Lulzim Mërgim
Naim Përparim Qemal Rexhep Shpëtim Skënder Valon Xhafer Ylli Zef Besnik Çlirim Gëzim
Hysen Isuf Nexhat Sokol Ardit Ermal Luan""".split()
_AL_FEMALE = """Blerina Drita Elira Fjolla Gentiana Hana Jetmira Liridona Mimoza Nora Rozafa
Shqipe Teuta Valbona Xhulja Zamira Ermira Lindita Mirela Anila Brikena""".split()
_AL_SURNAMES = """Çela Hoxha Shehu Dervishi Gjoka Leka Krasniqi Berisha Gashi Xhaferi Rexhepi
Kola Marku Bajrami Çako Dushku Hysa Lika Mema Prifti Qosja Shkëmbi Tafaj Zeqiri Rama
Basha Meta Dibra Kryeziu Xhemaili Gjini Mulaj Çollaku Ramadani""".split()

_LATIN: dict[str, tuple[str, str, str]] = {
    "RO": (
        """Andrei Alexandru Ion Mihai Gheorghe Constantin Vasile Ștefan Florin Cristian
Răzvan Bogdan Adrian Nicolae Ionuț Dragoș Sorin Cătălin Marius Tudor Lucian Ovidiu""",
        """Maria Elena Ioana Ana Andreea Mihaela Cristina Alexandra Gabriela Roxana
Daniela Ramona Simona Oana Irina Corina Lăcrămioara""",
        """Popescu Ionescu Popa Radu Dumitru Stan Stoica Matei Ciobanu Rusu Munteanu
Lungu Toma Dobre Țurcanu Ștefănescu Brătianu Căpățână Dăscălescu Năstase Șerban Tănase
Vlădescu Moldoveanu Enache Iordache""",
    ),
    "HU": (
        """László István József János Zoltán Sándor Gábor Ferenc Attila Péter Tamás
Zsolt Balázs Csaba György Gyula Lajos Tibor Imre Dániel Miklós""",
        """Mária Erzsébet Katalin Ilona Éva Anna Zsuzsanna Ágnes Krisztina Andrea Judit
Eszter Réka Zsófia Ildikó Tünde""",
        """Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp
Takács Juhász Lakatos Mészáros Oláh Rácz Fekete Szűcs Győri Csonka Zsigmond Gáspár
Fülöp Szalai Vörös""",
    ),
    "CZ": (
        """Jan Jiří Petr Josef Pavel Martin Tomáš Jaroslav Miroslav Zdeněk Václav Michal
František Jakub Lukáš Ondřej Radek Vojtěch Karel""",
        """Marie Jana Eva Hana Anna Lenka Kateřina Věra Lucie Alena Petra Veronika
Jaroslava Tereza Zuzana""",
        """Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec
Pokorný Marek Pospíšil Hájek Jelínek Růžička Beneš Fiala Sedláček Doležal Zeman Kolář
Navrátil Čermák Šťastný Říha Kříž Bartoš""",
    ),
    "LT": (
        """Jonas Petras Antanas Tomas Mindaugas Darius Andrius Gintaras Vytautas Rimantas
Saulius Algirdas Žydrūnas Kęstutis Mantas Giedrius""",
        """Ona Janina Irena Rūta Jūratė Aušra Daiva Kristina Laima Rasa Eglė Gintarė
Agnė Indrė""",
        """Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus
Paulauskas Urbonas Kavaliauskas Baranauskas Pocius Sakalauskas Navickas Žilinskas Šimkus
Rimkus Mockus Balčiūnas Jonaitis""",
    ),
    "EE": (
        """Andres Jaan Toomas Mart Peeter Jüri Tõnu Rein Margus Priit Urmas Indrek Aivar
Lauri Kristjan""",
        """Anne Tiina Kadri Katrin Mari Kristiina Pille Triin Liis Ülle Merle Kärt""",
        """Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel Lepik Oja Kuusk Karu
Põder Väli Lõhmus Mänd""",
    ),
    "FI": (
        """Juha Timo Matti Mikko Kari Jari Antti Jukka Mika Pekka Heikki Ville Sami
Tuomas Jyrki""",
        """Tuula Päivi Sari Minna Johanna Riitta Katja Sanna Kaisa Satu Henna Aino""",
        """Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen
Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Kinnunen Salonen Turunen""",
    ),
    "SE": (
        """Lars Anders Johan Per Erik Karl Mikael Björn Fredrik Magnus Gustav Oskar
Henrik Nils""",
        """Eva Karin Kristina Lena Sara Emma Ingrid Elin Åsa Sofia Maja Linnea""",
        """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson
Gustafsson Pettersson Jonsson Lindberg Lindqvist Bergström Åberg Sjöberg Öberg Holmström
Ekström""",
    ),
    "DK": (
        """Jens Søren Niels Henrik Jørgen Morten Rasmus Mads Kasper Mikkel Bent Poul""",
        """Kirsten Mette Hanne Susanne Lene Camilla Ida Line Birgitte Dorthe""",
        """Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen
Jørgensen Petersen Madsen Kristensen Thomsen Møller Østergaard Bækgaard Dahl Holm""",
    ),
    "NO": (
        """Ole Jan Bjørn Knut Arne Svein Geir Tor Kjell Espen Håkon Øyvind Trond""",
        """Inger Kari Marit Liv Berit Astrid Bjørg Hilde Solveig Tone Randi""",
        """Johansen Olsen Nilsen Kristiansen Karlsen Johnsen Pettersen Eriksen Berg
Haugen Hagen Johannessen Andreassen Jacobsen Solberg Bakken Lie Strøm Ødegård""",
    ),
    "DE": (
        """Thomas Michael Andreas Stefan Peter Christian Klaus Jürgen Frank Uwe Wolfgang
Markus Matthias Jörg Günter Dieter Sebastian Tobias Lukas Maximilian Johannes Friedrich
Heinrich Wilhelm""",
        """Sabine Petra Ursula Monika Andrea Claudia Stefanie Katharina Julia Jutta
Brigitte Birgit Renate Sophie Lea Gudrun""",
        """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger
Hofmann Hartmann Lange Schmitt Werner Krause Lehmann Köhler Weiß Jäger Böhm Vogel""",
    ),
    "AT": (
        """Florian Andreas Christoph Markus Bernhard Gerhard Herbert Josef Franz Leopold
Alexander""",
        """Anna Elisabeth Barbara Christina Johanna Theresa Magdalena Verena""",
        """Gruber Huber Wagner Pichler Steiner Moser Mayer Hofer Leitner Berger
Fuchs Eder Fischer Schmid Winkler Weber Schwarz Maier Schneider Reiter Mayr Brunner
Lang Baumgartner Auer Binder Lechner Wolf Wallner Aigner Ebner Koller Lehner Haas""",
    ),
    "CH": (
        """Daniel Beat Urs Marco Reto Lukas Thomas Roger Hans Peter René Luca""",
        """Ursula Ruth Verena Monika Andrea Nicole Sandra Barbara Corinne Chiara""",
        """Müller Meier Schmid Keller Weber Huber Schneider Meyer Steiner Fischer Gerber
Brunner Baumann Frei Zimmermann Moser Widmer Wyss Graf Roth Bühler Rüegg""",
    ),
    "FR": (
        """Jean Pierre Michel Philippe Alain Nicolas François Christophe Laurent Frédéric
Stéphane Julien Sébastien Olivier Jérôme Benoît Hervé""",
        """Nathalie Isabelle Sylvie Françoise Valérie Sandrine Céline Élodie Camille
Léa Chloé Hélène Brigitte Aurélie""",
        """Martin Bernard Dubois Robert Richard Petit Durand Leroy Moreau Laurent
Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert
Bonnet Rousseau Fontaine Chevalier Gauthier Lemaître""",
    ),
    "ES": (
        """José Antonio Manuel Francisco David Juan Javier Daniel Carlos Jesús Alejandro
Miguel Rafael Pedro Ángel Pablo Sergio Fernando Jorge Luis""",
        """Carmen Ana Isabel Laura Cristina Marta Lucía Pilar Dolores Raquel Sara Paula
Rosa Nuria Begoña""",
        """García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín
Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres
Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Suárez Castillo Ortega Núñez Ibáñez""",
    ),
    "PT": (
        """João José António Francisco Manuel Luís Pedro Carlos Paulo Rui Miguel Tiago
Nuno Ricardo Gonçalo Duarte""",
        """Ana Joana Sofia Inês Beatriz Catarina Mariana Rita Teresa Marta Conceição
Leonor""",
        """Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes
Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho Teixeira Moreira
Correia Mendes Nunes Soares Vieira Monteiro Cardoso Magalhães Simões""",
    ),
    "IE": (
        """Patrick Seán Séamus Liam Ciarán Conor Declan Eoin Niall Pádraig Cian Darragh
Oisín Brendan""",
        """Siobhán Aoife Niamh Sinéad Ciara Gráinne Orla Róisín Áine Emer Caoimhe
Bridget Deirdre""",
        """Murphy Kelly O'Sullivan Walsh Byrne Ryan O'Connor O'Neill O'Reilly Doyle
McCarthy Gallagher O'Doherty Kennedy Lynch Murray Quinn McLoughlin O'Carroll Connolly Daly
O'Brien""",
    ),
    "GB": (
        """David John Michael Paul Andrew Mark James Richard Robert Stephen Christopher
Thomas William Matthew Anthony Edward""",
        """Susan Sarah Elizabeth Margaret Catherine Emma Helen Claire Rebecca Jennifer
Rachel Victoria Charlotte Patricia Deborah""",
        """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel
Jackson Wood Turner Cooper Hill Ward Morris Clark King Baker Harrison Morgan Allen""",
    ),
    "US": (
        """James John Robert Michael William David Richard Joseph Thomas Charles
Christopher Daniel Matthew Anthony Steven Kevin Brian Jason""",
        """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen
Nancy Lisa Ashley Kimberly""",
        """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Taylor Moore Jackson Lee Perez Thompson Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Nguyen Kowalski""",
    ),
    "NL": (
        """Johannes Cornelis Hendrik Pieter Willem Gerrit Jacobus Dirk Sander Bas Daan
Ruud Joost Maarten Wouter""",
        """Johanna Cornelia Sanne Lotte Anouk Femke Iris Eva Marieke Ingrid Wilhelmina""",
        """de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|
de Boer|Mulder|de Groot|Bos|Vos|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|
Smits|de Graaf|van der Meer|van der Linden|Kok|de Haan|Vermeulen""",
    ),
    "LU": (
        """Jean Marc Luc Paul Georges Romain Claude Gilles Yves Tom""",
        """Marie Anne Sandra Carole Martine Nathalie Christiane Josée""",
        """Schmit Muller Weber Hoffmann Wagner Thill Schroeder Klein Reuter Kieffer
Becker Weis Goedert Hansen Meyer Kremer Schiltz Majerus""",
    ),
}

# Nicknames the generator may use (a subset of what people are really called)
_NICKNAMES = {
    "Γεώργιος": ["Γιώργος"],
    "Ιωάννης": ["Γιάννης"],
    "Κωνσταντίνος": ["Κώστας"],
    "Δημήτριος": ["Δημήτρης", "Μήτσος"],
    "Νικόλαος": ["Νίκος"],
    "Παναγιώτης": ["Πάνος"],
    "Βασίλειος": ["Βασίλης"],
    "Αθανάσιος": ["Θανάσης"],
    "Μιχαήλ": ["Μιχάλης"],
    "Ευάγγελος": ["Βαγγέλης"],
    "Σπυρίδων": ["Σπύρος"],
    "Αναστάσιος": ["Τάσος"],
    "Χαράλαμπος": ["Μπάμπης"],
    "Αλέξανδρος": ["Αλέκος"],
    "Εμμανουήλ": ["Μανώλης"],
    "Στυλιανός": ["Στέλιος"],
    "Ελευθέριος": ["Λευτέρης"],
    "Αικατερίνη": ["Κατερίνα"],
    "Βασιλική": ["Βάσω"],
    "Αναστασία": ["Νατάσα"],
    "Георги": ["Гошо"],
    "Иван": ["Ваньо"],
    "Димитър": ["Митко"],
    "Николай": ["Ники"],
    "Петър": ["Пешо"],
    "Христо": ["Ицо"],
    "Йордан": ["Данчо"],
    "Тодор": ["Тошо"],
    "Атанас": ["Наско"],
    "Васил": ["Васко"],
    "Красимир": ["Краси"],
    "Александър": ["Сашо"],
    "Любомир": ["Любо"],
    "Александар": ["Сашко"],
    "Ѓорѓи": ["Ѓоко"],
    "Gjergj": ["George"],
    "Robert": ["Bob", "Rob"],
    "William": ["Bill"],
    "Richard": ["Rick"],
    "James": ["Jim"],
    "Michael": ["Mike"],
    "Thomas": ["Tom"],
    "Christopher": ["Chris"],
    "Joseph": ["Joe"],
    "Daniel": ["Dan"],
    "Anthony": ["Tony"],
    "Edward": ["Ted", "Eddie"],
    "Patrick": ["Paddy"],
    "Elizabeth": ["Liz", "Beth"],
    "Margaret": ["Maggie"],
    "Catherine": ["Kate"],
    "Jennifer": ["Jenny"],
    "Matthew": ["Matt"],
    "Stephen": ["Steve"],
    "Andrew": ["Andy"],
    "Johannes": ["Hans"],
    "Friedrich": ["Fritz"],
    "Heinrich": ["Heinz"],
    "José": ["Pepe"],
    "Francisco": ["Paco"],
    "Manuel": ["Manolo"],
    "Dolores": ["Lola"],
    "István": ["Pisti"],
    "Jiří": ["Jirka"],
    "Gheorghe": ["Ghiță"],
    "Constantin": ["Costel"],
}

# Countries and their share of the set (the participants of the operation)
COUNTRY_WEIGHTS = {
    "GR": 11,
    "CY": 3,
    "BG": 11,
    "MK": 8,
    "AL": 8,
    "RO": 5,
    "HU": 4,
    "CZ": 4,
    "LT": 3,
    "EE": 2,
    "FI": 2,
    "SE": 3,
    "DK": 2,
    "NO": 2,
    "DE": 6,
    "AT": 3,
    "CH": 2,
    "FR": 4,
    "ES": 4,
    "PT": 3,
    "IE": 2,
    "GB": 4,
    "US": 3,
    "NL": 3,
    "LU": 1,
}


def _split(text: str) -> list[str]:
    if "|" in text:
        return [t.strip() for t in text.replace("\n", "").split("|") if t.strip()]
    return text.split()


def _lists(country: str) -> tuple[list[str], list[str], list[str]]:
    if country in ("GR", "CY"):
        return _GR_MALE, _GR_FEMALE, _GR_SURNAMES + (_CY_SURNAMES if country == "CY" else [])
    if country == "BG":
        return _BG_MALE, _BG_FEMALE, _BG_SURNAMES
    if country == "MK":
        return _MK_MALE, _MK_FEMALE, _MK_SURNAMES
    if country == "AL":
        return _AL_MALE, _AL_FEMALE, _AL_SURNAMES
    m, f, s = _LATIN[country]
    return _split(m), _split(f), _split(s)


# ======================================================================================
# Gendered surnames
# ======================================================================================


def _strip_accent(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if c != "\u0301")


def feminine_surname(surname: str, country: str) -> str:
    if country in ("GR", "CY"):
        if surname.endswith("ος"):
            return surname[:-2] + "ου"
        if surname.endswith(("ης", "ας", "ής", "άς")):
            return surname[:-1]
        return surname
    if country == "BG":
        if surname.endswith(("ов", "ев", "ин")):
            return surname + "а"
        return surname
    if country == "MK":
        if surname.endswith("ски"):
            return surname[:-1] + "а"
        if surname.endswith(("ов", "ев")):
            return surname + "а"
        return surname
    if country == "CZ":
        if surname.endswith("ý"):
            return surname[:-1] + "á"
        if surname.endswith("ek"):
            return surname[:-2] + "ková"
        if surname.endswith("ec"):
            return surname[:-2] + "cová"
        if surname.endswith("a"):
            return surname[:-1] + "ová"
        return surname + "ová"
    if country == "LT":
        for suf in ("ius", "as", "is", "us"):
            if surname.endswith(suf):
                return surname[: -len(suf)] + "ienė"
        return surname
    if country == "US" and surname == "Kowalski":
        return "Kowalska"
    return surname


# ======================================================================================
# Transliteration (the generator's own, independent of the matcher)
# ======================================================================================


def _case_like(src: str, out: str) -> str:
    if src.isupper() and len(src) > 1:
        return out.upper()
    if src[:1].isupper():
        return out[:1].upper() + out[1:]
    return out


_GR_TONOS = str.maketrans("άέήίόύώΐΰ", "αεηιουωϊϋ")


def greek_latin(text: str, scheme: str) -> str:
    """'elot' (passport), 'english_ch' / 'english_h' (informal), 'erasmian' (Unidecode)."""
    if scheme == "erasmian":
        return unidecode(text)
    out = []
    for word in re.findall(r"\w+|\W+", text):
        if not re.match(r"\w", word):
            out.append(word)
            continue
        w = word.lower().translate(_GR_TONOS)
        chi = "h" if scheme == "english_h" else "ch"
        elot = scheme == "elot"
        rules: list[tuple[str, str]] = [
            (r"ϊ", "i"),
            (r"ϋ", "y" if elot else "i"),
            (r"ου", "ou"),
            (r"([αε])υ(?=[θκξπστφχψ]|$)", lambda m: {"α": "af", "ε": "ef"}[m.group(1)]),
            (r"([αε])υ", lambda m: {"α": "av", "ε": "ev"}[m.group(1)]),
            (r"αι", "ai" if elot else "e"),
            (r"ει", "ei" if elot else "i"),
            (r"οι", "oi" if elot else "i"),
            (r"^μπ", "mp" if elot else "b"),
            (r"μπ", "mp" if elot else "mb"),
            (r"^ντ", "nt" if elot else "d"),
            (r"ντ", "nt" if elot else "nd"),
            (r"^γκ", "gk" if elot else "g"),
            (r"γκ", "gk" if elot else "ng"),
            (r"γγ", "ng"),
            (r"γξ", "nx"),
            (r"γχ", "n" + chi),
        ]
        if not elot:
            rules.append((r"(^|(?<=[αεοιuoaeiy]))γι(?=[αεοω])", "y"))
        for pat, rep in rules:
            w = re.sub(pat, rep, w)
        table = {
            "α": "a",
            "β": "v",
            "γ": "g",
            "δ": "d",
            "ε": "e",
            "ζ": "z",
            "η": "i",
            "θ": "th",
            "ι": "i",
            "κ": "k",
            "λ": "l",
            "μ": "m",
            "ν": "n",
            "ξ": "x",
            "ο": "o",
            "π": "p",
            "ρ": "r",
            "σ": "s",
            "ς": "s",
            "τ": "t",
            "υ": "y" if elot else "i",
            "φ": "f",
            "χ": chi,
            "ψ": "ps",
            "ω": "o",
        }
        w = "".join(table.get(c, c) for c in w)
        out.append(_case_like(word, w))
    return "".join(out)


_BG_SCHEMES = {
    "streamlined": {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sht",
        "ъ": "a",
        "ь": "y",
        "ю": "yu",
        "я": "ya",
    },
}
_BG_SCHEMES["bgn_old"] = {**_BG_SCHEMES["streamlined"], "х": "kh", "ъ": "u", "й": "i"}
_BG_SCHEMES["german"] = {
    **_BG_SCHEMES["streamlined"],
    "ж": "sh",
    "ш": "sch",
    "ч": "tsch",
    "ц": "z",
    "в": "w",
    "з": "s",
    "й": "j",
    "ю": "ju",
    "я": "ja",
    "х": "ch",
    "щ": "scht",
    "ъ": "a",
    "с": "s",
}
_MK_SCHEMES = {
    "passport": {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "ѓ": "gj",
        "е": "e",
        "ж": "zh",
        "з": "z",
        "ѕ": "dz",
        "и": "i",
        "ј": "j",
        "к": "k",
        "л": "l",
        "љ": "lj",
        "м": "m",
        "н": "n",
        "њ": "nj",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "ќ": "kj",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "c",
        "ч": "ch",
        "џ": "dzh",
        "ш": "sh",
    },
}
_MK_SCHEMES["mk_latin"] = {
    **_MK_SCHEMES["passport"],
    "ж": "ž",
    "ѓ": "ǵ",
    "ќ": "ḱ",
    "ч": "č",
    "џ": "dž",
    "ш": "š",
}
_MK_SCHEMES["serbocroat"] = {
    **_MK_SCHEMES["passport"],
    "ж": "ž",
    "ѓ": "đ",
    "ќ": "ć",
    "ч": "č",
    "џ": "dž",
    "ш": "š",
}


def cyrillic_latin(text: str, table: dict[str, str], german_endings: bool = False) -> str:
    if table is None:
        return unidecode(text)
    out = []
    for word in re.findall(r"\w+|\W+", text):
        low = word.lower()
        w = "".join(table.get(c, c) for c in low)
        if german_endings and w.endswith("ov"):
            w = w[:-2] + "ow"
        if german_endings and w.endswith("ev"):
            w = w[:-2] + "ew"
        out.append(_case_like(word, w) if word[:1].isalpha() else w)
    return "".join(out)


_AL_TO_MK = [
    ("xh", "џ"),
    ("sh", "ш"),
    ("zh", "ж"),
    ("gj", "ѓ"),
    ("nj", "њ"),
    ("ll", "л"),
    ("rr", "р"),
    ("dh", "д"),
    ("th", "т"),
    ("ç", "ч"),
    ("q", "ќ"),
    ("ë", "е"),
    ("y", "и"),
    ("x", "ѕ"),
    ("c", "ц"),
    ("j", "ј"),
]
_LAT_TO_MK = dict(zip("abdefghiklmnoprstuvz", "абдефгхиклмнопрстувз"))


def albanian_to_macedonian(text: str) -> str:
    out = []
    for word in re.findall(r"\w+|\W+", text):
        w = word.lower()
        for a, b in _AL_TO_MK:
            w = w.replace(a, b)
        w = "".join(_LAT_TO_MK.get(c, c) for c in w)
        out.append(_case_like(word, w))
    return "".join(out)


def _script_of_country(country: str) -> str:
    return {"GR": "greek", "CY": "greek", "BG": "bg", "MK": "mk"}.get(country, "latin")


def render(text: str, country: str, how: str) -> str:
    """Render a native name string in one of the ways a report might carry it."""
    script = _script_of_country(country)
    if how == "native":
        return text
    if script == "greek":
        return greek_latin(text, how)
    if script == "bg":
        if how == "unidecode":
            return unidecode(text)
        return cyrillic_latin(text, _BG_SCHEMES[how], german_endings=how == "german")
    if script == "mk":
        if how == "unidecode":
            return unidecode(text)
        return cyrillic_latin(text, _MK_SCHEMES[how])
    if country in ("AL",) or how.startswith("al_"):
        if how == "al_stripped":
            return unidecode(text)
        if how == "al_mk_cyrillic":
            return albanian_to_macedonian(text)
        if how == "al_mk_passport":
            return cyrillic_latin(albanian_to_macedonian(text), _MK_SCHEMES["passport"])
    if how == "stripped":
        return unidecode(text)
    if how == "expanded":  # German / Nordic conventions without the letters
        for a, b in (
            ("ä", "ae"),
            ("ö", "oe"),
            ("ü", "ue"),
            ("Ä", "Ae"),
            ("Ö", "Oe"),
            ("Ü", "Ue"),
            ("ß", "ss"),
            ("ø", "oe"),
            ("Ø", "Oe"),
            ("å", "aa"),
            ("Å", "Aa"),
            ("æ", "ae"),
            ("Æ", "Ae"),
            ("õ", "o"),
        ):
            text = text.replace(a, b)
        return unidecode(text)
    return text


def render_options(country: str) -> list[tuple[str, float]]:
    script = _script_of_country(country)
    if script == "greek":
        return [
            ("native", 0.40),
            ("elot", 0.30),
            ("english_ch", 0.12),
            ("english_h", 0.12),
            ("erasmian", 0.06),
        ]
    if script == "bg":
        return [
            ("native", 0.45),
            ("streamlined", 0.30),
            ("bgn_old", 0.12),
            ("german", 0.07),
            ("unidecode", 0.06),
        ]
    if script == "mk":
        return [
            ("native", 0.45),
            ("passport", 0.30),
            ("mk_latin", 0.10),
            ("serbocroat", 0.10),
            ("unidecode", 0.05),
        ]
    if country == "AL":
        return [
            ("native", 0.50),
            ("al_stripped", 0.25),
            ("al_mk_cyrillic", 0.12),
            ("al_mk_passport", 0.13),
        ]
    if country in ("DE", "AT", "CH", "SE", "DK", "NO", "FI", "EE"):
        return [("native", 0.55), ("stripped", 0.2), ("expanded", 0.25)]
    return [("native", 0.65), ("stripped", 0.35)]


# ======================================================================================
# Perturbations
# ======================================================================================

_ALPHABETS = {
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъюя",
    "latin": "abcdefghijklmnopqrstuvwxyz",
}


def _alphabet_for(word: str) -> str:
    if any("\u0370" <= c <= "\u03ff" for c in word):
        return _ALPHABETS["greek"]
    if any("\u0400" <= c <= "\u04ff" for c in word):
        return _ALPHABETS["cyrillic"]
    return _ALPHABETS["latin"]


def typo(word: str, rng: random.Random) -> str:
    """One insertion, deletion, substitution or adjacent transposition."""
    if len(word) < 3:
        return word
    alpha = _alphabet_for(word)
    lo = 1 if rng.random() < 0.85 else 0
    op = rng.choice(["insert", "delete", "substitute", "transpose"])
    i = rng.randrange(lo, len(word))
    up = word.isupper()
    c = rng.choice(alpha)
    c = c.upper() if up else c
    if op == "insert":
        out = word[:i] + c + word[i:]
    elif op == "delete":
        out = word[:i] + word[i + 1 :]
    elif op == "substitute":
        if word[i].lower() == c.lower():
            c = alpha[(alpha.index(c.lower()) + 1) % len(alpha)]
            c = c.upper() if up else c
        out = word[:i] + c + word[i + 1 :]
    else:
        if i >= len(word) - 1:
            i = len(word) - 2
        if word[i] == word[i + 1]:
            return typo(word, rng)
        out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if i == 0 and out[:1].islower() and word[:1].isupper():
        out = out[:1].upper() + out[1:]
    return out


def _dob_typo(d: date, rng: random.Random) -> date:
    for _ in range(20):
        s = d.strftime("%Y%m%d")
        k = rng.choice([2, 3, 6, 7])  # a digit of the decade, year, or day
        new = s[:k] + str(rng.randrange(10)) + s[k + 1 :]
        try:
            nd = date(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
        if nd != d:
            return nd
    return d + timedelta(days=1)


# ======================================================================================
# People
# ======================================================================================


@dataclass(frozen=True)
class PersonRow:
    rid: int
    entity: int
    name: str
    dob: date | None
    country: str
    how: str  # rendering and perturbations, for diagnostics


@dataclass(frozen=True)
class PersonPair:
    a: PersonRow
    b: PersonRow
    match: bool
    kind: str


@dataclass
class _Entity:
    eid: int
    country: str
    gender: str
    given: str
    surname: str
    middle: str | None
    second_surname: str | None
    dob: date
    dob_always: bool = False
    kind: str = "person"


@dataclass
class LabelledSet:
    people: list[PersonRow] = field(default_factory=list)
    person_pairs: list[PersonPair] = field(default_factory=list)
    address_pairs: list[tuple[str, str, bool, str]] = field(default_factory=list)
    addresses: list[tuple[int, int, str]] = field(default_factory=list)  # rid, entity, text
    company_pairs: list[tuple[str, str, bool, str]] = field(default_factory=list)
    companies: list[tuple[int, int, str]] = field(default_factory=list)
    # rid -> the address a person record gives (the same for housemates); see shared_addresses
    person_addresses: dict[int, str] = field(default_factory=dict)

    def composition(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.person_pairs:
            k = ("match:" if p.match else "non-match:") + p.kind.split("+")[0]
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))


def _patronymic(father: str, gender: str) -> str:
    """Bulgarian/Macedonian father's name as middle name: Георги -> Георгиев,
    Христо -> Христов, Димитър -> Димитров, Никола -> Николов."""
    if father.endswith("ър"):
        stem, suf = father[:-2] + "р", "ов"
    elif father.endswith(("о", "а")):
        stem, suf = father[:-1], "ов"
    elif father.endswith(("и", "й", "ј")):
        stem, suf = father[:-1] if father.endswith(("й", "ј")) else father, "ев"
    else:
        stem, suf = father, "ов"
    return stem + suf + ("а" if gender == "f" else "")


_COARSE = [
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("dt", "t"),
    ("c", "k"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
    ("d", "t"),
    ("b", "p"),
    ("g", "k"),
    ("z", "s"),
    ("v", "f"),
    ("x", "ks"),
    ("j", "i"),
]


def _coarse(key: str) -> str:
    """A deliberately coarse sound-alike key (consonant skeleton) used only to keep two
    different generated people from having names that no one could tell apart."""
    for a, b in _COARSE:
        key = key.replace(a, b)
    key = key[:1] + re.sub(r"[aeiou]", "", key[1:])
    return re.sub(r"(.)\1+", r"\1", key)


def _ascii_key(s: str) -> str:
    return re.sub(r"[^a-z]", "", unidecode(s).lower())


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entities: list[_Entity] = []
        self.rows: list[PersonRow] = []
        self.by_entity: dict[int, list[PersonRow]] = {}
        self.used_names: set[tuple[str, str]] = set()
        self._nick_canon: dict[str, str] = {}
        for full, nicks in _NICKNAMES.items():
            for n in nicks:
                self._nick_canon[_ascii_key(n)] = _ascii_key(full)

    # -- entities ----------------------------------------------------------------------
    def _name_key(self, given: str, surname: str) -> tuple[str, str]:
        g = _ascii_key(given)
        return _coarse(self._nick_canon.get(g, g)), _coarse(_ascii_key(surname))

    def _pick_country(self) -> str:
        cs, ws = zip(*COUNTRY_WEIGHTS.items())
        return self.rng.choices(cs, ws)[0]

    def _dob(self) -> date:
        return date(1950, 1, 1) + timedelta(days=self.rng.randrange(0, 54 * 365))

    def new_entity(
        self,
        country: str | None = None,
        gender: str | None = None,
        given: str | None = None,
        surname_m: str | None = None,
        unique: bool = True,
        dob: date | None = None,
        kind: str = "person",
    ) -> _Entity | None:
        rng = self.rng
        country = country or self._pick_country()
        gender = gender or rng.choice("mf")
        males, females, surnames = _lists(country)
        for _ in range(50):
            g = given or rng.choice(males if gender == "m" else females)
            sm = surname_m or rng.choice(surnames)
            s = feminine_surname(sm, country) if gender == "f" else sm
            middle = None
            if country in ("BG", "MK") and rng.random() < 0.3:
                middle = _patronymic(rng.choice(males), gender)
            elif country in ("GB", "US", "IE", "DE", "NL", "SE") and rng.random() < 0.2:
                middle = rng.choice(males if gender == "m" else females)
            elif country == "PT" and rng.random() < 0.5:
                middle = rng.choice(surnames)
            # a middle name can stand in for the given name (or a Portuguese first
            # surname for the last): every name the person may go by must be unused
            second = rng.choice(surnames) if country == "ES" else None
            keys = {self._name_key(g, s)}
            if middle and country in ("PT", "BG", "MK"):
                keys.add(self._name_key(g, middle))
            elif middle:
                keys.add(self._name_key(middle, s))
            if second:
                keys.add(self._name_key(g, second))
            if not unique or not (keys & self.used_names):
                break
            if given and surname_m:
                return None
        else:
            return None
        self.used_names |= keys
        e = _Entity(
            len(self.entities), country, gender, g, s, middle, second, dob or self._dob(), kind=kind
        )
        self.entities.append(e)
        return e

    # -- records -----------------------------------------------------------------------
    def _native_name(
        self,
        e: _Entity,
        *,
        given: str | None = None,
        middle: bool = True,
        second: bool = True,
        order: str = "given-first",
    ) -> str:
        g = given or e.given
        parts_given = [g] + ([e.middle] if (e.middle and middle and e.country != "PT") else [])
        fam = [e.surname]
        if e.country == "PT" and e.middle and middle:
            fam = [e.middle, e.surname]
        if e.second_surname and second:
            fam.append(e.second_surname)
        if order == "family-first":
            return " ".join(fam + parts_given)
        return " ".join(parts_given + fam)

    def make_row(
        self,
        e: _Entity,
        *,
        base: PersonRow | None = None,
        variant: bool = False,
        nickname: str | None = None,
    ) -> PersonRow:
        rng = self.rng
        how: list[str] = []
        given = e.given
        if nickname:
            given = nickname
            how.append("nickname")
        elif variant and given in _NICKNAMES and rng.random() < 0.12:
            given = rng.choice(_NICKNAMES[given])
            how.append("nickname")
        order = "given-first"
        if e.country == "HU" and rng.random() < 0.4:
            order = "family-first"
        if variant and rng.random() < 0.15:
            order = "family-first" if order == "given-first" else "given-first"
            how.append("swap")
        keep_middle = not (variant and e.middle and rng.random() < 0.5)
        if not keep_middle:
            how.append("middle-dropped")
        keep_second = not (variant and e.second_surname and rng.random() < 0.4)
        if not keep_second:
            how.append("second-surname-dropped")
        name = self._native_name(
            e, given=given, middle=keep_middle, second=keep_second, order=order
        )
        opts = render_options(e.country)
        if variant and base is not None and rng.random() < 0.75:
            # prefer a rendering other than the base record's
            other = [(h, w) for h, w in opts if h != base.how.split("+")[0]] or opts
            hs, ws = zip(*other)
        else:
            hs, ws = zip(*opts)
        rend = rng.choices(hs, ws)[0]
        name = render(name, e.country, rend)
        if e.country == "NL" and rng.random() < 0.3:
            name = re.sub(r"\b(van|de|der|den)\b", lambda m: m.group(1).capitalize(), name)
        if rng.random() < 0.12:  # surname in capitals, as on documents
            words = name.split()
            fam_idx = 0 if order == "family-first" else len(words) - 1
            words[fam_idx] = words[fam_idx].upper()
            name = " ".join(words)
            how.append("caps")
        if variant:
            r = rng.random()
            n_typos = 2 if r < 0.03 else (1 if r < 0.28 else 0)
            words = name.split()
            idx = rng.sample(range(len(words)), min(n_typos, len(words)))
            for i in idx:
                words[i] = typo(words[i], rng)
            if idx:
                how.append("typo" if n_typos == 1 else "two-typos")
            name = " ".join(words)
        dob: date | None = e.dob
        if variant:
            r = rng.random()
            if r < 0.2 and not e.dob_always:
                dob = None
                how.append("no-dob")
            elif r < 0.23 and e.dob.day <= 12 and e.dob.day != e.dob.month:
                dob = date(e.dob.year, e.dob.day, e.dob.month)
                how.append("dob-transposed")
            elif r < 0.25:
                dob = _dob_typo(e.dob, rng)
                how.append("dob-typo")
        elif not e.dob_always and rng.random() < 0.1:
            dob = None
            how.append("no-dob")
        row = PersonRow(len(self.rows), e.eid, name, dob, e.country, "+".join([rend] + how))
        self.rows.append(row)
        self.by_entity.setdefault(e.eid, []).append(row)
        return row


# Nicknames of the harder cases (issue 11): what people are called at home, in each
# country's own script, beyond the few the main set uses, by the countries whose people go
# by them (a Norwegian Jan is no Honza). Written from general knowledge of the languages,
# not from the matcher's table.
_MORE_NICKNAMES: dict[str, dict[str, list[str]]] = {
    "GR CY": {  # Greek
        "Θεόδωρος": ["Θοδωρής"],
        "Φώτιος": ["Φώτης"],
        "Διονύσιος": ["Διονύσης"],
        "Γρηγόριος": ["Γρηγόρης"],
        "Ευστάθιος": ["Στάθης"],
        "Απόστολος": ["Τόλης"],
        "Μαρία": ["Μαίρη"],
        "Ελένη": ["Λένα"],
        "Γεωργία": ["Γωγώ"],
        "Ευαγγελία": ["Λίτσα"],
        "Κωνσταντίνα": ["Ντίνα"],
        "Παναγιώτα": ["Γιώτα"],
        "Ιωάννα": ["Γιάννα"],
        "Ειρήνη": ["Ρένα"],
        "Χρυσούλα": ["Χρύσα"],
        "Θεοδώρα": ["Δώρα"],
        "Σταυρούλα": ["Βούλα"],
        "Ευθυμία": ["Έφη"],
    },
    "BG": {  # Bulgarian
        "Стоян": ["Стойчо"],
        "Борис": ["Боби"],
        "Валентин": ["Вальо"],
        "Цветан": ["Цецо"],
        "Кирил": ["Киро"],
        "Владимир": ["Владо"],
        "Радослав": ["Радо"],
        "Веселин": ["Веско"],
        "Мария": ["Мими"],
        "Десислава": ["Деси"],
        "Цветелина": ["Цвети"],
        "Гергана": ["Гери"],
        "Надежда": ["Надя"],
        "Даниела": ["Дани"],
        "Снежана": ["Снежи"],
        "Теодора": ["Теди"],
    },
    "MK": {  # Macedonian
        "Никола": ["Коле"],
        "Зоран": ["Зоки"],
        "Бојан": ["Боки"],
        "Методија": ["Мето"],
        "Благоја": ["Благе"],
        "Јордан": ["Јоце"],
        "Драгана": ["Гага"],
        "Милица": ["Мица"],
    },
    "RO": {  # Romanian
        "Alexandru": ["Sandu"],
        "Ion": ["Ionel"],
        "Vasile": ["Vasilică"],
        "Nicolae": ["Nicu"],
        "Ștefan": ["Fane"],
        "Gabriela": ["Gabi"],
        "Daniela": ["Dana"],
    },
    "HU": {  # Hungarian
        "József": ["Józsi"],
        "János": ["Jancsi"],
        "Sándor": ["Sanyi"],
        "Ferenc": ["Feri"],
        "Zoltán": ["Zoli"],
        "Péter": ["Peti"],
        "László": ["Laci"],
        "György": ["Gyuri"],
        "Katalin": ["Kati"],
        "Erzsébet": ["Erzsi"],
        "Zsuzsanna": ["Zsuzsa"],
        "Ágnes": ["Ági"],
    },
    "CZ": {  # Czech
        "Jan": ["Honza"],
        "Josef": ["Pepa"],
        "Jaroslav": ["Jarda"],
        "Miroslav": ["Mirek"],
        "Václav": ["Vašek"],
        "František": ["Franta"],
        "Jakub": ["Kuba"],
        "Ondřej": ["Ondra"],
        "Kateřina": ["Katka"],
        "Zuzana": ["Zuzka"],
    },
    "SE": {  # Swedish
        "Lars": ["Lasse"],
        "Karl": ["Kalle"],
        "Mikael": ["Micke"],
        "Kristina": ["Stina"],
    },
    "DE AT CH": {  # German, Austrian, Swiss
        "Andreas": ["Andi"],
        "Matthias": ["Matze"],
        "Sebastian": ["Basti"],
        "Tobias": ["Tobi"],
        "Maximilian": ["Max"],
        "Stefanie": ["Steffi"],
        "Katharina": ["Kathi"],
        "Florian": ["Flo"],
        "Elisabeth": ["Lisi"],
        "Magdalena": ["Leni"],
    },
    "FR LU": {  # French
        "Nicolas": ["Nico"],
        "Frédéric": ["Fred"],
    },
    "ES PT": {  # Spanish and Portuguese
        "Antonio": ["Toño"],
        "Jesús": ["Chus"],
        "Rafael": ["Rafa"],
        "Javier": ["Javi"],
        "Pilar": ["Pili"],
        "Conceição": ["São"],
    },
    "IE GB US": {  # Irish, British, American
        "Pádraig": ["Paddy"],
        "Bridget": ["Bridie"],
        "David": ["Dave"],
        "Sarah": ["Sally"],
        "Victoria": ["Vicky"],
        "Deborah": ["Debbie"],
        "Rebecca": ["Becky"],
        "Mary": ["Molly"],
    },
    "NL": {  # Dutch
        "Cornelis": ["Kees"],
        "Hendrik": ["Henk"],
        "Pieter": ["Piet"],
        "Jacobus": ["Jaap"],
        "Cornelia": ["Corrie"],
    },
}


def _more_nicknames(country: str) -> dict[str, list[str]]:
    return next((v for k, v in _MORE_NICKNAMES.items() if country in k.split()), {})


# near misses who share an address: besides the family ones (HOUSEMATES below), a father
# and son of one name, twins, and people who merely share a flat or a forwarding address
SHARED_ADDRESS_KINDS = ("namesake-housemate", "twin", "flatmate")


def _hard_people(g: _Generator, pairs: list[PersonPair], seed: int) -> set[int]:
    """The failure kinds of issue 11, added after the main set with a generator of their
    own, so the main set stays as it was. Returns the rids of the first hour's records.

    - transliteration with little data: native script on one record, Latin on the other,
      often with a nickname and without a date of birth on one side, posted first, into an
      (almost) empty register (the Greek pair "Δημήτρης Κωνσταντίνου" / "Dimitris
      Konstantinou" among them);
    - nicknames beyond the main set's few, in every country's own script;
    - a wrong month in the date of birth (the main set's typos touch year and day);
    - different people at one address who must not match: a father and son of one name
      (dates of birth a generation apart), twins (one date of birth, other given names),
      flatmates (nothing in common but the address).
    """
    g.rng = rng = random.Random(seed + 2)
    first_hour: set[int] = set()

    def add_row(e: _Entity, name: str, dob: date | None, how: str) -> PersonRow:
        row = PersonRow(len(g.rows), e.eid, name, dob, e.country, how)
        g.rows.append(row)
        g.by_entity.setdefault(e.eid, []).append(row)
        return row

    # transliteration with little data
    e = g.new_entity("CY", "m", "Δημήτριος", "Κωνσταντίνου", unique=True)
    if e is not None:
        first_hour.add(add_row(e, "Δημήτρης Κωνσταντίνου", None, "native").rid)
        first_hour.add(add_row(e, "Dimitris Konstantinou", e.dob, "elot+little-data").rid)
    made = 0
    while made < 40:
        country = rng.choice(["GR", "GR", "CY", "BG", "BG", "MK"])
        e = g.new_entity(country)
        if e is None:
            continue
        made += 1
        nicks = _NICKNAMES.get(e.given, []) + _more_nicknames(country).get(e.given, [])
        given = rng.choice(nicks) if nicks and rng.random() < 0.5 else e.given
        if given != e.given:
            nick_key = g._name_key(given, e.surname)
            if nick_key in g.used_names - {g._name_key(e.given, e.surname)}:
                given = e.given  # someone of that name already: undecidable
            g.used_names.add(g._name_key(given, e.surname))
        native = g._native_name(e, given=given)
        schemes = [h for h, _w in render_options(country) if h != "native"]
        latin = render(native, country, rng.choice(schemes))
        how = ["little-data"] + (["nickname"] if given != e.given else [])
        dob_a: date | None = e.dob
        dob_b: date | None = e.dob
        if rng.random() < 0.5:
            if rng.random() < 0.5:
                dob_a = None
            else:
                dob_b = None
            how.append("no-dob")
        if rng.random() < 0.5:
            native, latin, dob_a, dob_b = latin, native, dob_b, dob_a
        first_hour.add(add_row(e, native, dob_a, "native").rid)
        first_hour.add(add_row(e, latin, dob_b, "+".join(["translit"] + how)).rid)

    # more nicknames
    made = 0
    while made < 90:
        country = g._pick_country()
        gender = rng.choice("mf")
        males, females, _surnames = _lists(country)
        more = _more_nicknames(country)
        names = [n for n in (males if gender == "m" else females) if n in more]
        if not names:
            continue
        given = rng.choice(names)
        nick = rng.choice(more[given])
        e = g.new_entity(country, gender, given)
        if e is None:
            continue
        nick_key = g._name_key(nick, e.surname)
        if nick_key in g.used_names:  # someone of that name already: undecidable
            continue
        g.used_names.add(nick_key)
        made += 1
        first = g.make_row(e)
        g.make_row(e, base=first, variant=True, nickname=nick)
        if rng.random() < 0.3:
            g.make_row(e, base=first, variant=True)

    # a wrong digit in the month
    made = 0
    while made < 40:
        e = g.new_entity()
        if e is None:
            continue
        made += 1
        e.dob_always = True
        first = g.make_row(e)
        row = g.make_row(e, base=first, variant=True)
        month = e.dob.month
        other = [
            m
            for m in range(1, 13)
            if m != month and (m % 10 == month % 10 or m // 10 == month // 10)
        ]
        for m in rng.sample(other, len(other)):
            try:
                dob = e.dob.replace(month=m)
            except ValueError:
                continue
            how = [h for h in row.how.split("+") if not h.startswith("dob-")]
            g.rows[-1] = g.by_entity[e.eid][-1] = PersonRow(
                row.rid, row.entity, row.name, dob, row.country, "+".join(how + ["dob-month"])
            )
            break

    # different people at one address
    def near(e: _Entity, o: _Entity, kind: str) -> None:
        ra = g.make_row(e)
        if rng.random() < 0.4:
            g.make_row(e, base=ra, variant=True)
        rb = g.make_row(o)
        if rng.random() < 0.4:
            g.make_row(o, base=rb, variant=True)
        pairs.append(PersonPair(rng.choice(g.by_entity[e.eid]), rb, False, kind))

    made = 0
    while made < 40:  # a father and son (a mother and daughter) of one name
        e = g.new_entity()
        if e is None:
            continue
        e.dob_always = True
        o = g.new_entity(
            e.country,
            e.gender,
            e.given,
            e.surname if e.gender == "m" else None,
            unique=False,
            dob=_far_dob(rng, e.dob, 20, 35),
            kind="namesake-housemate",
        )
        if o is None:
            continue
        o.surname, o.middle, o.second_surname = e.surname, e.middle, e.second_surname
        o.dob_always = True
        made += 1
        near(e, o, "namesake-housemate")
    made = 0
    while made < 30:  # twins: one date of birth, one family name, other given names
        e = g.new_entity()
        if e is None:
            continue
        gender = rng.choice("mf")
        males, females, surnames = _lists(e.country)
        pool = males if gender == "m" else females
        given = rng.choice(pool)
        if JaroWinkler.normalized_similarity(_ascii_key(given), _ascii_key(e.given)) >= 0.8:
            continue
        base_m = e.surname
        if e.gender == "f":
            masc = [s for s in surnames if feminine_surname(s, e.country) == e.surname]
            base_m = masc[0] if masc else e.surname
        o = g.new_entity(e.country, gender, given, base_m, dob=e.dob, kind="twin")
        if o is None:
            continue
        made += 1
        near(e, o, "twin")
    made = 0
    while made < 30:  # flatmates
        e, o = g.new_entity(), g.new_entity(kind="flatmate")
        if e is None or o is None:
            continue
        made += 1
        near(e, o, "flatmate")
    return first_hour


def _far_dob(rng: random.Random, d: date, lo_years: int = 1, hi_years: int = 30) -> date:
    """Another person's date of birth: at least three of the eight digits differ
    (closer ones could be a typo of the same date)."""
    while True:
        nd = d + timedelta(
            days=rng.choice([-1, 1]) * rng.randrange(lo_years * 365 + 1, hi_years * 365)
        )
        diff = sum(x != y for x, y in zip(d.strftime("%Y%m%d"), nd.strftime("%Y%m%d")))
        if 1930 <= nd.year <= 2008 and diff >= 3:
            return nd


def build_people(
    seed: int = SEED, n_people: int = 1500
) -> tuple[list[PersonRow], list[PersonPair]]:
    g = _Generator(seed)
    rng = g.rng
    pairs: list[PersonPair] = []
    bases: list[_Entity] = []
    for _ in range(n_people):
        e = g.new_entity()
        if e is None:
            continue
        bases.append(e)
    # choose the bases that get near misses needing dates of birth on every record
    dob_needed = rng.sample(bases, len(bases) // 4)
    for e in dob_needed:
        e.dob_always = True
    for e in bases:
        first = g.make_row(e)
        n_var = rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0]
        for _ in range(n_var):
            g.make_row(e, base=first, variant=True)

    def near(base: _Entity, other: _Entity, kind: str) -> None:
        ra = rng.choice(g.by_entity[base.eid])
        rb = g.make_row(other)
        if rng.random() < 0.4:
            g.make_row(other, base=rb, variant=True)
        pairs.append(PersonPair(ra, rb, False, kind))

    def far_dob(d: date, lo_years: int = 1, hi_years: int = 30) -> date:
        return _far_dob(rng, d, lo_years, hi_years)

    for e in dob_needed:
        kind = rng.choice(["namesake", "namesake", "one-letter"])
        if kind == "namesake":
            o = g.new_entity(
                e.country,
                e.gender,
                e.given,
                e.surname if e.gender == "m" else None,
                unique=False,
                dob=far_dob(e.dob),
                kind=kind,
            )
            if o is None:
                continue
            o.surname, o.middle, o.second_surname = e.surname, e.middle, e.second_surname
        else:
            o = g.new_entity(
                e.country, e.gender, e.given, None, unique=False, dob=far_dob(e.dob), kind=kind
            )
            if o is None:
                continue
            o.surname, o.middle, o.second_surname = e.surname, e.middle, e.second_surname
            if rng.random() < 0.5:
                o.surname = typo(o.surname, rng)
            else:
                o.given = typo(o.given, rng)
        o.dob_always = True
        near(e, o, kind)

    others = [e for e in bases if not e.dob_always]
    for e in rng.sample(others, min(len(others), len(bases) // 2)):
        kind = rng.choice(["sibling", "sibling", "gender-form", "cousin", "same-given"])
        males, females, surnames = _lists(e.country)
        if kind == "gender-form":
            fem = feminine_surname(e.surname, e.country) if e.gender == "m" else e.surname
            if fem == e.surname and e.gender == "m":
                kind = "sibling"
            else:
                # the other gender's form of the given name when the list has one
                pool = females if e.gender == "m" else males
                gk = _ascii_key(e.given)
                close = [p for p in pool if _ascii_key(p).startswith(gk[:4])]
                given = rng.choice(close) if close else rng.choice(pool)
                gender = "f" if e.gender == "m" else "m"
                surname_m = e.surname
                if e.gender == "f":
                    # e's surname is feminine; the brother carries the masculine form
                    masc = [s for s in surnames if feminine_surname(s, e.country) == e.surname]
                    if not masc:
                        continue
                    surname_m = masc[0]
                o = g.new_entity(
                    e.country,
                    gender,
                    given,
                    surname_m,
                    unique=True,
                    dob=far_dob(e.dob, 0, 20),
                    kind=kind,
                )
                if o is None:
                    continue
                near(e, o, kind)
                continue
        if kind in ("sibling", "cousin"):
            gender = rng.choice("mf")
            pool = males if gender == "m" else females
            for _ in range(20):
                given = rng.choice(pool)
                if JaroWinkler.normalized_similarity(_ascii_key(given), _ascii_key(e.given)) < 0.8:
                    break
            base_m = e.surname
            if e.gender == "f":
                masc = [s for s in surnames if feminine_surname(s, e.country) == e.surname]
                base_m = masc[0] if masc else e.surname
            o = g.new_entity(
                e.country,
                gender,
                given,
                base_m,
                unique=True,
                dob=far_dob(e.dob, 1, 15 if kind == "sibling" else 30),
                kind=kind,
            )
            if o is None:
                continue
            near(e, o, kind)
        elif kind == "same-given":
            o = g.new_entity(
                e.country, e.gender, e.given, None, unique=True, dob=far_dob(e.dob), kind=kind
            )
            if o is None:
                continue
            near(e, o, kind)
    first_hour = _hard_people(g, pairs, seed)
    # true pairs: every two records of one entity
    for rows in g.by_entity.values():
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                hows = rows[j].how.split("+")[1:] or [rows[j].how.split("+")[0]]
                kind = "+".join(sorted(set(hows))) if hows else "same"
                pairs.append(PersonPair(rows[i], rows[j], True, kind))
    # the first hour's records are posted first, into an (almost) empty register
    ordered = [r for r in g.rows if r.rid in first_hour]
    ordered += [r for r in g.rows if r.rid not in first_hour]
    return ordered, pairs


# ======================================================================================
# Addresses
# ======================================================================================

# country: (streets [(name, type, type_abbrev, type_position)], cities [(native, exonyms)],
#           postcode maker)
_STREETS = {
    "GR": (
        [
            ("Ερμού", "Οδός", "Οδ.", "pre"),
            ("Σταδίου", "Οδός", "Οδ.", "pre"),
            ("Πανεπιστημίου", "Οδός", "", "pre"),
            ("Πατησίων", "Οδός", "", "pre"),
            ("Βασιλίσσης Σοφίας", "Λεωφόρος", "Λεωφ.", "pre"),
            ("Εγνατίας", "Οδός", "", "pre"),
            ("Τσιμισκή", "Οδός", "", "pre"),
            ("Αλεξάνδρας", "Λεωφόρος", "Λεωφ.", "pre"),
        ],
        [
            ("Αθήνα", ["Athens", "Athina"]),
            ("Θεσσαλονίκη", ["Thessaloniki"]),
            ("Πάτρα", ["Patra"]),
            ("Πειραιάς", ["Piraeus", "Peiraias"]),
        ],
        "gr",
    ),
    "CY": (
        [
            ("Μακαρίου", "Λεωφόρος", "Λεωφ.", "pre"),
            ("Λήδρας", "Οδός", "", "pre"),
            ("Αρχιεπισκόπου Κυπριανού", "Οδός", "", "pre"),
        ],
        [("Λευκωσία", ["Nicosia", "Lefkosia"]), ("Λεμεσός", ["Limassol", "Lemesos"])],
        "4",
    ),
    "BG": (
        [
            ("Шипка", "улица", "ул.", "pre"),
            ("Витоша", "булевард", "бул.", "pre"),
            ("Граф Игнатиев", "улица", "ул.", "pre"),
            ("Цар Освободител", "булевард", "бул.", "pre"),
            ("Раковски", "улица", "ул.", "pre"),
            ("Алабин", "улица", "ул.", "pre"),
            ("Христо Ботев", "булевард", "бул.", "pre"),
        ],
        [
            ("София", ["Sofia"]),
            ("Пловдив", ["Plovdiv"]),
            ("Варна", ["Varna"]),
            ("Бургас", ["Burgas"]),
        ],
        "4",
    ),
    "MK": (
        [
            ("Македонија", "улица", "ул.", "pre"),
            ("Партизански одреди", "булевар", "бул.", "pre"),
            ("Орце Николов", "улица", "ул.", "pre"),
            ("Илинден", "булевар", "бул.", "pre"),
            ("Гоце Делчев", "булевар", "бул.", "pre"),
        ],
        [
            ("Скопје", ["Skopje"]),
            ("Битола", ["Bitola"]),
            ("Охрид", ["Ohrid"]),
            ("Тетово", ["Tetovo"]),
        ],
        "4",
    ),
    "AL": (
        [
            ("e Durrësit", "Rruga", "Rr.", "pre"),
            ("Myslym Shyri", "Rruga", "Rr.", "pre"),
            ("e Kavajës", "Rruga", "Rr.", "pre"),
            ("Dëshmorët e Kombit", "Bulevardi", "Bul.", "pre"),
        ],
        [("Tiranë", ["Tirana"]), ("Durrës", ["Durres"]), ("Shkodër", ["Shkoder"])],
        "4",
    ),
    "DE": (
        [
            ("Haupt", "straße", "str.", "suffix"),
            ("Bahnhof", "straße", "str.", "suffix"),
            ("Schiller", "straße", "str.", "suffix"),
            ("Goethe", "straße", "str.", "suffix"),
            ("Linden", "weg", "weg", "suffix"),
            ("Friedrich", "straße", "str.", "suffix"),
            ("Berliner", "Straße", "Str.", "post"),
        ],
        [
            ("Berlin", []),
            ("München", ["Munich", "Muenchen"]),
            ("Hamburg", []),
            ("Köln", ["Cologne", "Koeln"]),
            ("Leipzig", []),
        ],
        "5",
    ),
    "AT": (
        [
            ("Mariahilfer", "Straße", "Str.", "post"),
            ("Kärntner", "Straße", "Str.", "post"),
            ("Landstraßer Haupt", "straße", "str.", "suffix"),
        ],
        [("Wien", ["Vienna"]), ("Graz", []), ("Linz", [])],
        "4",
    ),
    "CH": (
        [
            ("Bahnhof", "strasse", "str.", "suffix"),
            ("du Rhône", "Rue", "R.", "pre"),
            ("Limmatquai", "", "", "none"),
        ],
        [("Zürich", ["Zurich", "Zuerich"]), ("Genève", ["Geneva", "Genf"]), ("Bern", [])],
        "4",
    ),
    "NL": (
        [
            ("Kalver", "straat", "str.", "suffix"),
            ("Damrak", "", "", "none"),
            ("Prinsengracht", "", "", "none"),
            ("Coolsingel", "", "", "none"),
        ],
        [("Amsterdam", []), ("Rotterdam", []), ("Utrecht", [])],
        "nl",
    ),
    "GB": (
        [
            ("Baker", "Street", "St", "post"),
            ("High", "Street", "St", "post"),
            ("Station", "Road", "Rd", "post"),
            ("Church", "Lane", "Ln", "post"),
            ("Victoria", "Road", "Rd", "post"),
        ],
        [("London", []), ("Manchester", []), ("Birmingham", [])],
        "uk",
    ),
    "IE": (
        [
            ("O'Connell", "Street", "St", "post"),
            ("Grafton", "Street", "St", "post"),
            ("Dame", "Street", "St", "post"),
        ],
        [("Dublin", []), ("Cork", [])],
        "ie",
    ),
    "US": (
        [
            ("Main", "Street", "St", "post"),
            ("Oak", "Avenue", "Ave", "post"),
            ("Maple", "Drive", "Dr", "post"),
            ("Washington", "Boulevard", "Blvd", "post"),
        ],
        [("Springfield", []), ("Columbus", []), ("Portland", [])],
        "us",
    ),
    "FR": (
        [
            ("de Rivoli", "rue", "r.", "pre"),
            ("Haussmann", "boulevard", "bd", "pre"),
            ("Victor Hugo", "avenue", "av.", "pre"),
            ("de la République", "rue", "r.", "pre"),
        ],
        [("Paris", []), ("Lyon", []), ("Marseille", [])],
        "5",
    ),
    "LU": (
        [("Grand-Rue", "", "", "none"), ("de la Liberté", "Avenue", "Av.", "pre")],
        [("Luxembourg", ["Luxemburg"]), ("Esch-sur-Alzette", [])],
        "lu",
    ),
    "ES": (
        [
            ("Mayor", "Calle", "C/", "pre"),
            ("de Alcalá", "Calle", "C/", "pre"),
            ("Gran Vía", "", "", "none"),
            ("de la Castellana", "Paseo", "Pº", "pre"),
        ],
        [("Madrid", []), ("Barcelona", []), ("Sevilla", ["Seville"])],
        "5",
    ),
    "PT": (
        [
            ("Augusta", "Rua", "R.", "pre"),
            ("da Liberdade", "Avenida", "Av.", "pre"),
            ("do Ouro", "Rua", "R.", "pre"),
        ],
        [("Lisboa", ["Lisbon"]), ("Porto", ["Oporto"])],
        "pt",
    ),
    "CZ": (
        [
            ("Národní", "", "", "none"),
            ("Vodičkova", "", "", "none"),
            ("Na Příkopě", "", "", "none"),
        ],
        [("Praha", ["Prague"]), ("Brno", [])],
        "cz",
    ),
    "HU": (
        [
            ("Andrássy", "út", "u.", "post"),
            ("Váci", "utca", "u.", "post"),
            ("Rákóczi", "út", "u.", "post"),
        ],
        [("Budapest", []), ("Debrecen", [])],
        "4",
    ),
    "RO": (
        [
            ("Lipscani", "Strada", "Str.", "pre"),
            ("Victoriei", "Calea", "Cal.", "pre"),
            ("Unirii", "Bulevardul", "Bd.", "pre"),
        ],
        [("București", ["Bucharest", "Bucuresti"]), ("Cluj-Napoca", [])],
        "6",
    ),
    "SE": (
        [
            ("Drottning", "gatan", "g.", "suffix"),
            ("Kungs", "gatan", "g.", "suffix"),
            ("Stor", "gatan", "g.", "suffix"),
        ],
        [("Stockholm", []), ("Göteborg", ["Gothenburg"])],
        "cz",
    ),
    "DK": (
        [("Nørre", "gade", "g.", "suffix"), ("Vesterbro", "gade", "g.", "suffix")],
        [("København", ["Copenhagen", "Koebenhavn"]), ("Aarhus", ["Århus"])],
        "4",
    ),
    "NO": (
        [("Karl Johans", "gate", "gt.", "post"), ("Stor", "gata", "", "suffix")],
        [("Oslo", []), ("Bergen", [])],
        "4",
    ),
    "FI": (
        [("Mannerheimin", "tie", "", "suffix"), ("Aleksanterin", "katu", "", "suffix")],
        [("Helsinki", ["Helsingfors"]), ("Tampere", [])],
        "5",
    ),
    "EE": (
        [("Narva", "maantee", "mnt", "post"), ("Pärnu", "maantee", "mnt", "post")],
        [("Tallinn", []), ("Tartu", [])],
        "5",
    ),
    "LT": (
        [("Gedimino", "prospektas", "pr.", "post"), ("Pilies", "gatvė", "g.", "post")],
        [("Vilnius", []), ("Kaunas", [])],
        "lt",
    ),
}


def _postcode(kind: str, rng: random.Random) -> str:
    if kind == "gr":
        return f"{rng.randrange(100, 850)} {rng.randrange(10, 99)}"
    if kind == "cz":
        return f"{rng.randrange(100, 799)} {rng.randrange(0, 99):02d}"
    if kind == "nl":
        return (
            f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
        )
    if kind == "uk":
        return (
            f"{rng.choice(['NW', 'SW', 'E', 'W', 'M', 'B', 'EC'])}{rng.randrange(1, 20)} "
            f"{rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
    if kind == "ie":
        return (
            f"D{rng.randrange(1, 24):02d} {rng.choice('ACDEFHKNPRTVWXY')}{rng.randrange(100, 999)}"
        )
    if kind == "us":
        return f"{rng.choice(['IL', 'OH', 'OR'])} {rng.randrange(10000, 99999)}"
    if kind == "pt":
        return f"{rng.randrange(1000, 4999)}-{rng.randrange(0, 999):03d}"
    if kind == "lt":
        return f"LT-{rng.randrange(10000, 99999)}"
    if kind == "lu":
        return f"L-{rng.randrange(1000, 9999)}"
    n = int(kind)
    return str(rng.randrange(10 ** (n - 1), 10**n))


def _street_text(
    street: tuple[str, str, str, str],
    number: str,
    *,
    abbrev: bool,
    drop_type: bool,
    number_first: bool,
    country: str,
) -> str:
    name, typ, ab, pos = street
    t = ab if (abbrev and ab) else typ
    if pos == "suffix":
        core = name + (t if not drop_type or not t else "")
        if abbrev and ab == "str.":
            core = name + "str."
    elif pos == "pre":
        core = f"{t} {name}" if (t and not drop_type) else name
    elif pos == "post":
        core = f"{name} {t}" if (t and not drop_type) else name
    else:
        core = name
    if number_first:
        return f"{number} {core}"
    return f"{core} {number}"


def _address_variant(
    country: str,
    street,
    number: str,
    city,
    postcode: str,
    rng: random.Random,
    variant: bool,
    base_how: str = "",
) -> tuple[str, str]:
    how: list[str] = []
    num_first = country in ("GB", "IE", "US", "FR", "LU") and (not variant or rng.random() < 0.85)
    abbrev = variant and rng.random() < 0.4
    drop_type = variant and rng.random() < 0.2
    if abbrev:
        how.append("abbrev")
    if drop_type:
        how.append("no-type")
    st = _street_text(
        street, number, abbrev=abbrev, drop_type=drop_type, number_first=num_first, country=country
    )
    native_city, exonyms = city
    city_text = native_city
    if variant and exonyms and rng.random() < 0.5:
        city_text = rng.choice(exonyms)
        how.append("exonym")
    pc = postcode
    if variant and rng.random() < 0.3:
        pc = pc.replace(" ", "")
        how.append("pc-format")
    parts = [st]
    keep_pc = not (variant and rng.random() < 0.2)
    keep_city = not (variant and rng.random() < 0.15)
    if not keep_pc:
        how.append("no-postcode")
    if not keep_city:
        how.append("no-city")
    tail = " ".join(x for x in ([pc] if keep_pc else []) + ([city_text] if keep_city else []))
    if country in ("GB", "IE"):
        tail = " ".join(x for x in ([city_text] if keep_city else []) + ([pc] if keep_pc else []))
    if country == "US":
        tail = ", ".join(x for x in ([city_text] if keep_city else []) + ([pc] if keep_pc else []))
    if tail:
        parts.append(tail)
    text = ", ".join(parts)
    script = _script_of_country(country)
    if variant and script != "latin" and rng.random() < 0.6:
        how_r = {
            "greek": rng.choice(["elot", "english_ch"]),
            "bg": "streamlined",
            "mk": "passport",
        }[script]
        text = render(text, country, how_r)
        how.append("transliterated")
    elif (
        variant
        and country
        in (
            "AL",
            "DE",
            "AT",
            "CH",
            "HU",
            "CZ",
            "RO",
            "LT",
            "EE",
            "SE",
            "DK",
            "NO",
            "FI",
            "FR",
            "ES",
            "PT",
        )
        and rng.random() < 0.35
    ):
        text = unidecode(text)
        how.append("stripped")
    if variant and rng.random() < 0.2:
        words = text.split(" ")
        cands = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if cands:
            i = rng.choice(cands)
            words[i] = typo(words[i], rng)
            text = " ".join(words)
            how.append("typo")
    if variant and rng.random() < 0.1:
        text = text.upper()
        how.append("caps")
    return text, "+".join(how) or "same"


def build_addresses(
    seed: int = SEED, n: int = 500
) -> tuple[list[tuple[int, int, str]], list[tuple[str, str, bool, str]]]:
    rng = random.Random(seed + 1)
    rows: list[tuple[int, int, str]] = []
    pairs: list[tuple[str, str, bool, str]] = []
    used: set[tuple] = set()
    by_entity: dict[int, list[str]] = {}
    entities = []
    for eid in range(n):
        country = rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
        streets, cities, pck = _STREETS[country]
        for _ in range(20):
            st = rng.choice(streets)
            city = rng.choice(cities)
            number = str(rng.randrange(1, 180))
            if rng.random() < 0.08:
                number += rng.choice("ab")
            key = (country, st[0], city[0], number)
            if key not in used:
                break
        used.add(key)
        pc = _postcode(pck, rng)
        entities.append((eid, country, st, number, city, pc))
        base, _ = _address_variant(country, st, number, city, pc, rng, variant=False)
        rows.append((len(rows), eid, base))
        by_entity[eid] = [base]
        for _ in range(rng.choice([1, 1, 2])):
            v, how = _address_variant(country, st, number, city, pc, rng, variant=True)
            rows.append((len(rows), eid, v))
            pairs.append((base, v, True, how))
            by_entity[eid].append(v)
    next_eid = n
    for eid, country, st, number, city, pc in rng.sample(entities, (3 * n) // 4):
        streets, cities, pck = _STREETS[country]
        kind = rng.choice(["neighbour", "neighbour", "other-street", "other-city"])
        if kind == "neighbour":
            n2 = str(int(re.match(r"\d+", number).group(0)) + rng.choice([1, 2, 4, 10, 21]))
            key = (country, st[0], city[0], n2)
            args = (st, n2, city, pc)
        elif kind == "other-street" and len(streets) > 1:
            st2 = rng.choice([s for s in streets if s != st])
            key = (country, st2[0], city[0], number)
            args = (st2, number, city, pc)
        else:
            if len(cities) < 2:
                continue
            kind = "other-city"
            c2 = rng.choice([c for c in cities if c != city])
            key = (country, st[0], c2[0], number)
            args = (st, number, c2, _postcode(pck, rng))
        if key in used:
            continue
        used.add(key)
        if kind == "other-city":
            # told apart only by the city and postcode: both sides must carry them
            text, _ = _address_variant(country, *args, rng, variant=False)
            other = by_entity[eid][0]
        else:
            text, _ = _address_variant(country, *args, rng, variant=rng.random() < 0.5)
            other = rng.choice(by_entity[eid])
        rows.append((len(rows), next_eid, text))
        pairs.append((other, text, False, kind))
        next_eid += 1
    return rows, pairs


# ======================================================================================
# Companies
# ======================================================================================

_DISTINCT = {
    "greek": [
        "Άλφα",
        "Δέλτα",
        "Ωμέγα",
        "Ήλιος",
        "Όλυμπος",
        "Αιγαίο",
        "Ερμής",
        "Ποσειδών",
        "Αθηνά",
        "Κρήτη",
        "Μακεδονία",
        "Ίκαρος",
        "Πήγασος",
        "Ζέφυρος",
    ],
    "bg": [
        "Бета",
        "Делта",
        "Пирин",
        "Рила",
        "Балкан",
        "Витоша",
        "Странджа",
        "Родопи",
        "Тракия",
        "Янтра",
        "Искър",
        "Мусала",
        "Орфей",
        "Жар",
    ],
    "mk": [
        "Вардар",
        "Охрид",
        "Пелистер",
        "Шар",
        "Кораб",
        "Македонка",
        "Ѓурѓа",
        "Џунгла",
        "Јака",
        "Љубен",
        "Ѕвезда",
    ],
    "latin": [
        "Atlas",
        "Orion",
        "Nordic",
        "Adriatic",
        "Danube",
        "Helios",
        "Metro",
        "Vector",
        "Falcon",
        "Aurora",
        "Polaris",
        "Titan",
        "Zenith",
        "Phoenix",
        "Lotus",
        "Cobalt",
        "Granite",
        "Meridian",
        "Sapphire",
        "Vanguard",
        "Borealis",
        "Kestrel",
        "Juniper",
        "Quantum",
        "Saturn",
        "Pioneer",
        "Horizon",
        "Summit",
        "Harbour",
        "Evergreen",
        "Rotterdam",
        "Baltic",
        "Carpathia",
        "Iberia",
        "Lusitania",
        "Alpina",
        "Tatra",
        "Fjord",
        "Skagen",
        "Arktis",
        "Suomi",
        "Gaelic",
        "Shkodra",
        "Drini",
        "Vjosa",
        "Bistrița",
        "Dunărea",
        "Tisza",
        "Vltava",
        "Nemunas",
        "Emajõgi",
        "Müller",
        "Schröder",
        "Dvořák",
        "Kovács",
        "Gonçalves",
        "Núñez",
    ],
}
_GENERIC = {
    "greek": ["Εμπορική", "Μεταφορική", "Τεχνική", "Εισαγωγική"],
    "bg": ["Транс", "Трейд", "Импекс", "Логистик", "Строй"],
    "mk": ["Транс", "Трејд", "Импекс", "Логистика"],
    "latin": [
        "Trading",
        "Logistics",
        "Transport",
        "Import Export",
        "International",
        "Holding",
        "Services",
        "Shipping",
        "Express",
        "Group",
        "Solutions",
        "Distribution",
    ],
}
_LEGAL = {
    "GR": [["Α.Ε.", "ΑΕ", "SA"], ["Ε.Π.Ε.", "ΕΠΕ", "EPE", "Ltd"], ["Ι.Κ.Ε.", "ΙΚΕ", "IKE"]],
    "CY": [["Ltd", "Limited", "LTD"]],
    "BG": [["ООД", "OOD", "Ltd"], ["ЕООД", "EOOD", "Ltd"], ["АД", "AD", "JSC"]],
    "MK": [["ДООЕЛ", "DOOEL", "Ltd"], ["ДОО", "DOO"]],
    "AL": [["sh.p.k.", "shpk", "SHPK"], ["sh.a.", "sha"]],
    "DE": [["GmbH", "G.m.b.H."], ["AG"], ["GmbH & Co. KG", "GmbH & Co KG"]],
    "AT": [["GmbH", "Ges.m.b.H."], ["AG"]],
    "CH": [["AG"], ["GmbH"], ["SA"], ["Sàrl", "Sarl"]],
    "FR": [["SARL", "S.A.R.L."], ["SAS", "S.A.S."], ["SA", "S.A."]],
    "LU": [["S.à r.l.", "Sàrl", "SARL"], ["S.A.", "SA"]],
    "ES": [["S.L.", "SL"], ["S.A.", "SA"]],
    "PT": [["Lda", "Lda."], ["S.A.", "SA"]],
    "NL": [["B.V.", "BV"], ["N.V.", "NV"]],
    "GB": [["Ltd", "Limited", "Ltd."], ["PLC", "plc"]],
    "IE": [["Ltd", "Limited"], ["DAC"]],
    "US": [["Inc.", "Inc", "Incorporated"], ["LLC", "L.L.C."], ["Corp.", "Corporation"]],
    "CZ": [["s.r.o.", "sro", "spol. s r.o."], ["a.s.", "as"]],
    "HU": [["Kft.", "Kft"], ["Zrt.", "Zrt"]],
    "RO": [["S.R.L.", "SRL"], ["S.A.", "SA"]],
    "LT": [["UAB"], ["AB"]],
    "EE": [["OÜ", "OU"], ["AS"]],
    "FI": [["Oy"], ["Oyj"]],
    "SE": [["AB"]],
    "DK": [["ApS"], ["A/S"]],
    "NO": [["AS"]],
}


def build_companies(
    seed: int = SEED, n: int = 400
) -> tuple[list[tuple[int, int, str]], list[tuple[str, str, bool, str]]]:
    rng = random.Random(seed + 2)
    rows: list[tuple[int, int, str]] = []
    pairs: list[tuple[str, str, bool, str]] = []
    used: set[tuple[str, ...]] = set()
    ents = []

    def render_company(country, words, legal_opts, variant):
        how = []
        legal = legal_opts[0]
        if variant:
            r = rng.random()
            if r < 0.35 and len(legal_opts) > 1:
                legal = rng.choice(legal_opts[1:])
                how.append("legal-form-variant")
            elif r < 0.55:
                legal = ""
                how.append("legal-form-dropped")
        text = " ".join(words + ([legal] if legal else []))
        script = _script_of_country(country)
        if variant and script != "latin" and rng.random() < 0.6:
            text = render(
                text,
                country,
                {
                    "greek": rng.choice(["elot", "english_ch"]),
                    "bg": "streamlined",
                    "mk": "passport",
                }[script],
            )
            how.append("transliterated")
        elif variant and rng.random() < 0.25:
            text = unidecode(text)
            how.append("stripped")
        if variant and rng.random() < 0.15:
            ws = text.split()
            cands = [i for i, w in enumerate(ws) if len(w) >= 5 and w.isalpha()]
            if cands:
                i = rng.choice(cands)
                ws[i] = typo(ws[i], rng)
                text = " ".join(ws)
                how.append("typo")
        if variant and rng.random() < 0.25:
            text = text.upper() if rng.random() < 0.5 else text.title()
            how.append("case")
        if variant and " & " in text and rng.random() < 0.5:
            text = text.replace(" & ", " and ")
        return text, "+".join(how) or "same"

    for eid in range(n):
        country = rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
        script = _script_of_country(country)
        pool = "latin" if script == "latin" else script
        if country == "CY":
            pool = "greek"
        for _ in range(30):
            d = rng.sample(_DISTINCT[pool], rng.choice([1, 1, 2]))
            gen = rng.choice(_GENERIC[pool])
            key = tuple(_ascii_key(x) for x in d)
            if key not in used:
                break
        used.add(key)
        words = d + [gen]
        legal_opts = rng.choice(_LEGAL[country])
        ents.append((eid, country, d, gen, legal_opts, pool))
        base, _ = render_company(country, words, legal_opts, False)
        rows.append((len(rows), eid, base))
        for _ in range(rng.choice([1, 1, 2])):
            v, how = render_company(country, words, legal_opts, True)
            rows.append((len(rows), eid, v))
            pairs.append((base, v, True, how))
    next_eid = n
    for eid, country, d, gen, legal_opts, pool in rng.sample(ents, n // 2):
        kind = rng.choice(["other-trade", "other-distinctive"])
        if kind == "other-trade":
            others = [g for g in _GENERIC[pool] if g != gen]
            words = d + [rng.choice(others)]
        else:
            others = [x for x in _DISTINCT[pool] if x not in d]
            d2 = list(d)
            d2[rng.randrange(len(d2))] = rng.choice(others)
            key = tuple(_ascii_key(x) for x in d2)
            if key in used:
                continue
            used.add(key)
            words = d2 + [gen]
        text, _ = render_company(country, words, legal_opts, rng.random() < 0.5)
        rows.append((len(rows), next_eid, text))
        base = next(r[2] for r in rows if r[1] == eid)
        pairs.append((base, text, False, kind))
        next_eid += 1
    return rows, pairs


def build(
    seed: int = SEED, n_people: int = 1500, n_addresses: int = 500, n_companies: int = 400
) -> LabelledSet:
    people, ppairs = build_people(seed, n_people)
    addresses, apairs = build_addresses(seed, n_addresses)
    companies, cpairs = build_companies(seed, n_companies)
    at = shared_addresses(people, ppairs, addresses, seed)
    return LabelledSet(people, ppairs, apairs, addresses, cpairs, companies, at)


# near misses who live together: the same address on every record of both people
FAMILY_HOUSEMATES = ("sibling", "gender-form", "cousin")
HOUSEMATES = FAMILY_HOUSEMATES + SHARED_ADDRESS_KINDS


def shared_addresses(
    people: list[PersonRow],
    pairs: list[PersonPair],
    addresses: list[tuple[int, int, str]],
    seed: int = SEED,
) -> dict[int, str]:
    """Addresses for person records: two different people at one address must not make a
    person match (the address matches, the person does not).

    Each near miss of a kind in HOUSEMATES shares one address with the person it was made
    from, on every record of both; a third of the other people give an address of their
    own on all their records. A separate generator, so the names and pairs stay the same.
    """
    rng = random.Random(seed + 1)
    first: dict[int, str] = {}
    for _rid, eid, text in addresses:
        first.setdefault(eid, text)  # each place (or near miss) as first written
    places = sorted(set(first.values()))
    rng.shuffle(places)
    rows_of: dict[int, list[PersonRow]] = {}
    for row in people:
        rows_of.setdefault(row.entity, []).append(row)
    home: dict[int, str] = {}
    free = iter(places)
    for p in pairs:
        if (
            not p.match
            and p.kind in FAMILY_HOUSEMATES
            and not {p.a.entity, p.b.entity} & home.keys()
        ):
            place = next(free, None)
            if place is None:
                break
            home[p.a.entity] = home[p.b.entity] = place
    later = {e for p in pairs if p.kind in SHARED_ADDRESS_KINDS for e in (p.a.entity, p.b.entity)}
    for entity in sorted(rows_of.keys() - home.keys() - later):
        if rng.random() < 1 / 3:
            place = next(free, None)
            if place is None:
                break
            home[entity] = place
    # the other kinds at one address, after the rest (which they leave as it was): every
    # place is taken by then, so theirs is someone else's too, as a block of flats is
    shared = random.Random(seed + 3)
    for p in pairs:
        if p.kind in SHARED_ADDRESS_KINDS and not {p.a.entity, p.b.entity} & home.keys():
            home[p.a.entity] = home[p.b.entity] = shared.choice(places)
    return {row.rid: home[e] for e, rows in rows_of.items() if e in home for row in rows}


if __name__ == "__main__":  # a look at the set: python -m tests.crossmatch.labelled
    s = build()
    print(len(s.people), "people records,", len(s.person_pairs), "pairs")
    print(s.composition())
    for p in s.person_pairs[:: max(1, len(s.person_pairs) // 40)]:
        print(p.match, p.kind, "|", p.a.name, p.a.dob, "|", p.b.name, p.b.dob)
