#!/usr/bin/python3
"""The Python client of the interop suite: requests-oauthlib (on oauthlib).

Usage: client.py BASE_URL RSA_PRIVATE_KEY_FILE RSA_PUBLIC_KEY_FILE

Registers a consumer at BASE_URL, then for every signature method and
parameter placement the library offers runs the three legs and the API
calls, printing one line per check ("ok   python hmac-sha1 header me",
"FAIL ...: why", "skip ...: known library defect"). interop/run drives it.
"""
import html
import re
import sys
import urllib.parse

import oauthlib
import requests
import requests_oauthlib
from requests_oauthlib import OAuth1Session

BASE, KEY_FILE, PUB_FILE = sys.argv[1:4]
LIB = "python"
METHODS = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"]
PLACEMENTS = {"header": "AUTH_HEADER", "query": "QUERY", "body": "BODY"}
NOTE = "Grüße aus Köln, 東京 ✓ 100% a+b&c=d"
QUERY = "q=a%20b%C3%A9"
CALLBACK = "http://127.0.0.1:9/interop/callback?from=python"
TIMEOUT = 10

# Known library defects and limitations, not the provider's fault:
# (method, placement, check, id, kind, pattern, description), "*" matching
# anything. A failed check that matches, and whose error matches pattern
# (raised by the library before anything is sent), is reported as skipped,
# with the evidence; any other failure is a failure.
GET_BODY = ("python-get-body", "library limitation", r"^ValueError: GET/HEAD requests should not include body\.$",
            "oauthlib refuses form-body placement on GET and HEAD requests "
            "(oauthlib Client.sign; RFC 5849 §3.5.2 allows any request with a form body), and "
            "requests-oauthlib forces a form body with signature_type BODY, so a GET cannot be signed "
            "that way: requests/requests-oauthlib#329, open")
KNOWN = [
    ("*", "body", "me") + GET_BODY,
    ("*", "body", "ping") + GET_BODY,
    ("*", "body", "query") + GET_BODY,
]


class Failed(Exception):
    """A check failed; the message says how (status and body)."""


def answer(r):
    return "%d %s" % (r.status_code, r.text.strip()[:300])


def hidden_inputs(page):
    return {html.unescape(n): html.unescape(v)
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page)}


def approve(browser, token, callback):
    """The consent leg in browser, a cookie session that logs in when the
    authorize page asks (the first time); returns the verifier."""
    r = browser.get(BASE + "/oauth/authorize", params={"oauth_token": token}, timeout=TIMEOUT)
    form = hidden_inputs(r.text)
    if r.status_code == 200 and "next" in form:
        r = browser.post(BASE + "/login", timeout=TIMEOUT, allow_redirects=False, data={
            "username": "alice", "password": "wonderland",
            "csrf_token": form.get("csrf_token", ""), "next": form["next"]})
        if r.status_code != 303:
            raise Failed("POST /login: " + answer(r))
        r = browser.get(urllib.parse.urljoin(BASE, r.headers.get("Location", "")), timeout=TIMEOUT)
        form = hidden_inputs(r.text)
    if r.status_code != 200 or form.get("oauth_token") != token:
        raise Failed("no consent page: " + answer(r))
    r = browser.post(BASE + "/oauth/authorize", timeout=TIMEOUT, allow_redirects=False, data={
        "oauth_token": token, "csrf_token": form["csrf_token"], "action": "approve"})
    if callback == "oob":
        m = re.search(r'id="verifier">([^<]+)<', r.text)
        if r.status_code != 200 or not m:
            raise Failed("POST /oauth/authorize (oob): " + answer(r))
        return m.group(1)
    loc = r.headers.get("Location", "")
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
    if r.status_code != 302 or not loc.startswith(CALLBACK + "&") or q.get("oauth_token") != [token]:
        raise Failed("POST /oauth/authorize: redirect %r: %s" % (loc, answer(r)))
    return q["oauth_verifier"][0]


def session(consumer, method, placement, rsa_key, **kw):
    return OAuth1Session(consumer["key"], client_secret=consumer["secret"],
                         signature_method=method, signature_type=PLACEMENTS[placement],
                         rsa_key=rsa_key if method.startswith("RSA-") else None, **kw)


def expect(r, status, **fields):
    if r.status_code != status:
        raise Failed(answer(r))
    got = r.json()
    for k, v in fields.items():
        if got.get(k) != v:
            raise Failed("%s is %r, want %r: %s" % (k, got.get(k), v, answer(r)))


def main():
    with open(KEY_FILE) as f:
        rsa_key = f.read()
    with open(PUB_FILE) as f:
        pub = f.read()
    print("version python: requests-oauthlib %s, oauthlib %s, requests %s, Python %s" % (
        requests_oauthlib.__version__, oauthlib.__version__, requests.__version__, sys.version.split()[0]))
    r = requests.post(BASE + "/consumers", auth=("alice", "wonderland"), timeout=TIMEOUT,
                      data={"name": "interop python", "rsa_public_key": pub})
    if r.status_code != 201:
        print("FAIL %s register consumer: %s" % (LIB, answer(r)))
        return
    consumer = r.json()
    browser = requests.Session()  # alice's browser: logs in once, then only consents
    defects = set()

    for method in METHODS:
        for placement in PLACEMENTS:
            label = "%s %s %s" % (LIB, method.lower(), placement)

            def check(name, fn):
                try:
                    fn()
                    print("ok   %s %s" % (label, name))
                    return True
                except Exception as e:  # any error fails this check
                    why = "%s: %s" % (type(e).__name__, str(e).replace("\n", " "))
                    for m, p, c, id, kind, pattern, description in KNOWN:
                        if m in ("*", method) and p in ("*", placement) and c in ("*", name) and re.search(pattern, why):
                            if id not in defects:
                                defects.add(id)
                                print("defect %s: %s: %s" % (id, kind, description))
                            print("skip %s %s: %s %s: %s" % (label, name, kind, id, why))
                            return False
                    print("FAIL %s %s: %s" % (label, name, why))
                    return False

            callback = CALLBACK if placement == "header" else "oob"
            s = session(consumer, method, placement, rsa_key, callback_uri=callback)

            def three_legged():
                rt = s.fetch_request_token(BASE + "/oauth/request_token")
                if rt.get("oauth_callback_confirmed") != "true":
                    raise Failed("request token without oauth_callback_confirmed=true: %r" % rt)
                verifier = approve(browser, rt["oauth_token"], callback)
                at = s.fetch_access_token(BASE + "/oauth/access_token", verifier=verifier)
                if at.get("user_id") != "alice":
                    raise Failed("access token for %r, want alice" % at.get("user_id"))

            flow = "three-legged " + ("callback" if callback != "oob" else "oob")
            if check(flow, three_legged):
                check("me", lambda: expect(s.get(BASE + "/api/me", timeout=TIMEOUT), 200,
                                           user="alice", consumer_key=consumer["key"]))
                check("notes", lambda: expect(s.post(BASE + "/api/notes", data={"text": NOTE}, timeout=TIMEOUT),
                                              201, user="alice", text=NOTE))
                check("query", lambda: expect(s.get(BASE + "/api/me?" + QUERY, timeout=TIMEOUT), 200, user="alice"))
            else:
                for name in ("me", "notes", "query"):
                    print("FAIL %s %s: not run, the three legs failed" % (label, name))
            two = session(consumer, method, placement, rsa_key)
            check("ping", lambda: expect(two.get(BASE + "/api/ping", timeout=TIMEOUT), 200,
                                         consumer_key=consumer["key"]))


if __name__ == "__main__":
    main()
