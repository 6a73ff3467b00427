package demo

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestUsers(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBackend(ctx, Config{DatabaseURL: filepath.Join(t.TempDir(), "u.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db, err := NewDBUsers(b.DB, bcrypt.MinCost, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := NewMemoryUsers(bcrypt.MinCost, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]*Users{"db": db, "memory": mem} {
		t.Run(name, func(t *testing.T) {
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(u.Seed(ctx, []User{{"alice", "wonderland"}, {"bob", "builder"}}))
			h1, _, _ := u.store.hash(ctx, "alice")
			if h1 == "wonderland" || bcrypt.CompareHashAndPassword([]byte(h1), []byte("wonderland")) != nil {
				t.Fatalf("stored %q, want a bcrypt hash", h1)
			}
			must(u.Seed(ctx, []User{{"alice", "wonderland"}}))
			if h2, _, _ := u.store.hash(ctx, "alice"); h2 != h1 {
				t.Error("seeding the same password again rewrote the hash")
			}
			must(u.Authenticate(ctx, "alice", "wonderland"))
			for _, c := range [][2]string{{"alice", "nope"}, {"mallory", "wonderland"}, {"", ""}, {"alice", ""}} {
				if err := u.Authenticate(ctx, c[0], c[1]); !errors.Is(err, ErrBadCredentials) {
					t.Errorf("Authenticate(%q, %q) = %v, want ErrBadCredentials", c[0], c[1], err)
				}
			}
			must(u.Seed(ctx, []User{{"alice", "changed"}}))
			must(u.Authenticate(ctx, "alice", "changed"))
			if err := u.Authenticate(ctx, "alice", "wonderland"); !errors.Is(err, ErrBadCredentials) {
				t.Error("old password still works")
			}
		})
	}
}

// TestUsers_SessionGeneration: EndSessions moves one user's generation on,
// atomically under concurrent logouts; a new password keeps it; an unknown
// user has none.
func TestUsers_SessionGeneration(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBackend(ctx, Config{DatabaseURL: filepath.Join(t.TempDir(), "u.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db, err := NewDBUsers(b.DB, bcrypt.MinCost, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := NewMemoryUsers(bcrypt.MinCost, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]*Users{"db": db, "memory": mem} {
		t.Run(name, func(t *testing.T) {
			if err := u.Seed(ctx, []User{{"alice", "wonderland"}, {"bob", "builder"}}); err != nil {
				t.Fatal(err)
			}
			gen := func(name string) int64 {
				t.Helper()
				g, ok, err := u.SessionGeneration(ctx, name)
				if err != nil || !ok {
					t.Fatalf("SessionGeneration(%q) = %d %v %v", name, g, ok, err)
				}
				return g
			}
			alice, bob := gen("alice"), gen("bob")
			const logouts = 8
			start := make(chan struct{})
			var wg sync.WaitGroup
			for range logouts {
				wg.Go(func() {
					<-start
					if err := u.EndSessions(ctx, "alice"); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			if g := gen("alice"); g != alice+logouts {
				t.Errorf("after %d logouts: generation %d, want %d", logouts, g, alice+logouts)
			}
			if g := gen("bob"); g != bob {
				t.Errorf("Alice's logouts moved Bob's generation from %d to %d", bob, g)
			}
			if err := u.Seed(ctx, []User{{"alice", "changed"}}); err != nil {
				t.Fatal(err)
			}
			if g := gen("alice"); g != alice+logouts {
				t.Errorf("a new password moved the generation to %d", g)
			}
			if g, ok, err := u.SessionGeneration(ctx, "mallory"); ok || err != nil {
				t.Errorf("unknown user: %d %v %v, want not found", g, ok, err)
			}
			if err := u.EndSessions(ctx, "mallory"); err != nil {
				t.Errorf("EndSessions of an unknown user: %v", err)
			}
		})
	}
}

// TestNewMemoryUsers_Restart: a new memory store, as after a restart, does
// not hand out the generations of the last one, so its logouts hold.
func TestNewMemoryUsers_Restart(t *testing.T) {
	ctx := context.Background()
	var gens [2]int64
	for i := range gens {
		u, err := NewMemoryUsers(bcrypt.MinCost, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Seed(ctx, []User{{"alice", "wonderland"}}); err != nil {
			t.Fatal(err)
		}
		if gens[i], _, err = u.SessionGeneration(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if gens[0] == gens[1] || gens[0] < 0 || gens[1] < 0 {
		t.Errorf("two starts gave generations %d and %d, want different non-negative ones", gens[0], gens[1])
	}
	if _, err := NewMemoryUsers(bcrypt.MinCost, errReader{}); err == nil {
		t.Error("NewMemoryUsers with a failing random source succeeded")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("no randomness") }
