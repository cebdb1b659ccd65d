// Command emulatord runs the Ziina emulator as a process for the benchmark
// script. It prints shell variable assignments (endpoints, a refresh token
// it will accept) on stdout, and on SIGTERM prints the number of refresh
// requests it received on stderr.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
)

func main() {
	s := emulator.New(emulator.Ziina, emulator.Options{
		ClientID: "bench-client", Password: "bench-password",
		RedirectURIs: []string{"http://127.0.0.1:8976/callback"},
	})
	defer s.Close()
	_, refresh := s.IssueToken([]string{"read_account", "offline_access"}, true, time.Hour)
	fmt.Printf("ZAUTH_ZIINA_AUTH_URL=%s\nZAUTH_ZIINA_TOKEN_URL=%s\nZAUTH_ZIINA_ISSUER=%s\nBENCH_REFRESH_TOKEN=%s\n",
		s.AuthURL(), s.TokenURL(), s.Issuer, refresh)
	os.Stdout.Close()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	fmt.Fprintf(os.Stderr, "refresh_requests=%d\n", s.RefreshRequests())
}
