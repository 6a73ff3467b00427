package core

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// protocol holds the oauth_* parameters of one request.
type protocol struct {
	consumerKey, token, signatureMethod, signature string
	timestamp, nonce, version, callback, verifier  string
	bodyHash                                       string
	seen                                           uint16 // bits of the fields present
}

// Bits of protocol.seen.
const (
	seenToken uint16 = 1 << iota
	seenBodyHash
	seenVersion
	seenConsumerKey
	seenSignatureMethod
	seenSignature
	seenTimestamp
	seenNonce
	seenCallback
	seenVerifier
)

// field returns where the protocol parameter key is kept and its bit in
// seen, or nil for a name that is not a protocol parameter this package
// interprets.
func (pr *protocol) field(key string) (*string, uint16) {
	switch key {
	case "oauth_token":
		return &pr.token, seenToken
	case "oauth_body_hash":
		return &pr.bodyHash, seenBodyHash
	case "oauth_consumer_key":
		return &pr.consumerKey, seenConsumerKey
	case "oauth_signature_method":
		return &pr.signatureMethod, seenSignatureMethod
	case "oauth_signature":
		return &pr.signature, seenSignature
	case "oauth_timestamp":
		return &pr.timestamp, seenTimestamp
	case "oauth_nonce":
		return &pr.nonce, seenNonce
	case "oauth_version":
		return &pr.version, seenVersion
	case "oauth_callback":
		return &pr.callback, seenCallback
	case "oauth_verifier":
		return &pr.verifier, seenVerifier
	}
	return nil, 0
}

// signedRequest is a parsed request: every parameter, the protocol ones, and
// what the base string needs.
type signedRequest struct {
	params  []rfc5849.Param
	proto   protocol
	form    bool   // parameters came from a form body
	body    []byte // the non-form body, read only when oauth_body_hash is present
	https   bool
	baseURI []byte // backed by uriBuf when it fits
	anyAuth bool   // the request carries any OAuth parameter

	// What check found, once the request verified.
	consumer *Consumer
	access   *AccessToken  // three-legged requests
	request  *RequestToken // token credential requests
	method   string
	// failedBase is the base string of a signature that did not match,
	// kept only with Config.ExposeBaseString.
	failedBase string

	paramBuf [12]rfc5849.Param // backs params for most requests: one allocation in all
	uriBuf   [128]byte
}

// header returns the first value of a header, given its canonical name,
// without Header.Get's canonicalization.
func header(r *http.Request, canonicalKey string) string {
	if v := r.Header[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// formContentType reports whether ct is application/x-www-form-urlencoded,
// with or without parameters.
func formContentType(ct string) bool {
	const form = "application/x-www-form-urlencoded"
	if len(ct) < len(form) || !strings.EqualFold(ct[:len(form)], form) {
		return false
	}
	rest := strings.TrimLeft(ct[len(form):], " \t")
	return rest == "" || rest[0] == ';'
}

// readBody reads r.Body up to max bytes and puts an equivalent body back for
// the handler. A larger body is a 400.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	_ = r.Body.Close()
	if err != nil {
		r.Body = http.NoBody
		return nil, badRequest(ProblemParameterRejected, "the request body could not be read")
	}
	if int64(len(b)) > max {
		r.Body = http.NoBody
		return nil, badRequest(ProblemParameterRejected, "the request body is larger than "+strconv.FormatInt(max, 10)+" bytes")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, nil
}

// parseRequest collects the request's parameters (RFC 5849 §3.4.1.3.1), its
// protocol parameters (each from one place only, never repeated), and the
// base string URI. The caller hands the result back with p.release.
func (p *Provider) parseRequest(r *http.Request) (*signedRequest, error) {
	sr := p.requests.Get().(*signedRequest)
	sr.params = sr.paramBuf[:0]
	if err := p.parseInto(r, sr); err != nil {
		p.release(sr)
		return nil, err
	}
	return sr, nil
}

// release clears sr, which must not be used again, and keeps it for reuse.
func (p *Provider) release(sr *signedRequest) {
	*sr = signedRequest{}
	p.requests.Put(sr)
}

func (p *Provider) parseInto(r *http.Request, sr *signedRequest) error {
	var err error
	if h := header(r, "Authorization"); h != "" {
		sr.params, _, err = rfc5849.AppendHeaderParams(sr.params, h)
		if err == rfc5849.ErrHeaderSyntax {
			return badRequest(ProblemParameterRejected, "the OAuth Authorization header is malformed")
		}
		// Another scheme (Basic, Bearer) carries no OAuth parameters.
	}
	fromHeader := len(sr.params)
	if sr.params, err = rfc5849.AppendForm(sr.params, r.URL.RawQuery); err != nil {
		return badRequest(ProblemParameterRejected, "the query string has a malformed percent-encoding")
	}
	fromQuery := len(sr.params)
	if formContentType(header(r, "Content-Type")) {
		body, err := readBody(r, p.maxBody)
		if err != nil {
			return err
		}
		sr.form = true
		fromQuery = len(sr.params)
		if sr.params, err = rfc5849.AppendForm(sr.params, string(body)); err != nil {
			return badRequest(ProblemParameterRejected, "the form body has a malformed percent-encoding")
		}
	}
	if err := p.collectProtocol(sr, fromHeader, fromQuery); err != nil {
		return err
	}
	if sr.proto.seen&seenBodyHash != 0 {
		if sr.form {
			return badRequest(ProblemParameterRejected, "oauth_body_hash must not be sent with a form-encoded body")
		}
		if sr.body, err = readBody(r, p.maxBody); err != nil {
			return err
		}
	}
	scheme, host := p.Origin(r)
	sr.https = scheme == "https"
	path := r.URL.EscapedPath()
	if p.publicURL != nil {
		path = strings.TrimSuffix(p.publicURL.EscapedPath(), "/") + path
	}
	if sr.baseURI, err = rfc5849.AppendBaseStringURI(sr.uriBuf[:0], scheme, host, path); err != nil {
		return badRequest(ProblemParameterRejected, "the request's host is not a valid URI authority")
	}
	return nil
}

// collectProtocol picks the oauth_* parameters out of params, where
// params[:fromHeader] came from the Authorization header,
// params[fromHeader:fromQuery] from the query and the rest from the body.
// The protocol parameters must all come from one of the three (RFC 5849
// §3.5), none may be repeated, and each value must be within its bound,
// valid UTF-8 and free of control characters.
func (p *Provider) collectProtocol(sr *signedRequest, fromHeader, fromQuery int) error {
	pr := &sr.proto
	source := -1
	for i, prm := range sr.params {
		if !strings.HasPrefix(prm.Key, "oauth_") {
			continue
		}
		if err := checkProtocolValue(prm.Key, prm.Value, p.maxValueBytes(prm.Key)); err != nil {
			return err
		}
		sr.anyAuth = true
		src := 0
		if i >= fromQuery {
			src = 2
		} else if i >= fromHeader {
			src = 1
		}
		if source >= 0 && src != source {
			return badRequest(ProblemParameterRejected, "the protocol parameters must all be sent in one place: the Authorization header, the query or the form body")
		}
		source = src
		dst, bit := pr.field(prm.Key)
		if dst == nil {
			continue // unknown extension parameters are signed, not interpreted
		}
		if pr.seen&bit != 0 {
			return badRequest(ProblemParameterRejected, "the protocol parameter "+prm.Key+" is repeated")
		}
		pr.seen |= bit
		*dst = prm.Value
	}
	return nil
}
