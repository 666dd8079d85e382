"""Whose page is this? The doc id and the introduction name the service; both must agree."""

from __future__ import annotations

import re
from collections.abc import Iterable

from vodspec.errors import ServiceError
from vodspec.tools.scrape.page import PageInfo

#: Services whose pages vodspec can tell apart: short name -> names the docs use for it.
SERVICE_NAMES: dict[str, tuple[str, ...]] = {
    "vod": ("视频点播",),
    "live": ("视频直播",),
    "ecs": ("弹性云服务器",),
    "bms": ("裸金属服务器",),
    "obs": ("对象存储服务",),
    "vpc": ("虚拟私有云",),
    "dns": ("云解析服务",),
    "aom": ("应用运维管理",),
    "dcs": ("分布式缓存服务",),
    "dgc": ("数据治理中心",),
}
#: Shared prefixes (Common, APIGW, SYS, KMS…) name no service.
_PREFIX_SERVICE = {
    "VOD": "vod",
    "VST": "vod",
    "LIVE": "live",
    "ECS": "ecs",
    "BMS": "bms",
    "VPC": "vpc",
    "DNS": "dns",
    "AOM": "aom",
    "DCS": "dcs",
}
ANY_SERVICE = "any"

# "vod_04_0133", "live_03_0021", "dcs-api-0312043": the prefix before the first _ or -.
_DOC_ID_PREFIX = re.compile(r"^([A-Za-z]+)[_-]")


def check_service(info: PageInfo, expected: str, codes: Iterable[str] = ()) -> str | None:
    """The page's service; raise unless the doc id, the introduction or a code prefix names
    ``expected`` and none another service (``any`` accepts every page)."""
    signals = []
    doc_prefix = _DOC_ID_PREFIX.match(info.doc_id or "")
    if doc_prefix and doc_prefix[1].lower() in SERVICE_NAMES:
        signals.append((doc_prefix[1].lower(), f"doc id {info.doc_id!r}"))
    for service, names in SERVICE_NAMES.items():
        for name in names:
            if name in info.intro:
                signals.append((service, f"introduction names {name}"))
    for code in dict.fromkeys(codes):
        prefix, dot, _ = code.partition(".")
        if dot and prefix.upper() in _PREFIX_SERVICE:
            signals.append((_PREFIX_SERVICE[prefix.upper()], f"error code {code}"))
    found = sorted({service for service, _ in signals})
    if expected == ANY_SERVICE:
        return found[0] if len(found) == 1 else None
    others = [(service, why) for service, why in signals if service != expected]
    if others:
        service, why = others[0]
        raise ServiceError(
            f"this is a {service} page ({why}), not {expected}",
            hint=f"pass --service {service} or --service any if that is intended",
        )
    if expected not in found:
        doc_id = f"doc id {info.doc_id!r}" if info.doc_id else "no doc id"
        raise ServiceError(
            f"nothing on the page says it is {expected}'s ({doc_id}, no service named in the"
            " introduction or by code prefixes)",
            hint="pass --service any to read it anyway",
        )
    return expected
