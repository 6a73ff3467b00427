package demo

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
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
	// SessionGeneration is carried by every session cookie of the user; a
	// logout moves it on, which ends every session issued before. Rows
	// from before this column get 0, as do cookies without one.
	SessionGeneration int64 `gorm:"not null;default:0"`
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (userRow) TableName() string { return "demo_users" }

// userStore keeps password hashes and session generations by user name.
type userStore interface {
	// hash returns name's bcrypt hash, or ok false when there is no such
	// user.
	hash(ctx context.Context, name string) (h string, ok bool, err error)
	// setHash creates or replaces name's hash; it leaves the session
	// generation of an existing user as it is.
	setHash(ctx context.Context, name, h string) error
	// generation returns name's session generation, or ok false when there
	// is no such user.
	generation(ctx context.Context, name string) (gen int64, ok bool, err error)
	// nextGeneration moves name's session generation on by one, atomically;
	// an unknown name is no error.
	nextGeneration(ctx context.Context, name string) error
}

// Users checks the demo users' passwords, which are stored as bcrypt
// hashes, and keeps each user's session generation (see Session). It is
// safe for concurrent use.
type Users struct {
	store userStore
	cost  int
	// dummy is compared against when the user is unknown, so that the
	// answer takes as long as for a known user.
	dummy []byte
}

// NewMemoryUsers returns Users kept in memory (for DATABASE_URL=memory).
// cost is the bcrypt cost; zero means bcrypt.DefaultCost. The session
// generations start at a random value read from rnd (crypto/rand when
// nil), so that a restart, which forgets them, does not take back a
// logout: every session from before it is refused.
func NewMemoryUsers(cost int, rnd io.Reader) (*Users, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var b [8]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return nil, err
	}
	start := int64(binary.BigEndian.Uint64(b[:]) >> 1) // non-negative
	return newUsers(&memUsers{m: map[string]*memUser{}, start: start}, cost)
}

// NewDBUsers returns Users kept in db's demo_users table, which OpenBackend
// migrates. cost is the bcrypt cost; zero means bcrypt.DefaultCost. Each
// query gets at most timeout (a positive duration) on top of its context's
// own deadline.
func NewDBUsers(db *gorm.DB, cost int, timeout time.Duration) (*Users, error) {
	if timeout <= 0 {
		return nil, errors.New("demo: the users' query timeout must be positive")
	}
	return newUsers(dbUsers{db: db, timeout: timeout}, cost)
}

func newUsers(s userStore, cost int) (*Users, error) {
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

// SessionGeneration returns name's session generation, which a session
// of name must carry to be valid, and ok false when there is no such user.
// Errors are store failures. On a database it is one primary-key read.
func (u *Users) SessionGeneration(ctx context.Context, name string) (gen int64, ok bool, err error) {
	return u.store.generation(ctx, name)
}

// EndSessions ends every session of name issued so far, on every instance
// sharing the store, by moving name's session generation on. Errors are
// store failures; then the sessions were not ended.
func (u *Users) EndSessions(ctx context.Context, name string) error {
	return u.store.nextGeneration(ctx, name)
}

type memUser struct {
	hash string
	gen  int64
}

type memUsers struct {
	mu    sync.Mutex
	m     map[string]*memUser
	start int64 // the session generation of a new user
}

func (s *memUsers) hash(_ context.Context, name string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.m[name]; ok {
		return u.hash, true, nil
	}
	return "", false, nil
}

func (s *memUsers) setHash(_ context.Context, name, h string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.m[name]; ok {
		u.hash = h
		return nil
	}
	s.m[name] = &memUser{hash: h, gen: s.start}
	return nil
}

func (s *memUsers) generation(_ context.Context, name string) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.m[name]; ok {
		return u.gen, true, nil
	}
	return 0, false, nil
}

func (s *memUsers) nextGeneration(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.m[name]; ok {
		u.gen++
	}
	return nil
}

type dbUsers struct {
	db      *gorm.DB
	timeout time.Duration
}

func (s dbUsers) hash(ctx context.Context, name string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var rows []userRow
	err := s.db.WithContext(ctx).Where("name = ?", name).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", false, err
	}
	return rows[0].PasswordHash, true, nil
}

func (s dbUsers) setHash(ctx context.Context, name, h string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"password_hash", "updated_at"}),
	}).Create(&userRow{Name: name, PasswordHash: h}).Error
}

func (s dbUsers) generation(ctx context.Context, name string) (int64, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var gens []int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Where("name = ?", name).Limit(1).Pluck("session_generation", &gens).Error
	if err != nil || len(gens) == 0 {
		return 0, false, err
	}
	return gens[0], true, nil
}

func (s dbUsers) nextGeneration(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.db.WithContext(ctx).Model(&userRow{}).Where("name = ?", name).
		Update("session_generation", gorm.Expr("session_generation + 1")).Error
}
