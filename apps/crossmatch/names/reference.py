"""A small reference list of common given and family names, per country, as data.

Each entry is a name as written in its country and a rough share of that country's
people carrying it (given names: share of all people, both sexes counted together; family
names: share of all people, one gender form standing for both). The figures are rounded
orders of magnitude from public name statistics, not exact counts: they serve only as
the prior of the token-frequency estimate in ``person.py`` while the operation has stored
few names, so that "Ivanov" or "Papadopoulos" weighs as common from the first report
and a name that is not listed is taken as neither common nor rare until the stored names
say otherwise. Once thousands of names are stored, the stored counts decide.
"""

from __future__ import annotations

COMMON_NAMES: dict[str, str] = {
    "GR": """
        Γεώργιος 0.04 Ιωάννης 0.04 Κωνσταντίνος 0.03 Δημήτριος 0.03 Δημήτρης 0.02
        Νικόλαος 0.025 Γιώργος 0.02 Γιάννης 0.02 Μαρία 0.05 Ελένη 0.02
        Αικατερίνη 0.015 Παναγιώτης 0.015 Βασίλειος 0.015 Χρήστος 0.015
        Παπαδόπουλος 0.006 Παπαδοπούλου 0.006 Παπαδάκης 0.003 Γεωργίου 0.005
        Νικολάου 0.004 Οικονόμου 0.003 Ιωάννου 0.004 Βλάχος 0.002
    """,
    "CY": """
        Ανδρέας 0.04 Γεώργιος 0.04 Χαράλαμπος 0.02 Μαρία 0.06 Ελένη 0.02
        Γεωργίου 0.02 Χαραλάμπους 0.01 Κωνσταντίνου 0.01 Ιωάννου 0.01 Παναγή 0.005
    """,
    "BG": """
        Георги 0.03 Иван 0.03 Димитър 0.025 Николай 0.02 Мария 0.03 Иванка 0.01
        Елена 0.01 Петър 0.01 Христо 0.01
        Иванов 0.03 Георгиев 0.025 Димитров 0.025 Петров 0.015 Николов 0.012
        Христов 0.01 Стоянов 0.008 Тодоров 0.008
    """,
    "MK": """
        Александар 0.02 Никола 0.015 Драган 0.01 Горан 0.01 Марија 0.03 Елена 0.015
        Петровски 0.005 Николовски 0.005 Стојановски 0.005 Јовановски 0.004
        Трајковски 0.004
    """,
    "AL": """
        Arben 0.01 Gjergj 0.01 Ilir 0.01 Artan 0.01 Besnik 0.008 Maria 0.01
        Hoxha 0.01 Shehu 0.008 Leka 0.005 Gjoka 0.004 Krasniqi 0.01 Berisha 0.008
        Gashi 0.008
    """,
    "RO": """
        Ion 0.02 Gheorghe 0.02 Andrei 0.015 Alexandru 0.015 Maria 0.04 Elena 0.025
        Ioana 0.015 Popescu 0.01 Popa 0.008 Pop 0.01 Radu 0.005 Ionescu 0.004
    """,
    "DE": """
        Thomas 0.01 Michael 0.01 Andreas 0.01 Peter 0.008 Maria 0.01 Sabine 0.006
        Müller 0.0075 Schmidt 0.0075 Schneider 0.004 Fischer 0.003 Weber 0.003
        Meyer 0.003 Wagner 0.002
    """,
    "FR": """
        Jean 0.02 Marie 0.02 Pierre 0.01 Michel 0.01 Martin 0.003 Bernard 0.002
        Dubois 0.0015 Thomas 0.0015 Robert 0.0015
    """,
    "ES": """
        Antonio 0.015 José 0.015 Manuel 0.012 María 0.04 Carmen 0.012
        García 0.03 González 0.02 Rodríguez 0.02 Fernández 0.02 López 0.02
        Martínez 0.02 Sánchez 0.02 Pérez 0.02
    """,
    "PT": """
        José 0.02 João 0.02 António 0.015 Maria 0.05 Ana 0.02
        Silva 0.1 Santos 0.06 Ferreira 0.05 Pereira 0.05 Oliveira 0.04 Costa 0.03
    """,
    "GB": """
        John 0.015 David 0.015 Michael 0.01 Mary 0.01 Sarah 0.006
        Smith 0.01 Jones 0.007 Williams 0.005 Brown 0.004 Taylor 0.004
    """,
    "HU": """
        László 0.02 István 0.02 József 0.02 Mária 0.02 Erzsébet 0.01
        Nagy 0.025 Kovács 0.02 Tóth 0.015 Szabó 0.015 Horváth 0.015
    """,
    "CZ": """
        Jan 0.015 Jiří 0.015 Petr 0.015 Marie 0.01 Jana 0.015
        Novák 0.007 Svoboda 0.005 Novotný 0.005 Dvořák 0.004
    """,
    "IE": """
        Patrick 0.01 Seán 0.008 John 0.01 Mary 0.015 Bridget 0.004
        Murphy 0.01 Kelly 0.007 O'Sullivan 0.006 Walsh 0.006 Smith 0.005 O'Brien 0.005
        Byrne 0.005 Ryan 0.005 O'Connor 0.004 O'Neill 0.004 Doyle 0.003 McCarthy 0.003
    """,
    "US": """
        James 0.015 John 0.015 Robert 0.015 Michael 0.015 Mary 0.01 Patricia 0.005
        Smith 0.008 Johnson 0.006 Williams 0.005 Brown 0.004 Jones 0.004 Garcia 0.004
        Miller 0.004 Davis 0.004 Rodriguez 0.004 Martinez 0.003
    """,
    "NL": """
        Johannes 0.01 Jan 0.01 Cornelis 0.008 Maria 0.02 Johanna 0.01
        Jong 0.005 Jansen 0.004 Vries 0.004 Berg 0.003 Dijk 0.003 Bakker 0.003
        Janssen 0.003 Visser 0.003 Smit 0.003 Meijer 0.002 Boer 0.003 Mulder 0.002
        Groot 0.002 Bos 0.002 Vos 0.002
    """,
    "DK": """
        Jens 0.01 Peter 0.01 Lars 0.008 Anne 0.01 Kirsten 0.008 Mette 0.008
        Nielsen 0.045 Jensen 0.044 Hansen 0.037 Pedersen 0.029 Andersen 0.028
        Christensen 0.019 Larsen 0.018 Sørensen 0.017 Rasmussen 0.015 Jørgensen 0.013
    """,
    "SE": """
        Lars 0.01 Anders 0.01 Johan 0.008 Karl 0.01 Maria 0.02 Anna 0.015 Eva 0.01
        Andersson 0.025 Johansson 0.025 Karlsson 0.022 Nilsson 0.017 Eriksson 0.014
        Larsson 0.012 Olsson 0.011 Persson 0.01 Svensson 0.01 Gustafsson 0.009
    """,
    "NO": """
        Jan 0.01 Per 0.01 Bjørn 0.008 Ole 0.008 Anne 0.01 Inger 0.008 Kari 0.008
        Hansen 0.01 Johansen 0.01 Olsen 0.01 Larsen 0.008 Andersen 0.008
        Pedersen 0.007 Nilsen 0.007 Kristiansen 0.004 Jensen 0.004 Karlsen 0.004
    """,
    "FI": """
        Juha 0.01 Timo 0.01 Matti 0.01 Kari 0.008 Tuula 0.006 Päivi 0.006
        Korhonen 0.004 Virtanen 0.004 Mäkinen 0.003 Nieminen 0.003 Mäkelä 0.003
        Hämäläinen 0.003 Laine 0.003 Heikkinen 0.003 Koskinen 0.003
    """,
    "EE": """
        Andres 0.008 Jaan 0.008 Toomas 0.008 Anne 0.008 Tiina 0.006
        Tamm 0.005 Saar 0.004 Sepp 0.003 Mägi 0.003 Kask 0.003 Kukk 0.003
    """,
    "LT": """
        Jonas 0.015 Petras 0.01 Antanas 0.01 Ona 0.01 Janina 0.008
        Kazlauskas 0.005 Jankauskas 0.004 Petrauskas 0.004 Stankevičius 0.004
        Vasiliauskas 0.003 Žukauskas 0.003 Butkus 0.003
    """,
    "AT": """
        Franz 0.01 Josef 0.01 Johann 0.01 Maria 0.02 Anna 0.01
        Gruber 0.004 Huber 0.003 Bauer 0.002 Wagner 0.002 Müller 0.002 Pichler 0.002
        Steiner 0.002 Moser 0.002 Mayer 0.002
    """,
    "CH": """
        Daniel 0.008 Peter 0.008 Hans 0.008 Maria 0.01 Ursula 0.006
        Müller 0.004 Meier 0.002 Schmid 0.002 Keller 0.002 Weber 0.002 Huber 0.002
    """,
    "TR": """
        Mehmet 0.03 Mustafa 0.02 Ahmet 0.015 Ali 0.015 Fatma 0.015 Ayşe 0.01
        Yılmaz 0.02 Kaya 0.015 Demir 0.015 Şahin 0.01 Çelik 0.01
    """,
}
