// Package gormstore is a core.Store on GORM, for PostgreSQL
// (gorm.io/driver/postgres), MySQL and MariaDB (gorm.io/driver/mysql) and
// SQLite (github.com/glebarez/sqlite, pure Go).
//
//	s := gormstore.New(db)          // options: WithTablePrefix, WithUnloggedNonces
//	if err := s.Migrate(ctx); err != nil { … }
//	p, err := core.New(core.Config{Store: s})
//	go p.RunJanitor(ctx, core.DefaultJanitorInterval, logError) // removes expired rows
//
// # Tables
//
// Migrate creates four tables with GORM's AutoMigrate, or adds what they
// lack, and the application's own models too if given; it is safe on every
// start, from every replica at once: migrations wait for each other under
// a lock the database holds (see Store.Migrate). Their names are the prefix (default
// "oauth1_") and consumers, request_tokens, access_tokens and nonces. To
// run your own migrations instead, use the exported models, which name no
// table, with the store's names, e.g.
// db.Table(s.TableName(gormstore.NoncesTable)).AutoMigrate(&gormstore.NonceModel{}).
// Scopes are stored space-separated, times in UTC with microseconds, and an
// access token without expiry has a NULL expires_at. Indexed string columns
// are at most 191 characters (nonce values 255; longer nonce values are
// stored as their SHA-256), which keeps every index within InnoDB's limits
// in utf8mb4. On MySQL and MariaDB Migrate gives new tables a binary,
// no-pad collation, so that keys and tokens compare exactly (case and
// trailing spaces count); on PostgreSQL it makes the nonce table UNLOGGED
// (see WithUnloggedNonces).
//
// # Guarantees
//
// Every guarantee of the core.Store contract is kept by the database, so
// any number of Stores in any number of processes may share it:
//
//   - AuthorizeRequestToken, DenyRequestToken: one conditional UPDATE
//     (… WHERE token = ? AND state = 'pending'); of concurrent calls one
//     changes the row, the others find it changed (core.ErrConflict).
//   - ConsumeRequestToken: that UPDATE (state 'authorized' to 'used') and
//     the INSERT of the access token in one transaction; if the insert
//     fails, the token stays authorized.
//   - UseNonce: the nonce table's primary key (consumer key, token,
//     timestamp, nonce) with INSERT … ON CONFLICT DO NOTHING (INSERT IGNORE
//     on MySQL); no row inserted is core.ErrNonceUsed.
//   - Create*: INSERT … ON CONFLICT DO NOTHING (ON DUPLICATE KEY UPDATE on
//     MySQL); no row inserted is core.ErrDuplicate.
//
// Conflicts are told by counts of affected rows, never by parsing driver
// errors, and after a write that changed nothing the row is read again to
// tell core.ErrNotFound from core.ErrConflict. Every other failure of the
// database is returned wrapped ("gormstore: get consumer: …"), never as a
// sentinel. Every method runs with its ctx.
//
// # Database settings
//
// MySQL and MariaDB: the DSN must set parseTime=true (loc=UTC is
// advised) and must not set clientFoundRows=true, with which a duplicate
// Create* would not be detected; interpolateParams=true saves a round
// trip or two on each statement that runs through GORM (those of each
// request are held prepared, see Statements). Tables need the DYNAMIC row
// format (the default since MySQL 5.7 and MariaDB 10.2) for the nonce
// index.
//
// SQLite: concurrent writers need a busy timeout, and WAL lets readers
// run beside the writer, e.g. the DSN
// "file:oauth.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)".
//
// # Statements
//
// A Store is a core.NonceGenerationStore: it keeps a generation, a number
// that DeleteConsumer, UpdateConsumerSecret and RevokeAccessToken move on
// in their own transactions (GenerationTable), and UseNonceGeneration returns it with
// each nonce it records. With it core.Provider keeps the consumers and
// access tokens it found in memory and reads them again only when the
// generation moved, so a busy token costs one statement per request (the
// nonce write), and a revocation on any instance still holds on the next
// request everywhere. A change made to the tables without the Store must
// move the generation too (see UseNonceGeneration).
//
// The statements of a request (GetConsumerAndAccessToken, one query for
// the consumer and the access token, when the provider must read them;
// and the nonce write) run on PostgreSQL, MySQL/MariaDB and SQLite as
// fixed SQL built once by New (table prefix included, identifiers quoted
// as the dialect quotes them, columns named as db's naming strategy names
// them) straight on db's *sql.DB, the pool GORM manages, without GORM's
// statement building and reflection on each call. Everything else
// (Migrate, creating and changing records, lists, expiry) runs through
// GORM. Each driver gets the shape that measured cheapest:
//
//   - PostgreSQL (pgx): plain queries, run on the *pgx.Conn of a pooled
//     connection (sql.Conn.Raw) rather than through database/sql's
//     QueryContext, which starts a goroutine per query to watch its
//     context; pgx watches it without one. pgx prepares each statement
//     once per connection and keeps it, by its text. The nonce write and the
//     read of the generation are one statement; nonces of concurrent
//     requests are written together, one statement and one commit for
//     all that arrived while the previous write ran (no goroutine of its
//     own: the first caller writes, the next write is done by the first
//     caller that queued). A caller waits for at most the write before its
//     own. On the demo's load benchmark this took protected requests from
//     about 0.2 to about 0.3 of the open route's throughput (16
//     connections, two cores), and running on the pgx.Conn to about 0.33.
//   - MySQL and MariaDB: the nonce insert, then a read of the generation;
//     a *sql.Stmt per statement, prepared on first use
//     and kept; database/sql prepares it once on each connection it runs
//     on, again after a connection is lost. Without it the driver would
//     prepare and close a statement around every query.
//   - SQLite: plain queries (the nonce insert, then a read of the
//     generation); the driver prepares each one anyway, in process. GetConsumerAndAccessToken runs two of them there: there is
//     no round trip to save, and a query over two tables costs SQLite
//     several times what two single-table ones do.
//
// Being outside GORM, these statements reach neither db's logger nor its
// callbacks or plugins (a read-replica resolver, say: they read from db's
// own pool, where a revocation shows at once). With another dialect, or a
// db without a *sql.DB, they run through GORM like the rest.
//
// # Connection pool
//
// database/sql keeps at most 2 idle connections unless told otherwise, so
// under concurrent requests every connection beyond two is closed as soon
// as its statement ends and a new one is opened for the next: on
// PostgreSQL a new server process and authentication for nearly every
// request, costing more than the statements themselves (and on MySQL one
// more preparation of each statement). Size the pool of db's *sql.DB on
// purpose, before serving (see Example_connectionPool):
//
//   - SetMaxOpenConns(n): the most statements this process runs at once;
//     requests beyond n wait for a connection. n times the number of
//     processes, plus other clients, must stay under the server's limit
//     (PostgreSQL's max_connections is 100 by default). 16 to 32 is a sane
//     start for a small server; more rarely helps.
//   - SetMaxIdleConns(n), the same n: connections stay open between
//     requests instead of being closed and opened again under load.
//   - SetConnMaxIdleTime (minutes): after a burst, connections left unused
//     that long are closed.
//   - SetConnMaxLifetime (e.g. 30 minutes to an hour, below any idle
//     timeout of the server or a proxy on the way): connections are
//     renewed now and then, so that they follow a failover or a changed
//     DNS name.
//
// SQLite runs in process: there the pool bounds how many statements run at
// once, and writers wait for each other (see the busy timeout above).
//
// # Logging
//
// The store runs on a session of db that keeps statement parameters
// (secrets, tokens) away from db's logger, which sees SQL with
// placeholders only, and that skips GORM's default transaction around
// single writes (one statement is atomic on its own). The statements of
// each request do not reach the logger at all (see Statements).
//
// # Expiry
//
// The store never reads the clock. DeleteExpired and PurgeNonces remove what
// has expired at the time they are given; core.Provider.RunJanitor calls
// both on an interval, with the provider's clock and its TimestampPast as
// the nonce window, so the window cannot drift from the timestamp check. No
// goroutine starts unless you start one.
//
// At a steady rate of R signed requests a second, the nonce table holds R ×
// window live rows (window: the provider's TimestampPast, 5 minutes by
// default) plus those expired since the last run: at most R × (window +
// interval) rows, so an interval of at most the window keeps it under two
// windows. Each run deletes R × interval rows in one statement, and
// RunJanitor ends a run that outlasts the interval. On a small shared
// machine PostgreSQL deleted 600,000 (a minute at 10,000/s) in 0.9 s
// (BenchmarkPurgeNonces; a logged nonce table also wrote 69 MiB of WAL, the
// default unlogged one almost none), and 3 million from a logged table in
// 4 s. So keep R × interval near 600,000 rows or below, and the interval at
// most the window: the default, one minute (core.DefaultJanitorInterval),
// holds 10,000 signed requests/s with the table under 1.2 windows (3.6
// million rows); at 100,000/s, use 6 s. The DELETE blocks no UseNonce (new
// nonces are other rows), so batches would only spread it out. Replicas may
// each run a janitor: concurrent purges delete each row once, though one
// per database is enough.
package gormstore
