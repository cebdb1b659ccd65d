package session

import (
	"strings"
	"testing"
)

func TestFirstField(t *testing.T) {
	m := map[string]any{"data": map[string]any{"gamertag": "", "id": float64(42)}, "name": "x\x1b[31m"}
	if got := firstField(m, []string{"data.gamertag", "data.id"}); got != "42" {
		t.Errorf("firstField = %q", got)
	}
	if got := firstField(m, []string{"missing", "name"}); got == "" || strings.ContainsRune(got, 0x1b) {
		t.Errorf("firstField = %q: want the name without the escape", got)
	}
}
