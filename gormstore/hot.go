package gormstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// hotSQL runs the statements of every request (GetConsumer,
// GetAccessToken, GetConsumerAndAccessToken and UseNonce) as fixed SQL on
// the *sql.DB under GORM, without GORM's statement building and reflection
// on each call. New builds it for PostgreSQL, MySQL/MariaDB and SQLite;
// with another dialect, or a GORM connection without a *sql.DB, those
// calls go through GORM like the others.
type hotSQL struct {
	consumer    *statement // one consumer by key
	accessToken *statement // one access token by token
	both        *statement // a consumer and an access token, one row; nil: two queries
	nonce       *statement // insert a nonce unless recorded
	generation  *statement // the generation (0 without its row)
	// batch writes the nonces of concurrent calls in one statement that
	// also reads the generation (PostgreSQL); nil: nonce, then generation.
	batch *nonceBatch
}

// Fields read and written by the hot statements, in the order of their
// columns (see ConsumerModel.dest, AccessTokenModel.dest, NonceModel.args).
var (
	consumerFields    = []string{"Key", "Secret", "Name", "Owner", "CallbackURL", "RSAPublicKey", "Scopes", "CreatedAt"}
	accessTokenFields = []string{"Token", "Secret", "ConsumerKey", "UserID", "Scopes", "CreatedAt", "ExpiresAt", "Revoked"}
	nonceFields       = []string{"ConsumerKey", "Token", "Timestamp", "Nonce"}
)

// newHotSQL builds the statements for db's dialect and tables of prefix, or
// returns nil when it has none for that dialect. Column names come from
// the models as db's naming strategy names them, identifiers are quoted as
// the dialect quotes them. Nothing is sent to the database.
func newHotSQL(db *gorm.DB, prefix string) *hotSQL {
	dialect := db.Dialector.Name()
	if dialect != "postgres" && dialect != "mysql" && dialect != "sqlite" {
		return nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil
	}
	quote := func(name string) string {
		var b strings.Builder
		db.Dialector.QuoteTo(&b, name)
		return b.String()
	}
	// params returns the placeholders of a statement with k parameters.
	params := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = "?"
			if dialect == "postgres" {
				out[i] = "$" + strconv.Itoa(i+1)
			}
		}
		return out
	}
	consumerCols, err1 := columns(db, &ConsumerModel{}, quote, consumerFields)
	accessCols, err2 := columns(db, &AccessTokenModel{}, quote, accessTokenFields)
	nonceCols, err3 := columns(db, &NonceModel{}, quote, nonceFields)
	genCols, err4 := columns(db, &GenerationModel{}, quote, []string{"Generation"})
	if errors.Join(err1, err2, err3, err4) != nil {
		return nil
	}
	consumers, access, nonces := quote(prefix+ConsumersTable), quote(prefix+AccessTokensTable), quote(prefix+NoncesTable)

	// Measured per driver (see the package doc, "Statements"): MySQL's
	// driver prepares and closes a statement around each query unless it
	// is held prepared; pgx keeps the prepared statements of each
	// connection by their text already; SQLite prepares each time anyway.
	prepare := dialect == "mysql"
	h := &hotSQL{}
	p := params(1)
	h.consumer = newStatement(sqlDB, prepare, "SELECT "+strings.Join(consumerCols, ", ")+
		" FROM "+consumers+" WHERE "+consumerCols[0]+" = "+p[0])
	h.accessToken = newStatement(sqlDB, prepare, "SELECT "+strings.Join(accessCols, ", ")+
		" FROM "+access+" WHERE "+accessCols[0]+" = "+p[0])
	if dialect != "sqlite" {
		// One row whatever is found: a one-row table, the consumer and
		// the access token each joined to it, NULL columns for the one
		// missing. SQLite, in process, has no round trip to save, and
		// there a query over two tables costs more than two queries.
		p = params(2)
		h.both = newStatement(sqlDB, prepare, "SELECT "+qualified("c", consumerCols)+", "+qualified("t", accessCols)+
			" FROM (SELECT 1 AS one) AS o"+
			" LEFT JOIN "+consumers+" AS c ON c."+consumerCols[0]+" = "+p[0]+
			" LEFT JOIN "+access+" AS t ON t."+accessCols[0]+" = "+p[1])
	}
	insert, onConflict := "INSERT INTO ", " ON CONFLICT DO NOTHING"
	if dialect == "mysql" {
		insert, onConflict = "INSERT IGNORE INTO ", "" // as useNonceGORM: see there
	}
	insertNonce := insert + nonces + " (" + strings.Join(nonceCols, ", ") + ")" +
		" VALUES (" + strings.Join(params(len(nonceCols)), ", ") + ")" + onConflict
	h.nonce = newStatement(sqlDB, prepare, insertNonce)
	generation := "SELECT COALESCE(MAX(" + genCols[0] + "), 0) FROM " + quote(prefix+GenerationTable)
	h.generation = newStatement(sqlDB, prepare, generation)
	if dialect == "postgres" {
		// The insert and the read share the statement's snapshot, taken
		// when it starts: every change committed before is counted. Each
		// row inserted comes back with the generation (a subquery that
		// runs once); a call whose row does not come back was a replay and
		// needs none. The nonces come as four arrays, so one text serves
		// any batch size.
		many := newStatement(sqlDB, prepare, "INSERT INTO "+nonces+
			" ("+strings.Join(nonceCols, ", ")+")"+
			" SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])"+
			" ON CONFLICT DO NOTHING RETURNING "+strings.Join(nonceCols, ", ")+", ("+generation+")")
		// A batch of one, every write when calls do not overlap, is a
		// plain insert that returns the generation when it inserts: no
		// arrays to encode, and a cheaper plan.
		one := newStatement(sqlDB, prepare, insertNonce+" RETURNING ("+generation+")")
		h.batch = &nonceBatch{write: func(ctx context.Context, calls []*nonceCall) error {
			if len(calls) == 1 {
				c := calls[0]
				var err error
				c.inserted, err = one.queryRow(ctx, c.m.args(), []any{&c.gen})
				return err
			}
			return writeNonces(ctx, many, calls)
		}}
	}
	return h
}

// qualified returns cols, each prefixed with alias, comma-separated.
func qualified(alias string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = alias + "." + c
	}
	return strings.Join(out, ", ")
}

// columns returns the quoted column names of model's fields.
func columns(db *gorm.DB, model any, quote func(string) string, fields []string) ([]string, error) {
	s, err := schema.Parse(model, &sync.Map{}, db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fields))
	for i, name := range fields {
		f := s.LookUpField(name)
		if f == nil || f.DBName == "" {
			return nil, fmt.Errorf("gormstore: %s has no column for %s", s.Name, name)
		}
		out[i] = quote(f.DBName)
	}
	return out, nil
}

// dest returns the scan destinations of consumerFields.
func (m *ConsumerModel) dest() []any {
	return []any{&m.Key, &m.Secret, &m.Name, &m.Owner, &m.CallbackURL, &m.RSAPublicKey, &m.Scopes, &m.CreatedAt}
}

// dest returns the scan destinations of accessTokenFields.
func (m *AccessTokenModel) dest() []any {
	return []any{&m.Token, &m.Secret, &m.ConsumerKey, &m.UserID, &m.Scopes, &m.CreatedAt, &m.ExpiresAt, &m.Revoked}
}

// args returns the values of nonceFields.
func (m *NonceModel) args() []any {
	return []any{m.ConsumerKey, m.Token, m.Timestamp, m.Nonce}
}

// getConsumer loads the consumer with key into m and reports whether there
// was one.
func (h *hotSQL) getConsumer(ctx context.Context, key string, m *ConsumerModel) (bool, error) {
	return h.consumer.queryRow(ctx, []any{key}, m.dest())
}

// getAccessToken loads the access token into m and reports whether there
// was one.
func (h *hotSQL) getAccessToken(ctx context.Context, token string, m *AccessTokenModel) (bool, error) {
	return h.accessToken.queryRow(ctx, []any{token}, m.dest())
}

// getBoth loads the consumer with key into c and the access token into t,
// and reports which of them there was.
func (h *hotSQL) getBoth(ctx context.Context, key, token string, c *ConsumerModel, t *AccessTokenModel) (foundC, foundT bool, err error) {
	if h.both == nil {
		if foundC, err = h.getConsumer(ctx, key, c); err != nil {
			return false, false, err
		}
		foundT, err = h.getAccessToken(ctx, token, t)
		return foundC, foundT, err
	}
	// The key columns tell a row found from NULLs; the others scan into
	// the models, where a NULL leaves the zero value.
	var ck, tk sql.Null[string]
	dest := make([]any, 0, len(consumerFields)+len(accessTokenFields))
	dest = append(dest, &ck)
	for _, d := range c.dest()[1:] {
		dest = append(dest, orNull(d))
	}
	dest = append(dest, &tk)
	for _, d := range t.dest()[1:] {
		dest = append(dest, orNull(d))
	}
	if _, err := h.both.queryRow(ctx, []any{key, token}, dest); err != nil {
		return false, false, err
	}
	c.Key, t.Token = ck.V, tk.V
	return ck.Valid, tk.Valid, nil
}

// useNonce inserts m unless a nonce with its key is recorded, and reports
// whether it did.
func (h *hotSQL) useNonce(ctx context.Context, m *NonceModel) (bool, error) {
	res, err := h.nonce.exec(ctx, m.args())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// useNonceGeneration inserts m unless a nonce with its key is recorded,
// reports whether it did, and returns the generation as of then or later.
func (h *hotSQL) useNonceGeneration(ctx context.Context, m *NonceModel) (inserted bool, gen int64, err error) {
	if h.batch != nil {
		return h.batch.use(ctx, m)
	}
	if inserted, err = h.useNonce(ctx, m); err != nil || !inserted {
		return inserted, 0, err
	}
	_, err = h.generation.queryRow(ctx, nil, []any{&gen})
	return true, gen, err
}

// writeNonces runs stmt, the batch insert of PostgreSQL, for calls, and
// sets each call's result. Of calls with the same nonce key only the first
// can be new.
func writeNonces(ctx context.Context, stmt *statement, calls []*nonceCall) error {
	type key struct {
		consumer, token string
		micros          int64
		nonce           string
	}
	keyOf := func(m *NonceModel) key { return key{m.ConsumerKey, m.Token, m.Timestamp.UnixMicro(), m.Nonce} }
	first := make(map[key]*nonceCall, len(calls))
	var consumers, tokens, values []string
	var times []time.Time
	for _, c := range calls {
		k := keyOf(c.m)
		if first[k] != nil {
			continue
		}
		first[k] = c
		consumers, tokens = append(consumers, c.m.ConsumerKey), append(tokens, c.m.Token)
		times, values = append(times, c.m.Timestamp), append(values, c.m.Nonce)
	}
	var gen int64
	err := stmt.read(ctx, []any{consumers, tokens, times, values}, func(rows rowScanner) error {
		for rows.Next() {
			var m NonceModel
			if err := rows.Scan(&m.ConsumerKey, &m.Token, &m.Timestamp, &m.Nonce, &gen); err != nil {
				return err
			}
			if c := first[keyOf(&m)]; c != nil {
				c.inserted = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range calls {
		c.gen = gen
	}
	return nil
}

// orNull wraps a scan destination (a pointer, as given to sql.Rows.Scan)
// so that a NULL leaves it as it is.
func orNull(dest any) any {
	switch d := dest.(type) {
	case *string:
		return nullable[string]{d}
	case *bool:
		return nullable[bool]{d}
	case *time.Time:
		return nullable[time.Time]{d}
	case **time.Time:
		return nullable[*time.Time]{d}
	}
	return dest // scanning NULL into it fails
}

// nullable is a sql.Scanner that stores a non-NULL value in *dest.
type nullable[T any] struct{ dest *T }

func (n nullable[T]) Scan(src any) error {
	if src == nil {
		return nil
	}
	if v, ok := src.(T); ok { // as the driver gave it: no conversion
		*n.dest = v
		return nil
	}
	var v sql.Null[T]
	err := v.Scan(src)
	*n.dest = v.V
	return err
}

// statement is one fixed SQL statement on a *sql.DB. A prepared one runs
// as a *sql.Stmt, prepared on first use (the tables need not exist when
// New runs) and kept: database/sql prepares it again on each connection
// it runs on, so it outlives lost connections. A preparation that fails
// is tried again on the next call. On a *sql.DB of pgx's driver its
// queries run on the pooled connections' pgx.Conn instead (readNative).
type statement struct {
	db      *sql.DB
	query   string
	prepare bool
	native  bool // db's driver is pgx's: see readNative

	mu   sync.Mutex // held while preparing
	stmt atomic.Pointer[sql.Stmt]
}

func newStatement(db *sql.DB, prepare bool, query string) *statement {
	_, native := db.Driver().(*stdlib.Driver)
	return &statement{db: db, query: query, prepare: prepare, native: native}
}

// prepared returns the *sql.Stmt, preparing it on the first call.
func (s *statement) prepared(ctx context.Context) (*sql.Stmt, error) {
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.query)
	if err != nil {
		return nil, err
	}
	s.stmt.Store(st)
	return st, nil
}

// queryRow runs the query with args and scans its first row into dest.
// It reports false, and no error, when there was no row.
func (s *statement) queryRow(ctx context.Context, args, dest []any) (found bool, err error) {
	err = s.read(ctx, args, func(rows rowScanner) error {
		if !rows.Next() {
			return nil
		}
		found = true
		return rows.Scan(dest...)
	})
	return found && err == nil, err
}

// rowScanner is what read reads rows through: *sql.Rows and pgx.Rows
// both are one.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
}

// read runs the statement with args and reads its rows with read; the
// error is read's, or the query's.
func (s *statement) read(ctx context.Context, args []any, read func(rowScanner) error) error {
	if s.native {
		return s.readNative(ctx, args, read)
	}
	var rows *sql.Rows
	var err error
	if s.prepare {
		var st *sql.Stmt
		if st, err = s.prepared(ctx); err != nil {
			return err
		}
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = s.db.QueryContext(ctx, s.query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := read(rows); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// readNative is read on the *pgx.Conn of one of db's connections, for
// db's whose driver is pgx. database/sql's QueryContext starts a goroutine
// for each query whose context can end, to close its rows when it does;
// on two busy cores waking it cost about a tenth of a statement's time
// (gormstore's BenchmarkAuthenticate_PostgreSQL, the demo's load
// benchmark). pgx honours the context without one. As database/sql does,
// it tries another connection when pgx finds one unusable before sending
// anything; a connection pgx closed is dropped by the pool when it comes
// back (stdlib.Conn.ResetSession).
func (s *statement) readNative(ctx context.Context, args []any, read func(rowScanner) error) error {
	var err error
	for range 3 {
		if err = s.readOnce(ctx, args, read); !errors.Is(err, driver.ErrBadConn) {
			return err
		}
	}
	return err
}

// readOnce is readNative on one connection; driver.ErrBadConn: try another.
func (s *statement) readOnce(ctx context.Context, args []any, read func(rowScanner) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok { // pgx's stdlib.Driver makes only *stdlib.Conn
			return fmt.Errorf("gormstore: a connection of pgx's driver is a %T", dc)
		}
		rows, err := c.Conn().Query(ctx, s.query, args...)
		if err != nil {
			if pgconn.SafeToRetry(err) {
				return fmt.Errorf("%w: %w", driver.ErrBadConn, err) // the pool drops it
			}
			return err
		}
		defer rows.Close()
		if err := read(rows); err != nil {
			return err
		}
		rows.Close()
		return rows.Err()
	})
}

// exec runs the statement with args.
func (s *statement) exec(ctx context.Context, args []any) (sql.Result, error) {
	if !s.prepare {
		return s.db.ExecContext(ctx, s.query, args...)
	}
	st, err := s.prepared(ctx)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}
