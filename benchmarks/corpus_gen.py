"""
A synthetic, deterministic help-center corpus and query mix for the speed benchmark.

Articles read like support documentation in bulk: 500 to 1,500 words, an intro
and 3 to 8 `##`/`###` sections, in 8 categories. Words follow a Zipf-like
distribution over a few thousand words (English function words first, then
help-center terms and general English mixed), with three things real help
centers have and word salad lacks:

- topic: each category prefers its own domain words, and each article repeats a
  few "focus" words of its subject in its title, headings and text;
- error messages and numbers: SMTP/HTTP codes (535, 550, 429...), ports, pasted
  error lines in code spans and blocks;
- a long tail: product names (a few thousand, Zipf-distributed) and unique-ish
  feature names (drawn from ~700,000 pseudo-words), so the vocabulary grows with
  the corpus the way real vocabularies do (Heaps' law).

Everything comes from `random.Random` seeded with the corpus seed (and the
article number), so article `i` is the same whatever batch or process makes it.

    gen = CorpusGenerator(seed=42)
    for spec in gen.articles(0, 1000): ...
    queries = gen.queries(300, seed=7)
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- words

# English function words, most frequent first (they lead the Zipf ranking).
FUNCTION_WORDS = """
the to and a of you your is in for it that on this with be if can are or not as from
by we will an have when at any our use all do then more so they which there its one
has but after may only also these them each must how what other into no out up any
before than some new again been once their while same both most such first two need
until without within through per because should could would make sure every
""".split()

# Help-center domain words, shared by all categories.
DOMAIN_COMMON = """
account password login username email address settings profile dashboard page button
link menu option setting user team admin owner support help article message messages
error errors code problem issue request requests response time minutes hours days
domain record records sender recipient server client app browser mobile desktop
api key keys token access permission permissions role roles data report export import
list lists contact contacts plan billing invoice payment card subscription limit
limits usage credits notification notifications security verification verify verified
""".split()

# Domain words per category (name, slug, words). A category's words are boosted in its articles.
CATEGORIES = [
    (
        "Account and Settings",
        "account-and-settings",
        """
        login logout signin password reset username recovery locked lockout banned suspended
        profile timezone language avatar teammate teammates invite invitation workspace
        organization owner transfer ownership closure delete deletion reactivate 2fa authenticator
        backup codes device phone sms sso saml okta azure identity provider session sessions
        cookie cookies captcha browser remember expire expired link verification confirm
        """,
    ),
    (
        "Billing and Plans",
        "billing-and-plans",
        """
        invoice invoices bill billing receipt receipts payment payments card declined refund
        refunds charge charges overage subscription upgrade downgrade plan plans tier annual
        monthly renewal cancel cancellation trial coupon discount currency tax vat gst
        company address purchase order checkout proration credit debit bank transfer wire
        pricing price prices statement outstanding balance dunning retry
        """,
    ),
    (
        "Sending Email",
        "sending-email",
        """
        send sending sent schedule scheduled campaign campaigns template templates dynamic
        content personalization merge field fields substitution attachment attachments
        size html plaintext preview subject header headers reply forwarding batch queue queued
        delay throttle throttling rate daily hourly quota sandbox test recipients cc bcc
        """,
    ),
    (
        "Deliverability",
        "deliverability",
        """
        deliverability spam junk inbox bounce bounces bounced hard soft complaint complaints
        blocklist blacklist reputation ip dedicated shared warmup warming volume engagement
        dkim spf dmarc alignment selector cname txt mx dns propagation lookup lookups
        authentication authenticated suppression suppressed unsubscribe unsubscribes
        feedback loop gmail yahoo outlook microsoft postmaster filtering filter filters
        """,
    ),
    (
        "API and SMTP",
        "api-and-smtp",
        """
        api endpoint endpoints request response json payload status code codes rest http
        https smtp relay port ports tls ssl starttls certificate handshake timeout timeouts
        connection connections retry retries backoff ratelimit throttled authentication
        credentials apikey bearer header library libraries sdk python node php ruby java
        curl version versions deprecated pagination cursor idempotency
        """,
    ),
    (
        "Integrations and Webhooks",
        "integrations-and-webhooks",
        """
        webhook webhooks event events callback callbacks signature signatures secret
        endpoint delivery deliveries retry retries zapier wordpress salesforce hubspot
        shopify crm plugin plugins integration integrations sync synchronization oauth
        authorize authorization scope scopes inbound parse parsing forward routing
        """,
    ),
    (
        "Contacts and Lists",
        "contacts-and-lists",
        """
        contact contacts list lists segment segments audience subscriber subscribers
        import imports csv upload column columns field fields custom tag tags duplicate
        duplicates merge consent optin doubleoptin unsubscribe preference preferences
        group groups suppression gdpr export exports search filter filters
        """,
    ),
    (
        "Security and Privacy",
        "security-and-privacy",
        """
        security privacy gdpr ccpa compliance audit logs log retention encryption encrypted
        key keys rotate rotation ip allowlist whitelist restriction restrictions phishing
        vulnerability disclosure breach incident subprocessor subprocessors dpa agreement
        personal data deletion request requests access review pentest soc certification
        """,
    ),
]

VERBS = """
accept access add adjust allow appear apply approve archive arrive ask assign attach avoid
begin belong block book break bring build buy call cancel cause change charge check choose
claim clean clear click close collect combine come compare complain complete configure
confirm connect consider contact contain continue control convert copy correct cost count
cover create cut deal decide decline define delay delete deliver deny depend describe
design detect determine develop disable disappear display divide download drag draw drop
duplicate edit enable encrypt end enter expect expire explain export extend fail fetch
fill filter find finish fit fix flag follow forget format forward generate get give go
grant group guess handle happen hear help hide hit hold identify ignore import improve
include increase indicate inform insert install integrate invite issue join jump keep
know label launch lead learn leave let lift limit link list load locate lock log look
lose maintain make manage mark match mean measure meet merge migrate miss modify monitor
move name need notice notify obtain occur offer open order organize overwrite own paste
pause pay perform pick place plan point post prefer prepare present press prevent print
process produce protect provide publish pull purchase push put qualify query reach read
receive recognize recommend record recover redirect reduce refer refresh refund register
reject relate release reload remain remember remove rename renew reopen repeat replace
reply report request require resend reset resolve respond restart restore restrict
retry return reveal review revoke rotate route run save scan schedule search secure see
select sell send separate set settle share ship show sign skip solve sort specify split
start stay stop store submit subscribe succeed suggest supply support suspend switch
sync take tell test think track transfer translate trigger trust try turn type undo
unlock unsubscribe update upgrade upload use validate verify view visit wait want warn
watch work write
""".split()

NOUNS = """
ability action activity addition administrator advice agent agreement alert amount
analysis announcement answer application approach area argument arrangement article
assistant attempt attention audience author average background balance bar base basis
beginning behavior benefit bit block body border bottom branch brand budget bug
business buyer calendar call campaign capacity case category cause center chain chance
channel chapter character chart chat check choice circle city claim class client
collection column combination command comment community comparison component computer
concept concern condition configuration confirmation conflict connection consequence
container context contract control conversation copy corner cost count country course
cover creation criteria customer cycle date day deadline decision default definition
delay demand department deployment description design desk destination detail
developer device difference direction directory discussion display distance document
draft driver edge edition effect effort element employee entry environment equipment
estimate event evidence example exception experience expert explanation expression
extension fact factor failure feature fee file filter flag folder font form format
formula foundation frame frequency function future gap goal guide guideline half
handler heading height history holiday home host hour idea image impact implementation
improvement incident increase index indicator industry information input instance
instruction interface interval introduction inventory item job journey label language
layer layout lead length lesson letter level library license limit line list load
location lock machine maintenance manager margin market material matter measure media
member memory method metric middle minute mistake mode model moment month motion
network night node note notice number object occasion offer office operation
opportunity option order origin outcome output overview owner package page panel
parameter part partner party password path pattern period person phase phone picture
piece place platform player point policy pool popup portal position post practice
preview principle priority procedure process product program progress project property
proposal protocol provider purpose quality quantity question queue range rate ratio
reason receipt record reference region registration release reminder repair
replacement reply report request requirement resource response result review risk
room root round route row rule sale sample scale scenario schedule scope score screen
script season second section sector selection sequence series server service session
shape share sheet shortcut side signal site situation size skill slot solution source
space speed spreadsheet stage standard start state statement status step storage store
story strategy stream string structure style subject success suggestion summary
support surface survey switch symbol system tab table target task team technology
template term text theme thing thread threshold ticket time timeline title tool topic
total trace track traffic transaction transfer trend trial trigger type unit update
upload user value variable variant vendor version video view visitor volume warning
way website week weight widget window word workflow world year zone
""".split()

ADJECTIVES = """
able absolute accurate active actual additional advanced affected alternative annual
another available average aware bad basic best better big binary blank blocked broken
built busy careful certain cheap clean clear close common compatible complete complex
confusing consistent constant correct critical current custom daily dark dead deep
default detailed different difficult digital direct disabled double due duplicate
dynamic early easy effective empty enabled entire equal essential exact excellent
existing expected expensive experimental external extra failed false familiar fast
final fine first fixed flexible following foreign formal former free frequent fresh
friendly full general global good great green hard heavy helpful hidden high huge
ideal identical immediate important inactive incorrect independent individual initial
inner instant internal invalid large last late latest legal light likely limited live
local long loose low main major manual maximum minimum minor missing mobile modern
monthly multiple native natural necessary negative neutral new next nice normal
obvious official offline old online only open optional ordinary original other outer
overall own paid partial past pending permanent personal plain popular positive
possible powerful practical present previous primary private proper public quick
quiet random rare raw ready real recent recommended red regular related relevant
reliable remote repeated required responsible right rough safe same secondary secure
sensitive separate serious several shared short significant silent similar simple
single slow small smart soft solid special specific stable standard strange strict
strong successful sudden sufficient suitable sure suspicious temporary terrible tiny
total traditional true typical unable unique unknown unusual upper urgent useful usual
valid various visible warm weak weekly whole wide wrong young
""".split()

OTHER = """
already always automatically usually often sometimes never instead however also again
almost else even ever here just maybe now only perhaps quickly rather really simply
soon still together too well yet about above across against along among around below
between during except inside outside over under within without actually afterwards
anyway anywhere basically carefully certainly clearly completely correctly currently
directly easily entirely eventually exactly finally first fully generally hardly
immediately indeed instantly largely later likely manually mostly nearly normally
obviously once otherwise partly possibly previously probably properly rarely recently
regularly separately seriously shortly slightly slowly somewhat specifically strictly
suddenly temporarily therefore thus today tomorrow twice typically unfortunately
yesterday whenever wherever whether although though unless since despite beyond
toward towards upon via whose whom
""".split()

ERROR_CODES = [
    "421", "450", "451", "452", "530", "535", "550", "551", "552", "553", "554",
    "400", "401", "403", "404", "409", "413", "422", "429", "500", "502", "503", "504",
]  # fmt: skip
NUMBERS = ["25", "465", "587", "2525", "2048", "1024", "24", "48", "72", "30", "60", "90", "100", "1000", "10", "5"]

ERROR_TEMPLATES = [
    "{code} 5.7.{d} Authentication failed: Bad username / password",
    "{code} 5.1.1 <{user}@example.com>: Recipient address rejected: User unknown",
    "{code} Too Many Requests: rate limit exceeded, retry after {n} seconds",
    "SMTPAuthenticationError: ({code}, b'Authentication failed')",
    "{code} 4.7.0 Try again later, closing connection",
    "{code} 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
    "{code} Forbidden: The from address does not match a verified Sender Identity",
    "{code} 5.3.4 Message size exceeds fixed limit",
    "Error {code}: {word} {word2} is invalid or has expired",
    "dkim=fail (body hash did not verify)",
    "SPF PermError: too many DNS lookups",
    "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
    '{{"errors":[{{"field":"{word}","message":"{word2} is required"}}]}}',
    "Webhook delivery failed: HTTP {code} from endpoint after {n} retries",
    "Your card was declined: insufficient funds",
    "{code} Bad Request: {word}_id is not a valid {word2} ID",
]

QUESTION_TEMPLATES = [
    "how do i {verb} my {noun}",
    "how to {verb} {noun}",
    "why is my {noun} {adj}",
    "why can't i {verb} my {noun}",
    "where can i find my {noun}",
    "what does {code} mean",
    "can i {verb} the {noun} {noun2}",
    "how do i {verb} a {noun} in {product}",
    "my {noun} is not {verbed}",
    "what happens when my {noun} {verbs}",
]

SYNONYM_QUERIES = [
    "sign in", "cant sign in", "log in problem", "2fa", "lost 2fa device", "two factor code",
    "bill", "download bill", "cancel subscription", "close my account", "unsubscribe link",
    "opt out", "junk folder", "bounced email", "api token", "webhook not firing",
    "callback url", "refund money back", "blacklist removal", "coworker access", "single sign on",
    "sso setup", "sending quota", "card declined", "locked out", "suspended account",
    "sign up", "log out everywhere", "user name forgot", "event notification",
]  # fmt: skip

HOSTILE_QUERIES = [
    '"', "'", '"unbalanced', "NEAR(a b)", "a AND OR NOT b", "* OR *", "-password", "title:password",
    "'; DROP TABLE articles_article; --", "<script>alert(1)</script>", "%' OR 1=1 --", "\\x00\x00\x01",
    "password" * 40, "a " * 150, "🔑🔒 login 🙈", "ñandú café résumé", "Ｐａｓｓｗｏｒｄ", "(((((", "&&& ||| !!!",
    "x" * 5000, "日本語のテキスト", "NULL", "$1 ^ ~ @@ :: ->",
]  # fmt: skip

_CONSONANTS = "bcdfghklmnprstvz"
_VOWELS = "aeiou"
_BRAND_HEADS = """
post mail send grid flow spark nova pulse relay beacon orbit zen cloud quick bright
clear blue red north true swift hyper meta omni astro echo terra lumen vox pix
""".split()
_BRAND_TAILS = """
wise grid ly ify hub desk flow box kit base stack dock mint loop link port gate
ster io ora ex on ix ent lab works sync
""".split()


_IRREGULAR = {
    "begin": "began", "break": "broke", "bring": "brought", "build": "built", "buy": "bought",
    "choose": "chose", "come": "came", "cut": "cut", "deal": "dealt", "draw": "drew", "find": "found",
    "forget": "forgot", "get": "got", "give": "gave", "go": "went", "hear": "heard", "hide": "hid",
    "hit": "hit", "hold": "held", "keep": "kept", "know": "knew", "lead": "led", "leave": "left",
    "let": "let", "lose": "lost", "make": "made", "mean": "meant", "meet": "met", "pay": "paid",
    "put": "put", "read": "read", "run": "ran", "see": "saw", "sell": "sold", "send": "sent",
    "set": "set", "show": "showed", "split": "split", "take": "took", "tell": "told", "think": "thought",
    "write": "wrote",
}  # fmt: skip
_DOUBLED = {"begin", "cut", "drag", "drop", "fit", "get", "hit", "let", "plan", "put", "run", "set", "ship",
            "skip", "split", "stop", "submit", "flag", "log", "scan"}  # fmt: skip


def _inflect_verb(verb: str) -> list[str]:
    """[base, third person, past, -ing] with the common English spelling rules."""
    if verb.endswith(("s", "sh", "ch", "x")):
        third = verb + "es"
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        third = verb[:-1] + "ies"
    elif verb == "go":
        third = "goes"
    else:
        third = verb + "s"
    if verb in _DOUBLED:
        past, ing = verb + verb[-1] + "ed", verb + verb[-1] + "ing"
    elif verb.endswith("ie"):
        past, ing = verb + "d", verb[:-2] + "ying"
    elif verb.endswith("ee"):
        past, ing = verb + "d", verb + "ing"
    elif verb.endswith("e"):
        past, ing = verb + "d", verb[:-1] + "ing"
    elif verb.endswith("y") and verb[-2] not in _VOWELS:
        past, ing = verb[:-1] + "ied", verb + "ing"
    else:
        past, ing = verb + "ed", verb + "ing"
    return [verb, third, _IRREGULAR.get(verb, past), ing]


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def zipf_cum_weights(n: int, exponent: float = 1.0, offset: float = 2.7) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1/(rank + offset)^s for ranks 1..n."""
    return list(itertools.accumulate(1.0 / (rank + offset) ** exponent for rank in range(1, n + 1)))


@dataclass(frozen=True)
class ArticleSpec:
    index: int
    title: str
    slug: str
    category: int  # index into CATEGORIES
    summary: str
    tags: str
    body: str


class CorpusGenerator:
    def __init__(self, seed: int = 42):
        self.seed = seed
        rng = random.Random(f"vocabulary:{seed}")

        general = set()
        for verb in VERBS:
            general.update(_inflect_verb(verb))
        for noun in NOUNS:
            general.update((noun, _plural(noun)))
        general.update(ADJECTIVES)
        general.update(OTHER)
        domain = set(DOMAIN_COMMON)
        for _name, _slug, words in CATEGORIES:
            domain.update(words.split())
        content = sorted((general | domain) - set(FUNCTION_WORDS))
        rng.shuffle(content)
        # Function words lead the ranking, then domain and general words mixed.
        self.vocabulary = list(dict.fromkeys(FUNCTION_WORDS + content))
        self.cum_weights = zipf_cum_weights(len(self.vocabulary))

        self.category_words = []
        for _name, _slug, words in CATEGORIES:
            own = list(dict.fromkeys(words.split()))
            rng.shuffle(own)
            self.category_words.append((own, zipf_cum_weights(len(own), exponent=0.8)))

        brands = sorted({(h + t).capitalize() for h in _BRAND_HEADS for t in _BRAND_TAILS if h != t})
        rng.shuffle(brands)
        self.brands = brands
        self.brand_weights = zipf_cum_weights(len(brands), exponent=1.1)
        self.verbs, self.nouns, self.adjectives = VERBS, NOUNS + DOMAIN_COMMON, ADJECTIVES

    # ------------------------------------------------------------------ pieces

    def _feature_name(self, rng: random.Random) -> str:
        """A unique-ish pseudo-word (one of ~700,000), like a feature or add-on name."""
        return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 3, 3, 4))))

    def _error_line(self, rng: random.Random) -> str:
        template = rng.choice(ERROR_TEMPLATES)
        return template.format(
            code=rng.choice(ERROR_CODES),
            d=rng.randint(0, 9),
            n=rng.choice(NUMBERS),
            user=rng.choice(("bob", "alice", "support", "noreply", "info")),
            word=rng.choice(self.nouns),
            word2=rng.choice(self.nouns),
        )

    def _words(self, rng, count, focus, topic, topic_weights):
        words = rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=count)
        # About 1 word in 8 comes from the category's topic, 1 in 14 is the article's own subject.
        for i in range(count):
            roll = rng.random()
            if roll < 0.07:
                words[i] = rng.choice(focus)
            elif roll < 0.19:
                words[i] = rng.choices(topic, cum_weights=topic_weights)[0]
        return words

    def _sentence(self, rng, ctx) -> tuple[str, int]:
        count = rng.randint(6, 22)
        words = self._words(rng, count, *ctx)
        roll = rng.random()
        if roll < 0.06:
            words.insert(rng.randrange(len(words)), rng.choice(ERROR_CODES))
        elif roll < 0.10:
            words.insert(rng.randrange(len(words)), rng.choice(NUMBERS))
        elif roll < 0.14:
            i = rng.randrange(len(words))
            words[i] = f"**{words[i]}**"
        elif roll < 0.17:
            i = rng.randrange(len(words))
            words[i] = f"`{words[i]}`"
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice(".....?:"), count

    def _paragraph(self, rng, ctx, budget) -> tuple[str, int]:
        sentences, used = [], 0
        for _ in range(rng.randint(2, 5)):
            sentence, n = self._sentence(rng, ctx)
            sentences.append(sentence)
            used += n
            if used >= budget:
                break
        return " ".join(sentences), used

    def _block(self, rng, ctx, budget) -> tuple[str, int]:
        roll = rng.random()
        if roll < 0.12:
            items, used = [], 0
            numbered = rng.random() < 0.5
            for k in range(rng.randint(3, 6)):
                sentence, n = self._sentence(rng, ctx)
                items.append(f"{k + 1}. {sentence}" if numbered else f"- {sentence}")
                used += n
            return "\n".join(items), used
        if roll < 0.17:
            line = self._error_line(rng)
            return f"```\n{line}\n```", len(line.split())
        if roll < 0.21:
            line = self._error_line(rng)
            text, used = self._paragraph(rng, ctx, budget)
            return f"If you see `{line}`, read on. {text}", used + len(line.split()) + 3
        return self._paragraph(rng, ctx, budget)

    def _heading(self, rng, focus) -> str:
        noun, verb, adj = rng.choice(self.nouns), rng.choice(self.verbs), rng.choice(self.adjectives)
        subject = rng.choice(focus)
        return rng.choice(
            [
                f"{subject.capitalize()} {noun} is {adj}",
                f"{verb.capitalize()} the {subject}",
                f"{rng.choice(ERROR_CODES)} {subject} {noun} error",
                f"Why {subject} {_inflect_verb(verb)[1]}",
                f"{adj.capitalize()} {subject} {noun}",
                f"Check your {subject} {noun}",
                f"{subject.capitalize()} and {noun}",
                f"{verb.capitalize()} {adj} {_plural(noun)}",
            ]
        )

    def article(self, index: int) -> ArticleSpec:
        rng = random.Random(f"article:{self.seed}:{index}")
        category = index % len(CATEGORIES) if rng.random() < 0.3 else rng.randrange(len(CATEGORIES))
        topic, topic_weights = self.category_words[category]
        focus = list(dict.fromkeys(rng.choices(topic, cum_weights=topic_weights, k=3)))
        brand = rng.choices(self.brands, cum_weights=self.brand_weights)[0]
        feature = self._feature_name(rng)
        focus += [brand.lower(), feature]
        ctx = (focus, topic, topic_weights)

        verb = rng.choice(self.verbs)
        main = focus[0]
        title = rng.choice(
            [
                f"Troubleshooting {main} {rng.choice(self.nouns)} issues",
                f"How to {verb} your {main} in {brand}",
                f"{main.capitalize()} {rng.choice(self.nouns)} {_inflect_verb(verb)[2]}",
                f"Why your {main} {_inflect_verb(verb)[1]}",
                f"Fixing {rng.choice(ERROR_CODES)} {main} errors",
                f"Understanding {main} and {focus[-3] if len(focus) > 3 else feature}",
                f"Setting up {brand} {feature} {main}",
                f"Managing {main} {_plural(rng.choice(self.nouns))}",
            ]
        )
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:180] + f"-{index}"
        summary = self._sentence(rng, ctx)[0][:290]
        tags = ", ".join(dict.fromkeys([*focus[:3], rng.choice(topic)]))

        target = rng.randint(500, 1500)
        sections = rng.randint(3, 8)
        shares = [rng.random() + 0.5 for _ in range(sections + 1)]
        total_share = sum(shares)
        parts = []
        written = 0
        for k, share in enumerate(shares):
            budget = max(25, int(target * share / total_share))
            if k:
                level = "##" if k == 1 or rng.random() < 0.6 else "###"
                parts.append(f"{level} {self._heading(rng, focus)}")
            used = 0
            while used < budget:
                block, n = self._block(rng, ctx, budget - used)
                parts.append(block)
                used += n
            written += used
        return ArticleSpec(
            index=index,
            title=title,
            slug=slug,
            category=category,
            summary=summary,
            tags=tags,
            body="\n\n".join(parts) + "\n",
        )

    def articles(self, start: int, count: int):
        for index in range(start, start + count):
            yield self.article(index)

    # ------------------------------------------------------------------ queries

    def _vocab_word(self, rng, min_length=1) -> str:
        while True:
            word = rng.choices(self.vocabulary, cum_weights=self.cum_weights)[0]
            if len(word) >= min_length and word not in FUNCTION_WORDS:
                return word

    def _typo(self, rng, word: str) -> str:
        edits = 1 if len(word) < 6 or rng.random() < 0.6 else 2
        letters = "abcdefghijklmnopqrstuvwxyz"
        typo = word
        for _ in range(edits):
            i = rng.randrange(1, len(typo))  # customers rarely get the first letter wrong
            kind = rng.randrange(4)
            if kind == 0 and len(typo) > 4:
                typo = typo[:i] + typo[i + 1 :]
            elif kind == 1:
                typo = typo[:i] + rng.choice(letters) + typo[i:]
            elif kind == 2:
                typo = typo[:i] + rng.choice(letters) + typo[i + 1 :]
            elif i < len(typo) - 1:
                typo = typo[:i] + typo[i + 1] + typo[i] + typo[i + 2 :]
        return typo if typo != word else typo + rng.choice("aeiou")

    def queries(self, count: int, seed: int = 7) -> list[tuple[str, str, str | None]]:
        """(kind, text, category slug or None), a fixed mix of what customers type."""
        rng = random.Random(f"queries:{self.seed}:{seed}")
        mix = [
            ("single", 0.17), ("multi", 0.18), ("question", 0.14), ("error", 0.13), ("typo", 0.18),
            ("synonym", 0.10), ("product", 0.03), ("category", 0.04), ("hostile", 0.03),
        ]  # fmt: skip
        kinds = [k for k, _ in mix]
        weights = [w for _, w in mix]
        out = []
        for _ in range(count):
            kind = rng.choices(kinds, weights=weights)[0]
            category = None
            if kind == "single":
                text = self._vocab_word(rng, 3)
            elif kind == "multi":
                topic = self.category_words[rng.randrange(len(CATEGORIES))][0]
                words = [rng.choice(topic)] + [self._vocab_word(rng, 3) for _ in range(rng.randint(1, 3))]
                rng.shuffle(words)
                text = " ".join(words)
            elif kind == "question":
                topic = self.category_words[rng.randrange(len(CATEGORIES))][0]
                verb = rng.choice(self.verbs)
                forms = _inflect_verb(verb)
                text = rng.choice(QUESTION_TEMPLATES).format(
                    verb=verb, verbs=forms[1], verbed=forms[2], noun=rng.choice(topic),
                    noun2=rng.choice(self.nouns), adj=rng.choice(self.adjectives),
                    code=rng.choice(ERROR_CODES), product=rng.choice(self.brands[:50]),
                )  # fmt: skip
            elif kind == "error":
                text = self._error_line(rng)
            elif kind == "typo":
                word = self._vocab_word(rng, 5)
                text = self._typo(rng, word)
                if rng.random() < 0.5:
                    other = self._vocab_word(rng, 4)
                    text = f"{text} {other}" if rng.random() < 0.5 else f"{other} {text}"
            elif kind == "synonym":
                text = rng.choice(SYNONYM_QUERIES)
            elif kind == "product":
                text = rng.choices(self.brands, cum_weights=self.brand_weights)[0] + " " + self._vocab_word(rng, 4)
            elif kind == "category":
                name, slug, words = CATEGORIES[rng.randrange(len(CATEGORIES))]
                text = rng.choice(words.split())
                category = slug
            else:
                text = rng.choice(HOSTILE_QUERIES)
            out.append((kind, text, category))
        return out
