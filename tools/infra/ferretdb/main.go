// Command ferretdb-local runs FerretDB v1 (MongoDB wire protocol over PostgreSQL, or SQLite)
// for local development, built from FerretDB's embeddable package so that no generated version
// files are needed (`go install .../cmd/ferretdb` panics on a missing build/version/version.txt).
//
// On PostgreSQL it also runs the GIN index keeper (gin_keeper.go): FerretDB pushes equality
// filters down as `_jsonb->'field' @> value`, which only a GIN index can serve.
//
// Started by tools/infra/local-infra.sh; see tools/infra/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretModule = "github.com/FerretDB/FerretDB"

func main() {
	listen := flag.String("listen", envOr("FERRETDB_LISTEN", "127.0.0.1:27017"), "TCP address to listen on")
	handler := flag.String("handler", envOr("FERRETDB_HANDLER", "postgresql"), "backend: postgresql or sqlite")
	pgURL := flag.String("postgresql-url", envOr("FERRETDB_POSTGRESQL_URL", "postgres://ferretdb@127.0.0.1:5432/ferretdb"),
		"PostgreSQL URL (handler postgresql)")
	// A second listener with TLS (server certificate only: with a CA file FerretDB would demand
	// client certificates, so none is taken).
	listenTLS := flag.String("listen-tls", envOr("FERRETDB_LISTEN_TLS", ""), "TLS address to listen on (empty: no TLS listener)")
	tlsCert := flag.String("listen-tls-cert-file", envOr("FERRETDB_LISTEN_TLS_CERT_FILE", ""), "TLS server certificate (PEM)")
	tlsKey := flag.String("listen-tls-key-file", envOr("FERRETDB_LISTEN_TLS_KEY_FILE", ""), "TLS server key (PEM)")
	dataDir := flag.String("data-dir", envOr("FERRETDB_DATA_DIR", "data"), "directory for the SQLite databases (handler sqlite)")
	ginInterval := flag.Duration("gin-interval", time.Second, "how often the GIN index keeper checks the catalog (handler postgresql; 0 disables it)")
	// FerretDB logs every client disconnect and unsupported command (e.g. the driver's
	// endSessions) at WARN: default to ERROR to keep the log readable.
	logLevel := flag.String("log-level", envOr("FERRETDB_LOG_LEVEL", "error"), "debug, info, warn or error (FerretDB's own log)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fatalf("invalid log level %q: %v", *logLevel, err)
	}
	logger := slog.New(quietDuplicateKeys{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

	if *listenTLS != "" && (*tlsCert == "" || *tlsKey == "") {
		fatalf("-listen-tls needs -listen-tls-cert-file and -listen-tls-key-file")
	}
	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen, TLS: *listenTLS, TLSCertFile: *tlsCert, TLSKeyFile: *tlsKey},
		Logger:   logger,
		Handler:  *handler,
	}
	var where string
	switch *handler {
	case "postgresql":
		cfg.PostgreSQLURL = *pgURL
		where = "postgresql " + redactURL(*pgURL)
	case "sqlite":
		dir, err := filepath.Abs(*dataDir)
		if err != nil {
			fatalf("data dir: %v", err)
		}
		if err = os.MkdirAll(dir, 0o755); err != nil {
			fatalf("data dir: %v", err)
		}
		// must start with "file:", end with "/" and name an existing directory
		cfg.SQLiteURL = "file:" + filepath.ToSlash(dir) + "/"
		where = "sqlite data in " + dir
	default:
		fatalf("invalid handler %q: postgresql or sqlite", *handler)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fatalf("%v", err)
	}

	// The embedded package reports its version as "unknown" (buildInfo.ferretdbVersion):
	// report the FerretDB module version this binary was built with instead.
	v := ferretVersion()
	version.Get().Version = v

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *handler == "postgresql" && *ginInterval > 0 {
		// the keeper logs its own lines (index creations) at info, whatever FerretDB's level
		keeperLog := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("component", "gin-keeper")
		go runGinKeeper(ctx, *pgURL, *ginInterval, keeperLog)
	}

	// the listener binds inside Run; a bind failure is logged by FerretDB and ends the process
	fmt.Fprintf(os.Stderr, "ferretdb-local: FerretDB %s serving mongodb://%s/ (%s, pid %d)\n", v, *listen, where, os.Getpid())
	if *listenTLS != "" {
		fmt.Fprintf(os.Stderr, "ferretdb-local: and mongodb://%s/?tls=true (certificate %s)\n", *listenTLS, *tlsCert)
	}

	if err = f.Run(ctx); err != nil {
		fatalf("%v", err)
	}
	fmt.Fprintln(os.Stderr, "ferretdb-local: stopped")
}

// redactURL hides a password in a connection URL before it is logged.
func redactURL(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return s
	}
	userinfo := s[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return s[:scheme+3] + userinfo[:i] + ":***" + s[at:]
	}
	return s
}

func ferretVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == ferretModule {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-local: "+format+"\n", args...)
	os.Exit(1)
}
