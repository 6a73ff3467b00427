package demo

import (
	"context"
	"errors"
	"path/filepath"
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
	mem, err := NewMemoryUsers(bcrypt.MinCost)
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
