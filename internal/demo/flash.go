package demo

import (
	"crypto/hmac"
	"encoding/base64"
	"net/http"
	"strings"
)

// FlashCookie carries a message from a form's POST to the page it
// redirects to (post, redirect, get), such as "You revoked …", shown once.
const FlashCookie = "demo_flash"

// flashMaxAge is how long a flash waits for its page, in seconds.
const flashMaxAge = 60

// setFlash sets msg for the next page that sess opens under /account. The
// cookie is signed and bound to the session's ID: another session, or a
// forged cookie, shows nothing.
func (a *App) setFlash(w http.ResponseWriter, r *http.Request, sess *Session, msg string) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(msg))
	sig := base64.RawURLEncoding.EncodeToString(a.Sessions.mac("flash", sess.ID+"\x00"+msg))
	http.SetCookie(w, a.flashCookie(r, payload+"."+sig, flashMaxAge))
}

// takeFlash returns the message setFlash set for sess, and clears it; ""
// when there is none for sess.
func (a *App) takeFlash(w http.ResponseWriter, r *http.Request, sess *Session) string {
	c, err := r.Cookie(FlashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, a.flashCookie(r, "", -1))
	payload, sig, _ := strings.Cut(c.Value, ".")
	msg, err1 := base64.RawURLEncoding.DecodeString(payload)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, a.Sessions.mac("flash", sess.ID+"\x00"+string(msg))) {
		return ""
	}
	return string(msg)
}

func (a *App) flashCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     FlashCookie,
		Value:    value,
		Path:     "/account",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.Sessions.secure(r),
		SameSite: http.SameSiteLaxMode,
	}
}
