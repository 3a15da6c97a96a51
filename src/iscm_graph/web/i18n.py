"""The language of the pages: English or Arabic, chosen by `?lang=`, then the `lang` cookie (set when
`?lang=` names a language), then the browser's Accept-Language, else English. Flask-Babel translates
the templates' strings from the catalogues in web/translations and formats numbers and dates for the
language; the templates get the language, its direction, a link to the page in the other language, and
the page's canonical URL and language alternates (hreflang)."""
from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlencode

from flask import g, request
from flask_babel import Babel, format_date, format_decimal, get_locale

from iscm_graph.rdf.formats import HTML

LANGUAGES = ("en", "ar")
DEFAULT = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
RTL = {"ar"}
NAMES = {"en": "English", "ar": "العربية"}
_COOKIE_VALUE = re.compile(r"(?:^|;)\s*lang=(\w+)")


def select_locale() -> str:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def current() -> str:
    """The language of this request's page ("en" or "ar")."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


def direction(lang: str | None = None) -> str:
    return "rtl" if (lang or current()) in RTL else "ltr"


def cookie_language(environ) -> str:
    """The `lang` cookie's value straight from a WSGI environ (the response cache keys on it)."""
    m = _COOKIE_VALUE.search(environ.get("HTTP_COOKIE", ""))
    return m.group(1) if m and m.group(1) in LANGUAGES else ""


def set_canonical_path(path: str) -> None:
    """The page's own path when it is also served at another one (/doc/x and /doc/x.html, /source/000
    and /source/000.html): its canonical link, alternates and language link use it."""
    g.canonical_path = path


def url_in(lang: str | None) -> str:
    """This page's path and query string with `lang` set to `lang` (removed when None)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if lang is not None:
        args.append(("lang", lang))
    query = urlencode(args)
    return g.get("canonical_path", request.path) + ("?" + query if query else "")


def alternates(base: str) -> list[dict]:
    """The page in each language, and x-default (no `lang`: the reader's own choice)."""
    links = [{"hreflang": lang, "href": base + url_in(lang)} for lang in LANGUAGES]
    return links + [{"hreflang": "x-default", "href": base + url_in(None)}]


def iso_date(value) -> str:
    """An ISO 8601 date or timestamp (the build's `created`) as a date in the page's language."""
    try:
        return format_date(datetime.fromisoformat(str(value).replace("Z", "+00:00")).date(), "long")
    except (TypeError, ValueError):
        return str(value or "")


def partial_date(value) -> str:
    """A year (`2003`) or a date (`2017-03-29`) as the page's language writes it; a year alone is never
    grouped as a number (2,003)."""
    text = str(value or "")
    try:
        if len(text) == 4:
            return format_decimal(int(text), format="0")
        return format_date(date.fromisoformat(text[:10]), "medium")
    except ValueError:
        return text


def register(app) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["ui_lang"] = current
    app.jinja_env.filters["isodate"] = iso_date
    app.jinja_env.filters["partdate"] = partial_date
    app.jinja_env.filters["number"] = lambda v: format_decimal(int(str(v))) if str(v).isdigit() else str(v)

    @app.context_processor
    def language():
        lang = current()
        other = "ar" if lang == "en" else "en"
        base = request.host_url.rstrip("/")
        return {"lang": lang, "dir": direction(lang), "other_lang": other, "other_lang_name": NAMES[other],
                "switch_href": url_in(other), "canonical": base + url_in(lang),
                "hreflang_links": alternates(base)}

    @app.after_request
    def remember(response):
        asked = request.args.get("lang", "")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if response.mimetype == HTML:
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
