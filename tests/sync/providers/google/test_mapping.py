"""Person JSON -> ParsedContact on a realistic, fully populated People API person."""

from __future__ import annotations

from core.ingest.parsed import Address, ContactValue, DateValue, Organization, Photo
from core.sync.providers.google.mapping import group_from_json, person_to_contact

GROUPS = {"contactGroups/abc": "Climbing Club", "contactGroups/starred": "Starred"}

PERSON = {
    "resourceName": "people/c42",
    "etag": "%EgUBAgMECz",
    "metadata": {"sources": [{"type": "CONTACT", "id": "42"}],
                 "previousResourceNames": ["people/c41"], "objectType": "PERSON"},
    "names": [
        {"metadata": {"primary": False}, "displayName": "Other Name"},
        {"metadata": {"primary": True}, "displayName": "Dr. Ada King Lovelace",
         "givenName": "Ada", "middleName": "King", "familyName": "Lovelace",
         "honorificPrefix": "Dr.", "honorificSuffix": "FRS"},
    ],
    "nicknames": [{"value": "Countess"}],
    "emailAddresses": [
        {"metadata": {"primary": True}, "value": "ada@example.com", "type": "home"},
        {"value": "ada@work.example", "type": "work", "formattedType": "Work"},
        {"value": "ada@example.com", "type": "other"},  # duplicate value: dropped
    ],
    "phoneNumbers": [{"value": "+44 20 7946 0000", "canonicalForm": "+442079460000",
                      "type": "mobile"}],
    "addresses": [{"streetAddress": "12 St James's Sq", "city": "London",
                   "postalCode": "SW1Y 4JH", "country": "United Kingdom", "countryCode": "gb",
                   "type": "home"}, {"type": "work"}],
    "birthdays": [
        {"metadata": {"primary": True}, "date": {"month": 12, "day": 10}},  # no year
        {"date": {"month": 12, "day": 10}},  # duplicate from the profile source
        {"text": "1815-12-10"},
        {"text": "sometime in winter"},
    ],
    "events": [{"date": {"year": 1835, "month": 7, "day": 8}, "type": "anniversary"},
               {"date": {"year": 1843, "month": 9, "day": 1}, "type": "publication"}],
    "organizations": [{"name": "Analytical Engine Ltd", "title": "Programmer",
                       "department": "Notes"}],
    "biographies": [{"value": "First programmer.", "contentType": "TEXT_PLAIN"}],
    "urls": [{"value": "https://example.com/ada", "type": "blog"}],
    "memberships": [
        {"contactGroupMembership": {"contactGroupId": "myContacts",
                                    "contactGroupResourceName": "contactGroups/myContacts"}},
        {"contactGroupMembership": {"contactGroupId": "abc",
                                    "contactGroupResourceName": "contactGroups/abc"}},
        {"contactGroupMembership": {"contactGroupId": "starred"}},
    ],
    "photos": [{"url": "https://lh3.googleusercontent.com/default", "default": True},
               {"url": "https://lh3.googleusercontent.com/ada", "metadata": {"primary": True}}],
    "userDefined": [{"key": "Favourite engine", "value": "Analytical"}],
    "imClients": [{"username": "ada_l", "protocol": "Skype", "type": "home"}],
    "sipAddresses": [{"value": "sip:ada@example.com", "type": "work"}],
}


def test_full_person_maps_every_supported_field() -> None:
    contact, problems = person_to_contact(PERSON, GROUPS)
    assert contact.external_id == "people/c42" and contact.etag == "%EgUBAgMECz"
    assert contact.previous_external_ids == ["people/c41"]
    assert contact.name.full == "Dr. Ada King Lovelace" and contact.name.middle == "King"
    assert (contact.name.prefix, contact.name.suffix) == ("Dr.", "FRS")
    assert contact.nickname == ["Countess"]
    assert contact.emails == [
        ContactValue("ada@example.com", "home", True),
        ContactValue("ada@work.example", "work", False)]
    assert contact.phones == [ContactValue("+44 20 7946 0000", "mobile")]
    assert contact.addresses == [Address(label="home", street="12 St James's Sq",
                                         locality="London", postal_code="SW1Y 4JH",
                                         country="United Kingdom")]
    assert contact.country == "GB"
    assert contact.birthdays == [DateValue(12, 10, None), DateValue(12, 10, 1815)]
    assert contact.anniversaries == [DateValue(7, 8, 1835, "anniversary")]
    assert contact.organizations == [Organization("Analytical Engine Ltd", "Programmer",
                                                  "Notes")]
    assert contact.notes == "First programmer.\n\nFavourite engine: Analytical"
    assert contact.urls == [ContactValue("https://example.com/ada", "blog")]
    assert contact.groups == ["Climbing Club", "Starred"]
    assert contact.photos == [Photo(uri="https://lh3.googleusercontent.com/ada")]
    assert contact.usernames == [
        ContactValue("ada_l", "home", platform="skype"),
        ContactValue("sip:ada@example.com", "work", platform="sip")]
    assert contact.raw["resourceName"] == "people/c42"
    assert not contact.deleted
    assert problems == ["people/c42 birthday: unusable date 'sometime in winter' skipped"]


def test_deleted_person_is_a_tombstone() -> None:
    contact, problems = person_to_contact(
        {"resourceName": "people/c9", "etag": "%x", "metadata": {"deleted": True}}, {})
    assert contact.deleted and contact.external_id == "people/c9" and contact.etag == "%x"
    assert problems == []


def test_minimal_other_contact() -> None:
    contact, _ = person_to_contact({"resourceName": "otherContacts/c1", "etag": "%e",
                                    "emailAddresses": [{"value": "x@example.org"}]}, {})
    assert contact.display_name == "x@example.org" and contact.groups == []


def test_group_names() -> None:
    user = group_from_json({"resourceName": "contactGroups/abc", "groupType":
                            "USER_CONTACT_GROUP", "name": "Climbing Club", "memberCount": 3})
    assert user is not None and (user.name, user.member_count) == ("Climbing Club", 3)
    starred = group_from_json({"resourceName": "contactGroups/starred", "groupType":
                               "SYSTEM_CONTACT_GROUP", "name": "starred",
                               "formattedName": "Starred"})
    assert starred is not None and starred.name == "Starred"
    assert group_from_json({"resourceName": "contactGroups/myContacts",
                            "groupType": "SYSTEM_CONTACT_GROUP", "name": "myContacts"}) is None


def test_new_fields_relations_genders_phonetic_locales_events_and_past_jobs() -> None:
    person = {
        "resourceName": "people/c7", "etag": "e",
        "names": [{"displayName": "Hiro Nakamura", "givenName": "Hiro",
                   "familyName": "Nakamura", "phoneticGivenName": "ひろ",
                   "phoneticFamilyName": "なかむら"}],
        "organizations": [
            {"name": "Yamagata", "department": "Time Research", "title": "Researcher",
             "jobDescription": "Bends time", "current": True},
            {"name": "Deveaux Corp", "title": "Intern", "current": False},
        ],
        "relations": [{"person": "Ando Masahashi", "type": "friend"},
                      {"person": "Kaito Nakamura", "type": "father"}],
        "genders": [{"value": "male", "formattedValue": "Male"}],
        "locales": [{"value": "ja-JP"}, {"value": "en"}],
        "imClients": [{"username": "hiro.n", "protocol": "skype"}],
        "nicknames": [{"value": "Hiro-kun"}],
        "events": [{"date": {"year": 2006, "month": 9, "day": 25}, "type": "anniversary"},
                   {"date": {"month": 5, "day": 12}, "type": "Saved the cheerleader"}],
        "fileAses": [{"value": "Nakamura, Hiro"}],
    }
    contact, problems = person_to_contact(person, {})
    assert problems == []
    assert [(o.name, o.department, o.title, o.role, o.current) for o in
            contact.organizations] == [
        ("Yamagata", "Time Research", "Researcher", "Bends time", True),
        ("Deveaux Corp", "", "Intern", "", False)]
    assert [(r.name, r.relation) for r in contact.related] == [
        ("Ando Masahashi", "friend"), ("Kaito Nakamura", "father")]
    assert contact.gender == "M"
    assert (contact.phonetic.given, contact.phonetic.family) == ("ひろ", "なかむら")
    assert contact.languages == ["ja-JP", "en"]
    assert [(u.platform, u.value) for u in contact.usernames] == [("skype", "hiro.n")]
    assert contact.nickname == ["Hiro-kun"]
    assert contact.anniversaries == [DateValue(month=9, day=25, year=2006, label="anniversary")]
    assert contact.dates == [DateValue(month=5, day=12, label="Saved the cheerleader")]
    assert contact.file_as == "Nakamura, Hiro"
    other, _ = person_to_contact({**person, "genders": [{"value": "nonbinary"}]}, {})
    assert other.gender == ";nonbinary"
