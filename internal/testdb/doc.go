// Package testdb tells the tests that need a database server (PostgreSQL,
// MySQL/MariaDB) which one to use and what to do when it does not answer.
//
// A Server names its variable and its documented local default: the
// tests use the variable's value when it is set, and the default
// otherwise, so that a developer with the databases running locally runs
// every test with no setup. When the server does not answer within
// ConnectTimeout, the test is skipped with a message that names the
// server, its address and the variable to set; it fails instead when CI is
// set (CI must run them all) or when the variable is set (someone asked
// for that database).
//
// The example services' tests (internal/demo/demotest) and gormstore's own
// tests use it, each with their variables.
package testdb
