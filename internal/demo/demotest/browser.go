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

// ScreenshotsEnv names the directory where RunBrowser saves its
// screenshots, in a subdirectory named after the package under test
// (example-gin, example-echo); unset, they go to the test's artifact
// directory (kept with go test -artifacts, removed otherwise).
const ScreenshotsEnv = "BROWSER_SCREENSHOTS"

// screenshots returns the directory for t's screenshots (see
// ScreenshotsEnv), made if need be.
func screenshots(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		return t.ArtifactDir()
	}
	wd, err := os.Getwd() // go test runs a package's tests in its directory
	must(t, err, "working directory")
	dir = filepath.Join(dir, filepath.Base(wd))
	must(t, os.MkdirAll(dir, 0o755), "screenshot directory")
	return dir
}

// shoot saves a screenshot of the whole page as name.png in dir.
func shoot(t *testing.T, tab context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
	must(t, err, "screenshot %s", name)
	path := filepath.Join(dir, name+".png")
	must(t, os.WriteFile(path, png, 0o644), "save screenshot %s", name)
	t.Logf("screenshot: %s", path)
}

// mainText returns the text of the page's main element.
func mainText(t *testing.T, tab context.Context) string {
	t.Helper()
	text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("main")))
	must(t, err, "page text")
	return text
}

// hasAll reports an error on t for each of wants that text lacks.
func hasAll(t *testing.T, page, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q: %s", page, want, text)
		}
	}
}

// RunBrowser drives Chromium through the three legs against newRouter: a
// client gets a request token, the browser opens the authorize URL, fails
// to log in once (the form still names the application), logs in, reads
// the consent page (who registered the app, where the browser goes, for
// how long), approves and lands on the callback with the verifier; the
// client exchanges it and calls /api/me. Then it denies a second request,
// leaves a third with "Not you?" and comes back, revokes the app from the
// account page (which confirms it), and on "Your consumers" gives a
// consumer a new secret (shown once) and deletes it (confirmed). It saves
// a screenshot of each page it checks (see ScreenshotsEnv).
func RunBrowser(t *testing.T, newRouter func(*demo.App) http.Handler) {
	tab := NewBrowser(t, 90*time.Second)
	shots := screenshots(t)
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
		must(t, chromedp.Do(tab,
			chromedp.Navigate(authorizeURL(rt.Token)),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), Alice.Name),
			chromedp.SendKeys(chromedp.ID("password"), "not-"+Alice.Password),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.CSS(`p.error`)),
		), "fail to log in")
		hasAll(t, "login form after a wrong password", mainText(t, tab), "Wrong user name or password", "continue to Browser App")
		shoot(t, tab, shots, "login-failed")
		err := chromedp.Do(tab, // the form keeps the user name
			chromedp.SendKeys(chromedp.ID("password"), Alice.Password),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.ID("approve")),
		)
		must(t, err, "log in and reach the consent page")
		cbHost := strings.TrimPrefix(cb.URL, "http://")
		hasAll(t, "consent page", mainText(t, tab), "Browser App", "Read your profile", "Post notes as you",
			"Registered by", "alice", "sent to "+cbHost, "until you revoke it", "Your apps", "Not alice?")
		shoot(t, tab, shots, "consent")

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

	t.Run("not you", func(t *testing.T) {
		rt := c.RequestToken(cons, core.OOB, "read")
		must(t, chromedp.Do(tab,
			chromedp.Navigate(authorizeURL(rt.Token)),
			chromedp.WaitVisible(chromedp.ID("not-you")),
			chromedp.Click(chromedp.ID("not-you")),
			chromedp.WaitVisible(chromedp.ID("username")),
		), "Not you?")
		hasAll(t, "login form after Not you?", mainText(t, tab), "continue to Browser App")
		shoot(t, tab, shots, "not-you")
		must(t, chromedp.Do(tab,
			chromedp.SendKeys(chromedp.ID("username"), Alice.Name),
			chromedp.SendKeys(chromedp.ID("password"), Alice.Password),
			chromedp.Click(chromedp.ID("login")),
			chromedp.WaitVisible(chromedp.ID("approve")),
		), "log in again")
		hasAll(t, "consent page for oob", mainText(t, tab), "a code to type", "Read your profile")
	})

	t.Run("revoke", func(t *testing.T) {
		if at.Token == "" {
			t.Skip("no access token: approve failed")
		}
		must(t, chromedp.Do(tab,
			chromedp.Navigate(env.URL+"/account/apps"),
			chromedp.WaitVisible(chromedp.CSS("button.revoke")),
		), "account page")
		hasAll(t, "account page", mainText(t, tab), "Browser App")
		shoot(t, tab, shots, "apps")
		must(t, chromedp.Do(tab,
			chromedp.Click(chromedp.CSS("button.revoke")),
			chromedp.WaitVisible(chromedp.ID("no-apps")),
			chromedp.WaitVisible(chromedp.ID("flash")),
		), "revoke")
		hasAll(t, "account page after revoking", mainText(t, tab), "You revoked the access of Browser App")
		shoot(t, tab, shots, "apps-revoked")
		r := c.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil)
		if r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTokenRevoked {
			t.Errorf("GET /api/me after revoking: %d %s, want 401 token_revoked", r.Status, r.Body)
		}
	})

	t.Run("consumers", func(t *testing.T) {
		tool := c.RegisterConsumer(Alice, url.Values{"name": {"Browser Tool"}})
		row := func(button string) string { // the button of tool's row
			return `form:has(input[value="` + tool.Key + `"]) button.` + button
		}
		must(t, chromedp.Do(tab,
			chromedp.Navigate(env.URL+"/account/consumers"),
			chromedp.WaitVisible(chromedp.CSS(row("rotate"))),
		), "consumers page")
		text := mainText(t, tab)
		hasAll(t, "consumers page", text, "Browser App", cons.Key, "Browser Tool", tool.Key)
		if strings.Contains(text, tool.Secret) || strings.Contains(text, cons.Secret) {
			t.Errorf("consumers page shows a secret: %s", text)
		}
		shoot(t, tab, shots, "consumers")

		must(t, chromedp.Do(tab,
			chromedp.Click(chromedp.CSS(row("rotate"))),
			chromedp.WaitVisible(chromedp.ID("consumer-secret")),
		), "new secret")
		secret, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("consumer-secret")))
		must(t, err, "read the new secret")
		hasAll(t, "new secret page", mainText(t, tab), "Browser Tool", tool.Key, "not shown again")
		shoot(t, tab, shots, "consumer-secret")
		renewed := tool
		renewed.Secret = strings.TrimSpace(secret)
		if r := c.Signed(Signer(renewed, "", ""), http.MethodGet, "/api/ping", nil); r.Status != http.StatusOK {
			t.Errorf("the new secret shown: %d %s", r.Status, r.Body)
		}
		if r := c.Signed(Signer(tool, "", ""), http.MethodGet, "/api/ping", nil); r.Problem() != core.ProblemSignatureInvalid {
			t.Errorf("the old secret: %d %s, want 401 signature_invalid", r.Status, r.Body)
		}

		must(t, chromedp.Do(tab,
			chromedp.Navigate(env.URL+"/account/consumers"),
			chromedp.WaitVisible(chromedp.CSS(row("delete"))),
			chromedp.Click(chromedp.CSS(row("delete"))),
			chromedp.WaitVisible(chromedp.ID("flash")),
		), "delete")
		text = mainText(t, tab)
		hasAll(t, "consumers page after deleting", text, "You deleted Browser Tool", "Browser App")
		if strings.Contains(text, tool.Key) {
			t.Errorf("the deleted consumer is still listed: %s", text)
		}
		shoot(t, tab, shots, "consumers-deleted")
		if r := c.Signed(Signer(renewed, "", ""), http.MethodGet, "/api/ping", nil); r.Problem() != core.ProblemConsumerKeyUnknown {
			t.Errorf("the deleted consumer: %d %s, want 401 consumer_key_unknown", r.Status, r.Body)
		}
	})
}
