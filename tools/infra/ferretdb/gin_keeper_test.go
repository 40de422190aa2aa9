package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestFieldOfIndexColumn(t *testing.T) {
	cases := []struct {
		expr, field string
		ok          bool
	}{
		{`(_jsonb -> 'customerId'::text)`, "customerId", true},
		{`(_jsonb -> '_id'::text)`, "_id", true},
		{`(_jsonb -> 'it''s'::text)`, "it's", true},
		{`((_jsonb -> 'a'::text) -> 'b'::text)`, "", false}, // nested: pushed down with #>, not handled
		{`_ferretdb_record_id`, "", false},
	}
	for _, c := range cases {
		field, ok := fieldOfIndexColumn(c.expr)
		if field != c.field || ok != c.ok {
			t.Errorf("fieldOfIndexColumn(%q) = %q, %v; want %q, %v", c.expr, field, ok, c.field, c.ok)
		}
	}
}

func TestGinIndexName(t *testing.T) {
	long := strings.Repeat("t", 63)
	name := ginIndexName(long, "customerId")
	if len(name) > 63 || !strings.HasSuffix(name, ginIndexSuffix) {
		t.Errorf("ginIndexName of a 63-character table = %q (%d characters)", name, len(name))
	}
	if ginIndexName("tx_1", "a") != ginIndexName("tx_1", "a") {
		t.Error("ginIndexName is not deterministic")
	}
	if ginIndexName("tx_1", "a") == ginIndexName("tx_1", "b") || ginIndexName(long+"x", "a") == ginIndexName(long+"y", "a") {
		t.Error("ginIndexName gives two indexes one name")
	}
	if strings.HasSuffix(name, "_idx") {
		t.Error("ginIndexName may clash with FerretDB's own index names")
	}
}

func TestCreateSQLQuotesNames(t *testing.T) {
	g := ginIndex{schema: `my"db`, table: "tx_1", field: "it's", name: "tx_1_0_gin"}
	want := `CREATE INDEX IF NOT EXISTS "tx_1_0_gin" ON "my""db"."tx_1" USING gin ((_jsonb -> 'it''s') jsonb_path_ops) WITH (fastupdate = off)`
	if got := g.createSQL(); got != want {
		t.Errorf("createSQL() =\n%s\nwant\n%s", got, want)
	}
	g.large = true
	if got := g.createSQL(); !strings.HasPrefix(got, "CREATE INDEX CONCURRENTLY IF NOT EXISTS ") {
		t.Errorf("createSQL() of a large table = %s", got)
	}
}

func TestQuietDuplicateKeys(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(quietDuplicateKeys{slog.NewTextHandler(&buf, nil)}).With("name", "postgresql")
	log.Error("Query", "err", errors.New(`ERROR: duplicate key value violates unique constraint "x" (SQLSTATE 23505)`))
	if buf.Len() != 0 {
		t.Errorf("a duplicate-key query error was logged: %s", buf.String())
	}
	log.Error("Query", "err", errors.New("ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)"))
	log.Error("other", "err", errors.New("(SQLSTATE 23505)"))
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("want the two other errors logged, got %d lines: %s", n, buf.String())
	}
}

func TestWithoutPoolParams(t *testing.T) {
	got := withoutPoolParams("postgres://u@127.0.0.1:5432/db?pool_max_conns=100&sslmode=disable&pool_max_conn_idle_time=1m")
	if want := "postgres://u@127.0.0.1:5432/db?sslmode=disable"; got != want {
		t.Errorf("withoutPoolParams() = %q, want %q", got, want)
	}
	if got = withoutPoolParams("postgres://u@h/db"); got != "postgres://u@h/db" {
		t.Errorf("withoutPoolParams() changed a URL without parameters: %q", got)
	}
}
