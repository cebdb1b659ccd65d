package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/itchyny/gojq"
)

// gojqWrite is Write done by gojq, the reference: the same input
// decoding and output rules.
func gojqWrite(expr string, v any) (string, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return "", err
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var in any
	if err := dec.Decode(&in); err != nil {
		return "", err
	}
	var out strings.Builder
	iter := code.Run(in)
	for n := 0; ; n++ {
		x, ok := iter.Next()
		if !ok {
			return out.String(), nil
		}
		if err, isErr := x.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return out.String(), nil
			}
			return out.String(), err
		}
		if n > 10000 {
			return out.String(), errors.New("too many results")
		}
		if s, isStr := x.(string); isStr {
			out.WriteString(s)
		} else {
			b, _ := gojq.Marshal(x)
			out.Write(b)
		}
		out.WriteByte('\n')
	}
}

func ownWrite(expr string, v any) (string, error, error) {
	p, err := Compile(expr)
	if err != nil {
		return "", err, nil
	}
	var b bytes.Buffer
	err = p.Write(context.Background(), &b, v)
	return b.String(), nil, err
}

// Documents shaped like zauth's output.
var docs = map[string]any{
	"status": json.RawMessage(`[
		{"provider":"ziina","profile":"default","account":"Emulated Shop","storage":"keychain","usable":true,"refreshable":true,"expires_at":"2026-11-23T15:04:05Z","expires_in":3599,"scopes":["read_account","offline_access"]},
		{"provider":"zbd","profile":"work","account":null,"storage":"file","usable":false,"refreshable":false,"expires_at":null,"expires_in":-12.5,"scopes":[]},
		{"provider":"generic","profile":"ci","account":"ci@example.com","storage":"keychain","usable":true,"refreshable":false,"expires_at":"2026-11-24T00:00:00Z","expires_in":86400,"scopes":["openid","email","profile"]}]`),
	"token":  json.RawMessage(`{"access_token":"eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl","token_type":"Bearer","expires_at":"2026-11-23T15:04:05Z","expires_in":3599,"refresh_token":"r3fr3sh","scopes":["read_account","offline_access"],"id_token":null}`),
	"client": json.RawMessage(`{"provider":"ziina","client_id":"abc123","secret_stored":true,"secret_source":"keychain","public_client":false,"api_key_stored":false,"redirect_uri":"http://127.0.0.1:8765/callback","scopes":{"read_account":"Read the account","write_payment_intents":"Create payment intents"}}`),
	"api":    json.RawMessage(`{"data":{"balance":"123456789012345678901234567890","count":9007199254740993,"neg":-9007199254740993,"ratio":0.1,"tiny":1e-7,"big":1.5e300,"zero":0,"exp":1E+2,"items":[{"id":1,"name":"Caf\u00e9 ☕","tags":["a","b"],"price":10.50},{"id":2,"name":"naïve","tags":[],"price":null},{"id":3,"name":"","tags":["b"],"price":-0.0}],"nested":[[1,[2,[3]]],[],{}],"empty":"","flags":[true,false,null],"escape":"tab\there \"quoted\" \\ <>&\u2028 \u0001"},"meta":null}`),
}

var exprs = []string{
	// identity, fields, indexes, slices, iteration, ?
	`.`, `.[0]`, `.[-1]`, `.[5]`, `.[-9]`, `.[1:]`, `.[:-1]`, `.[1:2]`, `.[-2:]`, `.[0:1.5]`, `.[1.2:2.5]`, `.[0].provider`,
	`.[].provider`, `.[]."provider"`, `.[]["profile"]`, `.[] | .scopes[]`, `.[].scopes[0]`, `.[].missing`,
	`.access_token`, `.access_token[0:3]`, `.access_token[-4:]`, `.access_token[2]`, `.["access_token"]`, `."token_type"`,
	`.scopes[]`, `.scopes[1:]`, `.id_token.x`, `.id_token[0]`, `.id_token[]?`, `.id_token[1:]`, `.data.items[].name`,
	`.data.items[0].tags[]`, `.data.nested[0][1][1][0]`, `.data.nested[]?`, `.data.nested[][]?`, `.data.items[].tags[0]?`,
	`.data.balance.x?`, `.data.balance.x`, `.data.balance[0]`, `.data.count`, `.data.neg`, `.data.big`, `.data.tiny`,
	`.data.exp`, `.data.ratio`, `.data.items[0].price`, `.data.items[2].price`, `.data.escape`, `[.data.escape]`, `.meta`,
	`.meta.x.y`, `.[]?`, `.[0]?`, `.a?`, `.x.y?`, `.data?.items?[0]?.id?`, `.data.items.[0].id`, `.data."items"[1]`,
	`.[.[0].provider]?`, `.[.[0].provider]`, `.data.items[.data.zero]`, `.[.scopes[]]?`, `.scopes[[ "offline_access" ]]`,
	`.data.flags[1:][0]`, `.data.nested[2][]`,
	// pipes, comma, parentheses, literals
	`.[] | .provider, .profile`, `(.[0], .[1]) | .profile`, `1, "two", null, true, false, [], {}`, `[.[].usable]`,
	`"a\tb\u00e9\ud83d\ude00\"\\\/"`, `"\ud800"`, `1.0`, `1.50`, `-0`, `1e1000`, `-1e1000`, `100000000000000000000`, `.5`,
	`1e3`, `0.1 + 0.2`, `[1, 2.5, -3]`, `{}`, `{a: 1, "b": 2, "c d": 3, (.[0].provider): 4}`, `.[0] | {provider, profile}`,
	`{"provider"}`, `.[0] | {"x\(.profile)": .usable}`, `{a: (1, 2), b: (3, 4)}`, `{(.[].provider): 1}`, `{a: 1 | . + 1}`,
	`{if: 1, then: 2, and: 3}`, `.[0] | {scopes: .scopes | length}`, `{(1): 2}`,
	// interpolation
	`.[] | "\(.provider)/\(.profile) \(.refreshable)"`, `"\(1, 2)-\(3, 4)"`, `"x\(.[0])y"`, `"\(.[0].scopes)"`,
	`"\(null) \(true) \(1.5) \("s")"`, `.data | "\(.count) \(.neg) \(.big) \(.balance)"`,
	// operators
	`.[0].expires_in + 1`, `.[] | .expires_in * 2`, `.[] | .expires_in / 2`, `.[] | .expires_in % 7`, `.[] | -.expires_in`,
	`.data.count + 1`, `.data.count - 1`, `.data.count * 3`, `.data.count / 3`, `.data.count % 10`, `.data.neg * -1`,
	`9223372036854775807 + 1`, `-9223372036854775808 - 1`, `9223372036854775807 * 2`, `-(-9223372036854775807 - 1)`,
	`(-9223372036854775807 - 1) / -1`, `(-9223372036854775807 - 1) % -1`, `1 / 0`, `0 / 0`, `1 % 0`, `5.5 % 2`, `-7 % 3`,
	`7 % -3`, `1 / 3`, `6 / 3`, `null + 1`, `1 + null`, `.data | null + .big, .exp + null`, `.data | [.big, .exp, null] | add`, `null + null`, `null - 1`, `"a" + "b"`, `"a" + 1`, `[1] + [2]`,
	`{a: 1} + {b: 2}`, `{a: {b: 1}} * {a: {c: 2}}`, `[1, 2, 2, 3] - [2]`, `[1, "a", null, [1], {a: 1}, 1.0, false, 3, "b"] - [[1], 1, {a: 1}, null, "b", 2]`,
	`.[0].scopes - .[2].scopes`, `[1, (1e1000 - 1e1000), 2] - [(1e1000 - 1e1000), 2]`, `"a,b" / ","`, `"a" - "a"`, `{} - {}`,
	`"x" * 2`, `-null`, `-"a"`, `1 - -1`, `.scopes + ["x"]`, `.data.items[0].price + 0.25`,
	// comparison and the total order
	`.[] | .usable == true`, `.[] | select(.provider != "ziina") | .profile`, `1 == 1.0`, `"1" == 1`, `null < false`,
	`false < true`, `true < 0`, `0 < "a"`, `"a" < []`, `[] < {}`, `[1, 2] < [1, 3]`, `{a: 1} < {a: 2}`, `{a: 2} < {b: 1}`,
	`.data.count > 9007199254740992`, `.data.count == 9007199254740992`, `.[0].expires_in >= 3599`, `1 <= 1`,
	`[.[] | .expires_in > 0]`, `(1, 2) < (2, 1)`, `"é" > "e"`,
	// and, or, not, //
	`.[] | .usable and .refreshable`, `.[] | .usable or .refreshable`, `[(true, false) and (true, false)]`,
	`[(true, false) or (true, false)]`, `.[] | .account // "unknown"`, `(false, 1, null, 2) // 3`, `(false, null) // (3, 4)`,
	`empty // 1`, `.id_token // .refresh_token`, `.x // .y // "z"`, `(null // false) // 1`, `null // (false // 2)`, `.[] | .account // .expires_at // "none"`, `.a | .b | .c`, `[.[] | .usable | not]`, `null | not`, `1 // error("x")`,
	// if, try
	`.[] | if .usable then "ok" elif .refreshable then "refresh" else "login" end`, `.[] | if .usable then .provider end`,
	`if (true, false) then 1 else 2 end`, `try error("x")`, `[.[] | try .provider.x]`, `(1, error("x"), 3)?`,
	`[.[] | (.scopes[0].x)?]`, `try (1, 2)`, `.a.b.c?`, `[.data.items[] | try (.name | ascii_downcase)]`,
	// builtins
	`length`, `.[0] | length`, `.[0].scopes | length`, `.[0].provider | length`, `.[1].expires_in | length`,
	`.[0].usable | length`, `.id_token | length`, `.data.items[0].name | length`, `.data.items[].price | length`, `-0.0 | length`, `.data.neg | length`, `keys`, `.[0] | keys`, `.data.nested | keys`,
	`"a" | keys`, `.[0] | has("provider")`, `.[0] | has("nope")`, `.scopes | has(1)`, `.scopes | has(5)`, `has(0)`,
	`.scopes | has("a")`, `.[0] | to_entries`, `.scopes | to_entries`, `.[0] | to_entries | from_entries`,
	`.[0] | with_entries(select(.value | type == "string"))`, `.[0] | with_entries(.key |= ascii_upcase)`,
	`.[0] | with_entries({key: .key | ascii_upcase, value})`, `[{name: "a", value: 1}, {k: "b", v: 2}] | from_entries`,
	`[{key: "a"}, {Key: "b", Value: 2}, {name: "c", value: false}] | from_entries`, `[] | from_entries`,
	`[{key: 1, value: 2}] | from_entries`, `.scopes | join(",")`, `[.[].expires_in] | join(" ")`, `[1, null, "a", true] | join("-")`,
	`[[1]] | join("-")`, `.[0] | join(",")`, `"a" | join(",")`, `map(.provider)`, `map(select(.usable)) | length`,
	`.[0] | map(type)`, `.data.items | map(.id * 10)`, `1 | map(.)`, `.[0] | map_values(type)`,
	`[.[] | .provider | tostring]`, `.[0] | tostring`, `.data | [.count, .neg, .big, .ratio] | tostring`,
	`[.data.items[].price | tostring]`, `"1.50" | tonumber`, `"-3" | tonumber`,
	`"1e3" | tonumber`, `" 1" | tonumber`, `.[0].provider | tonumber`, `.data.balance | tonumber`, `[] | tonumber`,
	`[.[] | .[] | type]`, `first`, `last`, `.[0].scopes | first, last`, `[] | first`, `first(.[].provider)`,
	`last(.[].provider)`, `first(empty)`, `[last(empty)]`, `first(.[] | select(.usable | not)) | .provider`, `map(.usable) | any`,
	`map(.usable) | all`, `[] | any, all`, `any(.[]; .refreshable)`, `all(.[]; .usable)`, `.[0].scopes | any(. == "openid")`,
	`.[2].scopes | any(. == "openid")`, `map(.expires_in) | all(. > 0)`, `.[0].scopes | all(type == "string")`, `.[0] | any`, `add`, `map(.expires_in) | add`, `map(.scopes) | add`, `map(.provider) | add`,
	`[] | add`, `.[0] | add`, `null | add`, `[{a: 1}, {b: 2}, null] | add`, `map(.provider) | sort`, `sort_by(.expires_in) | map(.provider)`,
	`sort_by(.profile, .provider) | map(.profile)`, `[3, 1, 2] | sort_by(-.)`, `map(.storage) | unique`, `group_by(.storage) | map(length)`,
	`unique_by(.storage) | map(.provider)`, `map(.expires_in) | min, max`, `[] | min`, `min_by(.expires_in) | .provider`,
	`max_by(.expires_in) | .provider`, `[[1, 2], [1], null, true, "a", {}] | sort`, `{} | sort`, `.[0].provider | ascii_upcase`,
	`.data.items[].name | ascii_downcase`, `1 | ascii_upcase`, `.[].provider | startswith("z")`, `.[].provider | endswith("a")`,
	`.[0].provider | startswith(1)`, `.access_token | ltrimstr("eyJ")`, `.access_token | rtrimstr("bmF0dXJl")`, `1 | ltrimstr("a")`,
	`.access_token | split(".")`, `.access_token | split("")`, `"" | split(",")`, `"a, b" | split(", ")`, `.[0].scopes | contains(["offline_access"])`,
	`.[0] | contains({usable: true})`, `.access_token | contains("e30")`, `1 | contains("a")`, `null | contains(null)`,
	`true | contains(false)`, `[true] | contains([false])`, `.data | contains({items: [{tags: ["a"]}]})`, `[.[].account | values]`,
	`.[].provider | select(test("^z"))`, `.access_token | test("\\.e30\\.")`, `"abc" | test("B")`, `1 | test("a")`, `.[0] | type`,
	`map(type)`, `.[] | select(.provider == "zbd") | halt`, `.[].provider, halt`, `error("custom")`, `.[0] | error`, `error(null)`,
	`.[] | select(.scopes | index("openid"))`, `[.[] | select(.expires_in > 0) | .provider]`,
	`.[] | select(.scopes | length > 1) | .provider`, `[.[] | {p: .provider, n: (.scopes | length)}] | sort_by(.n) | .[-1].p`,
	`map(select(.storage == "keychain") | .provider) | join(", ")`, `.data.items | map({(.name): .id}) | add`,
	`.data.items | map(.tags | length) | add`, `.data.nested | .. `, `reduce .[] as $x (0; . + 1)`,
}

// intentional lists what zauth refuses on purpose where gojq has a result.
var intentional = map[string]string{
	`"x" * 2`:           "string repetition is not supported (a large count is a memory bomb)",
	`.access_token[2]`:  "a number does not index a string, as in jq (gojq gives a character)",
	`.data.balance[0]`:  "a number does not index a string, as in jq (gojq gives a character)",
	`.[.[0].provider]?`: "? skips the indexing's errors, not the index expression's, as in jq (gojq's try covers both)",
	`.[.scopes[]]?`:     "? skips the indexing's errors, not the index expression's, as in jq (gojq's try covers both)",
}

// refused lists the expressions above that zauth refuses to compile;
// every other one must compile, so that a function dropped from the
// subset fails here instead of being skipped.
var refused = map[string]bool{
	`.[0] | with_entries(.key |= ascii_upcase)`: true,
	`.[0] | map_values(type)`:                   true,
	`.[] | select(.scopes | index("openid"))`:   true,
	`.data.nested | .. `:                        true,
	`reduce .[] as $x (0; . + 1)`:               true,
}

// TestDifferential runs every expression on every document through gojq
// and through zauth's evaluator: the lines written must be the same, and
// an expression fails on both or on neither. Expressions zauth does not
// implement must fail to compile, saying so.
func TestDifferential(t *testing.T) {
	for _, expr := range exprs {
		for name, doc := range docs {
			want, wantErr := gojqWrite(expr, doc)
			got, compileErr, runErr := ownWrite(expr, doc)
			if (compileErr != nil) != refused[expr] {
				t.Errorf("%s on %s: %v, want it to compile: %t", expr, name, compileErr, !refused[expr])
				continue
			}
			if compileErr != nil {
				if !strings.Contains(compileErr.Error(), "not supported") {
					t.Errorf("%s on %s: %v, want \"not supported\"", expr, name, compileErr)
				}
				continue
			}
			if _, ok := intentional[expr]; ok && runErr != nil && wantErr == nil {
				continue
			}
			if got != want || (runErr == nil) != (wantErr == nil) {
				t.Errorf("%s on %s:\n got %q, %v\nwant %q, %v", expr, name, got, runErr, want, wantErr)
			}
		}
	}
}
