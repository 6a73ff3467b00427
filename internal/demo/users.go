package demo

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrBadCredentials is returned by Users.Authenticate for an unknown user
// or a wrong password; which one is not told.
var ErrBadCredentials = errors.New("demo: wrong user name or password")

// userRow is the demo's own users table. OAuth data is not kept here.
type userRow struct {
	Name         string `gorm:"primaryKey;size:128"`
	PasswordHash string `gorm:"size:128;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "demo_users" }

// passwordStore keeps password hashes by user name.
type passwordStore interface {
	// hash returns name's bcrypt hash, or ok false when there is no such
	// user.
	hash(ctx context.Context, name string) (h string, ok bool, err error)
	// setHash creates or replaces name's hash.
	setHash(ctx context.Context, name, h string) error
}

// Users checks the demo users' passwords, which are stored as bcrypt
// hashes. It is safe for concurrent use.
type Users struct {
	store passwordStore
	cost  int
	// dummy is compared against when the user is unknown, so that the
	// answer takes as long as for a known user.
	dummy []byte
}

// NewMemoryUsers returns Users kept in memory (for DATABASE_URL=memory).
// cost is the bcrypt cost; zero means bcrypt.DefaultCost.
func NewMemoryUsers(cost int) (*Users, error) {
	return newUsers(&memPasswords{m: map[string]string{}}, cost)
}

// NewDBUsers returns Users kept in db's demo_users table, which OpenBackend
// migrates. cost is the bcrypt cost; zero means bcrypt.DefaultCost. Each
// query gets at most timeout (a positive duration) on top of its context's
// own deadline.
func NewDBUsers(db *gorm.DB, cost int, timeout time.Duration) (*Users, error) {
	if timeout <= 0 {
		return nil, errors.New("demo: the users' query timeout must be positive")
	}
	return newUsers(dbPasswords{db: db, timeout: timeout}, cost)
}

func newUsers(s passwordStore, cost int) (*Users, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("no such user"), cost)
	if err != nil {
		return nil, err
	}
	return &Users{store: s, cost: cost, dummy: dummy}, nil
}

// Seed makes sure every user exists with its password. A user whose stored
// hash already matches is left alone, so a restart keeps the table as it
// was.
func (u *Users) Seed(ctx context.Context, users []User) error {
	for _, usr := range users {
		h, ok, err := u.store.hash(ctx, usr.Name)
		if err != nil {
			return err
		}
		if ok && bcrypt.CompareHashAndPassword([]byte(h), []byte(usr.Password)) == nil {
			continue
		}
		nh, err := bcrypt.GenerateFromPassword([]byte(usr.Password), u.cost)
		if err != nil {
			return err
		}
		if err := u.store.setHash(ctx, usr.Name, string(nh)); err != nil {
			return err
		}
	}
	return nil
}

// Authenticate returns nil when password is name's password, and
// ErrBadCredentials when the user is unknown or the password wrong (taking
// about as long either way). Other errors are store failures.
func (u *Users) Authenticate(ctx context.Context, name, password string) error {
	h, ok, err := u.store.hash(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		_ = bcrypt.CompareHashAndPassword(u.dummy, []byte(password))
		return ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte(password)) != nil {
		return ErrBadCredentials
	}
	return nil
}

type memPasswords struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memPasswords) hash(_ context.Context, name string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.m[name]
	return h, ok, nil
}

func (s *memPasswords) setHash(_ context.Context, name, h string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = h
	return nil
}

type dbPasswords struct {
	db      *gorm.DB
	timeout time.Duration
}

func (s dbPasswords) hash(ctx context.Context, name string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var rows []userRow
	err := s.db.WithContext(ctx).Where("name = ?", name).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", false, err
	}
	return rows[0].PasswordHash, true, nil
}

func (s dbPasswords) setHash(ctx context.Context, name, h string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"password_hash", "updated_at"}),
	}).Create(&userRow{Name: name, PasswordHash: h}).Error
}
