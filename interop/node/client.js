#!/usr/bin/env node
// The Node client of the interop suite: oauth-1.0a (pinned in package.json
// and package-lock.json beside this file).
//
// Usage: node client.js BASE_URL RSA_PRIVATE_KEY_FILE RSA_PUBLIC_KEY_FILE
//
// Registers a consumer at BASE_URL, then for every signature method and
// parameter placement the library offers runs the three legs and the API
// calls, printing one line per check ("ok   node hmac-sha1 header me",
// "FAIL ...: why"). interop/run drives it.
//
// oauth-1.0a computes the parameters and the signature; the caller chooses
// where they go (its toHeader for the Authorization header, or the query or
// the form body) and supplies the hash function of the signature method,
// which is how the library supports HMAC-SHA256/512 and RSA.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const OAuth = require('oauth-1.0a');
const libVersion = require('oauth-1.0a/package.json').version;

const [BASE, KEY_FILE, PUB_FILE] = process.argv.slice(2);
const LIB = 'node';
const METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT'];
const PLACEMENTS = ['header', 'query', 'body'];
const NOTE = 'Grüße aus Köln, 東京 ✓ 100% a+b&c=d';
const QUERY = 'q=a%20b%C3%A9';
const CALLBACK = 'http://127.0.0.1:9/interop/callback?from=node';
const TIMEOUT = 10000;

class Failed extends Error {}

// request sends one HTTP request and resolves to {status, headers, body}.
function request(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: TIMEOUT }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timeout`)));
    req.on('error', reject);
    if (body !== null && body !== undefined) {
      req.setHeader('Content-Length', Buffer.byteLength(body));
      req.write(body);
    }
    req.end();
  });
}

function answer(r) {
  return `${r.status} ${r.body.trim().slice(0, 300)}`;
}

function hiddenInputs(page) {
  const unescape = (s) => s.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const out = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) {
    out[unescape(m[1])] = unescape(m[2]);
  }
  return out;
}

// Browser is alice's browser: a cookie session that logs in when the
// authorize page asks (the first time), then only consents.
class Browser {
  constructor() {
    this.cookies = new Map();
  }

  async send(method, path, form) {
    const headers = {};
    if (this.cookies.size) {
      headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    let body = null;
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const r = await request(method, BASE + path, headers, body);
    for (const c of r.headers['set-cookie'] || []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return r;
  }
}

// approve runs the consent leg and returns the verifier.
async function approve(browser, token, callback) {
  let r = await browser.send('GET', `/oauth/authorize?oauth_token=${encodeURIComponent(token)}`);
  let form = hiddenInputs(r.body);
  if (r.status === 200 && 'next' in form) {
    r = await browser.send('POST', '/login', { username: 'alice', password: 'wonderland', csrf_token: form.csrf_token || '', next: form.next });
    if (r.status !== 303) throw new Failed(`POST /login: ${answer(r)}`);
    r = await browser.send('GET', r.headers.location);
    form = hiddenInputs(r.body);
  }
  if (r.status !== 200 || form.oauth_token !== token) throw new Failed(`no consent page: ${answer(r)}`);
  r = await browser.send('POST', '/oauth/authorize', { oauth_token: token, csrf_token: form.csrf_token, action: 'approve' });
  if (callback === 'oob') {
    const m = r.body.match(/id="verifier">([^<]+)</);
    if (r.status !== 200 || !m) throw new Failed(`POST /oauth/authorize (oob): ${answer(r)}`);
    return m[1];
  }
  const loc = r.headers.location || '';
  const q = new URL(loc, BASE).searchParams;
  if (r.status !== 302 || !loc.startsWith(`${CALLBACK}&`) || q.get('oauth_token') !== token) {
    throw new Failed(`POST /oauth/authorize: redirect ${JSON.stringify(loc)}: ${answer(r)}`);
  }
  return q.get('oauth_verifier');
}

function hashFunction(method, privateKey) {
  const hmac = (alg) => (base, key) => crypto.createHmac(alg, key).update(base).digest('base64');
  const rsa = (alg) => (base) => crypto.sign(alg, Buffer.from(base), privateKey).toString('base64');
  return {
    'HMAC-SHA1': hmac('sha1'),
    'HMAC-SHA256': hmac('sha256'),
    'HMAC-SHA512': hmac('sha512'),
    'RSA-SHA1': rsa('sha1'),
    'RSA-SHA256': rsa('sha256'),
    'RSA-SHA512': rsa('sha512'),
    PLAINTEXT: undefined, // the library's own: the signing key itself
  }[method];
}

// signed sends method url signed by oauth with token (absent: two-legged),
// the protocol parameters in placement; extra are more oauth_* parameters
// (oauth_callback, oauth_verifier), form the fields of a form body.
function signed(oauth, placement, token, method, url, extra, form) {
  const data = oauth.authorize({ url, method, data: { ...extra, ...form } }, token);
  const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('oauth_')));
  const encoded = Object.entries(params).map(([k, v]) => `${oauth.percentEncode(k)}=${oauth.percentEncode(v)}`).join('&');
  let body = form ? new URLSearchParams(form).toString() : null;
  let headers = {};
  if (placement === 'header') {
    headers = oauth.toHeader(params);
  } else if (placement === 'query') {
    url += (url.includes('?') ? '&' : '?') + encoded;
  } else {
    body = body ? `${body}&${encoded}` : encoded;
  }
  if (body !== null) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return request(method, url, headers, body);
}

function expect(r, status, fields) {
  if (r.status !== status) throw new Failed(answer(r));
  const got = JSON.parse(r.body);
  for (const [k, v] of Object.entries(fields)) {
    if (got[k] !== v) throw new Failed(`${k} is ${JSON.stringify(got[k])}, want ${JSON.stringify(v)}: ${answer(r)}`);
  }
}

async function main() {
  const privateKey = crypto.createPrivateKey(fs.readFileSync(KEY_FILE));
  console.log(`version node: oauth-1.0a ${libVersion}, Node ${process.versions.node}`);
  const reg = await request('POST', `${BASE}/consumers`, {
    Authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`,
    'Content-Type': 'application/x-www-form-urlencoded',
  }, new URLSearchParams({ name: 'interop node', rsa_public_key: fs.readFileSync(PUB_FILE, 'utf8') }).toString());
  if (reg.status !== 201) {
    console.log(`FAIL ${LIB} register consumer: ${answer(reg)}`);
    return;
  }
  const consumer = JSON.parse(reg.body);
  const browser = new Browser();

  for (const method of METHODS) {
    for (const placement of PLACEMENTS) {
      const label = `${LIB} ${method.toLowerCase()} ${placement}`;
      const check = async (name, fn) => {
        try {
          await fn();
          console.log(`ok   ${label} ${name}`);
          return true;
        } catch (e) {
          console.log(`FAIL ${label} ${name}: ${e.constructor.name}: ${String(e.message).replace(/\n/g, ' ')}`);
          return false;
        }
      };
      const oauth = OAuth({
        consumer: { key: consumer.key, secret: consumer.secret },
        signature_method: method,
        hash_function: hashFunction(method, privateKey),
      });
      const callback = placement === 'header' ? CALLBACK : 'oob';
      let access;
      const ok = await check(`three-legged ${callback === 'oob' ? 'oob' : 'callback'}`, async () => {
        let r = await signed(oauth, placement, undefined, 'POST', `${BASE}/oauth/request_token`, { oauth_callback: callback });
        if (r.status !== 200) throw new Failed(`request token: ${answer(r)}`);
        const rt = new URLSearchParams(r.body);
        if (rt.get('oauth_callback_confirmed') !== 'true') throw new Failed(`request token without oauth_callback_confirmed=true: ${r.body}`);
        const verifier = await approve(browser, rt.get('oauth_token'), callback);
        const requestToken = { key: rt.get('oauth_token'), secret: rt.get('oauth_token_secret') };
        r = await signed(oauth, placement, requestToken, 'POST', `${BASE}/oauth/access_token`, { oauth_verifier: verifier });
        if (r.status !== 200) throw new Failed(`access token: ${answer(r)}`);
        const at = new URLSearchParams(r.body);
        if (at.get('user_id') !== 'alice') throw new Failed(`access token for ${JSON.stringify(at.get('user_id'))}, want alice`);
        access = { key: at.get('oauth_token'), secret: at.get('oauth_token_secret') };
      });
      if (ok) {
        await check('me', async () => expect(await signed(oauth, placement, access, 'GET', `${BASE}/api/me`), 200, { user: 'alice', consumer_key: consumer.key }));
        await check('notes', async () => expect(await signed(oauth, placement, access, 'POST', `${BASE}/api/notes`, {}, { text: NOTE }), 201, { user: 'alice', text: NOTE }));
        await check('query', async () => expect(await signed(oauth, placement, access, 'GET', `${BASE}/api/me?${QUERY}`), 200, { user: 'alice' }));
      } else {
        for (const name of ['me', 'notes', 'query']) console.log(`FAIL ${label} ${name}: not run, the three legs failed`);
      }
      await check('ping', async () => expect(await signed(oauth, placement, undefined, 'GET', `${BASE}/api/ping`), 200, { consumer_key: consumer.key }));
    }
  }
}

main().catch((e) => {
  console.log(`FAIL ${LIB}: ${e.stack}`);
  process.exitCode = 1;
});
