"""Generate Kith's demo address books (resources/demo/*.vcf), deterministically.

Two overlapping sources, as a real owner has them:
- ``phone-export.vcf``: a phone's vCard 3.0 export (Apple-style grouped labels, some photos);
- ``work-carddav.vcf``: a work address book in vCard 4.0.
Many people appear in both: with the same email (Kith links them), with the same number
written differently, or only with a similar name (Bob / Robert: a suggestion to review).
Families share a landline, colleagues share info@ addresses, and some overlaps disagree on
an organisation or a birthday.

Run: python tools/make_demo.py
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

GIVEN = ["Anna", "Ben", "Carla", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Katja", "Lars", "Mia", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tara",
         "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoë", "Chloé", "José", "Søren", "Łukasz",
         "Robert", "William", "Elizabeth", "Katherine", "Michael", "Alexander"]
NICK = {"Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "Katherine": "Kate",
        "Michael": "Mike", "Alexander": "Alex"}
FAMILY = ["Müller", "Schmidt", "García", "Rossi", "Novak", "Dubois", "Jansen", "Kowalski",
          "Andersson", "O'Brien", "Nguyen", "Yilmaz", "Silva", "Haddad", "Tanaka", "Smith",
          "Johnson", "Brown", "Fischer", "Weber", "Martin", "Bernard", "Costa", "Horvat"]
ORGS = ["Acme GmbH", "Globex", "Initech", "Umbrella Labs", "Stark Industries", "Wayne Ent.",
        "Hooli", "Vandelay Imports", "Soylent Corp", "Cyberdyne"]
MAIL_DOMAINS = ["gmail.com", "web.de", "posteo.de", "outlook.com"]
STREETS = ["Haupt", "Linden", "Berg", "See"]
CITIES = [("Berlin", "DE", "10115"), ("München", "DE", "80331"), ("Hamburg", "DE", "20095"),
          ("Wien", "AT", "1010"), ("Zürich", "CH", "8001")]


def ascii_slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in s.lower() if c.isalnum())


def phone(rng: random.Random) -> str:
    return f"+49 151 {rng.randint(1000000, 9999999)}"


def national(p: str) -> str:
    digits = p.replace(" ", "")[3:]
    return f"0{digits[:3]} {digits[3:]}"


def card3(uid, given, family, emails, phones, org="", title="", bday="", note="",
          street="", city=None, photo=False, categories=()):
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{family};{given};;;",
             f"FN:{given} {family}"]
    for i, e in enumerate(emails):
        lines.append(f"item{i + 1}.EMAIL;TYPE=INTERNET{';TYPE=pref' if i == 0 else ''}:{e}")
        lines.append(f"item{i + 1}.X-ABLabel:{'_$!<Home>!$_' if i == 0 else '_$!<Other>!$_'}")
    for kind, p in phones:
        lines.append(f"TEL;TYPE={kind}:{p}")
    if org:
        lines.append(f"ORG:{org};")
    if title:
        lines.append(f"TITLE:{title}")
    if bday:
        lines.append(f"BDAY:{bday}")
    if street and city:
        lines.append(f"ADR;TYPE=HOME:;;{street};{city[0]};;{city[2]};{city[1]}")
    if note:
        lines.append(f"NOTE:{note}")
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    if photo:
        # A 1x1 PNG: enough to show the photo path works end to end.
        lines.append("PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf"
                     "FcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def card4(uid, given, family, emails, phones, org="", title="", bday="", nickname="",
          categories=()):
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:{uid}", f"N:{family};{given};;;",
             f"FN:{given} {family}"]
    if nickname:
        lines.append(f"NICKNAME:{nickname}")
    for i, e in enumerate(emails):
        lines.append(f"EMAIL;TYPE=work{';PREF=1' if i == 0 else ''}:{e}")
    for kind, p in phones:
        lines.append(f"TEL;VALUE=uri;TYPE={kind}:tel:{p.replace(' ', '-')}")
    if org:
        lines.append(f"ORG:{org}")
    if title:
        lines.append(f"TITLE:{title}")
    if bday:
        lines.append(f"BDAY:{bday}")
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    rng = random.Random(20261126)
    people = []
    used = set()
    while len(people) < 230:
        g, f = rng.choice(GIVEN), rng.choice(FAMILY)
        if (g, f) in used:
            continue
        used.add((g, f))
        people.append({
            "given": g, "family": f,
            "email": f"{ascii_slug(g)}.{ascii_slug(f)}@{rng.choice(MAIL_DOMAINS)}",
            "work": f"{ascii_slug(g)[0]}{ascii_slug(f)}@{ascii_slug(rng.choice(ORGS))}.example",
            "mobile": phone(rng), "org": rng.choice(ORGS),
            "bday": f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "city": rng.choice(CITIES),
            "street": f"{rng.choice(STREETS)}straße {rng.randint(1, 120)}",
        })
    # Households sharing a landline.
    landlines = {}
    for i in range(0, 36, 3):
        number = f"+49 30 {rng.randint(1000000, 9999999)}"
        for j in range(3):
            landlines[i + j] = number
    phone_cards, work_cards = [], []
    for i, p in enumerate(people):
        phones = [("CELL", p["mobile"])]
        if i in landlines:
            phones.append(("HOME", landlines[i]))
        in_phone = i < 190
        in_work = i >= 90
        if in_phone:
            bday = p["bday"] if i % 4 else f"--{p['bday'][5:7]}{p['bday'][8:10]}"
            phone_cards.append(card3(
                f"phone-{i:04d}", p["given"], p["family"], [p["email"]], phones,
                org=p["org"] if i % 3 == 0 else "", bday=bday,
                street=p["street"], city=p["city"], photo=i % 7 == 0,
                note="Met at the climbing gym" if i % 11 == 0 else "",
                categories=("Family",) if i in landlines else ("Friends",) if i % 2 else ()))
        if in_work:
            variant = i % 5
            given = p["given"]
            emails = [p["work"]]
            wphones = [("cell", p["mobile"])]
            if variant == 0:      # same private email too: links automatically
                emails.append(p["email"])
            elif variant == 1:    # same mobile, written nationally
                wphones = [("cell", national(p["mobile"]))]
            elif variant == 2 and given in NICK:   # nickname, nothing shared: a suggestion
                given, wphones = NICK[given], []
            elif variant == 3:    # a typo in the family name, same mobile
                p_family = p["family"][:-1] + p["family"][-1] * 2
                work_cards.append(card4(
                    f"urn:uuid:work-{i:04d}", given, p_family, emails, wphones,
                    org=p["org"], title="Engineer", categories=("Work",)))
                continue
            org = p["org"] if i % 6 else rng.choice(ORGS)  # some disagree on the employer
            bday = p["bday"] if i % 8 else f"{int(p['bday'][:4]) + 1}{p['bday'][4:]}"
            work_cards.append(card4(
                f"urn:uuid:work-{i:04d}", given, p["family"], emails, wphones, org=org,
                title=rng.choice(["Engineer", "Designer", "Manager", "Sales"]),
                bday=bday if i % 2 else "", nickname=NICK.get(p["given"], "") if i % 3 == 0 else "",
                categories=("Work",)))
    # Role addresses shared by several colleagues.
    for k, org in enumerate(ORGS[:4]):
        work_cards.append(card4(f"urn:uuid:desk-{k}", "Front", f"Desk {org}",
                                [f"info@{ascii_slug(org)}.example"], [], org=org))
    out = Path(__file__).resolve().parents[1] / "resources" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    (out / "phone-export.vcf").write_text("".join(phone_cards), encoding="utf-8", newline="")
    (out / "work-carddav.vcf").write_text("".join(work_cards), encoding="utf-8", newline="")
    print(f"{len(phone_cards)} + {len(work_cards)} cards written to {out}")


if __name__ == "__main__":
    main()
