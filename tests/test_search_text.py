"""Words as search sees them: tokenizing, normalising, the rough stemmer and hyphenated compounds."""

from articles.search.text import compounds, normalize, stem, tokenize, with_compounds, word_count


def test_tokenize_keeps_only_lower_cased_letters_and_digits():
    words = ["title", "reset", "or", "pass", "5", "7", "1", "api", "user"]
    assert tokenize('Title:"Reset" OR (pass*) -- 5.7.1 api_user') == words


def test_tokenize_folds_compatibility_characters():
    assert tokenize("ﬁle ＰＡＳＳ") == ["file", "pass"]


def test_normalize_lowers_drops_control_characters_and_bounds_the_length():
    assert normalize("  Reset\x00My\tPASSWORD\u200b ") == "reset my password"
    assert len(normalize("x" * 5000)) == 200


def test_word_count_counts_spaces():
    assert word_count("one two  three") == 4 and word_count("") == 1


def test_stem_removes_common_suffixes():
    assert stem("passwords") == "password"
    assert stem("resetting") == "reset"
    assert stem("invoices") == "invoic" == stem("invoiced")
    assert stem("bounced") == "bounc"


def test_stem_keeps_short_words_and_double_l_s_z():
    assert stem("is") == "is" and stem("bus") == "bus"
    assert stem("billing") == "bill"
    assert stem("passing") == "pass"


def test_compounds_join_hyphenated_words():
    assert compounds("sub-users and two-factor, not 5-7") == ["57", "subusers", "twofactor"]
    assert compounds("plain text") == []


def test_with_compounds_appends_the_joined_forms_once():
    assert with_compounds("sub-users see sub-users") == "sub-users see sub-users subusers"
    assert with_compounds("nothing joined") == "nothing joined"
