package jq

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// No operation builds a string over 64 MiB or an array over 8M elements:
// the expression fails with "result too large" (exit 2 from a command),
// and try does not hide it. Without the cap, each of these exhausts
// memory, and Go's out-of-memory crash exits 2 with no word of --jq.
func TestSizeCap(t *testing.T) {
	double := func(n int) string { return strings.Repeat(" | .+.", n) }
	nest := strings.Repeat(" | [., .]", 40) // 2^40 leaves, shared: small until written out
	for _, expr := range []string{
		`"x"` + double(40),
		`[1]` + double(40),
		`"x"` + double(26) + ` | [., .] | add`,
		`[1]` + double(23) + ` | [., .] | add`,
		`"x"` + double(26) + ` | [., .] | join("")`,
		`"x"` + double(23) + ` | . + "y" | split("")`,
		`"x"` + double(23) + ` | . + "y" | . / ""`,
		`[1]` + double(23) + ` | [.[], 1]`,
		`[1]` + double(23) + ` | map(., 1)`,
		`[1] | sort_by(1` + strings.Repeat(` | (., .)`, 24) + `)`, // the key is [all of f's outputs]
		`"x"` + nest,
		`"x"` + nest + ` | tostring`,
		`"x"` + nest + ` | "\(.)"`,
		`try ("x"` + double(40) + `)`,
		`("x"` + double(40) + `)?`,
	} {
		got, err := run(t, expr, nil)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), "result too large") || got != "" {
			t.Errorf("%.50s...%.30s: %.40q, %v; want a result too large error", expr, expr[max(0, len(expr)-30):], got, err)
		}
	}
	// At the cap itself, fine.
	for expr, want := range map[string]string{
		`"x"` + double(26) + ` | length`: "67108864\n",
		`[1]` + double(23) + ` | length`: "8388608\n",
	} {
		if got, err := run(t, expr, nil); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", expr, got, err, want)
		}
	}
}

// Slices count a string's characters where it lies: they used to copy
// it into a []rune first, four bytes a character, so a 64 MiB string
// from a response cost 256 MiB more on every call. (length's
// len([]rune(s)) never copied: the compiler counts it in place. It is
// checked so that it stays so.)
func TestStringCharactersInPlace(t *testing.T) {
	build := `"é"` + strings.Repeat(" | .+.", 22) // 4M characters, 8 MiB
	allocated := func(expr string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := run(t, expr, nil); err != nil {
			t.Fatalf("%.30s...: %v", expr, err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	base := allocated(build + " | 0")
	for _, tail := range []string{" | length", " | .[1:] | 0", " | .[:-1] | 0", " | .[5:9] | 0"} {
		if extra := int64(allocated(build+tail)) - int64(base); extra > 1<<20 {
			t.Errorf("%s: %d MiB more than building the string", tail, extra>>20)
		}
	}
}

// test(re) keeps the regular expressions it compiled, but not all of
// them: with patterns from a response (.[] | test(.pattern)), each
// distinct one stayed, a few KiB each, millions of them in 64 MiB.
func TestRegexpCacheBounded(t *testing.T) {
	e := &env{ctx: context.Background()}
	for i := range 10_000 {
		if _, err := e.regexp(fmt.Sprint("^a", i, "$")); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.re) > maxRegexps {
		t.Errorf("%d regular expressions kept, want at most %d", len(e.re), maxRegexps)
	}
	// The expression's own pattern is still compiled once, not per element.
	re, _ := e.regexp("^z")
	if again, _ := e.regexp("^z"); again != re {
		t.Error("the same pattern was compiled twice in a row")
	}
}

// A string's JSON text stops growing at the cap too: control characters
// take six bytes each (\u0001), so encoding a 64 MiB string of them ran
// to 384 MiB before the size was checked.
func TestEncodeStopsAtCap(t *testing.T) {
	build := `"\u0001"` + strings.Repeat(" | .+.", 26) // 64 MiB
	allocated := func(expr string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, err := run(t, expr, nil)
		runtime.ReadMemStats(&after)
		if expr != build+" | 0" && (got != "" || err == nil || !strings.Contains(err.Error(), "result too large")) {
			t.Errorf("%.20s...: %.40q, %v; want result too large", expr, got, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	base := allocated(build + " | 0")
	for _, tail := range []string{" | [.]", " | [.] | tostring", ` | "\([.])"`} {
		// Appending grows a buffer by a quarter at a time: building 64 MiB
		// allocates some 320 MiB in all; 384 MiB, near 2 GiB.
		if extra := allocated(build+tail) - base; extra > 640<<20 {
			t.Errorf("%s: %d MiB allocated encoding it", tail, extra>>20)
		}
	}
}
