// Package storetest is the conformance suite of the core.Store contract.
// Every store implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) core.Store {
//			return memstore.New()
//		})
//	}
//
// Run covers the whole contract written in the doc comments of
// core.ConsumerStore, core.TokenStore and core.NonceStore: round trips of
// every field, ErrNotFound and ErrDuplicate, list order, the request token
// state machine (pending → authorized → used, pending → denied, each step
// once), the atomicity of ConsumeRequestToken, nonce scope and purging,
// DeleteExpired, revocation, copies that do not alias store memory, and,
// under go test -race, that of 32 concurrent racers exactly one wins each
// one-time transition while the others get the documented sentinel error.
// For a store that implements core.ConsumerAccessTokenGetter it checks that
// GetConsumerAndAccessToken answers as GetConsumer and GetAccessToken do,
// and for one that implements core.NonceGenerationStore that its generation
// moves with every revocation, consumer deletion and change of a consumer's
// secret.
//
// Fixtures builds the fully populated records the suite uses, and Race and
// OneWinner run its races (goroutines released by one start barrier, and
// the check that exactly one won); store tests of their own may use them
// too. Its times are UTC and whole microseconds, which
// SQL databases keep exactly. The suite compares times with time.Equal after
// truncating to the microsecond, so a store may return them in any location.
package storetest
