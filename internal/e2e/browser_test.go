package e2e

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func parseForm(t *testing.T, pageURL, page string) (string, url.Values) {
	t.Helper()
	action, fields, err := emulator.ParseForm(pageURL, page)
	if err != nil {
		t.Fatalf("%v:\n%s", err, page)
	}
	return action, fields
}
