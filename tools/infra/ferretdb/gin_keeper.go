package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The GIN index keeper. FerretDB 1.x pushes a top-level equality filter down to PostgreSQL as
// `_jsonb->'field' @> value`, but creates btree indexes on `((_jsonb->'field'))`, which cannot
// serve `@>`: every such lookup scans the table. A GIN index on the same expression with
// jsonb_path_ops can. The keeper watches the catalog and gives every field that leads one of
// FerretDB's indexes (so `_id` always) such a GIN index. Mongo clients never see these indexes
// (FerretDB lists indexes from its own metadata), and they go away with their table.

// concurrentBuildPages: tables larger than this (8 KiB pages, i.e. 16 MiB) get their index
// built CONCURRENTLY, so that a collection that already holds data keeps accepting writes.
const concurrentBuildPages = 2048

// The indexes are built WITH (fastupdate = off): with GIN's pending list, every lookup scans all
// entries inserted since the last vacuum (measured: 9 ms instead of 0.03 ms after 200k inserts).

// ginIndexSuffix never ends like FerretDB's own names (`..._<hash>_idx`), so the two can't clash.
const ginIndexSuffix = "_gin"

// leadingFieldsQuery: for every table with FerretDB's `_jsonb` column (FerretDB's own
// `_ferretdb_*` tables excepted), the first column of each of its btree indexes, as
// pg_get_indexdef prints it, e.g. `(_jsonb -> 'customerId'::text)`.
const leadingFieldsQuery = `
SELECT n.nspname, t.relname, t.relpages, pg_get_indexdef(i.indexrelid, 1, true)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE am.amname = 'btree'
  AND t.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND left(t.relname, 10) <> '_ferretdb_'
  AND EXISTS (SELECT 1 FROM pg_attribute a
              WHERE a.attrelid = t.oid AND a.attname = '_jsonb' AND NOT a.attisdropped)`

// ginIndexesQuery: every GIN index with its validity (a failed CONCURRENTLY build leaves an invalid one).
const ginIndexesQuery = `
SELECT n.nspname, ic.relname, i.indisvalid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE am.amname = 'gin'`

// topLevelField matches a first index column on one top-level field; nested fields
// (`(_jsonb -> 'a'::text) -> 'b'::text`) are pushed down with `#>` and are not handled.
var topLevelField = regexp.MustCompile(`^\(_jsonb -> '((?:[^']|'')*)'::text\)$`)

// ginIndex is one index the keeper wants.
type ginIndex struct {
	schema, table, field, name string
	large                      bool
}

// ginIndexName is deterministic and short: at most 40 characters of the table name, a hash of
// table and field, and the suffix (PostgreSQL truncates identifiers at 63 bytes).
func ginIndexName(table, field string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(table + "\x00" + field))
	prefix := table
	if len(prefix) > 40 {
		prefix = prefix[:40]
	}
	return fmt.Sprintf("%s_%08x%s", prefix, h.Sum32(), ginIndexSuffix)
}

// fieldOfIndexColumn returns the top-level field an index column expression reads, if any.
func fieldOfIndexColumn(expr string) (string, bool) {
	m := topLevelField.FindStringSubmatch(expr)
	if m == nil {
		return "", false
	}
	return strings.ReplaceAll(m[1], "''", "'"), true
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (g ginIndex) createSQL() string {
	concurrently := ""
	if g.large {
		concurrently = "CONCURRENTLY "
	}
	return fmt.Sprintf(`CREATE INDEX %sIF NOT EXISTS %s ON %s USING gin ((_jsonb -> %s) jsonb_path_ops) WITH (fastupdate = off)`,
		concurrently, pgx.Identifier{g.name}.Sanitize(), pgx.Identifier{g.schema, g.table}.Sanitize(), quoteLiteral(g.field))
}

type ginKeeper struct {
	url      string
	log      *slog.Logger
	conn     *pgx.Conn
	connErr  string         // last connection error logged, to log each new one once
	failures map[string]int // index name -> consecutive failed attempts (back-off)
	skip     map[string]int // index name -> ticks left before the next attempt
}

// runGinKeeper checks the catalog at start and then every interval until ctx ends.
func runGinKeeper(ctx context.Context, url string, interval time.Duration, log *slog.Logger) {
	k := &ginKeeper{url: url, log: log, failures: map[string]int{}, skip: map[string]int{}}
	defer k.close()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		k.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (k *ginKeeper) close() {
	if k.conn != nil {
		_ = k.conn.Close(context.Background())
		k.conn = nil
	}
}

func (k *ginKeeper) connect(ctx context.Context) bool {
	if k.conn != nil && !k.conn.IsClosed() {
		return true
	}
	k.close()
	cfg, err := pgx.ParseConfig(withoutPoolParams(k.url))
	if err != nil {
		k.logConnErr(err)
		return false
	}
	cfg.RuntimeParams["application_name"] = "ferretdb-gin-keeper"
	// never queue long behind FerretDB's own locks: a later tick tries again
	cfg.RuntimeParams["lock_timeout"] = "1s"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		k.logConnErr(err)
		return false
	}
	if k.connErr != "" {
		k.log.Info("connected to PostgreSQL again")
	}
	k.connErr = ""
	k.conn = conn
	return true
}

// withoutPoolParams drops pgxpool's settings (pool_max_conns, ...) from a URL: they are meant for
// FerretDB's pool, and a plain connection would send them to the server as unknown parameters.
func withoutPoolParams(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	for key := range q {
		if strings.HasPrefix(key, "pool_") {
			q.Del(key)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (k *ginKeeper) logConnErr(err error) {
	if msg := err.Error(); msg != k.connErr {
		k.connErr = msg
		k.log.Warn("cannot connect to PostgreSQL; retrying every tick", "error", msg)
	}
}

// tick makes one pass: list the wanted indexes, drop our own invalid leftovers, create what is missing.
func (k *ginKeeper) tick(ctx context.Context) {
	if !k.connect(ctx) {
		return
	}
	wanted, err := k.wantedIndexes(ctx)
	if err == nil {
		var existing map[string]bool
		if existing, err = k.ginIndexes(ctx); err == nil {
			for _, g := range wanted {
				if ctx.Err() != nil {
					return
				}
				k.ensure(ctx, g, existing)
			}
			return
		}
	}
	if ctx.Err() == nil {
		k.log.Warn("reading the catalog failed", "error", err)
	}
	if k.conn.IsClosed() || pgconn.SafeToRetry(err) {
		k.close()
	}
}

func (k *ginKeeper) wantedIndexes(ctx context.Context) ([]ginIndex, error) {
	rows, err := k.conn.Query(ctx, leadingFieldsQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	var wanted []ginIndex
	for rows.Next() {
		var schema, table, expr string
		var pages int32
		if err = rows.Scan(&schema, &table, &pages, &expr); err != nil {
			return nil, err
		}
		field, ok := fieldOfIndexColumn(expr)
		if !ok {
			continue
		}
		g := ginIndex{schema: schema, table: table, field: field, name: ginIndexName(table, field), large: pages > concurrentBuildPages}
		if key := schema + "." + g.name; !seen[key] {
			seen[key] = true
			wanted = append(wanted, g)
		}
	}
	return wanted, rows.Err()
}

// ginIndexes maps "schema.name" of every GIN index to its validity.
func (k *ginKeeper) ginIndexes(ctx context.Context) (map[string]bool, error) {
	rows, err := k.conn.Query(ctx, ginIndexesQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var schema, name string
		var valid bool
		if err = rows.Scan(&schema, &name, &valid); err != nil {
			return nil, err
		}
		m[schema+"."+name] = valid
	}
	return m, rows.Err()
}

func (k *ginKeeper) ensure(ctx context.Context, g ginIndex, existing map[string]bool) {
	valid, exists := existing[g.schema+"."+g.name]
	if exists && valid {
		delete(k.failures, g.name)
		return
	}
	if k.skip[g.name] > 0 {
		k.skip[g.name]--
		return
	}
	if exists { // an interrupted CONCURRENTLY build: drop it, build it again
		k.log.Info("dropping an invalid GIN index left by an interrupted build", "schema", g.schema, "index", g.name)
		if _, err := k.conn.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+pgx.Identifier{g.schema, g.name}.Sanitize()); err != nil {
			k.failed(ctx, g, err)
			return
		}
	}
	start := time.Now()
	if _, err := k.conn.Exec(ctx, g.createSQL()); err != nil {
		k.failed(ctx, g, err)
		return
	}
	delete(k.failures, g.name)
	k.log.Info("created GIN index", "schema", g.schema, "table", g.table, "field", g.field, "index", g.name,
		"concurrently", g.large, "ms", time.Since(start).Milliseconds())
}

// failed handles a failed attempt: a table or schema dropped meanwhile is normal (tests drop
// databases all the time); anything else is logged and retried with an exponential back-off.
func (k *ginKeeper) failed(ctx context.Context, g ginIndex, err error) {
	if ctx.Err() != nil {
		return
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "42P01", "3F000": // undefined_table, invalid_schema_name: dropped concurrently
			return
		case "55P03", "40P01": // lock_not_available, deadlock_detected: busy table, next tick
			k.log.Debug("table busy, retrying", "schema", g.schema, "table", g.table, "error", err)
			return
		}
	}
	n := k.failures[g.name] + 1
	k.failures[g.name] = n
	wait := 1 << min(n, 6) // ticks: 2, 4, ... 64
	k.skip[g.name] = wait
	k.log.Warn("creating a GIN index failed", "schema", g.schema, "table", g.table, "field", g.field,
		"index", g.name, "attempt", n, "retry_in_ticks", wait, "error", err)
	if k.conn.IsClosed() {
		k.close()
	}
}
