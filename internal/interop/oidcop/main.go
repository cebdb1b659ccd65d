// Command oidcop runs the zitadel/oidc example OpenID Provider (its own
// storage, login page and endpoints, unmodified) for zauth's
// interoperability tests, with the clients those tests register:
//
//   - native: a public client (token endpoint auth "none"); like every
//     native client of that server it accepts any loopback port
//     (RFC 8252 §7.3) for its registered redirect path.
//   - web: a confidential client (client_secret_basic) whose redirect URIs
//     must match exactly.
//
// One rule of OpenID Connect Core §11 is added, which the example leaves
// out: an authorization request for offline_access without prompt=consent
// loses that scope, as on servers that follow the specification.
//
// It listens on -addr (port 0 picks a free port) and prints one line,
// "issuer <URL>", once it accepts connections. It lives in its own Go
// module so that zauth's module graph never includes the server.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// consentRule is the example storage with OpenID Connect Core §11 applied.
type consentRule struct {
	*storage.Storage
}

func (s consentRule) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	if !slices.Contains(req.Prompt, oidc.PromptConsent) {
		req.Scopes = slices.DeleteFunc(slices.Clone(req.Scopes), func(s string) bool { return s == oidc.ScopeOfflineAccess })
	}
	return s.Storage.CreateAuthRequest(ctx, req, userID)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	redirects := flag.String("redirect", "", "comma-separated redirect URIs for both clients")
	webSecret := flag.String("web-secret", "", "secret of the confidential client \"web\"")
	verbose := flag.Bool("v", false, "log every request to stderr")
	flag.Parse()
	if *redirects == "" || *webSecret == "" {
		fmt.Fprintln(os.Stderr, "oidcop: -redirect and -web-secret are required")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcop:", err)
		os.Exit(1)
	}
	issuer := "http://" + ln.Addr().String() + "/"
	uris := strings.Split(*redirects, ",")
	clients := map[string]*storage.Client{}
	for _, c := range []*storage.Client{storage.NativeClient("native", uris...), storage.WebClient("web", *webSecret, uris...)} {
		clients[c.GetID()] = c
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	store := consentRule{storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)}
	router := exampleop.SetupServer(issuer, store, logger, false)
	fmt.Println("issuer", issuer)
	if err := http.Serve(ln, router); err != nil {
		fmt.Fprintln(os.Stderr, "oidcop:", err)
		os.Exit(1)
	}
}
