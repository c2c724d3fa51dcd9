"""Channel types as callers name them ("sms", "mail", "telegram") -> handle platforms."""

from __future__ import annotations

from core.ingest.normalize import NormalizedHandle, normalize_handle

_PLATFORM_ALIASES = {"mail": "email", "e-mail": "email", "tel": "phone", "sms": "phone",
                     "whatsapp_phone": "phone", "signal": "phone"}


def channel_platform(channel_type: str) -> str:
    """The handle platform a channel type reads from."""
    kind = channel_type.strip().casefold()
    return _PLATFORM_ALIASES.get(kind, kind)


def normalize_channel_value(channel_type: str, value: str, region: str = ""
                            ) -> NormalizedHandle:
    """Normalise as the ingest does, so a lookup finds what a sync stored."""
    platform = channel_platform(channel_type)
    if not platform:
        raise ValueError("A channel type is required (email, phone, telegram...)")
    handle = normalize_handle(platform, value, region)
    if handle is None or not handle.value:
        raise ValueError(f"Empty {platform} value")
    return handle
