"""Name, street and phone tables of several cultures for the households corpus.

Each culture says how a family passes on its family name (shared, gendered, two surnames,
kept by the wife), which given names it uses (with a few nicknames where the culture has
them), what its streets and postcodes look like, and number templates for a home landline and
a mobile in its numbering plan ("#" is a random digit; the generator keeps drawing until
``phonenumbers`` calls the number valid). The lists are independent of tests/match/corpus.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Culture:
    """How one culture names people and addresses homes."""

    code: str
    region: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, postcode template)
    landline: tuple[str, ...]
    mobile: tuple[str, ...]
    #: "shared": everyone takes the father's family name (the wife often, see the rate);
    #: "kept": the wife keeps hers, children take the father's; "gendered": a feminine form
    #: (Kowalski -> Kowalska); "double": children take father's first + mother's first surname.
    family_rule: str = "shared"
    street_first: bool = False  # "Hauptstrasse 12" vs "12 Main Street"
    nicknames: dict[str, str] = field(default_factory=dict)
    email_domains: tuple[str, ...] = ("gmail.com", "outlook.com", "yahoo.com")


CULTURES: tuple[Culture, ...] = (
    Culture(
        "en-us", "US",
        _w("James Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew "
           "Anthony Steven Andrew Joshua Kevin Brian George Edward Ronald"),
        _w("Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy "
           "Margaret Sandra Ashley Kimberly Emily Donna Michelle Dorothy Carol"),
        _w("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
           "Jackson Martin Thompson White Harris Clark Lewis Walker Hall Allen Young King"),
        ("Maple Street", "Oak Avenue", "Cedar Lane", "Elm Street", "Washington Avenue",
         "Lakeview Drive", "Hillcrest Road", "Park Place", "Sunset Boulevard", "Pine Court"),
        (("Boston", "021##"), ("Chicago", "606##"), ("Seattle", "981##"), ("Denver", "802##"),
         ("Austin", "787##")),
        ("617#######", "312#######", "206#######", "303#######"),
        ("857#######", "773#######", "425#######", "720#######"),
        nicknames={"James": "Jim", "Robert": "Bob", "Michael": "Mike", "William": "Bill",
                   "Richard": "Rick", "Joseph": "Joe", "Thomas": "Tom", "Daniel": "Dan",
                   "Elizabeth": "Liz", "Margaret": "Maggie", "Susan": "Sue",
                   "Jennifer": "Jen", "Patricia": "Patty", "Edward": "Ed", "Charles": "Charlie"},
    ),
    Culture(
        "de", "DE",
        _w("Lukas Jonas Felix Maximilian Paul Leon Tobias Florian Matthias Stefan Jürgen Uwe "
           "Wolfgang Klaus Dieter Günter Henrik Moritz Johannes Benedikt"),
        _w("Anna Lena Sophie Marie Katharina Julia Sabine Ursula Monika Birgit Petra Heike "
           "Greta Frieda Johanna Mathilda Ingrid Brigitte Annika Lisa"),
        _w("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
           "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hartmann"),
        ("Hauptstraße", "Lindenweg", "Gartenstraße", "Bahnhofstraße", "Am Mühlbach",
         "Schillerstraße", "Rosenweg", "Birkenallee", "Kirchplatz", "Goethestraße"),
        (("Berlin", "10###"), ("Hamburg", "22###"), ("München", "80###"), ("Köln", "50###"),
         ("Leipzig", "04###")),
        ("30########", "40#######", "89#######", "221#######", "341#######"),
        ("151########", "160#######", "170########", "176########"),
        street_first=True, email_domains=("web.de", "gmx.de", "t-online.de", "posteo.de"),
        nicknames={"Johannes": "Hannes", "Katharina": "Kathi", "Maximilian": "Max",
                   "Matthias": "Matze", "Benedikt": "Bene"},
    ),
    Culture(
        "es", "ES",
        _w("Antonio Manuel José Francisco David Juan Javier Daniel Carlos Alejandro Miguel "
           "Rafael Pablo Sergio Fernando Jorge Alberto Luis Álvaro Diego"),
        _w("María Carmen Ana Isabel Laura Lucía Cristina Marta Pilar Elena Rosa Raquel "
           "Paula Sara Beatriz Nuria Silvia Julia Irene Alba"),
        _w("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín "
           "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres"),
        ("Calle Mayor", "Calle del Sol", "Avenida de la Constitución", "Calle Real",
         "Plaza de España", "Calle de Alcalá", "Paseo del Prado", "Calle Nueva"),
        (("Madrid", "280##"), ("Barcelona", "080##"), ("Sevilla", "410##"),
         ("Valencia", "460##")),
        ("91#######", "93#######", "95#######", "96#######"),
        ("6########",),
        family_rule="double", street_first=True, email_domains=("gmail.com", "hotmail.es"),
        nicknames={"Francisco": "Paco", "José": "Pepe", "Manuel": "Manolo",
                   "Dolores": "Lola", "Antonio": "Toño"},
    ),
    Culture(
        "pl", "PL",
        _w("Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Adam Łukasz Grzegorz "
           "Mateusz Wojciech Mariusz Dariusz Kamil Maciej Rafał Szymon Bartosz"),
        _w("Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Joanna "
           "Aleksandra Monika Zofia Natalia Dorota Beata Halina Jadwiga Weronika Julia"),
        _w("Kowalski Nowakowski Wiśniewski Wójcicki Kamiński Lewandowski Zieliński "
           "Szymański Woźniacki Dąbrowski Kozłowski Jankowski Mazurski Krawczyk Piotrowski "
           "Grabowski Pawłowski Michalski"),
        ("ulica Długa", "ulica Polna", "ulica Leśna", "ulica Słoneczna", "ulica Krótka",
         "aleja Jerozolimskie", "ulica Ogrodowa"),
        (("Warszawa", "00-###"), ("Kraków", "30-###"), ("Gdańsk", "80-###"),
         ("Wrocław", "50-###")),
        ("22#######", "12#######", "58#######", "71#######"),
        ("5########", "6########", "79#######"),
        family_rule="gendered", street_first=True, email_domains=("wp.pl", "onet.pl", "o2.pl"),
    ),
    Culture(
        "ja", "JP",
        _w("Hiroshi Takeshi Kenji Daisuke Haruto Yuto Sota Ren Kaito Takumi Shota Ryo "
           "Kazuki Naoki Satoshi Makoto Yuki Tsubasa Hayato Koji"),
        _w("Yui Aoi Sakura Hina Yuna Mei Haruka Ayaka Misaki Nanami Emi Keiko Yoko Naoko "
           "Tomoko Akiko Mayumi Rina Saki Kana"),
        _w("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
           "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu"),
        ("Chuo 1-chome", "Honcho 2-chome", "Sakae 3-chome", "Minami 4-chome",
         "Kita 5-chome", "Higashi 1-chome"),
        (("Tokyo", "1##-####"), ("Osaka", "5##-####"), ("Nagoya", "46#-####")),
        ("3########", "6########", "52#######"),
        ("90########", "80########", "70########"),
        email_domains=("docomo.ne.jp", "gmail.com", "yahoo.co.jp"),
    ),
    Culture(
        "yo", "NG",
        _w("Adewale Oluwaseun Babatunde Olumide Adebayo Chinedu Emeka Tunde Segun Femi "
           "Kayode Ayodele Olusegun Damilola Gbenga Chukwuemeka Obinna Ikenna Uche Yemi"),
        _w("Folake Adebola Oluwakemi Yetunde Funmilayo Ngozi Chioma Adaeze Bisola Titilayo "
           "Omolara Abimbola Nkechi Amaka Ifeoma Kemi Ronke Temitope Bukola Simisola"),
        _w("Adeyemi Okafor Okonkwo Adebayo Oyelaran Balogun Ogunleye Eze Nwosu Olawale "
           "Afolabi Ibrahim Bello Akinola Ogunbanjo Chukwu Obi Adeleke Onyekachi"),
        ("Allen Avenue", "Adeola Odeku Street", "Awolowo Road", "Bode Thomas Street",
         "Herbert Macaulay Way", "Ogunlana Drive"),
        (("Lagos", "1000##"), ("Ibadan", "2001##"), ("Abuja", "9001##")),
        ("203#######", "209#######", "201#######"),
        ("803#######", "806#######", "813#######", "703#######"),
        email_domains=("gmail.com", "yahoo.com"),
    ),
    Culture(
        "hi", "IN",
        _w("Aarav Vivaan Aditya Arjun Rohan Rahul Amit Sanjay Vikram Rajesh Suresh Anil "
           "Pranav Karan Nikhil Manoj Deepak Harish Ishaan Kabir"),
        _w("Priya Ananya Aisha Diya Kavya Pooja Neha Sunita Anjali Meera Lakshmi Radha "
           "Shreya Sneha Divya Nisha Rekha Swati Isha Tara"),
        _w("Sharma Verma Gupta Singh Kumar Patel Reddy Iyer Nair Mehta Joshi Desai Rao "
           "Chatterjee Banerjee Mukherjee Agarwal Malhotra Kapoor Bhatt"),
        ("MG Road", "Nehru Nagar", "Gandhi Marg", "Park Street", "Residency Road",
         "Lajpat Nagar", "Brigade Road"),
        (("New Delhi", "110###"), ("Mumbai", "400###"), ("Bengaluru", "560###"),
         ("Kolkata", "700###")),
        ("11########", "22########", "80########", "33########"),
        ("98########", "99########", "97########", "70########"),
        email_domains=("gmail.com", "rediffmail.com", "yahoo.co.in"),
    ),
    Culture(
        "tr", "TR",
        _w("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Yusuf Ömer "
           "Kemal Serkan Oğuz Cem Can Barış Eren Kaan"),
        _w("Ayşe Fatma Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Esra Büşra "
           "Merve Derya Selin Ebru Gül Özlem Deniz Aslı"),
        _w("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
           "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek"),
        ("Atatürk Caddesi", "Cumhuriyet Caddesi", "İstiklal Caddesi", "Gül Sokak",
         "Lale Sokak", "Barbaros Bulvarı"),
        (("İstanbul", "34###"), ("Ankara", "06###"), ("İzmir", "35###")),
        ("212#######", "216#######", "312#######", "232#######"),
        ("532#######", "533#######", "542#######", "505#######"),
        street_first=True, email_domains=("gmail.com", "hotmail.com", "yandex.com"),
    ),
    Culture(
        "zh", "CN",
        _w("Wei Lei Jun Yong Jie Tao Ming Hao Qiang Bo Gang Ping Hui Chao Peng Xin Long "
           "Zhiwei Jianguo Haoran"),
        _w("Fang Na Min Jing Li Yan Juan Xiu Ying Hua Mei Lan Ting Xia Qing Yun Xue Hong "
           "Xiaoling Yuqi"),
        _w("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin "
           "Luo"),
        ("Zhongshan Road", "Jiefang Road", "Renmin Road", "Nanjing Road", "Huaihai Road",
         "Heping Street"),
        (("Beijing", "100###"), ("Shanghai", "200###"), ("Guangzhou", "510###")),
        ("10########", "21########", "20########"),
        ("138########", "139########", "186########", "150########"),
        family_rule="kept", email_domains=("qq.com", "163.com", "126.com"),
    ),
    Culture(
        "ko", "KR",
        _w("Minjun Seojun Dohyun Jiho Junwoo Hyunwoo Jihoon Sungmin Youngho Dongwook Jaehyun "
           "Taeyang Woojin Sangwoo Kyungsoo"),
        _w("Seoyeon Jiwoo Minseo Hayoon Jiyoon Eunji Soyeon Hyejin Yuna Sumin Jiyoung "
           "Mikyung Eunbi Dahye Seulgi"),
        _w("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song"),
        ("Sejong-daero", "Teheran-ro", "Gangnam-daero", "Jong-ro", "Hangang-daero",
         "Olympic-ro"),
        (("Seoul", "0####"), ("Busan", "4####"), ("Incheon", "2####")),
        ("2########", "51#######", "32#######"),
        ("10########",),
        family_rule="kept", email_domains=("naver.com", "daum.net", "gmail.com"),
    ),
    Culture(
        "ar", "EG",
        _w("Mohamed Ahmed Mahmoud Mostafa Omar Youssef Khaled Tarek Hassan Hussein Karim "
           "Amr Ibrahim Sherif Hany Walid Samir Adel Nabil Ziad"),
        _w("Fatma Aya Nour Mariam Salma Yasmin Hana Dina Rania Heba Mona Amira Laila Nadia "
           "Samira Reem Habiba Malak Farida Shaimaa"),
        _w("Hassan Ibrahim Mahmoud Abdelrahman Saleh Farouk Mansour Nasser Khalil Soliman "
           "Fahmy Gaber Ismail Shawky Ragab Mostafa Hamdy Zaki Sabry Fouad"),
        ("Tahrir Street", "Nile Corniche", "Port Said Street", "Salah Salem Road",
         "Abbas El Akkad Street", "Gamaat El Dewal Street"),
        (("Cairo", "11###"), ("Alexandria", "21###"), ("Giza", "12###")),
        ("2########", "3#######"),
        ("10########", "11########", "12########"),
        family_rule="kept", email_domains=("gmail.com", "yahoo.com", "hotmail.com"),
    ),
    Culture(
        "pt-br", "BR",
        _w("João Pedro Lucas Gabriel Rafael Gustavo Felipe Bruno Thiago Rodrigo Marcelo "
           "Carlos Eduardo Leonardo Mateus Vinícius André Fernando Ricardo Paulo"),
        _w("Ana Maria Juliana Fernanda Camila Beatriz Larissa Mariana Gabriela Patrícia "
           "Aline Letícia Bruna Vanessa Renata Luana Carolina Isabela Tatiana Débora"),
        _w("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa "
           "Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa"),
        ("Rua das Flores", "Avenida Paulista", "Rua Augusta", "Rua Oscar Freire",
         "Avenida Atlântica", "Rua da Consolação"),
        (("São Paulo", "01###-###"), ("Rio de Janeiro", "22###-###"),
         ("Belo Horizonte", "30###-###")),
        ("113#######", "213#######", "313#######"),
        ("119########", "219########", "319########"),
        street_first=True, email_domains=("gmail.com", "uol.com.br", "bol.com.br"),
    ),
    Culture(
        "vi", "VN",
        _w("Minh Hung Tuan Dung Hieu Long Nam Quang Thanh Duc Khoa Phuc Bao Huy Trung "
           "Vinh Son Tai Cuong Kien"),
        _w("Lan Huong Mai Linh Trang Thu Ngoc Hoa Phuong Thao Anh Hanh Nhung Quynh Vy "
           "Yen Diep Loan Tam Xuan"),
        _w("Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly"),
        ("Le Loi Street", "Nguyen Hue Boulevard", "Tran Hung Dao Street",
         "Hai Ba Trung Street", "Dien Bien Phu Street"),
        (("Hanoi", "100000"), ("Ho Chi Minh City", "700000"), ("Da Nang", "550000")),
        ("24########", "28########"),
        ("91#######", "98#######", "90#######"),
        family_rule="kept", email_domains=("gmail.com", "yahoo.com.vn"),
    ),
)

#: Polish feminine surname forms: -ski -> -ska, -cki -> -cka, -dzki -> -dzka.
_GENDERED = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def feminine(family: str) -> str:
    """The feminine form of a gendered (Polish) family name; others unchanged."""
    for male, female in _GENDERED:
        if family.endswith(male):
            return family[: -len(male)] + female
    return family
