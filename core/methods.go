package core

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
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
	// PrivateKey signs RSA-SHA1 and RSA-SHA256.
	PrivateKey *rsa.PrivateKey
	// PublicKey verifies RSA-SHA1 and RSA-SHA256.
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
	case HMACSHA1:
		return hmacMethod{HMACSHA1, crypto.SHA1, sha1.New}, true
	case HMACSHA256:
		return hmacMethod{HMACSHA256, crypto.SHA256, sha256.New}, true
	case HMACSHA512:
		return hmacMethod{HMACSHA512, crypto.SHA512, sha512.New}, true
	case RSASHA1:
		return rsaMethod{RSASHA1, crypto.SHA1}, true
	case RSASHA256:
		return rsaMethod{RSASHA256, crypto.SHA256}, true
	case PLAINTEXT:
		return plaintextMethod{}, true
	}
	return nil, false
}

// signingKey returns encode(consumerSecret) "&" encode(tokenSecret) (RFC
// 5849 §3.4.2).
func signingKey(k Keys) []byte {
	b := make([]byte, 0, 3*(len(k.ConsumerSecret)+len(k.TokenSecret))+1)
	b = appendEncoded(b, k.ConsumerSecret)
	b = append(b, '&')
	return appendEncoded(b, k.TokenSecret)
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
	var buf [sha512.Size]byte
	return mac.Sum(buf[:0])
}

func (m hmacMethod) Sign(base []byte, k Keys) (string, error) {
	return base64.StdEncoding.EncodeToString(m.sum(base, k)), nil
}

// hmacHeadroom is the room verifyWithHeadroom needs before the base
// string: the largest block size (SHA-512's).
const hmacHeadroom = sha512.BlockSize

// verifyWithHeadroom is Verify for a base string that follows
// hmacHeadroom bytes of scratch space in buf. It computes the HMAC of RFC
// 2104 with one-shot hashes, without allocating: the inner hash runs over
// the padded key written into the headroom, followed by the base string.
// Its result equals crypto/hmac's (TestHMACMatchesCryptoHMAC).
func (m hmacMethod) verifyWithHeadroom(buf []byte, signature string, k Keys) error {
	var keyBuf [256]byte
	key := appendEncoded(keyBuf[:0], k.ConsumerSecret)
	key = append(key, '&')
	key = appendEncoded(key, k.TokenSecret)
	bs := m.blockSize()
	var digest [sha512.Size]byte
	if len(key) > bs {
		key = m.oneShot(digest[:0], key)
	}
	inner := buf[hmacHeadroom-bs:]
	pad := inner[:bs]
	clear(pad[copy(pad, key):])
	var outer [sha512.BlockSize + sha512.Size]byte
	for i, c := range pad {
		pad[i] = c ^ 0x36
		outer[i] = c ^ 0x5c
	}
	outerMsg := m.oneShot(outer[:bs], inner)
	clear(pad) // no key material left in the pooled buffer
	mac := m.oneShot(digest[:0], outerMsg)
	var text [88]byte // base64 of a SHA-512 sum
	want := text[:base64.StdEncoding.EncodedLen(len(mac))]
	base64.StdEncoding.Encode(want, mac)
	if !constantTimeEqual(want, signature) {
		return ErrSignature
	}
	return nil
}

func (m hmacMethod) blockSize() int {
	switch m.hash {
	case crypto.SHA1:
		return sha1.BlockSize
	case crypto.SHA256:
		return sha256.BlockSize
	}
	return sha512.BlockSize
}

// oneShot appends the hash of data to dst.
func (m hmacMethod) oneShot(dst, data []byte) []byte {
	switch m.hash {
	case crypto.SHA1:
		s := sha1.Sum(data)
		return append(dst, s[:]...)
	case crypto.SHA256:
		s := sha256.Sum256(data)
		return append(dst, s[:]...)
	}
	s := sha512.Sum512(data)
	return append(dst, s[:]...)
}

func (m hmacMethod) Verify(base []byte, signature string, k Keys) error {
	// Compare the base64 text itself: the decoder would also accept other
	// spellings (line breaks, non-zero padding bits) of the same bytes.
	buf := make([]byte, hmacHeadroom+len(base))
	copy(buf[hmacHeadroom:], base)
	return m.verifyWithHeadroom(buf, signature, k)
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

func (plaintextMethod) Name() string      { return PLAINTEXT }
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
