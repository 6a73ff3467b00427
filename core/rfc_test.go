package core_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// TestRFC5849Request verifies the request of RFC 5849 §3.4.1.1 end to end:
// header, query and form body combined, signature per erratum 2550.
func TestRFC5849Request(t *testing.T) {
	e := newEnvAt(t, 137131201, core.Config{})
	e.addConsumer(t, core.Consumer{Key: "9djdj82h48djs9d2", Secret: "j49sk3j29djd"})
	e.addAccessToken(t, core.AccessToken{Token: "kkk9d7dh3k39sjv7", Secret: "dh893hdasih9", ConsumerKey: "9djdj82h48djs9d2", UserID: "u1"})
	newReq := func() *http.Request {
		r := httptest.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Authorization", `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D"`)
		return r
	}
	r := newReq()
	g, err := e.p.Authenticate(r)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if g.UserID != "u1" || g.Consumer.Key != "9djdj82h48djs9d2" || g.Token.Token != "kkk9d7dh3k39sjv7" || g.SignatureMethod != core.HMACSHA1 {
		t.Fatalf("grant = %+v", g)
	}
	body, _ := io.ReadAll(r.Body)
	if string(body) != "c2&a3=2+q" {
		t.Fatalf("body for the handler = %q, want it restored", body)
	}
	if _, err := e.p.Authenticate(newReq()); err == nil || core.AsError(err).Problem != core.ProblemNonceUsed {
		t.Fatalf("replay: got %v, want nonce_used", err)
	}
}

// TestRFC5849WalkThrough runs the three legs of RFC 5849 §1.2 with the
// signatures printed there.
func TestRFC5849WalkThrough(t *testing.T) {
	e := newEnvAt(t, 137131201, core.Config{})
	e.addConsumer(t, core.Consumer{Key: "dpf43f3p2l4k3l03", Secret: "kd94hf93k423kf44"})

	// Leg 1: temporary credentials (over TLS).
	r := httptest.NewRequest("POST", "https://photos.example.net/initiate", nil)
	r.Header.Set("Authorization", `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`)
	w := httptest.NewRecorder()
	e.p.RequestTokenHandler().ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("initiate: %d %s", w.Code, w.Body)
	}
	v, err := url.ParseQuery(w.Body.String())
	if err != nil || v.Get("oauth_callback_confirmed") != "true" || len(v.Get("oauth_token")) < 22 || len(v.Get("oauth_token_secret")) < 43 {
		t.Fatalf("initiate answer %q", w.Body)
	}
	if !strings.HasPrefix(w.Body.String(), "oauth_token=") {
		t.Fatalf("answer order: %q", w.Body)
	}

	// Leg 2: the RFC's request token, approved with its verifier.
	rt := &core.RequestToken{Token: "hh5s93j4hdidpola", Secret: "hdhd0244k9j7ao03", ConsumerKey: "dpf43f3p2l4k3l03",
		Callback: "http://printer.example.com/ready", State: core.StatePending,
		CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(core.DefaultRequestTokenTTL)}
	if err := e.store.CreateRequestToken(t.Context(), rt); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AuthorizeRequestToken(t.Context(), rt.Token, "jane", "hfdp7dh39dks9884", nil); err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest("POST", "https://photos.example.net/token", nil)
	r.Header.Set("Authorization", `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="hh5s93j4hdidpola", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="walatlh", oauth_verifier="hfdp7dh39dks9884", oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"`)
	w = httptest.NewRecorder()
	e.p.AccessTokenHandler().ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("token: %d %s", w.Code, w.Body)
	}
	if v, _ := url.ParseQuery(w.Body.String()); v.Get("user_id") != "jane" || v.Get("oauth_token") == "" {
		t.Fatalf("token answer %q", w.Body)
	}

	// Leg 3: the RFC's access token on a protected resource.
	e.addAccessToken(t, core.AccessToken{Token: "nnch734d00sl2jdk", Secret: "pfkkdhi9sl3r4s00", ConsumerKey: "dpf43f3p2l4k3l03", UserID: "jane"})
	r = httptest.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	r.Header.Set("Authorization", `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`)
	if g, err := e.p.Authenticate(r); err != nil || g.UserID != "jane" {
		t.Fatalf("protected: %v %+v", err, g)
	}
}
