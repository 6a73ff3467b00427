package core

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Signature method names (RFC 5849 §3.4).
const (
	HMACSHA1   = "HMAC-SHA1"
	HMACSHA256 = "HMAC-SHA256"
	HMACSHA512 = "HMAC-SHA512"
	RSASHA1    = "RSA-SHA1"
	RSASHA256  = "RSA-SHA256"
	RSASHA512  = "RSA-SHA512"
	PLAINTEXT  = "PLAINTEXT"
)

// Documented defaults of Config.
const (
	DefaultRealm           = "oauth"
	DefaultTimestampWindow = 5 * time.Minute
	DefaultRequestTokenTTL = 10 * time.Minute
	DefaultMaxBodyBytes    = 1 << 20
	// DefaultStoreTimeout is long enough for any healthy store (a round
	// trip is well under a millisecond) and short enough that a dead
	// database answers in seconds.
	DefaultStoreTimeout = 5 * time.Second
)

// Config configures a Provider. Only Store is required.
type Config struct {
	// Store persists consumers, tokens and (unless NonceStore is set)
	// nonces. Required.
	Store Store
	// NonceStore, when set, records nonces instead of Store.
	NonceStore NonceStore
	// Realm is sent in WWW-Authenticate. Default DefaultRealm.
	Realm string
	// Clock is the only source of time. Default SystemClock.
	Clock Clock
	// Rand is the only source of randomness. Default crypto/rand.
	Rand io.Reader
	// SignatureMethods is the allow-list. Default: every method
	// (HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256,
	// RSA-SHA512, PLAINTEXT).
	SignatureMethods []string
	// ExposeBaseString adds the signature base string the provider
	// computed to a signature_invalid answer, as
	// oauth_signature_base_string, so that a client (or whoever sits
	// between it and the provider) can see what was signed. Off by
	// default. The base string holds no secret, but it does echo the
	// request's parameters: turn it on while debugging an integration.
	ExposeBaseString bool
	// AllowPlaintextOverHTTP lets PLAINTEXT be used without TLS. Off by
	// default: PLAINTEXT sends the secrets themselves.
	AllowPlaintextOverHTTP bool
	// TimestampPast and TimestampFuture bound how far oauth_timestamp may
	// lie behind or ahead of the clock. Default DefaultTimestampWindow each.
	TimestampPast, TimestampFuture time.Duration
	// RequestTokenTTL is how long a request token lives. Default
	// DefaultRequestTokenTTL.
	RequestTokenTTL time.Duration
	// AccessTokenTTL is how long an access token lives; zero means until
	// revoked.
	AccessTokenTTL time.Duration
	// MaxBodyBytes caps a body the provider reads: a form body, for its
	// parameters, or any body that comes with oauth_body_hash, to hash it.
	// A larger one is 400 (413 is not an OAuth status). Other bodies are
	// never read. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxNonceBytes, MaxCallbackBytes and MaxParamBytes bound the decoded
	// values of oauth_nonce, oauth_callback and every other oauth_*
	// parameter, in bytes. A longer value, or one that is not valid UTF-8
	// or holds a control character, is 400 parameter_rejected before any
	// store is asked. Defaults DefaultMaxNonceBytes (256),
	// DefaultMaxCallbackBytes (2048) and DefaultMaxParamBytes (1024, which
	// holds an RSA signature of keys up to 6144 bits).
	MaxNonceBytes, MaxCallbackBytes, MaxParamBytes int
	// TrustedProxies are CIDRs (or single IPs) of reverse proxies whose
	// forwarding headers (see ProxyHeaders) are believed. From any other
	// peer those headers change nothing. Trust only proxies that set (not
	// pass through) the headers ProxyHeaders names: of a header's
	// comma-separated list only the rightmost value, the one the nearest
	// proxy wrote, is read, so a proxy that passes a client's header on
	// unchanged lets the client choose it.
	TrustedProxies []string
	// ProxyHeaders says which forwarding headers trusted proxies set:
	// XForwardedHeaders (the default) or ForwardedHeader. The other family
	// is ignored.
	ProxyHeaders ProxyHeaders
	// PublicURL, when set (e.g. "https://api.example.com"), fixes the
	// scheme and host of every signature base string URI; forwarding
	// headers are then ignored. A path in it (e.g. "https://example.com/api"
	// for a service mounted under /api behind a proxy that strips it) is
	// put before the request's path.
	PublicURL string
	// Scopes are the permissions the provider knows. With none, scopes are
	// not used: the scope parameter is refused and grants carry none.
	Scopes []Scope
	// StoreTimeout bounds the store calls made for one request (or one call
	// of a method that takes a context): they share one context, derived
	// from the request's, that ends StoreTimeout after the provider has
	// read the request and turns to the store. A store that honours its
	// context then gives up, and the request is answered 503
	// temporarily_unavailable. Cleanup, which answers no request, is
	// bounded by its own context only. Default DefaultStoreTimeout.
	StoreTimeout time.Duration
	// OnServerError, when set, is called once for every 5xx answer: a
	// store failure or timeout, a store at capacity, failing randomness,
	// any other internal error. It is never called for a 4xx. It gets the
	// request being answered and err, the *Error about to be answered,
	// whose Err is the cause; the answer itself never shows the cause.
	//
	// The handlers, Middleware, Authenticate and ConsentRequest call it
	// with their request. The methods that take a context (LoadConsent,
	// Approve, Deny, RegisterConsumer, OwnedConsumers, OwnedConsumer,
	// DeleteConsumer, RotateConsumerSecret, AuthorizedApps, RevokeApp,
	// RevokeAccessToken) call it when their context comes from
	// RequestContext, as the adapters' consent helpers
	// make it; with another context they only return the error.
	//
	// Causes hold no secret: the provider's own name the step that failed,
	// and a store's are what the store returned. gormstore's wrap the
	// database driver's message ("gormstore: get consumer: …"), which names
	// tables and constraints, not statement parameters, with one exception:
	// a database quotes the offending bytes of a value that is not UTF-8
	// (PostgreSQL: "invalid byte sequence for encoding \"UTF8\": 0xff"). A failure to
	// connect names the host, user and database, never the password. Log
	// err; never render it. It runs on the request's goroutine before the
	// answer is written, so it should be quick.
	OnServerError func(r *http.Request, err error)
}

// ProxyHeaders names the forwarding headers that trusted proxies set.
type ProxyHeaders int

const (
	// XForwardedHeaders: X-Forwarded-Proto and X-Forwarded-Host, as nginx,
	// HAProxy, most load balancers and Go's httputil.ReverseProxy set them.
	XForwardedHeaders ProxyHeaders = iota
	// ForwardedHeader: the proto and host of RFC 7239's Forwarded header.
	ForwardedHeader
)

// Provider is an OAuth 1.0a service provider. It is safe for concurrent use.
type Provider struct {
	store                           Store
	nonces                          NonceStore
	realm                           string
	clock                           Clock
	rand                            io.Reader
	methods                         map[string]rfc5849.SignatureMethod
	plainHTTP                       bool
	exposeBase                      bool
	past                            time.Duration
	future                          time.Duration
	reqTTL                          time.Duration
	accessTTL                       time.Duration
	maxBody                         int64
	maxNonce, maxCallback, maxParam int
	proxies                         []*net.IPNet
	proxyHeaders                    ProxyHeaders
	publicURL                       *url.URL
	scopes                          []Scope
	scopeNames                      []string
	timeout                         time.Duration
	onError                         func(*http.Request, error)
	cache                           *lookupCache
	// buffers holds *[]byte for signature base strings; requests holds
	// *signedRequest. Both are reused from request to request.
	buffers, requests sync.Pool
	// dummy stands in for the secret of an unknown consumer or token, so
	// that an unknown key costs a full signature check.
	dummy string
}

// New validates cfg, fills the documented defaults and returns a Provider.
func New(cfg Config) (*Provider, error) {
	if cfg.Store == nil {
		return nil, errors.New("oauth1: Config.Store is required")
	}
	p := &Provider{
		store:        cfg.Store,
		nonces:       cfg.NonceStore,
		realm:        cfg.Realm,
		clock:        cfg.Clock,
		rand:         cfg.Rand,
		plainHTTP:    cfg.AllowPlaintextOverHTTP,
		exposeBase:   cfg.ExposeBaseString,
		past:         cfg.TimestampPast,
		future:       cfg.TimestampFuture,
		reqTTL:       cfg.RequestTokenTTL,
		accessTTL:    cfg.AccessTokenTTL,
		maxBody:      cfg.MaxBodyBytes,
		proxyHeaders: cfg.ProxyHeaders,
		maxNonce:     cfg.MaxNonceBytes,
		maxCallback:  cfg.MaxCallbackBytes,
		maxParam:     cfg.MaxParamBytes,
		timeout:      cfg.StoreTimeout,
		onError:      cfg.OnServerError,
	}
	p.buffers.New = func() any { b := make([]byte, 0, 1024); return &b }
	p.requests.New = func() any { return new(signedRequest) }
	if p.nonces == nil {
		p.nonces = cfg.Store
		if _, ok := cfg.Store.(NonceGenerationStore); ok {
			p.cache = newLookupCache()
		}
	}
	if p.realm == "" {
		p.realm = DefaultRealm
	}
	if p.clock == nil {
		p.clock = SystemClock{}
	}
	if p.rand == nil {
		p.rand = rand.Reader
	}
	if p.past == 0 {
		p.past = DefaultTimestampWindow
	}
	if p.future == 0 {
		p.future = DefaultTimestampWindow
	}
	if p.reqTTL == 0 {
		p.reqTTL = DefaultRequestTokenTTL
	}
	if p.maxBody == 0 {
		p.maxBody = DefaultMaxBodyBytes
	}
	if p.maxNonce == 0 {
		p.maxNonce = DefaultMaxNonceBytes
	}
	if p.maxCallback == 0 {
		p.maxCallback = DefaultMaxCallbackBytes
	}
	if p.maxParam == 0 {
		p.maxParam = DefaultMaxParamBytes
	}
	if p.timeout == 0 {
		p.timeout = DefaultStoreTimeout
	}
	if p.past < 0 || p.future < 0 || p.reqTTL < 0 || p.accessTTL < 0 || p.maxBody < 0 ||
		p.maxNonce < 0 || p.maxCallback < 0 || p.maxParam < 0 || p.timeout < 0 {
		return nil, errors.New("oauth1: durations and sizes in Config must not be negative")
	}
	names := cfg.SignatureMethods
	if len(names) == 0 {
		names = []string{HMACSHA1, HMACSHA256, HMACSHA512, RSASHA1, RSASHA256, RSASHA512, PLAINTEXT}
	}
	p.methods = make(map[string]rfc5849.SignatureMethod, len(names))
	for _, n := range names {
		m, ok := rfc5849.Method(n)
		if !ok {
			return nil, fmt.Errorf("oauth1: unknown signature method %q", n)
		}
		p.methods[n] = m
	}
	if p.proxyHeaders != XForwardedHeaders && p.proxyHeaders != ForwardedHeader {
		return nil, fmt.Errorf("oauth1: unknown ProxyHeaders %d", p.proxyHeaders)
	}
	for _, c := range cfg.TrustedProxies {
		if !strings.Contains(c, "/") {
			if ip := net.ParseIP(c); ip != nil && ip.To4() != nil {
				c += "/32"
			} else {
				c += "/128"
			}
		}
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			return nil, fmt.Errorf("oauth1: trusted proxy %q: %w", c, err)
		}
		p.proxies = append(p.proxies, n)
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("oauth1: PublicURL %q must be an absolute http or https URL", cfg.PublicURL)
		}
		p.publicURL = u
	}
	dummy, err := p.randomString(32)
	if err != nil {
		return nil, err
	}
	p.dummy = dummy
	if p.scopeNames, err = knownScopes(cfg.Scopes); err != nil {
		return nil, err
	}
	p.scopes = slices.Clone(cfg.Scopes)
	return p, nil
}

// WriteError renders err with the provider's realm; see the package-level
// WriteError.
func (p *Provider) WriteError(w http.ResponseWriter, err error) {
	WriteError(w, p.realm, err)
}

func (p *Provider) now() time.Time { return p.clock.Now() }

// randomString returns n bytes from the provider's randomness, encoded as
// unpadded base64url (characters that need no percent-encoding).
func (p *Provider) randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(p.rand, b); err != nil {
		return "", fmt.Errorf("oauth1: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
