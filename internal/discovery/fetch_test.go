package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// metadataServer serves a metadata document for issuer at every path, or
// redirects every request to redirect when it is set.
func metadataServer(t *testing.T, tls bool, issuer *string, redirect string) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if redirect != "" && r.URL.Path != "/doc" {
			http.Redirect(w, r, redirect, http.StatusFound)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"issuer": *issuer,
			"authorization_endpoint": "https://as.example/authorize", "token_endpoint": "https://as.example/token"})
	})
	s := httptest.NewUnstartedServer(h)
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// TestDiscoverRefusesDowngradeRedirect: an https issuer whose metadata
// redirects to plain http hands the document to anyone on the network
// path, who could then name their own token endpoint (and be sent the
// client secret at login). Such a redirect is refused.
func TestDiscoverRefusesDowngradeRedirect(t *testing.T) {
	var issuer string
	forged := metadataServer(t, false, &issuer, "")
	as := metadataServer(t, true, &issuer, "http://metadata.example/doc")
	issuer = as.URL
	// metadata.example resolves to the forger, as it would for an attacker
	// on the network path.
	tr := as.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "metadata.example:80" {
			addr = forged.Listener.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	_, err := Discover(context.Background(), &http.Client{Transport: tr}, issuer)
	if err == nil || !strings.Contains(err.Error(), "(refusing its redirect to another origin, http://metadata.example/doc)") {
		t.Fatalf("Discover followed a redirect to plain http: %v", err)
	}
}

// TestDiscoverRefusesCrossOriginRedirect: an open redirect on the issuer's
// host would let a third party serve a document that copies the issuer
// (so the issuer check passes) and names its own endpoints. Only redirects
// within the metadata URL's origin are followed.
func TestDiscoverRefusesCrossOriginRedirect(t *testing.T) {
	var issuer string
	third := metadataServer(t, true, &issuer, "")
	as := metadataServer(t, true, &issuer, third.URL+"/doc")
	issuer = as.URL
	_, err := Discover(context.Background(), as.Client(), issuer)
	if err == nil || !strings.Contains(err.Error(), "refusing its redirect to another origin, "+third.URL+"/doc") {
		t.Fatalf("Discover followed a redirect to another origin: %v", err)
	}
}

// TestDiscoverInterrupted: Ctrl-C while the metadata is fetched is an
// interruption (exit 130), not a provider that has no metadata (exit 4).
func TestDiscoverInterrupted(t *testing.T) {
	var issuer string
	as := metadataServer(t, true, &issuer, "")
	issuer = as.URL
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Discover(ctx, as.Client(), issuer); !errors.Is(err, context.Canceled) {
		t.Fatalf("Discover after Ctrl-C = %v (exit %d), want context.Canceled", err, exitcode.Code(err))
	}
}

// TestDiscoverFollowsSameOriginRedirect: a redirect within the origin is
// followed; the document's issuer is checked as always.
func TestDiscoverFollowsSameOriginRedirect(t *testing.T) {
	var issuer string
	as := metadataServer(t, true, &issuer, "/doc")
	issuer = as.URL
	m, err := Discover(context.Background(), as.Client(), issuer)
	if err != nil || m.TokenEndpoint != "https://as.example/token" {
		t.Fatalf("Discover = %+v, %v", m, err)
	}
}
