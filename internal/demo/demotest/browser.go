package demotest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
)

// ChromiumPath returns the Chromium executable: "chromium" on PATH, or
// Debian's /usr/bin/chromium; "" when there is none.
func ChromiumPath() string {
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// NewBrowser starts a headless Chromium with a new, empty profile and
// returns a tab's context, which ends with the test (or after timeout). It
// skips the test when Chromium is absent, or fails it when CI is set.
func NewBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		msg := "Chromium not found (install it with: apt-get install -y chromium)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so the browser test must run")
		}
		t.Skip(msg)
	}
	// Not t.TempDir: Chromium's helpers may still write there for a moment
	// after the browser exits, which would fail its cleanup.
	profile, err := os.MkdirTemp("", "demotest-chromium-")
	must(t, err, "profile directory")
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	return tab
}

// callbackServer is the consumer's callback endpoint: it shows a page with
// id="callback" so the browser has somewhere to land.
func callbackServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>callback</title><p id="callback">The consumer got the callback.</p>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// RunBrowser drives Chromium through the three legs against newRouter: a
// client gets a request token, the browser opens the authorize URL, logs
// in, approves and lands on the callback with the verifier; the client
// exchanges it and calls /api/me. Then it denies a second request, and
// revokes the app from the account page. It saves a screenshot of the
// consent page, consent.png, in the test's artifact directory.
func RunBrowser(t *testing.T, newRouter func(*demo.App) http.Handler) {
	tab := NewBrowser(t, 90*time.Second)
	env := Start(t, Config(SQLiteURL(t)), newRouter)
	cb := callbackServer(t)
	callback := cb.URL + "/callback"
	c := NewClient(t, env.URL)
	cons := c.RegisterConsumer(Alice, url.Values{"name": {"Browser App"}, "callback_url": {callback}})
	authorizeURL := func(token string) string {
		return env.URL + "/oauth/authorize?oauth_token=" + url.QueryEscape(token)
	}
	location := func(t *testing.T) url.Values {
		t.Helper()
		loc, err := chromedp.Run(tab, chromedp.Location())
		must(t, err, "location")
		u, err := url.Parse(loc)
		must(t, err, "parse location")
		if got := u.Scheme + "://" + u.Host + u.Path; got != callback {
			t.Fatalf("browser at %s, want the callback %s", loc, callback)
		}
		return u.Query()
	}
	var at Credentials

	t.Run("approve", func(t *testing.T) {
		rt := c.RequestToken(cons, callback, "")
		err := chromedp.Do(tab,
			chromedp.Navigate(authorizeURL(rt.Token)),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), Alice.Name),
			chromedp.SendKeys(chromedp.ID("password"), Alice.Password),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.ID("approve")),
		)
		must(t, err, "log in and reach the consent page")
		text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("main")))
		must(t, err, "consent text")
		for _, want := range []string{"Browser App", "Read your profile", "Post notes as you"} {
			if !strings.Contains(text, want) {
				t.Errorf("consent page lacks %q: %s", want, text)
			}
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
		must(t, err, "screenshot")
		shot := filepath.Join(t.ArtifactDir(), "consent.png")
		must(t, os.WriteFile(shot, png, 0o644), "save screenshot")
		t.Logf("consent page screenshot: %s", shot)

		must(t, chromedp.Do(tab,
			chromedp.Click(chromedp.ID("approve")),
			chromedp.WaitVisible(chromedp.ID("callback")),
		), "approve")
		q := location(t)
		if q.Get("oauth_token") != rt.Token || q.Get("oauth_verifier") == "" {
			t.Fatalf("callback query %v, want oauth_token and oauth_verifier", q)
		}
		x := c.Exchange(cons, rt, q.Get("oauth_verifier"))
		if x.Status != http.StatusOK {
			t.Fatalf("access_token: %d %s", x.Status, x.Body)
		}
		at = Credentials{x.Form(t).Get("oauth_token"), x.Form(t).Get("oauth_token_secret")}
		r := c.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil)
		var me demo.MeJSON
		if r.Status != http.StatusOK {
			t.Fatalf("GET /api/me: %d %s", r.Status, r.Body)
		}
		if r.JSON(t, &me); me.User != Alice.Name || me.ConsumerName != "Browser App" {
			t.Errorf("GET /api/me = %+v", me)
		}
	})

	t.Run("deny", func(t *testing.T) {
		rt := c.RequestToken(cons, callback, "read")
		must(t, chromedp.Do(tab,
			chromedp.Navigate(authorizeURL(rt.Token)),
			chromedp.WaitVisible(chromedp.ID("deny")),
			chromedp.Click(chromedp.ID("deny")),
			chromedp.WaitVisible(chromedp.ID("callback")),
		), "deny")
		if q := location(t); q.Get("denied") != rt.Token || q.Get("oauth_verifier") != "" {
			t.Errorf("callback query %v, want denied=%s", q, rt.Token)
		}
		if r := c.Exchange(cons, rt, "x"); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemUserRefused {
			t.Errorf("exchange after deny: %d %s", r.Status, r.Body)
		}
	})

	t.Run("revoke", func(t *testing.T) {
		if at.Token == "" {
			t.Skip("no access token: approve failed")
		}
		must(t, chromedp.Do(tab,
			chromedp.Navigate(env.URL+"/account/apps"),
			chromedp.WaitVisible(chromedp.CSS("button.revoke")),
		), "account page")
		text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("main")))
		must(t, err, "account text")
		if !strings.Contains(text, "Browser App") {
			t.Errorf("account page lacks the app: %s", text)
		}
		must(t, chromedp.Do(tab,
			chromedp.Click(chromedp.CSS("button.revoke")),
			chromedp.WaitVisible(chromedp.ID("no-apps")),
		), "revoke")
		r := c.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil)
		if r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTokenRevoked {
			t.Errorf("GET /api/me after revoking: %d %s, want 401 token_revoked", r.Status, r.Body)
		}
	})
}
