package gormstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/gormstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "gormstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	dsn := "file:" + filepath.Join(dir, "oauth.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		panic(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()

	ctx := context.Background()
	s := gormstore.New(db, gormstore.WithTablePrefix("oauth_"))
	if err := s.Migrate(ctx); err != nil {
		panic(err)
	}

	// The provider takes the store; its janitor would run beside it:
	// go p.RunJanitor(ctx, core.DefaultJanitorInterval, logError)
	if _, err := core.New(core.Config{Store: s}); err != nil {
		panic(err)
	}

	now := time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)
	err = s.CreateConsumer(ctx, &core.Consumer{Key: "app", Secret: "app-secret", Name: "App", CreatedAt: now})
	fmt.Println("create consumer:", err)
	c, err := s.GetConsumer(ctx, "app")
	fmt.Println("get consumer:", c.Name, err)
	_, err = s.GetConsumer(ctx, "nobody")
	fmt.Println("unknown consumer is ErrNotFound:", errors.Is(err, core.ErrNotFound))

	n := core.Nonce{ConsumerKey: "app", Nonce: "f3a1", Timestamp: now}
	fmt.Println("first use:", s.UseNonce(ctx, n))
	fmt.Println("replay is ErrNonceUsed:", errors.Is(s.UseNonce(ctx, n), core.ErrNonceUsed))
	fmt.Println("nonce table:", s.TableName(gormstore.NoncesTable))
	// Output:
	// create consumer: <nil>
	// get consumer: App <nil>
	// unknown consumer is ErrNotFound: true
	// first use: <nil>
	// replay is ErrNonceUsed: true
	// nonce table: oauth_nonces
}

// The pool of the *sql.DB under GORM, sized for a server (see the package
// doc, "Connection pool").
func Example_connectionPool() {
	dir, err := os.MkdirTemp("", "gormstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(dir, "oauth.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		panic(err)
	}

	sqlDB, err := db.DB()
	if err != nil {
		panic(err)
	}
	defer sqlDB.Close()
	const poolSize = 32
	sqlDB.SetMaxOpenConns(poolSize)
	sqlDB.SetMaxIdleConns(poolSize) // not the default 2: no connection opened per request under load
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)

	s := gormstore.New(db)
	if err := s.Migrate(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("max open connections:", sqlDB.Stats().MaxOpenConnections)
	// Output:
	// max open connections: 32
}
