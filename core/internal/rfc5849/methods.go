package rfc5849

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"hash"
)

// Keys are the credentials a signature method signs or verifies with.
type Keys struct {
	ConsumerSecret string
	TokenSecret    string
	// PrivateKey signs RSA-SHA1, RSA-SHA256 and RSA-SHA512.
	PrivateKey *rsa.PrivateKey
	// PublicKey verifies RSA-SHA1, RSA-SHA256 and RSA-SHA512.
	PublicKey *rsa.PublicKey
}

// ErrSignature is returned by SignatureMethod.Verify for a signature that
// does not match.
var ErrSignature = errors.New("oauth1: signature does not match")

// SignatureMethod signs and verifies a signature base string (RFC 5849
// §3.4). Verify compares in constant time.
type SignatureMethod interface {
	// Name is the oauth_signature_method value.
	Name() string
	// Hash is the hash of the method, used for oauth_body_hash; zero for
	// PLAINTEXT, which has none.
	Hash() crypto.Hash
	// Sign returns the oauth_signature value for base.
	Sign(base []byte, k Keys) (string, error)
	// Verify returns nil when signature is valid for base, ErrSignature
	// when it is not, and another error when k lacks what the method needs.
	Verify(base []byte, signature string, k Keys) error
}

// Method returns the built-in signature method called name, and whether
// there is one.
func Method(name string) (SignatureMethod, bool) {
	switch name {
	case "HMAC-SHA1":
		return hmacMethod{name, crypto.SHA1, sha1.New}, true
	case "HMAC-SHA256":
		return hmacMethod{name, crypto.SHA256, sha256.New}, true
	case "HMAC-SHA512":
		return hmacMethod{name, crypto.SHA512, sha512.New}, true
	case "RSA-SHA1":
		return rsaMethod{name, crypto.SHA1}, true
	case "RSA-SHA256":
		return rsaMethod{name, crypto.SHA256}, true
	case "RSA-SHA512":
		return rsaMethod{name, crypto.SHA512}, true
	case "PLAINTEXT":
		return plaintextMethod{}, true
	}
	return nil, false
}

// signingKey returns encode(consumerSecret) "&" encode(tokenSecret) (RFC
// 5849 §3.4.2).
func signingKey(k Keys) []byte {
	b := make([]byte, 0, 3*(len(k.ConsumerSecret)+len(k.TokenSecret))+1)
	b = AppendEncoded(b, k.ConsumerSecret)
	b = append(b, '&')
	return AppendEncoded(b, k.TokenSecret)
}

type hmacMethod struct {
	name string
	hash crypto.Hash
	new  func() hash.Hash
}

func (m hmacMethod) Name() string      { return m.name }
func (m hmacMethod) Hash() crypto.Hash { return m.hash }

func (m hmacMethod) sum(base []byte, k Keys) []byte {
	mac := hmac.New(m.new, signingKey(k))
	mac.Write(base)
	return mac.Sum(nil)
}

func (m hmacMethod) Sign(base []byte, k Keys) (string, error) {
	return base64.StdEncoding.EncodeToString(m.sum(base, k)), nil
}

// Verify compares the base64 text itself, in constant time: a decoder
// would also accept other spellings (line breaks, non-zero padding bits)
// of the same bytes.
func (m hmacMethod) Verify(base []byte, signature string, k Keys) error {
	sum := m.sum(base, k)
	var text [88]byte // the base64 of a SHA-512 sum, the longest
	want := text[:base64.StdEncoding.EncodedLen(len(sum))]
	base64.StdEncoding.Encode(want, sum)
	if !constantTimeEqual(want, signature) {
		return ErrSignature
	}
	return nil
}

type rsaMethod struct {
	name string
	hash crypto.Hash
}

func (m rsaMethod) Name() string      { return m.name }
func (m rsaMethod) Hash() crypto.Hash { return m.hash }

func (m rsaMethod) digest(base []byte) []byte {
	h := m.hash.New()
	h.Write(base)
	return h.Sum(nil)
}

func (m rsaMethod) Sign(base []byte, k Keys) (string, error) {
	if k.PrivateKey == nil {
		return "", errors.New("oauth1: " + m.name + " needs a private key")
	}
	sig, err := rsa.SignPKCS1v15(nil, k.PrivateKey, m.hash, m.digest(base))
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

func (m rsaMethod) Verify(base []byte, signature string, k Keys) error {
	if k.PublicKey == nil {
		return errors.New("oauth1: " + m.name + " needs a public key")
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(signature)
	if err != nil || base64.StdEncoding.EncodeToString(sig) != signature {
		return ErrSignature // only the canonical spelling is accepted
	}
	if rsa.VerifyPKCS1v15(k.PublicKey, m.hash, m.digest(base), sig) != nil {
		return ErrSignature
	}
	return nil
}

type plaintextMethod struct{}

func (plaintextMethod) Name() string      { return "PLAINTEXT" }
func (plaintextMethod) Hash() crypto.Hash { return 0 }

func (plaintextMethod) Sign(_ []byte, k Keys) (string, error) {
	return string(signingKey(k)), nil
}

func (plaintextMethod) Verify(_ []byte, signature string, k Keys) error {
	if !constantTimeEqual(signingKey(k), signature) {
		return ErrSignature
	}
	return nil
}

// ParseRSAPublicKey parses a PEM "PUBLIC KEY" (PKIX), "RSA PUBLIC KEY"
// (PKCS #1) or "CERTIFICATE" block holding an RSA public key.
func ParseRSAPublicKey(pemText string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("oauth1: no PEM block in RSA public key")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		cert, err = x509.ParseCertificate(block.Bytes)
		if err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, errors.New("oauth1: PEM block " + block.Type + " is not an RSA public key")
	}
	if err != nil {
		return nil, errors.New("oauth1: cannot parse RSA public key: " + err.Error())
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("oauth1: the PEM key is not an RSA key")
	}
	return pub, nil
}

// constantTimeEqual reports whether a and b hold the same bytes, in time
// that depends on their lengths only.
func constantTimeEqual[A, B string | []byte](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}
