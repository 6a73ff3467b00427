package demo

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-oauth1/provider/core"
)

// The consumers a user registered (POST /consumers), which that user can
// list, read, delete and give a new secret: as JSON under /consumers, by
// HTTP Basic or a login session (as POST /consumers), and as the page
// /account/consumers. Another user's consumer is answered exactly as one
// that does not exist (404). A secret is never shown, except once, in the
// answer that made it (registration or a new secret).

// ConsumerInfoJSON is a consumer in the answers of GET /consumers and GET
// /consumers/{key}: no secret.
type ConsumerInfoJSON struct {
	Key          string    `json:"key"`
	Name         string    `json:"name"`
	CallbackURL  string    `json:"callback_url"`
	RSAPublicKey bool      `json:"rsa_public_key"` // whether one is registered
	CreatedAt    time.Time `json:"created_at"`
}

// ConsumerListJSON is the answer of GET /consumers.
type ConsumerListJSON struct {
	Consumers []ConsumerInfoJSON `json:"consumers"`
}

func consumerInfo(c *core.Consumer) ConsumerInfoJSON {
	return ConsumerInfoJSON{Key: c.Key, Name: c.Name, CallbackURL: c.CallbackURL, RSAPublicKey: c.RSAPublicKey != "", CreatedAt: c.CreatedAt.UTC()}
}

// ListConsumers is GET /consumers: 200 with ConsumerListJSON, the
// consumers the authenticated user registered, oldest first.
func (a *App) ListConsumers(w http.ResponseWriter, r *http.Request) {
	user, ok := a.consumerOwner(w, r, false)
	if !ok {
		return
	}
	list, err := a.Provider.OwnedConsumers(core.RequestContext(r), user)
	if err != nil {
		writeConsumerError(w, err)
		return
	}
	out := ConsumerListJSON{Consumers: []ConsumerInfoJSON{}}
	for i := range list {
		out.Consumers = append(out.Consumers, consumerInfo(&list[i]))
	}
	WriteJSON(w, http.StatusOK, out)
}

// GetConsumer is GET /consumers/{key}: 200 with ConsumerInfoJSON when the
// authenticated user registered the consumer, 404 otherwise.
func (a *App) GetConsumer(w http.ResponseWriter, r *http.Request, key string) {
	user, ok := a.consumerOwner(w, r, false)
	if !ok {
		return
	}
	c, err := a.Provider.OwnedConsumer(core.RequestContext(r), user, key)
	if err != nil {
		writeConsumerError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, consumerInfo(c))
}

// DeleteConsumer is DELETE /consumers/{key} (with a login session, header
// X-CSRF-Token): 204 when the authenticated user registered the consumer,
// 404 otherwise. From then on every request signed with its key is 401
// consumer_key_unknown, on every instance.
func (a *App) DeleteConsumer(w http.ResponseWriter, r *http.Request, key string) {
	user, ok := a.consumerOwner(w, r, true)
	if !ok {
		return
	}
	if err := a.Provider.DeleteConsumer(core.RequestContext(r), user, key); err != nil {
		writeConsumerError(w, err)
		return
	}
	a.Log.InfoContext(r.Context(), "consumer deleted", "user", user, "consumer_key", key)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// RotateConsumerSecret is POST /consumers/{key}/rotate (with a login
// session, form field csrf_token or header X-CSRF-Token): 200 with
// ConsumerJSON holding the new secret, shown this once, when the
// authenticated user registered the consumer; 404 otherwise. From then on
// a request signed with the old secret is 401 signature_invalid, on every
// instance.
func (a *App) RotateConsumerSecret(w http.ResponseWriter, r *http.Request, key string) {
	if err := parseForm(w, r); err != nil {
		WriteJSONError(w, http.StatusBadRequest, "the form could not be read (at most 64 KiB, form-encoded or multipart)")
		return
	}
	user, ok := a.consumerOwner(w, r, true)
	if !ok {
		return
	}
	c, err := a.Provider.RotateConsumerSecret(core.RequestContext(r), user, key)
	if err != nil {
		writeConsumerError(w, err)
		return
	}
	a.Log.InfoContext(r.Context(), "consumer secret rotated", "user", user, "consumer_key", key)
	WriteJSON(w, http.StatusOK, ConsumerJSON{Key: c.Key, Secret: c.Secret, Name: c.Name, CallbackURL: c.CallbackURL})
}

// writeConsumerError answers an error of the provider's consumer methods:
// 404 for a consumer the user did not register, 503 or 500 (logged by the
// provider's OnServerError) for a store failure.
func writeConsumerError(w http.ResponseWriter, err error) {
	switch e := core.AsError(err); {
	case errors.Is(err, core.ErrNotFound) && e.Status < 500:
		WriteJSONError(w, http.StatusNotFound, "no such consumer")
	case e.Status == http.StatusServiceUnavailable:
		WriteJSONError(w, http.StatusServiceUnavailable, "temporarily unavailable; retry later")
	default:
		WriteJSONError(w, http.StatusInternalServerError, "internal error")
	}
}

// ConsumersPage is GET /account/consumers: the consumers the logged-in
// user registered, each with New secret and Delete buttons, under the
// confirmation of a deletion just made. Without a session: 303 to the
// login form.
func (a *App) ConsumersPage(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.pageSession(w, r)
	if !ok {
		return
	}
	list, err := a.Provider.OwnedConsumers(core.RequestContext(r), sess.User)
	if err != nil { // logged by OnServerError
		a.serverErrorPage(w)
		return
	}
	d := &Page{Title: "Your consumers", User: sess.User, CSRF: a.Sessions.CSRFToken(sess), Flash: a.takeFlash(w, r, sess)}
	for _, c := range list {
		d.Consumers = append(d.Consumers, consumerView{
			Name: c.Name, Key: c.Key, CallbackURL: c.CallbackURL, RSA: c.RSAPublicKey != "",
			Created: c.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"),
		})
	}
	a.render(w, http.StatusOK, "consumers.html", d)
}

// DeleteConsumerForm is POST /account/consumers/delete: form consumer_key
// and csrf_token. It deletes the consumer when the logged-in user
// registered it and answers 303 to /account/consumers, which confirms it;
// 404 otherwise.
func (a *App) DeleteConsumerForm(w http.ResponseWriter, r *http.Request) {
	sess, key, ok := a.consumerForm(w, r)
	if !ok {
		return
	}
	c, err := a.Provider.OwnedConsumer(core.RequestContext(r), sess.User, key)
	if err == nil {
		err = a.Provider.DeleteConsumer(core.RequestContext(r), sess.User, key)
	}
	if err != nil {
		a.consumerPageError(w, err)
		return
	}
	a.Log.InfoContext(r.Context(), "consumer deleted", "user", sess.User, "consumer_key", key)
	a.setFlash(w, r, sess, "You deleted "+c.Name+". Requests signed with its key are refused from now on, and its users' access has ended.")
	redirect(w, "/account/consumers", http.StatusSeeOther)
}

// RotateConsumerForm is POST /account/consumers/rotate: form consumer_key
// and csrf_token. When the logged-in user registered the consumer, it gives
// it a new secret and shows it, this once (the page is never cached); 404
// otherwise.
func (a *App) RotateConsumerForm(w http.ResponseWriter, r *http.Request) {
	sess, key, ok := a.consumerForm(w, r)
	if !ok {
		return
	}
	c, err := a.Provider.RotateConsumerSecret(core.RequestContext(r), sess.User, key)
	if err != nil {
		a.consumerPageError(w, err)
		return
	}
	a.Log.InfoContext(r.Context(), "consumer secret rotated", "user", sess.User, "consumer_key", key)
	a.render(w, http.StatusOK, "secret.html", &Page{
		Title: "New secret for " + c.Name, User: sess.User, CSRF: a.Sessions.CSRFToken(sess),
		Consumer: c.Name, Key: c.Key, Secret: c.Secret,
	})
}

// consumerForm checks a form posted from /account/consumers (see
// formSession) and its consumer_key (400). ok is false when it answered.
func (a *App) consumerForm(w http.ResponseWriter, r *http.Request) (sess *Session, key string, ok bool) {
	sess, ok = a.formSession(w, r, "/account/consumers")
	if !ok {
		return nil, "", false
	}
	key = r.PostFormValue("consumer_key")
	if key == "" {
		a.errorPage(w, http.StatusBadRequest, "Which consumer?", "The form did not say which consumer. Go back to Your consumers and press the button beside it.")
		return nil, "", false
	}
	return sess, key, true
}

// consumerPageError answers an error of the provider's consumer methods
// with a page: 404 for a consumer the user did not register, 500 (logged
// by the provider's OnServerError) for a store failure.
func (a *App) consumerPageError(w http.ResponseWriter, err error) {
	if e := core.AsError(err); errors.Is(err, core.ErrNotFound) && e.Status < 500 {
		a.errorPage(w, http.StatusNotFound, "No such consumer", "You have not registered that consumer, or it was deleted.")
		return
	}
	a.serverErrorPage(w)
}
