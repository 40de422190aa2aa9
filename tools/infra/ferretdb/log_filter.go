package main

import (
	"context"
	"log/slog"
	"strings"
)

// quietDuplicateKeys drops FerretDB's log line for a query that failed on a unique index
// (PostgreSQL's SQLSTATE 23505). FerretDB answers the client with the duplicate key error
// (code 11000), which is a normal outcome for the services (insert-first writes, the quota's
// claimed slots), yet its PostgreSQL tracer logs each one at ERROR with the query's arguments:
// under a redelivery benchmark that is one ~500-byte line per record.
type quietDuplicateKeys struct{ slog.Handler }

func (h quietDuplicateKeys) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "Query" && r.Level >= slog.LevelError {
		duplicate := false
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "err" && strings.Contains(a.Value.String(), "(SQLSTATE 23505)") {
				duplicate = true
				return false
			}
			return true
		})
		if duplicate {
			return nil
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietDuplicateKeys) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietDuplicateKeys{h.Handler.WithAttrs(attrs)}
}

func (h quietDuplicateKeys) WithGroup(name string) slog.Handler {
	return quietDuplicateKeys{h.Handler.WithGroup(name)}
}
