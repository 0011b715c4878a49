"""
The search function, on whichever engine the suite runs against (SQLite FTS5 by
default, PostgreSQL when DATABASE_URL points at it): the same tests for both.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from articles.models import Article, SynonymGroup
from articles.search import article_search, rank, rebuild_index
from articles.search.backends import current_backend
from articles.search.parse import parse
from articles.search.query import WordCount

pytestmark = pytest.mark.django_db

LOGIN = """Trouble signing in usually has a simple cause.

## Invalid username or password
Retype both fields slowly.

### Reset your password
Use the reset link on the login screen. Resetting the password breaks SMTP integrations that use it.

## Account banned
A ban is permanent. Dedicated IPs are removed and sub-users are banned too.

## Billing terminated
Accounts with an unpaid bill are terminated in the last week of the month.
"""

SMTP = """Errors when your application connects to the relay.

## 535 Authentication failed
The relay rejected the credentials: use `apikey` as the username.

## Connection timed out
Try port 587 or 2525 when port 25 is blocked.
"""

INVOICE = """Where to find invoices and what each line means.

## Downloading invoices
Open Billing and choose an invoice to download it as a PDF.

## Overage charges
Sending more than your plan includes adds overage lines.
"""

TWO_FACTOR = """Protect your account with a second step.

## Turning on two-factor authentication
Scan the code with an authenticator app.

## Lost your phone
Use one of your backup codes.
"""


@pytest.fixture
def corpus(make_article, make_category):
    billing = make_category("Billing", slug="billing")
    return {
        "login": make_article("Troubleshooting account login issues", LOGIN, slug="login-issues",
                              tags="login, password", summary="Why you cannot sign in."),
        "smtp": make_article("Fixing SMTP authentication errors", SMTP, slug="smtp-errors", tags="smtp, 535"),
        "invoice": make_article("Understanding your invoice", INVOICE, slug="invoice", category=billing,
                                tags="billing, invoice"),
        "2fa": make_article("Setting up two-factor authentication", TWO_FACTOR, slug="two-factor",
                            tags="security"),
    }  # fmt: skip


def slugs(query, **kwargs):
    return [r.slug for r in article_search(query, **kwargs).results]


def top(query, **kwargs):
    results = article_search(query, **kwargs).results
    assert results, f"nothing found for {query!r}"
    return results[0]


def test_title_words_find_the_article(corpus):
    assert slugs("smtp authentication errors")[0] == "smtp-errors"


def test_exact_title_ranks_first_and_links_to_the_article(corpus):
    result = top("understanding your invoice")
    assert result.slug == "invoice" and result.url == "/articles/invoice/" and result.section_anchor == ""


def test_best_section_is_linked_with_its_anchor(corpus):
    result = top("dedicated ips removed ban")
    assert result.slug == "login-issues"
    assert result.section_anchor == "account-banned" and result.section_title == "Account banned"
    assert result.url == "/articles/login-issues/#account-banned"


def test_word_forms_match(corpus):
    assert top("resetting passwords").section_anchor == "reset-your-password"
    assert top("invoices download").slug == "invoice"


@pytest.mark.parametrize(
    "typed, corrected, slug",
    [("pasword reset", "password reset", "login-issues"), ("acount bnned", "account banned", "login-issues"),
     ("invocie", "invoice", "invoice")],
)  # fmt: skip
def test_typos_are_corrected_against_the_index_vocabulary(corpus, typed, corrected, slug):
    page = article_search(typed)
    assert page.corrected == corrected
    assert page.results[0].slug == slug


def test_known_words_are_not_corrected(corpus):
    assert article_search("password").corrected == ""


def test_default_synonyms_apply(corpus):
    assert top("2fa").slug == "two-factor"
    assert top("download my bill").slug == "invoice"


def test_synonyms_edited_by_staff_apply_at_query_time(corpus):
    assert slugs("relay credentials rejected zzyzx")[0] == "smtp-errors"
    assert "smtp-errors" not in slugs("gizmo")
    SynonymGroup.objects.create(terms="gizmo, relay")
    assert slugs("gizmo")[0] == "smtp-errors"


def test_the_synonym_table_is_built_once_until_a_group_changes(corpus):
    from articles.search.synonyms import synonym_table

    table = synonym_table()
    assert synonym_table() is table
    SynonymGroup.objects.create(terms="gizmo, relay")
    changed = synonym_table()
    assert changed is not table and ("gizmo",) in changed.phrase_group


def test_the_counts_search_keeps_per_content_version_follow_saves_and_rebuilds(corpus, make_article):
    backend = current_backend()
    assert rank.published_count() == 4
    before = backend.average_length()
    make_article("Exporting every invoice of the year", INVOICE + " " + INVOICE, slug="yearly-invoices")
    assert rank.published_count() == 5
    assert backend.average_length() > before
    # A rebuild writes the index without saving an article: it replaces the version itself.
    Article.objects.filter(slug="yearly-invoices").update(status=Article.Status.DRAFT)
    assert backend.average_length() > before  # the index still holds the article
    rebuild_index()
    assert rank.published_count() == 4
    assert backend.average_length() == pytest.approx(before)


def test_natural_question_finds_the_answer(corpus):
    assert top("why can't I log in?").slug == "login-issues"


def test_pasted_error_message_finds_the_section(corpus):
    result = top("535 Authentication failed: Bad username / password")
    assert result.slug == "smtp-errors" and result.section_anchor == "535-authentication-failed"


def test_snippet_marks_matched_words(corpus):
    result = top("overage charges")
    marked = {text.lower() for text, hit in result.snippet if hit}
    assert "overage" in marked


def test_only_published_articles_are_found(corpus, make_article):
    make_article("Draft about zebras", "zebras everywhere", status=Article.Status.DRAFT)
    make_article("Archived about zebras", "zebras again", status=Article.Status.ARCHIVED)
    assert slugs("zebras") == []


def test_status_changes_and_deletes_update_the_index(corpus):
    article = corpus["invoice"]
    article.status = Article.Status.ARCHIVED
    article.save()
    assert "invoice" not in slugs("invoice overage")
    article.status = Article.Status.PUBLISHED
    article.save()
    assert "invoice" in slugs("invoice overage")
    article.delete()
    assert "invoice" not in slugs("invoice overage")


def test_edits_replace_the_indexed_text(corpus):
    article = corpus["smtp"]
    article.body = "## Quokka\nNothing else."
    article.save()
    assert top("quokka").slug == "smtp-errors"
    assert "smtp-errors" not in slugs("2525")


def test_a_rolled_back_save_leaves_the_index_unchanged(corpus):
    article = corpus["smtp"]
    with pytest.raises(RuntimeError), transaction.atomic():
        article.body = "## Wombat\ntext"
        article.save()
        raise RuntimeError
    assert slugs("wombat") == []
    assert top("2525").slug == "smtp-errors"


def test_category_filter(corpus):
    assert slugs("authentication", category="billing") == []
    assert set(slugs("invoice", category="billing")) == {"invoice"}


def test_limit_and_offset_page_through_results(corpus):
    everything = slugs("account", limit=10)
    assert len(everything) >= 2
    assert slugs("account", limit=1, offset=1) == everything[1:2]


def test_stop_words_alone_find_nothing(corpus):
    assert slugs("how do i") == []


def test_empty_query_finds_nothing(corpus):
    page = article_search("   ")
    assert page.results == [] and page.total == 0


HOSTILE_QUERIES = [
    '"', '""', "'", "*", "-", "^", ":", "NEAR", "NEAR(a b)", "a AND b", "a OR b", "NOT a", "(", ")", "((a)",
    "\\", "\\\\", "a\x00b", "\x00", "😀🔥", "שלום עולם", "مرحبا", "title:login", "body:* OR 1=1", "'; DROP TABLE x;--",
    "a & b | !c <-> d", "pass*", "-password", "^login", "{near}", "[a]", "%_%", "x" * 5000, " ".join(["login"] * 500),
    "\ufeff\u200b", "ǅ", "ﬁle",
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_input_is_safe_on_this_engine(corpus, query):
    page = article_search(query)
    assert page.total >= 0
    with connection.cursor() as cursor:  # the connection is still usable
        cursor.execute("SELECT 1")


def test_long_queries_are_truncated(corpus):
    page = article_search("invoice " + "x" * 10000)
    assert len(page.query) <= 200 and page.results[0].slug == "invoice"


def test_rebuild_recreates_the_same_results(corpus):
    before = slugs("account banned")
    assert rebuild_index() == 4
    assert slugs("account banned") == before


def test_rebuild_command_reports_the_count(corpus):
    out = io.StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "Indexed 4 published articles." in out.getvalue()


def test_bulk_deletes_leave_the_index(corpus):
    Article.objects.filter(slug__in=["smtp-errors", "invoice"]).delete()
    assert slugs("2525") == [] and slugs("overage") == []
    with connection.cursor() as cursor:
        table = "articles_search_fts" if connection.vendor == "sqlite" else "articles_search_pg"
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] == 10  # the two remaining articles: 8 sections + 2 whole-article rows


def test_broad_terms_match_titles_and_headings_first_then_everything(corpus, monkeypatch):
    monkeypatch.setattr(rank, "BROAD_TERM_ARTICLES", 0)  # every term counts as broad
    assert top("invoice").slug == "invoice"
    assert top("2525").slug == "smtp-errors"  # only in a body: found by the full second pass
    assert top("dedicated ips removed ban").section_anchor == "account-banned"


def test_codes_are_searched_as_phrases_and_lone_digits_are_ignored(db):
    assert [t.alternatives for t in parse("550 5.1.1 recipient").terms] == [
        (("550",),),
        (("5", "1", "1"),),
        (("recipient",),),
    ]
    assert parse("a 5 b").terms == ()


def test_api_user_style_identifiers_stay_whole(corpus):
    assert [t.alternatives for t in parse("api_user").terms] == [(("api", "user"),)]


def test_index_markers_cannot_be_typed(corpus):
    """Rows name their article and category with tokens no query can produce."""
    article = corpus["invoice"]
    for query in [f"a{article.pk}", f"c{article.category_id}", f"\ue000a{article.pk}", f"doc{article.pk}"]:
        assert slugs(query) == [], query


def test_document_counts_cover_word_forms_and_skip_stop_words_in_phrases(corpus):
    # "resetting" is not a vocabulary word, but the index knows its stem from "reset".
    assert rank.document_frequencies(parse("resetting"), current_backend()) == [1]
    assert rank.published_count() == 4
    # "log in" is as common as "log" (or "login", its synonym), not as rare as a word nobody wrote.
    [login_term] = parse("log in").terms
    assert ("log", "in") in login_term.alternatives
    assert rank.document_frequencies(parse("log in"), current_backend()) == [1]


def test_document_counts_past_the_cap_come_from_the_vocabulary_without_walking_the_index(corpus):
    from django.test.utils import CaptureQueriesContext

    # "authentication" is in two articles: at least the cap of one, so its vocabulary count is the answer.
    # "resets" is no vocabulary word, but the index holds it as "reset".
    assert current_backend().word_counts(["authentication", "resets"], cap=1) == {
        "authentication": WordCount(vocabulary=2, documents=2),
        "resets": WordCount(vocabulary=0, documents=1),
    }
    with CaptureQueriesContext(connection) as queries:
        assert current_backend().word_counts(["authentication"], cap=1) == {"authentication": WordCount(2, 2)}
    assert not any("MATCH" in q["sql"] for q in queries)


def test_parsing_reads_the_counts_that_ranking_uses_in_one_statement(corpus):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as parsing:
        parsed = parse("smtp authentication resettng")  # a typo: "resetting"
    assert parsed.corrected == "smtp authentication resetting"
    with CaptureQueriesContext(connection) as ranking:
        assert rank.document_frequencies(parsed, current_backend()) == [2, 2, 1]
    # The typed words are read together (SQLite: the vocabulary, then the index), and
    # ranking reads only the word the correction brought in.
    typed = [q["sql"] for q in parsing.captured_queries if "smtp" in q["sql"]]
    assert len(typed) == (2 if connection.vendor == "sqlite" else 1), typed
    assert not any("smtp" in q["sql"] for q in ranking.captured_queries)
    assert any("resetting" in q["sql"] for q in ranking.captured_queries)


def _counts(words):
    counts = current_backend().word_counts(words, cap=rank.BROAD_TERM_ARTICLES + 1)
    return {word: count.documents for word, count in counts.items()}


def test_document_counts_follow_saves_and_agree_with_a_rebuild(corpus):
    words = ["password", "invoice", "authentication", "quokka", "relay", "overage"]
    assert _counts(words) == {
        "password": 1, "invoice": 1, "authentication": 2, "quokka": 0, "relay": 1, "overage": 1,
    }  # fmt: skip
    smtp, invoice = corpus["smtp"], corpus["invoice"]
    smtp.body = "## Quokka\nThe quokka resets your password."
    smtp.save()
    invoice.status = Article.Status.DRAFT
    invoice.save()
    corpus["2fa"].delete()
    expected = {"password": 2, "invoice": 0, "authentication": 1, "quokka": 1, "relay": 0, "overage": 0}
    assert _counts(words) == expected
    rebuild_index()
    assert _counts(words) == expected


def _ranked_as_broad(query, needed):
    parsed = parse(query)
    weights = rank.TermWeights(idf=[1.0] * len(parsed.terms), broad=[True] * len(parsed.terms))
    found = rank.rank_articles(parsed, backend=current_backend(), weights=weights, category_id=None, needed=needed)
    return [article_id for article_id, _ in found]


def test_articles_with_only_broad_terms_are_ranked_in_tiers(corpus, make_article):
    # Heads: "Setting up two-factor authentication", "Fixing SMTP authentication errors", and
    # one of the words each in "Billing terminated" (a heading) and "billing, invoice" (tags).
    query = "authentication setting smtp billing"
    assert set(_ranked_as_broad(query, needed=1)) == {corpus["smtp"].pk, corpus["2fa"].pk}
    # When two-in-the-head finds fewer than the page needs, any one of them will do.
    assert set(_ranked_as_broad(query, needed=4)) == {a.pk for a in corpus.values()}
    # One broad term: titles first, then headings, tags and summaries.
    basics = make_article("Password basics", "## Length\nLonger is better.", slug="password-basics")
    assert _ranked_as_broad("password", needed=1) == [basics.pk]
    assert set(_ranked_as_broad("password", needed=2)) == {basics.pk, corpus["login"].pk}


def test_forms_of_one_word_make_one_term(db):
    assert [t.alternatives for t in parse("lists list invalid").terms] == [(("lists",),), (("invalid",),)]
    assert [t.alternatives for t in parse("resetting reset").terms] == [(("resetting",),)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage")
def test_postgresql_keeps_whole_article_vectors_in_the_table_rows(corpus):
    # Ranking reads them for every selective match: from TOAST storage that cost three times as much.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'articles_search_pg'::regclass AND attname = 'vector'"
        )
        assert cursor.fetchone()[0] == "m"
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'articles_search_pg'")
        assert "toast_tuple_target=8160" in cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_postgresql_indexes_the_whole_article_rows_only_for_full_text_matches(corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'articles_search_pg' AND indexdef LIKE '%%gin%%'"
        )
        [(name, definition)] = cursor.fetchall()
    assert name == "articles_search_pg_whole_vector"
    assert definition.endswith("WHERE (section_id < 0)")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query text")
def test_postgresql_at_least_two_matches_exactly_the_rows_with_two_of_the_terms(db):
    from itertools import combinations

    from articles.search.backends.postgres import at_least_two
    from articles.search.query import Term

    words = ["invoice", "refund", "webhook", "bounce"]
    query = at_least_two([Term(((w,),)) for w in words])
    with connection.cursor() as cursor:
        for size in range(len(words) + 1):
            for present in combinations(words, size):
                cursor.execute(
                    "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s)", [" ".join(present), query]
                )
                assert cursor.fetchone()[0] == (size >= 2), present


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner setting")
def test_postgresql_head_tiers_leave_the_planner_settings_as_they_were(corpus):
    # The test runs inside a transaction, where SET LOCAL would otherwise last until its end.
    assert set(_ranked_as_broad("authentication setting smtp billing", needed=1)) == {
        corpus["smtp"].pk,
        corpus["2fa"].pk,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 storage")
def test_sqlite_rebuild_leaves_each_full_text_index_in_one_segment(corpus):
    # Every query term is looked up in each segment: a rebuild used to leave a score of them.
    for article in corpus.values():
        article.save()  # each save writes segments of its own
    rebuild_index()
    assert _segments() == {"articles_search_fts": 1, "articles_search_head": 1}
    assert top("smtp authentication").slug == "smtp-errors"


def _segments() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in ("articles_search_fts", "articles_search_head"):
            cursor.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx")
            found[table] = cursor.fetchone()[0]
        return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 storage")
def test_sqlite_compacting_merges_what_saves_scattered_without_a_rebuild(corpus):
    rebuild_index()
    for article in corpus.values():
        article.save()
    assert max(_segments().values()) > 1
    call_command("compact_search_index", stdout=io.StringIO())
    assert _segments() == {"articles_search_fts": 1, "articles_search_head": 1}
    assert top("smtp authentication").slug == "smtp-errors"


def test_compacting_the_index_changes_no_result(corpus):
    before = slugs("authentication")
    out = io.StringIO()
    call_command("compact_search_index", stdout=out)
    assert "compacted" in out.getvalue()
    assert slugs("authentication") == before


def test_a_search_runs_a_few_statements_and_none_for_what_changes_only_with_the_content(corpus):
    from django.test.utils import CaptureQueriesContext

    article_search("smtp authentication")  # reads what this content version keeps in memory
    with CaptureQueriesContext(connection) as captured:
        assert top("smtp authentication").slug == "smtp-errors"
    statements = [q["sql"] for q in captured.captured_queries]
    # The words' counts (SQLite: the vocabulary's, then the index's), articles, sections, what the page shows.
    assert len(statements) == (5 if connection.vendor == "sqlite" else 4), statements
    assert not any("publish_at >" in sql for sql in statements)  # the scheduled articles
    assert not any("search_boost" in sql or "pinnedsearch" in sql for sql in statements)  # the controls
    assert not any('FROM "articles_category"' in sql for sql in statements)  # the categories


def test_an_article_scheduled_after_a_search_stays_out_of_the_next(corpus, make_article):
    from datetime import timedelta

    from django.utils import timezone

    assert slugs("quarantined") == []
    make_article(
        "Quarantined mail", "## Release\nSteps.", slug="quarantine", publish_at=timezone.now() + timedelta(hours=1)
    )
    assert slugs("quarantined") == []
    assert article_search("quarantined").total == 0


@pytest.fixture
def server_side_binding(db):
    """
    The connection as DJANGO_DB_SERVER_SIDE_BINDING=1 with prepare_threshold 0 sets it up:
    parameters bound by the server, every statement prepared on its first run, and
    planned once for any parameters (the generic plan PostgreSQL may pick after five runs).
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    saved = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET plan_cache_mode")
    raw.cursor_factory, raw.prepare_threshold = saved


def _every_stage(corpus):
    """Results of searches that run every statement a search can: selective terms, broad ones, sections, pages."""
    pages = [
        [(r.article_id, r.url, r.score, r.snippet_text) for r in article_search(query, **kwargs).results]
        for query, kwargs in [
            ("smtp authentication", {}),
            ("invoice overage", {"category": "billing"}),
            ("reset password login", {"limit": 2, "offset": 1}),
        ]
    ]
    broad = [_ranked_as_broad("authentication setting smtp billing", needed=n) for n in (1, 4)]
    return pages, broad, _ranked_as_broad("password", needed=2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL parameter binding")
def test_postgresql_search_gives_the_same_results_with_server_side_binding_and_prepared_statements(corpus, request):
    expected = _every_stage(corpus)
    request.getfixturevalue("server_side_binding")
    for _ in range(2):
        assert _every_stage(corpus) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query text")
def test_postgresql_searches_of_one_length_run_the_same_statement_texts(corpus):
    # A connection that prepares statements (server-side binding) keys them by their text:
    # words, weights and article ids are parameters, never part of it.
    def statements(query):
        texts = []

        def record(execute, sql, params, many, context):
            texts.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            article_search(query)
        return texts

    article_search("smtp authentication")  # reads what this content version keeps in memory
    first = statements("smtp authentication")  # two results
    assert len(first) == 4
    assert statements("relay credentials") == first  # one result
    assert statements("backup codes") == first  # another


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query text")
def test_postgresql_statements_parse_each_tsquery_once_not_per_row(corpus):
    # A generic plan evaluates a to_tsquery() written inline for every row it ranks;
    # made once in the statement's `q` row, it is parsed once whatever the plan.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        article_search("smtp authentication")
        _ranked_as_broad("authentication setting smtp billing", needed=4)
    ranking = [q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"]]
    assert len(ranking) >= 4
    for sql in ranking:
        made, ranked = sql.split(" FROM q, ")
        assert "WITH q AS MATERIALIZED (SELECT to_tsquery(" in made, sql
        assert "to_tsquery" not in ranked, sql


@pytest.fixture
def relay_articles(corpus, make_article):
    """Articles with 'relay' and 'timeout' in the title, in headings, or only in the body, once or often."""
    bodies = [
        ("Relay basics", "The relay forwards mail."),
        ("Timeout settings", "## Relay timeout\nRaise the relay timeout."),
        ("Sending limits", "Each relay has limits. The relay counts messages; a timeout resets it."),
        ("Webhooks", "A webhook may time out; no relay is involved except the relay of last resort."),
        ("Domains", "Point the domain at the relay."),
        ("Bounces", "A bounce after a timeout."),
        ("Spam reports", "Junk mail reported through the relay."),
    ]
    return [make_article(title, body, slug=f"relay-{i}") for i, (title, body) in enumerate(bodies)]


def _terms(*alternatives):
    from articles.search.query import Term

    return [Term(tuple(tuple(a.split()) for a in term)) for term in alternatives]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking statement")
@pytest.mark.parametrize(
    "terms",
    [
        _terms(["relay"]),
        _terms(["relay"], ["timeout"]),
        _terms(["junk", "spam", "bulk folder"], ["relay"]),
        _terms(["timeout"], ["relay"], ["mail"]),
    ],
)
@pytest.mark.parametrize("binding", ["client", "server"])
def test_postgresql_ranking_the_likely_rows_first_gives_the_best_rows_of_ranking_them_all(
    relay_articles, terms, binding, request
):
    if binding == "server":
        request.getfixturevalue("server_side_binding")
    texts = []

    def record(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    backend = current_backend()
    idf = [1.0 + i / 3 for i in range(len(terms))]
    for category_id in (None, relay_articles[0].category_id):
        for limit in range(1, 8):
            every = backend.match_articles(terms, idf=idf, category_id=category_id, limit=limit)
            texts.clear()
            with connection.execute_wrapper(record):
                likely = backend.match_articles(
                    terms, idf=idf, category_id=category_id, limit=limit, matching=[10_000] * len(terms)
                )
            assert "likely AS MATERIALIZED" in texts[0]
            assert list(likely.items()) == list(every.items()), (category_id, limit)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking statement")
def test_postgresql_ranks_every_matching_row_when_few_match_or_a_term_is_a_phrase_alone(relay_articles):
    from django.test.utils import CaptureQueriesContext

    backend = current_backend()
    for terms, matching in [(_terms(["relay"]), [999]), (_terms(["relay"], ["bulk folder"]), [5_000, 5_000])]:
        with CaptureQueriesContext(connection) as captured:
            backend.match_articles(terms, idf=[1.0] * len(terms), category_id=None, limit=3, matching=matching)
        assert "likely" not in captured.captured_queries[0]["sql"]


def test_ranking_tells_the_engine_how_many_articles_hold_each_selective_term(corpus, monkeypatch):
    backend = current_backend()
    seen = []
    original = backend.match_articles

    def match_articles(terms, **kwargs):
        seen.append(kwargs["matching"])
        return original(terms, **kwargs)

    monkeypatch.setattr(backend, "match_articles", match_articles)
    parsed = parse("smtp authentication")
    weights = rank.term_weights(parsed, backend)
    rank.rank_articles(parsed, backend=backend, weights=weights, category_id=None, needed=10)
    assert seen == [[2, 2]]  # smtp: its article and the login one; authentication: its own and two-factor
