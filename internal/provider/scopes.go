package provider

import (
	"fmt"
	"strings"
)

// ParseScopes splits --scope values written as "a+b", "a,b", "a b" or given
// as repeated flags into one list, dropping duplicates and keeping order.
func ParseScopes(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, s := range strings.FieldsFunc(v, func(r rune) bool {
			return r == '+' || r == ',' || r == ' ' || r == '\t' || r == '\n'
		}) {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// UnknownScopeError names a scope that is not in the catalogue.
type UnknownScopeError struct {
	Provider   string
	Scope      string
	Suggestion string
	Valid      []string
}

func (e *UnknownScopeError) Error() string {
	msg := fmt.Sprintf("unknown %s scope %q", e.Provider, e.Scope)
	if e.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggestion)
	}
	return msg + "; valid scopes: " + strings.Join(e.Valid, ", ")
}

// CheckScopes returns an *UnknownScopeError for the first scope that is not
// in the catalogue. A provider without a catalogue accepts anything.
func (p *Provider) CheckScopes(scopes []string) error {
	if len(p.Scopes) == 0 {
		return nil
	}
	for _, s := range scopes {
		if !p.HasScope(s) {
			return &UnknownScopeError{Provider: p.Name, Scope: s, Suggestion: Closest(s, p.ScopeNames()), Valid: p.ScopeNames()}
		}
	}
	return nil
}

// Closest returns the candidate nearest to s by edit distance, if it is near
// enough to be a plausible typo.
func Closest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := EditDistance(strings.ToLower(s), c)
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(s)/3) {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, for "did you
// mean" suggestions.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
