"""
Content files: one Markdown file per article, with a YAML front matter block.

    ---
    title: Troubleshooting account login issues
    slug: troubleshooting-account-login-issues
    category: Account and Settings
    tags: [login, password]
    ---
    Body Markdown...

`parse_content_file()` reads one file into an `ArticleFile` or raises
`ContentFileError` with a one-line reason; `article_to_text()` writes an article
back. importers.py does the database side (import, export, the demo).

The body is everything after the closing `---` line, verbatim, except that line
endings become "\\n" and the one line break that ends the file is not part of it.
Export always ends the file with exactly that line break, so import(export(x))
gives back x.
"""

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Article, HelpLink, PinnedSearch
from .search.controls import MAX_BOOST, MIN_BOOST, pin_key, pin_key_problem

REQUIRED_KEYS = ("title", "slug", "category")
OPTIONAL_KEYS = (
    "tags",
    "summary",
    "status",
    "promoted",
    "position",
    "publish_at",
    "review_by",
    "links",
    "search_boost",
    "pinned_queries",
)
KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
FENCE = "---"
MAX_POSITION = 2147483647  # the largest value a PositiveIntegerField holds on every database
TRUE, FALSE = {"true", "yes", "on"}, {"false", "no", "off"}
MAX_PIN_QUERY = PinnedSearch._meta.get_field("query").max_length
MAX_PIN_POSITION = 32767  # the largest value a PositiveSmallIntegerField holds on every database


class ContentFileError(Exception):
    """A content file that cannot be imported; `reason` is one line for a person to read."""

    def __init__(self, path, reason: str):
        self.path = path
        self.reason = " ".join(reason.split())
        super().__init__(f"{path}: {self.reason}")


@dataclass(frozen=True)
class ArticleFile:
    title: str
    slug: str
    category: str
    tags: tuple[str, ...] = ()
    summary: str = ""
    body: str = ""
    status: str = Article.Status.PUBLISHED.value
    promoted: bool = False
    position: int = 0
    publish_at: datetime.datetime | None = None
    review_by: datetime.date | None = None
    links: tuple[tuple[str, str], ...] = ()
    search_boost: int = 0
    # (query, position) of each search this article is pinned to, as pin_key() writes the query.
    pinned_queries: tuple[tuple[str, int], ...] = ()


class _Loader(yaml.BaseLoader):
    """
    Every scalar is read as a string: "values quoted or not" then mean the same,
    and YAML 1.1's surprises (`no` -> False, `1.10` -> 1.1) cannot reach a tag or
    a title. Booleans and numbers are converted, with our own messages, below.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key_node.value}' appears twice", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, *, first_line: int = 1):
    """Parse YAML with the content-file rules; errors are ValueError with the line number."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + first_line})" if mark else ""
        raise ValueError(f"invalid YAML{where}: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"invalid YAML: {error}") from None


def _text(data: dict, key: str, *, max_length: int, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text, not a list or a mapping")
    if required and not value.strip():
        raise ValueError(f"{key} is missing")
    if len(value) > max_length:
        raise ValueError(f"{key} is longer than {max_length} characters")
    return value


def _tags(value) -> tuple[str, ...]:
    if value == "":
        return ()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValueError("tags must be a list, like [login, password]")
    for tag in value:
        if "," in tag:
            raise ValueError(f"the tag '{tag}' contains a comma; write each tag as its own list item")
    return tuple(tag.strip() for tag in value if tag.strip())


def _datetime(value) -> datetime.datetime | None:
    """`publish_at`: ISO 8601 date and time; without an offset it is in the site's time zone."""
    if value == "":
        return None
    hint = f"publish_at must be a date and time like 2027-01-31 09:00 or 2027-01-31T09:00:00+01:00 (not '{value}')"
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(hint)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _date(value) -> datetime.date | None:
    """`review_by`: an ISO 8601 date."""
    if value == "":
        return None
    try:
        parsed = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"review_by must be a date like 2027-01-31 (not '{value}')")
    return parsed


def parse_links(value) -> tuple[tuple[str, str], ...]:
    """Validate a loaded `links:` list (also the format of the demo's site-wide links)."""
    if value == "":
        return ()
    shape = "links must be a list of items with a label and a url"
    if not isinstance(value, list):
        raise ValueError(shape)
    links = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != {"label", "url"}:
            raise ValueError(f"{shape} (item {n} is not)")
        label, url = item["label"], item["url"]
        if not isinstance(label, str) or not isinstance(url, str) or not label.strip() or not url.strip():
            raise ValueError(f"link {n} needs a label and a url, both text")
        # One rule for a valid help link, the model's: what the admin refuses, a file cannot bring in.
        try:
            HelpLink(label=label, url=url).full_clean(exclude=["article", "position"])
        except ValidationError as error:
            reasons = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
            raise ValueError(f"link {n} is not valid ({reasons})") from None
        links.append((label, url))
    return tuple(links)


def _search_boost(value) -> int:
    if value == "":
        return 0
    hint = f"search_boost must be a whole number from {MIN_BOOST} to {MAX_BOOST} (not '{value}')"
    if not isinstance(value, str):
        raise ValueError(hint)
    if not re.fullmatch(r"[+-]?[0-9]{1,3}", value.strip()) or not MIN_BOOST <= int(value) <= MAX_BOOST:
        raise ValueError(hint)
    return int(value)


def _pinned_queries(value) -> tuple[tuple[str, int], ...]:
    """
    `pinned_queries`: the searches this article is pinned to, each a query, or
    `{query: ..., position: N}` when it is not the first pinned for that query.
    """
    if value == "":
        return ()
    shape = "pinned_queries must be a list of search queries, like [reset password, forgot password]"
    if not isinstance(value, list):
        raise ValueError(shape)
    pins: dict[str, int] = {}
    for n, item in enumerate(value, start=1):
        position = "1"
        if isinstance(item, dict) and set(item) == {"query", "position"}:
            item, position = item["query"], item["position"]
        if not isinstance(item, str):
            raise ValueError(f"{shape} (item {n} is not; an item may also be {{query: ..., position: 2}})")
        valid = isinstance(position, str) and re.fullmatch(r"[0-9]{1,5}", position)
        if not valid or int(position) > MAX_PIN_POSITION:
            raise ValueError(f"pinned query {n}: position must be a whole number, 0 or more (not '{position}')")
        key = pin_key(item)
        problem = pin_key_problem(key)
        if problem:
            raise ValueError(f"pinned query {n} ('{item}'): {problem}")
        if len(key) > MAX_PIN_QUERY:
            raise ValueError(f"pinned query {n} is longer than {MAX_PIN_QUERY} characters")
        if key in pins:
            raise ValueError(f"pinned query {n} ('{item}') is listed twice")
        pins[key] = int(position)
    return tuple(pins.items())


def article_file_from_data(data, body: str) -> ArticleFile:
    """Validate loaded front matter; raises ValueError with a one-line reason."""
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict):
        raise ValueError("the front matter must be `key: value` lines")
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(KEYS)}"
            raise ValueError(f"unknown key '{key}' ({hint})")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise ValueError(f"{key} is missing")
    slug = _text(data, "slug", max_length=200, required=True)
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValueError(f"slug '{slug}' is not valid: use only letters, numbers, hyphens and underscores") from None
    status = data.get("status", Article.Status.PUBLISHED.value)
    if status not in Article.Status.values:
        raise ValueError(f"status must be one of {', '.join(Article.Status.values)} (not '{status}')")
    promoted = data.get("promoted", "false")
    if not isinstance(promoted, str) or promoted.lower() not in TRUE | FALSE:
        raise ValueError(f"promoted must be true or false (not '{promoted}')")
    position = data.get("position", "0")
    if (
        not isinstance(position, str)
        or not (position.isascii() and position.isdigit())
        or int(position) > MAX_POSITION
    ):
        raise ValueError(f"position must be a whole number, 0 or more (not '{position}')")
    publish_at = _datetime(data.get("publish_at", ""))
    review_by = _date(data.get("review_by", ""))
    if "\x00" in body:
        raise ValueError("the body contains NUL characters; is this a binary file?")
    return ArticleFile(
        title=_text(data, "title", max_length=200, required=True),
        slug=slug,
        category=_text(data, "category", max_length=100, required=True),
        tags=_tags(data.get("tags", "")),
        summary=_text(data, "summary", max_length=300),
        body=body,
        status=status,
        promoted=promoted.lower() in TRUE,
        position=int(position),
        publish_at=publish_at,
        review_by=review_by,
        links=parse_links(data.get("links", "")),
        search_boost=_search_boost(data.get("search_boost", "")),
        pinned_queries=_pinned_queries(data.get("pinned_queries", "")),
    )


def parse_text(text: str) -> ArticleFile:
    """Parse a content file's text; raises ValueError with a one-line reason."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError("the file is empty")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise ValueError("no front matter: the file must start with a '---' line")
    try:
        end = next(n for n, line in enumerate(lines[1:], start=1) if line.rstrip() == FENCE)
    except StopIteration:
        raise ValueError("the front matter is not closed with a second '---' line") from None
    body = "\n".join(lines[end + 1 :]).removesuffix("\n")
    data = load_yaml("\n".join(lines[1:end]), first_line=2)
    return article_file_from_data(data, body)


def parse_content_file(path) -> ArticleFile:
    """Read and validate one content file; raises ContentFileError naming the file."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ContentFileError(path, "no such file or folder") from None
    except OSError as error:
        raise ContentFileError(path, f"cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentFileError(path, f"not valid UTF-8 (byte {error.start + 1})") from None
    try:
        return parse_text(text)
    except ValueError as error:
        raise ContentFileError(path, str(error)) from None


class _FlowList(list):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key ("links:\n  - label: ..."), as people write them.
        return super().increase_indent(flow, False)


def _represent_str(dumper, value):
    # PyYAML writes these line breaks raw inside quotes, where reading folds them to spaces.
    style = '"' if any(char in value for char in "\r\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _FlowList, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)
)


def article_file_to_text(article_file: ArticleFile) -> str:
    data = {
        "title": article_file.title,
        "slug": article_file.slug,
        "category": article_file.category,
        "tags": _FlowList(article_file.tags),
        "summary": article_file.summary,
        "status": article_file.status,
        "promoted": article_file.promoted,
        "position": article_file.position,
    }
    # Written only when set, so files of articles without them look as they always did.
    if article_file.publish_at is not None:
        data["publish_at"] = article_file.publish_at.astimezone(datetime.UTC).isoformat()
    if article_file.review_by is not None:
        data["review_by"] = article_file.review_by.isoformat()
    if article_file.links:
        data["links"] = [{"label": label, "url": url} for label, url in article_file.links]
    if article_file.search_boost:
        data["search_boost"] = article_file.search_boost
    if article_file.pinned_queries:
        data["pinned_queries"] = _FlowList(
            query if position == 1 else {"query": query, "position": position}
            for query, position in article_file.pinned_queries
        )
    front = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = article_file.body.replace("\r\n", "\n").replace("\r", "\n")
    return f"{FENCE}\n{front}{FENCE}\n{body}\n" if body else f"{FENCE}\n{front}{FENCE}\n"


def article_file_from_article(article: Article) -> ArticleFile:
    return ArticleFile(
        title=article.title,
        slug=article.slug,
        category=article.category.name,
        tags=tuple(article.tag_list),
        summary=article.summary,
        body=article.body,
        status=article.status,
        promoted=article.promoted,
        position=article.position,
        publish_at=article.publish_at,
        review_by=article.review_by,
        links=tuple((link.label, link.url) for link in article.help_links.all()),
        search_boost=article.search_boost,
        pinned_queries=tuple((pin.query, pin.position) for pin in sorted(article.pins.all(), key=lambda p: p.query)),
    )


def article_to_text(article: Article) -> str:
    """The article as a content file: the format `parse_content_file()` reads."""
    return article_file_to_text(article_file_from_article(article))
