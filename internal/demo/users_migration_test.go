package demo_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

// oldUserRow is the users table as it was before session generations.
type oldUserRow struct {
	Name         string `gorm:"primaryKey;size:128"`
	PasswordHash string `gorm:"size:128;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (oldUserRow) TableName() string { return "demo_users" }

// TestUsersTableMigration: a users table from before session generations
// gets the column at start, 0 for the users it holds (the generation a
// cookie without one reads as), and a logout then moves it on.
func TestUsersTableMigration(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{
		{"sqlite", demotest.SQLiteURL},
		{"postgres", demotest.PostgresURL},
		{"mysql", demotest.MySQLURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			url := tc.url(t)
			_, dialector, err := demo.Dialector(url, nil)
			if err != nil {
				t.Fatal(err)
			}
			old, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard})
			if err != nil {
				t.Fatal(err)
			}
			h, err := bcrypt.GenerateFromPassword([]byte(demotest.Alice.Password), bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			if err := old.AutoMigrate(&oldUserRow{}); err != nil {
				t.Fatal(err)
			}
			if err := old.Create(&oldUserRow{Name: demotest.Alice.Name, PasswordHash: string(h)}).Error; err != nil {
				t.Fatal(err)
			}
			if sqlDB, err := old.DB(); err == nil {
				sqlDB.Close()
			}

			b, err := demo.OpenBackend(ctx, demotest.Config(url), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			users, err := demo.NewDBUsers(b.DB, bcrypt.MinCost, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if err := users.Authenticate(ctx, demotest.Alice.Name, demotest.Alice.Password); err != nil {
				t.Fatalf("the existing user after migration: %v", err)
			}
			if g, ok, err := users.SessionGeneration(ctx, demotest.Alice.Name); g != 0 || !ok || err != nil {
				t.Fatalf("existing user's generation after migration: %d %v %v, want 0", g, ok, err)
			}
			if err := users.EndSessions(ctx, demotest.Alice.Name); err != nil {
				t.Fatal(err)
			}
			if g, _, err := users.SessionGeneration(ctx, demotest.Alice.Name); g != 1 || err != nil {
				t.Errorf("after a logout: generation %d %v, want 1", g, err)
			}
		})
	}
}
