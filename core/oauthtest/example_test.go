package oauthtest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-oauth1/provider/core/oauthtest"
)

// The last request of the RFC 5849 §1.2 walk-through, with the clock and the
// nonce fixed so that the header is the RFC's own.
func ExampleSigner_Sign() {
	s := &oauthtest.Signer{
		ConsumerKey:    "dpf43f3p2l4k3l03",
		ConsumerSecret: "kd94hf93k423kf44",
		Token:          "nnch734d00sl2jdk",
		TokenSecret:    "pfkkdhi9sl3r4s00",
		Realm:          "Photos",
		OmitVersion:    true,
		Now:            func() time.Time { return time.Unix(137131202, 0) },
		Nonce:          func() string { return "chapoH" },
	}
	r, err := http.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	if err != nil {
		panic(err)
	}
	if err := s.Sign(r); err != nil {
		panic(err)
	}
	fmt.Println(r.Header.Get("Authorization"))
	// Output:
	// OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"
}

// BodyHash gives oauth_body_hash for a request with a non-form body.
func ExampleBodyHash() {
	fmt.Println(oauthtest.BodyHash("HMAC-SHA1", nil))
	fmt.Println(oauthtest.BodyHash("HMAC-SHA256", nil))
	// Output:
	// 2jmj7l5rSw0yVb/vlWAYkK/YBwk=
	// 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
}
