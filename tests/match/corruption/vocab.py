"""Names and places from several cultures for the corruption corpus.

Each culture has its own given names, family names (some of several tokens: "Mac Kinder",
"van der Berg", "García López", so token split/merge errors have something to act on),
street patterns, towns and postcode format. People are drawn from one culture at a time, as
an address book holds them, so namesakes appear the way they do in real books (two "Maria
García" in Madrid), not as artefacts of one short English list.
"""

from __future__ import annotations

from dataclasses import dataclass


def _w(text: str) -> tuple[str, ...]:
    return tuple(t.replace("_", " ") for t in text.split())


@dataclass(frozen=True)
class Culture:
    name: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    #: Street pattern: {n} the house number, {s} a street word.
    street: str
    streets: tuple[str, ...]
    #: (town, postcode format: "#" a digit, "A" a capital letter).
    towns: tuple[tuple[str, str], ...]
    #: Share of the corpus drawn from this culture (relative weights).
    weight: float = 1.0


CULTURES: tuple[Culture, ...] = (
    Culture("english", _w(
        "James Oliver Harry Jack George Noah Charlie Jacob Thomas Oscar William Ronan Ewan "
        "Callum Declan Olivia Amelia Isla Ava Emily Jessica Sophie Grace Chloe Katherine "
        "Elizabeth Margaret Rebecca Abigail Victoria Eleanor"), _w(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
        "Evans Walker White Roberts Green Hall Wood Jackson Clarke Philpott Wittchen "
        "Mac_Kinder Mc_Donald O'Brien Fitzgerald Ashworth Pennington Hargreaves Blackwood"),
        "{n} {s}", _w("High_Street Station_Road Church_Lane Mill_Road Park_Avenue "
                      "Victoria_Road Kings_Road Queensway Elm_Grove Oak_Close"),
        (("London", "AA# #AA"), ("Leeds", "LS## #AA"), ("Bristol", "BS# #AA"),
         ("Manchester", "M## #AA"), ("Glasgow", "G## #AA"), ("Cardiff", "CF## #AA")), 2.0),
    Culture("german", _w(
        "Lukas Felix Jonas Leon Maximilian Paul Emil Anton Jürgen Klaus Wolfgang Dieter "
        "Mia Emma Hannah Lea Marie Clara Greta Frieda Johanna Ursula Gisela Brigitte Sabine"),
        _w("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
           "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann "
           "Krüger Hartmann Lange Werner Krause Lehmann Köhler Maier Huber"),
        "{s} {n}", _w("Hauptstraße Gartenweg Schulstraße Bahnhofstraße Lindenallee "
                      "Bergstraße Kirchgasse Waldweg Ringstraße Mühlenweg"),
        (("Berlin", "1####"), ("Hamburg", "2####"), ("München", "8####"), ("Köln", "5####"),
         ("Leipzig", "04###"), ("Dresden", "01###"), ("Bremen", "28###")), 2.0),
    Culture("spanish", _w(
        "José Antonio Manuel Francisco Javier Carlos Miguel Alejandro Pablo Diego Lucía "
        "María Carmen Ana Isabel Laura Elena Marta Sofía Paula Guadalupe Ignacio"),
        _w("García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín "
           "Jiménez Ruiz Hernández Díaz Moreno Álvarez Romero Navarro de_la_Cruz "
           "García_López Fernández_Ruiz Torres Domínguez"),
        "Calle {s} {n}", _w("Mayor Real Sol Luna Alcalá Goya Serrano Princesa Toledo Prado"),
        (("Madrid", "28###"), ("Barcelona", "08###"), ("Sevilla", "41###"),
         ("Valencia", "46###"), ("Bilbao", "48###"))),
    Culture("italian", _w(
        "Marco Giulia Matteo Chiara Alessandro Francesca Lorenzo Sofia Andrea Giuseppe "
        "Giovanni Antonio Luca Valentina Federica Simone Paolo Elisa"),
        _w("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
           "Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Di_Stefano"),
        "Via {s} {n}", _w("Roma Garibaldi Mazzini Verdi Dante Cavour Marconi Manzoni"),
        (("Roma", "00###"), ("Milano", "20###"), ("Napoli", "80###"), ("Torino", "10###"),
         ("Bologna", "40###"))),
    Culture("french", _w(
        "Pierre Camille Louis Chloé Hugo Manon Jean Marie Nicolas Isabelle Julien Céline "
        "Antoine Élodie Mathieu Aurélie Sébastien Nathalie Françoise"),
        _w("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
           "Laurent Lefèbvre Michel Fontaine Rousseau Vincent Muller Lefevre Faure "
           "Le_Gall De_Saint_Exupéry Dupont"),
        "{n} rue {s}", _w("de_la_Paix Victor_Hugo Pasteur Nationale des_Lilas du_Moulin "
                          "de_la_Gare Jean_Jaurès"),
        (("Paris", "75###"), ("Lyon", "69###"), ("Marseille", "13###"),
         ("Toulouse", "31###"), ("Lille", "59###"))),
    Culture("polish", _w(
        "Piotr Agnieszka Tomasz Katarzyna Krzysztof Małgorzata Andrzej Joanna Paweł Anna "
        "Michał Magdalena Łukasz Ewa Grzegorz Barbara Wojciech"),
        _w("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
           "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Krawczyk Grabowski"),
        "ul. {s} {n}", _w("Długa Krótka Polna Leśna Słoneczna Mickiewicza Kościuszki "
                          "Ogrodowa"),
        (("Warszawa", "0#-###"), ("Kraków", "3#-###"), ("Gdańsk", "80-###"),
         ("Wrocław", "5#-###"))),
    Culture("turkish", _w(
        "Yusuf Elif Mehmet Zeynep Mustafa Ayşe Ahmet Fatma Emre Merve Burak Esra Can Deniz"),
        _w("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan "
           "Doğan Kılıç Aslan Çetin Kara Koç Kurt"),
        "{s} Sokak No {n}", _w("Atatürk Cumhuriyet Gül Lale Menekşe Çınar İstiklal"),
        (("İstanbul", "34###"), ("Ankara", "06###"), ("İzmir", "35###"))),
    Culture("russian", _w(
        "Dmitri Irina Aleksandr Olga Sergei Natalia Andrei Tatiana Mikhail Elena Nikolai "
        "Svetlana Ivan Yekaterina Vladimir Anastasia"),
        _w("Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov "
           "Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov"),
        "ul. {s} {n}", _w("Lenina Pushkina Gagarina Mira Sadovaya Lesnaya Tverskaya"),
        (("Moskva", "1#####"), ("Sankt-Peterburg", "19####"), ("Kazan", "420###"))),
    Culture("indian", _w(
        "Aarav Vivaan Aditya Arjun Sai Rohan Priya Ananya Diya Aishwarya Kavya Lakshmi "
        "Rahul Vikram Sanjay Deepika Meera Ravi"),
        _w("Sharma Verma Gupta Singh Kumar Patel Reddy Iyer Nair Rao Menon Chatterjee "
           "Banerjee Mukherjee Desai Joshi Kulkarni Pillai Krishnan Agarwal"),
        "{n} {s}", _w("MG_Road Nehru_Nagar Gandhi_Marg Park_Street Lake_View_Road"),
        (("Mumbai", "400###"), ("Delhi", "110###"), ("Bengaluru", "560###"),
         ("Chennai", "600###"))),
    Culture("chinese", _w(
        "Wei Fang Jing Li Na Min Jun Yan Lei Hui Xiaoming Mei Ying Hao Qiang Xin"),
        _w("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin "
           "Ouyang Situ"),
        "{n} {s} Lu", _w("Zhongshan Renmin Jiefang Nanjing Huaihai Changan"),
        (("Shanghai", "200###"), ("Beijing", "100###"), ("Guangzhou", "510###"))),
    Culture("japanese", _w(
        "Haruto Yuto Sota Yui Hina Sakura Ren Riku Aoi Mei Takashi Hiroshi Yuki Kenji "
        "Akiko Naoko"),
        _w("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
           "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura"),
        "{s} {n}-chome", _w("Ginza Shibuya Umeda Sakae Tenjin Nishiki"),
        (("Tokyo", "1##-####"), ("Osaka", "53#-####"), ("Nagoya", "46#-####"))),
    Culture("vietnamese", _w("Anh Bao Duc Hai Hoa Huong Lan Linh Minh Ngoc Phuong Thanh "
                             "Trang Tuan Quang"),
        _w("Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly"),
        "{n} {s}", _w("Le_Loi Tran_Hung_Dao Hai_Ba_Trung Nguyen_Hue Ly_Thuong_Kiet"),
        (("Hanoi", "10####"), ("Ho Chi Minh", "70####"))),
    Culture("nigerian", _w(
        "Chinedu Oluwaseun Adebayo Ngozi Chiamaka Emeka Funmilayo Babatunde Ifeoma Tunde "
        "Yetunde Obinna Adaeze Kelechi"),
        _w("Okafor Adeyemi Okonkwo Balogun Eze Ogunleye Nwosu Adebayo Obi Okoro Olawale "
           "Chukwu Ibrahim Afolabi"),
        "{n} {s} Street", _w("Awolowo Allen Herbert_Macaulay Adeola_Odeku Broad"),
        (("Lagos", "1#####"), ("Abuja", "9#####"), ("Ibadan", "2#####"))),
    Culture("arabic", _w(
        "Mohammed Ahmed Omar Ali Hassan Khalid Youssef Fatima Aisha Mariam Layla Noor "
        "Salma Karim Rania Tariq"),
        _w("Al_Sayed Haddad Khoury Nasser Mansour Saleh Hamdan Abdallah El_Amin Farouk "
           "Rahman Aziz Qureshi Bakr Ben_Ali"),
        "{n} {s} St", _w("Tahrir Corniche Al_Nasr Salam Jumeirah Hamra"),
        (("Cairo", "11###"), ("Amman", "11###"), ("Dubai", "#####"), ("Beirut", "1###"))),
    Culture("nordic", _w(
        "Lars Nils Sven Erik Anders Ingrid Astrid Sigrid Freya Björn Maja Elsa Linnea "
        "Oskar Henrik Kari"),
        _w("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsen Hansen Jensen "
           "Nielsen Pedersen Lindqvist Bergström Halvorsen Virtanen Korhonen"),
        "{s} {n}", _w("Storgatan Drottninggatan Kungsgatan Karl_Johans_gate Strøget "
                      "Mannerheimintie"),
        (("Stockholm", "1## ##"), ("Oslo", "0###"), ("København", "1###"),
         ("Helsinki", "00###"))),
    Culture("dutch", _w(
        "Daan Sem Lucas Bram Luuk Sanne Emma Fleur Lotte Anouk Thijs Jeroen Marieke Wouter"),
        _w("de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit "
           "Meijer de_Boer Mulder de_Groot Bos Vos Peters van_der_Meer Hendriks"),
        "{s} {n}", _w("Dorpsstraat Kerkstraat Schoolstraat Molenweg Stationsweg Prinsengracht"),
        (("Amsterdam", "10## AA"), ("Rotterdam", "30## AA"), ("Utrecht", "35## AA"))),
    Culture("portuguese", _w(
        "João Pedro Gabriel Lucas Mateus Ana Beatriz Mariana Larissa Fernanda Rafael "
        "Thiago Camila Juliana"),
        _w("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes "
           "Costa Ribeiro Carvalho Almeida da_Silva dos_Santos"),
        "Rua {s}, {n}", _w("Augusta das_Flores Direita da_Liberdade São_Bento do_Comércio"),
        (("São Paulo", "0####-###"), ("Rio de Janeiro", "2####-###"), ("Lisboa", "1###-###"),
         ("Porto", "4###-###"))),
    Culture("greek", _w(
        "Georgios Dimitrios Konstantinos Ioannis Nikolaos Maria Eleni Aikaterini Sofia "
        "Vasiliki Panagiotis Christos Anastasia"),
        _w("Papadopoulos Papadakis Georgiou Oikonomou Nikolaidis Karagiannis Vlachos "
           "Antoniou Dimitriou Pappas Makris Alexiou"),
        "{s} {n}", _w("Ermou Stadiou Panepistimiou Akadimias Athinas Egnatia"),
        (("Athina", "1## ##"), ("Thessaloniki", "5## ##"))),
    Culture("korean", _w("Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Soo-ah Jae-won Hye-jin "
                         "Sung-min Eun-ji"),
        _w("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin"),
        "{n} {s}-ro", _w("Teheran Sejong Jongno Gangnam Hangang"),
        (("Seoul", "0####"), ("Busan", "4####"))),
)

#: Nicknames and short forms (given name -> forms a record may carry instead).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "James": ("Jim", "Jimmy", "Jamie"), "William": ("Bill", "Will", "Liam"),
    "Thomas": ("Tom", "Tommy"), "Katherine": ("Kate", "Katie", "Kathy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Margaret": ("Maggie", "Peggy", "Meg"),
    "Rebecca": ("Becky",), "Abigail": ("Abby",), "Victoria": ("Vicky", "Tori"),
    "Eleanor": ("Ellie", "Nell"), "Jessica": ("Jess",), "Charlie": ("Charles",),
    "Jacob": ("Jake",), "Oliver": ("Ollie",), "Alexander": ("Alex", "Sasha"),
    "Aleksandr": ("Sasha",), "Mikhail": ("Misha",), "Nikolai": ("Kolya",),
    "Dmitri": ("Dima",), "Yekaterina": ("Katya",), "Anastasia": ("Nastya",),
    "Francisco": ("Paco", "Curro"), "José": ("Pepe",), "Ignacio": ("Nacho",),
    "Guadalupe": ("Lupe",), "Manuel": ("Manolo",), "Giuseppe": ("Beppe", "Peppe"),
    "Giovanni": ("Gianni",), "Alessandro": ("Sandro",), "Francesca": ("Franca",),
    "Maximilian": ("Max",), "Johanna": ("Hanna",), "Wolfgang": ("Wolf",),
    "Babatunde": ("Tunde",), "Oluwaseun": ("Seun",), "Mohammed": ("Mo", "Muhammad"),
    "Konstantinos": ("Kostas",), "Georgios": ("Giorgos",), "Ioannis": ("Giannis",),
    "Aikaterini": ("Katerina",), "Małgorzata": ("Gosia",), "Krzysztof": ("Krzyś",),
    "Agnieszka": ("Aga",), "Katarzyna": ("Kasia",), "Vikram": ("Vicky",),
}
