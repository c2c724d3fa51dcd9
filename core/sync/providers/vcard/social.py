"""Usernames and IM handles in vCards: IMPP, X-SOCIALPROFILE, SOCIALPROFILE and X-<service>.

Every exporter spells these differently (Apple: ``IMPP;X-SERVICE-TYPE=Skype:skype:bob``,
``X-SOCIALPROFILE;type=twitter;x-user=bob:http://twitter.com/bob``; Evolution/KDE: ``X-JABBER``;
Android: ``X-TELEGRAM``). They all become ``ContactValue(value=<username>, platform=<service>)``
with one lower-case platform vocabulary, so handle matching can compare them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.sync.providers.vcard.values import first, param_value, unescape

#: Aliases -> canonical platform name.
PLATFORM_ALIASES = {
    "jabber": "xmpp", "googletalk": "gtalk", "google-talk": "gtalk", "google talk": "gtalk",
    "tg": "telegram", "ymsgr": "yahoo", "gg": "gadugadu", "gadu-gadu": "gadugadu",
    "skype-username": "skype", "x": "twitter", "sina weibo": "sinaweibo",
}

#: X-<NAME> properties that carry a username directly.
X_PROPERTY_PLATFORMS = {
    "X-AIM": "aim", "X-ICQ": "icq", "X-JABBER": "xmpp", "X-MSN": "msn", "X-YAHOO": "yahoo",
    "X-SKYPE": "skype", "X-SKYPE-USERNAME": "skype", "X-GOOGLE-TALK": "gtalk",
    "X-GTALK": "gtalk", "X-TWITTER": "twitter", "X-TELEGRAM": "telegram", "X-QQ": "qq",
    "X-GADUGADU": "gadugadu", "X-GROUPWISE": "groupwise", "X-WHATSAPP": "whatsapp",
    "X-SIGNAL": "signal", "X-MATRIX": "matrix", "X-MASTODON": "mastodon",
    "X-LINKEDIN": "linkedin", "X-FACEBOOK": "facebook", "X-INSTAGRAM": "instagram",
    "X-THREEMA": "threema", "X-WECHAT": "wechat", "X-SIP": "sip",
}

#: Platforms written as X-SOCIALPROFILE (profile pages) rather than IMPP (messaging).
SOCIAL_PLATFORMS = frozenset({
    "twitter", "facebook", "linkedin", "instagram", "mastodon", "github", "flickr", "myspace",
    "sinaweibo", "tiktok", "youtube", "bluesky", "threads", "xing",
})

#: URI scheme used when writing IMPP for a platform (default: the platform name itself).
IMPP_SCHEMES = {"telegram": "tg", "yahoo": "ymsgr", "gadugadu": "gg", "gtalk": "xmpp"}

_PROFILE_URLS = {
    "twitter": "https://twitter.com/{}", "github": "https://github.com/{}",
    "instagram": "https://instagram.com/{}", "facebook": "https://facebook.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}", "tiktok": "https://www.tiktok.com/@{}",
}
_HOST_PLATFORMS = {
    "twitter.com": "twitter", "x.com": "twitter", "facebook.com": "facebook",
    "linkedin.com": "linkedin", "instagram.com": "instagram", "github.com": "github",
    "flickr.com": "flickr", "myspace.com": "myspace", "weibo.com": "sinaweibo",
    "tiktok.com": "tiktok", "youtube.com": "youtube", "bsky.app": "bluesky",
}


def normalise_platform(name: str) -> str:
    """Lower-case, trimmed, alias-resolved platform name."""
    key = name.strip().strip('"').lower()
    return PLATFORM_ALIASES.get(key, key)


def _host_platform(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    return _HOST_PLATFORMS.get(host, "")


def parse_impp(value: str, params: dict[str, list[str]]) -> tuple[str, str]:
    """``(platform, username)`` from an IMPP value such as ``xmpp:alice@example.org``."""
    text = unescape(value).strip()
    scheme, sep, rest = text.partition(":")
    if not sep:
        scheme, rest = "", text
    service = first(params, "X-SERVICE-TYPE") or first(params, "SERVICE-TYPE")
    platform = normalise_platform(service or scheme)
    return platform, rest.lstrip("/") if rest.startswith("//") else rest


def parse_social_profile(value: str, params: dict[str, list[str]]) -> tuple[str, str]:
    """``(platform, username)`` from X-SOCIALPROFILE (Apple) or SOCIALPROFILE (RFC 9554)."""
    text = unescape(value).strip()
    types = [t for t in params.get("TYPE", []) for t in t.split(",") if t.lower() != "pref"]
    service = first(params, "SERVICE-TYPE") or (types[0] if types else "")
    platform = normalise_platform(service) if service else _host_platform(text)
    user = first(params, "X-USER") or first(params, "USERNAME")
    if user:
        return platform, user.strip().strip('"')
    if text.lower().startswith("x-apple:"):
        return platform, text[len("x-apple:"):]
    if "://" in text:
        segments = [s for s in urlsplit(text).path.split("/") if s]
        if segments:
            return platform, segments[-1]
    return platform, text


def parse_x_property(name: str, value: str) -> tuple[str, str]:
    """``(platform, username)`` from ``X-TELEGRAM:bob`` and friends (a ``scheme:`` is dropped)."""
    platform = X_PROPERTY_PLATFORMS[name]
    text = unescape(value).strip()
    scheme, sep, rest = text.partition(":")
    if sep and normalise_platform(scheme) == platform:
        text = rest
    return platform, text


def format_username(platform: str, username: str) -> tuple[str, list[str], str]:
    """``(property name, parameters, value)`` that :func:`parse_impp` or
    :func:`parse_social_profile` read back as the same (platform, username)."""
    if platform in SOCIAL_PLATFORMS or not platform:
        template = _PROFILE_URLS.get(platform)
        url = template.format(username) if template and "/" not in username else ""
        params = [f"X-USER={param_value(username)}"]
        if platform:
            params.insert(0, f"TYPE={param_value(platform)}")
        return "X-SOCIALPROFILE", params, url or f"x-apple:{username}"
    scheme = IMPP_SCHEMES.get(platform, platform)
    if not scheme.replace("-", "").replace("+", "").replace(".", "").isalnum():
        scheme = "x-apple"
    return "IMPP", [f"X-SERVICE-TYPE={param_value(platform)}"], f"{scheme}:{username}"
