"""
Links in the help center: what is wrong with an article's links, and checking addresses.

`body_problems()` tells an editor, as the article is saved, which links to other
articles customers cannot follow and which images have no alt text. The rule for
a link to an article is `link_problem()`, the same one the "links in articles"
admin list applies to the stored links.

`link_checks_run()` (behind `manage.py check_links`) asks every help link and
every external link in an article body whether it still answers, a few at a time
in a thread pool with a timeout per address, and records the answers as
`LinkCheck` rows. Only the network requests run in the threads; every database
read and write stays on the calling thread.
"""

import http.client
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils import timezone
from tqdm import tqdm

from .markdown import render_markdown
from .models import Article, ArticleLink, ArticleRedirect, Category, HelpLink, LinkCheck, Section
from .models.links import link_problem

USER_AGENT = "HelpCenterLinkChecker/1.0 (+checks the links in our help articles)"


def body_problems(body: str) -> list[str]:
    """One sentence per broken link to an article and per image without alt text in `body`."""
    try:
        rendered = render_markdown(body)
    except ValidationError:
        return []  # the form reports why the body cannot be saved
    article_links = [link for link in rendered.links if link.kind == "article"]
    slugs = {link.target for link in article_links}
    statuses = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "status"))
    live = set(Article.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
    anchors = set(Section.objects.filter(article__slug__in=slugs).values_list("article__slug", "anchor"))
    renamed = dict(ArticleRedirect.objects.filter(old_slug__in=slugs).values_list("old_slug", "article__slug"))
    problems = []
    for link in article_links:
        problem = link_problem(
            status=statuses.get(link.target),
            live=link.target in live,
            anchor=link.anchor,
            anchor_found=(link.target, link.anchor) in anchors,
            renamed_to=renamed.get(link.target),
        )
        if problem:
            where = f"article:{link.target}" + (f"#{link.anchor}" if link.anchor else "")
            problems.append(f"The link “{link.text}” to {where} is broken: {problem}.")
    for src in rendered.images_without_alt:
        problems.append(
            f"The image {src} has no alt text: describe what it shows between the brackets, ![like this]({src})."
        )
    return problems


@dataclass(frozen=True)
class CheckResult:
    url: str
    ok: bool
    status_code: int | None = None
    error: str = ""


def urls_to_check() -> list[str]:
    """Every help link's address (mail addresses aside) and every external link in an article body."""
    urls = set(HelpLink.objects.exclude(url__startswith="mailto:").values_list("url", flat=True))
    urls |= set(ArticleLink.objects.filter(kind=ArticleLink.Kind.EXTERNAL).values_list("target", flat=True))
    return sorted(urls)


def check_site_path(url: str) -> CheckResult:
    """A path on this site, answered from the URL configuration and the articles, without a request."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return CheckResult(url, False, 404)
    if match.url_name in ("article", "category") and "slug" in match.kwargs:
        slug = match.kwargs["slug"]
        if match.url_name == "article":
            found = Article.objects.published().filter(slug=slug).exists() or (
                ArticleRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published()).exists()
            )
        else:
            found = Category.objects.filter(slug=slug).exists()
        if not found:
            return CheckResult(url, False, 404)
    return CheckResult(url, True, 200)


def check_web_address(url: str, *, timeout: float) -> CheckResult:
    """Ask `url` with HEAD (GET when the server refuses HEAD); runs in a worker thread, no database."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
                return CheckResult(url, response.status < 400, response.status)
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some servers only answer GET
            return CheckResult(url, False, error.code)
        except TimeoutError:
            return CheckResult(url, False, error=f"no answer within {timeout:g} seconds")
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                return CheckResult(url, False, error=f"no answer within {timeout:g} seconds")
            return CheckResult(url, False, error=f"cannot connect: {reason}"[:500])
        except (http.client.HTTPException, ssl.SSLError, OSError, ValueError) as error:
            return CheckResult(url, False, error=f"{type(error).__name__}: {error}"[:500])
    return CheckResult(url, False, error="no answer")  # not reached: GET always returns above


def link_check_record(result: CheckResult) -> LinkCheck:
    check, _ = LinkCheck.objects.update_or_create(
        url=result.url,
        defaults={
            "ok": result.ok,
            "status_code": result.status_code,
            "error": result.error,
            "checked_at": timezone.now(),
        },
    )
    return check


@dataclass(frozen=True)
class CheckSummary:
    checked: int
    broken: list[CheckResult]


def link_checks_run(
    *, urls: Iterable[str] | None = None, workers: int = 8, timeout: float = 10.0, progress=None
) -> CheckSummary:
    """
    Check `urls` (by default every link the site shows) with at most `workers` requests at
    a time and `timeout` seconds per address; record each answer. `progress` is a stream
    for a progress bar, or None for none.
    """
    urls = list(urls) if urls is not None else urls_to_check()
    local = [url for url in urls if url.startswith("/")]
    web = [url for url in urls if url.startswith(("http://", "https://"))]
    broken: list[CheckResult] = []
    with tqdm(total=len(local) + len(web), file=progress, disable=progress is None, unit="link") as bar:

        def record(result: CheckResult) -> None:
            link_check_record(result)
            if not result.ok:
                broken.append(result)
            bar.update(1)

        for url in local:
            record(check_site_path(url))
        if web:
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                futures = [pool.submit(check_web_address, url, timeout=timeout) for url in web]
                for future in as_completed(futures):
                    record(future.result())
    return CheckSummary(checked=len(local) + len(web), broken=sorted(broken, key=lambda result: result.url))
