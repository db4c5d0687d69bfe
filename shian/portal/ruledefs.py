"""Rule numbers of the public portal and the public open-data API (docs/portal.md §4) with their defaults; a region
overrides one in the rule store. The API's own per-address limit is core's `open_api.per_minute`."""

from shian.core.rules import COUNT, HOURS, register_rule

PER_MINUTE = register_rule(
    "portal.per_minute", default=120, unit=COUNT, name="公众页面每个客户端地址每分钟请求上限",
    source="本平台约定（docs/portal.md §4）",
)  # fmt: skip
CACHE_SECONDS = register_rule(
    "portal.cache_seconds", default=300, unit=COUNT, name="公众页面缓存时间（秒）",
    source="本平台约定（docs/portal.md §4）",
)  # fmt: skip
SEARCH_RESULTS = register_rule(
    "portal.search_results", default=20, unit=COUNT, name="公众查询每次显示的主体数",
    source="本平台约定（docs/portal.md §2）",
)  # fmt: skip
SEARCH_MIN_CHARS = register_rule(
    "portal.search_min_chars", default=2, unit=COUNT, name="公众查询关键词最少字数",
    source="本平台约定（docs/portal.md §2）",
)  # fmt: skip
RECENT_INSPECTIONS = register_rule(
    "portal.recent_inspections", default=5, unit=COUNT, name="主体页面显示的最近检查次数",
    source="本平台约定（docs/portal.md §2）",
)  # fmt: skip
RECENT_SAMPLES = register_rule(
    "portal.recent_samples", default=10, unit=COUNT, name="主体页面显示的最近抽检结果数",
    source="本平台约定（docs/portal.md §2）",
)  # fmt: skip
API_PAGE = register_rule(
    "portal.api_page_size", default=50, unit=COUNT, name="开放数据接口每页条数",
    source="本平台约定（docs/portal.md §3）",
)  # fmt: skip
MAP_POINTS = register_rule(
    "portal.map_points", default=20000, unit=COUNT, name="公众地图每个县最多显示的主体数",
    source="本平台约定（docs/portal.md §2）",
)  # fmt: skip
BULK_HOUR = register_rule(
    "portal.bulk_hour", default=3, unit=HOURS, name="开放数据按县批量文件生成时间（每天几点）",
    source="本平台约定（docs/portal.md §3）",
)  # fmt: skip
