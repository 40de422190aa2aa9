// Command ferretdb-local runs FerretDB v1 (MongoDB wire protocol over SQLite) for local
// development, built from FerretDB's embeddable package so that no generated version files
// are needed (`go install .../cmd/ferretdb` panics on a missing build/version/version.txt).
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

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretModule = "github.com/FerretDB/FerretDB"

func main() {
	listen := flag.String("listen", envOr("FERRETDB_LISTEN", "127.0.0.1:27017"), "TCP address to listen on")
	dataDir := flag.String("data-dir", envOr("FERRETDB_DATA_DIR", "data"), "directory for the SQLite databases")
	// FerretDB logs every client disconnect and unsupported command (e.g. the driver's
	// endSessions) at WARN: default to ERROR to keep the log readable.
	logLevel := flag.String("log-level", envOr("FERRETDB_LOG_LEVEL", "error"), "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fatalf("invalid log level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fatalf("data dir: %v", err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fatalf("data dir: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// must start with "file:", end with "/" and name an existing directory
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		fatalf("%v", err)
	}

	// The embedded package reports its version as "unknown" (buildInfo.ferretdbVersion):
	// report the FerretDB module version this binary was built with instead.
	v := ferretVersion()
	version.Get().Version = v

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// the listener binds inside Run; a bind failure is logged by FerretDB and ends the process
	fmt.Fprintf(os.Stderr, "ferretdb-local: FerretDB %s serving mongodb://%s/ (sqlite data in %s, pid %d)\n", v, *listen, dir, os.Getpid())

	if err = f.Run(ctx); err != nil {
		fatalf("%v", err)
	}
	fmt.Fprintln(os.Stderr, "ferretdb-local: stopped")
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
