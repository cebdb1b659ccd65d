package jq

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
)

// builtins are the functions zauth implements, by name/arity.
const builtins = ` empty/0 not/0 select/1 map/1 length/0 keys/0 has/1 join/1 tostring/0
tonumber/0 type/0 first/0 last/0 first/1 last/1 any/0 any/1 any/2 all/0 all/1 all/2 add/0
sort/0 sort_by/1 group_by/1 unique/0 unique_by/1 min/0 max/0 min_by/1 max_by/1
to_entries/0 from_entries/0 with_entries/1 ascii_downcase/0 ascii_upcase/0 startswith/1
endswith/1 ltrimstr/1 rtrimstr/1 split/1 contains/1 values/0 halt/0 error/0 error/1 test/1 `

func (e *env) call(n *node, v any, out emit) error {
	var arg *node
	if len(n.args) > 0 {
		arg = n.args[0]
	}
	switch n.name {
	case "empty":
		return nil
	case "select":
		return e.eval(arg, v, func(c any) error {
			if truthy(c) {
				return out(v)
			}
			return nil
		})
	case "values":
		if v == nil {
			return nil
		}
		return out(v)
	case "first", "last":
		if arg == nil {
			break
		}
		var last any
		found := false
		s := &stop{}
		err := e.eval(arg, v, func(x any) error {
			last, found = x, true
			if n.name == "first" {
				return s
			}
			return nil
		})
		if err != nil && err != s {
			return err
		}
		if found {
			return out(last)
		}
		return nil
	case "any", "all":
		return e.anyAll(n, v, out)
	case "halt":
		return errHalt
	case "error":
		if arg == nil {
			return &userErr{v}
		}
		return e.eval(arg, v, func(x any) error { return &userErr{x} })
	case "has", "join", "startswith", "endswith", "ltrimstr", "rtrimstr", "split", "test", "contains":
		// f(v; x) for each output x of the argument
		return e.eval(arg, v, func(x any) error {
			r, err := e.call1(n.name, v, x)
			if err != nil {
				return err
			}
			return out(r)
		})
	}
	r, err := e.call0(n.name, v, arg)
	if err != nil {
		return err
	}
	return out(r)
}

// call0 is a function with one result: of the input, or of the input and
// a filter f applied to its elements.
func (e *env) call0(name string, v any, f *node) (any, error) {
	switch name {
	case "not":
		return !truthy(v), nil
	case "map":
		return e.mapValues(v, f)
	case "length":
		return length(v)
	case "keys":
		return keys(v)
	case "tostring":
		return tostring(v)
	case "tonumber":
		return tonumber(v)
	case "type":
		return typeOf(v), nil
	case "first":
		return index(v, 0)
	case "last":
		return index(v, -1)
	case "add":
		xs, err := elements(v)
		if err != nil {
			return nil, errorf("add cannot be applied to %s", typeOf(v))
		}
		return add(xs)
	case "sort", "unique", "min", "max", "sort_by", "group_by", "unique_by", "min_by", "max_by":
		return e.sortBy(name, v, f)
	case "to_entries":
		return toEntries(v)
	case "from_entries":
		return fromEntries(v)
	case "with_entries":
		es, err := toEntries(v)
		if err == nil {
			es, err = e.mapValues(es, f)
		}
		if err != nil {
			return nil, err
		}
		return fromEntries(es)
	case "ascii_downcase", "ascii_upcase":
		s, ok := v.(string)
		if !ok {
			return nil, errorf("%s cannot be applied to %s", name, typeOf(v))
		}
		b := []byte(s)
		for i, c := range b {
			if name == "ascii_upcase" && 'a' <= c && c <= 'z' || name == "ascii_downcase" && 'A' <= c && c <= 'Z' {
				b[i] = c ^ 0x20
			}
		}
		return string(b), nil
	}
	return nil, errorf("internal error: unknown function %s", name)
}

// call1 is a function of the input and one value.
func (e *env) call1(name string, v, x any) (any, error) {
	switch name {
	case "has":
		return has(v, x)
	case "join":
		return join(v, x)
	case "contains":
		ok, known, err := e.contains(v, x)
		if err != nil || known {
			return ok, err
		}
		return nil, errorf("contains(%s) cannot be applied to %s", typeOf(x), typeOf(v))
	}
	s, ok1 := v.(string)
	t, ok2 := x.(string)
	if !ok1 || !ok2 {
		return nil, errorf("%s(%s) cannot be applied to %s", name, typeOf(x), typeOf(v))
	}
	switch name {
	case "startswith":
		return strings.HasPrefix(s, t), nil
	case "endswith":
		return strings.HasSuffix(s, t), nil
	case "ltrimstr":
		return strings.TrimPrefix(s, t), nil
	case "rtrimstr":
		return strings.TrimSuffix(s, t), nil
	case "split":
		return splitString(s, t)
	}
	re, err := e.regexp(t)
	if err != nil {
		return nil, err
	}
	return re.MatchString(s), nil
}

// mapValues is map(f): every output of f for each element, in an array.
func (e *env) mapValues(v any, f *node) (any, error) {
	out := []any{}
	err := iterate(v, func(x any) error {
		return e.eval(f, x, func(y any) (err error) { out, err = push(out, y); return err })
	})
	return out, err
}

// anyAll is any, any(f), any(g; f) and the same for all.
func (e *env) anyAll(n *node, v any, out emit) error {
	isAny := n.name == "any"
	gen := &node{kind: kIterate}
	cond := &node{kind: kIdentity}
	switch len(n.args) {
	case 1:
		cond = n.args[0]
	case 2:
		gen, cond = n.args[0], n.args[1]
	}
	s := &stop{}
	err := e.eval(gen, v, func(x any) error {
		return e.eval(cond, x, func(c any) error {
			if truthy(c) == isAny {
				return s
			}
			return nil
		})
	})
	switch err {
	case nil:
		return out(!isAny)
	case s:
		return out(isAny)
	}
	return err
}

func length(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case string:
		return len([]rune(v)), nil
	case []any:
		return len(v), nil
	case map[string]any:
		return len(v), nil
	case bool:
		return nil, errorf("length cannot be applied to boolean")
	case float64:
		return math.Abs(v), nil
	case json.Number:
		return json.Number(strings.TrimPrefix(string(v), "-")), nil
	}
	if compare(v, 0) < 0 {
		return negate(v)
	}
	return v, nil
}

func keys(v any) (any, error) {
	switch v := v.(type) {
	case []any:
		ks := make([]any, len(v))
		for i := range v {
			ks[i] = i
		}
		return ks, nil
	case map[string]any:
		ks := []any{}
		for _, k := range sortedKeys(v) {
			ks = append(ks, k)
		}
		return ks, nil
	}
	return nil, errorf("keys cannot be applied to %s", typeOf(v))
}

func has(v, k any) (any, error) {
	switch v := v.(type) {
	case []any:
		if isNumber(k) {
			i := toInt(k)
			return 0 <= i && i < len(v), nil
		}
	case map[string]any:
		if k, ok := k.(string); ok {
			_, ok := v[k]
			return ok, nil
		}
	case nil:
		return false, nil
	}
	return nil, errorf("has(%s) cannot be applied to %s", typeOf(k), typeOf(v))
}

// join builds one string: null as "", numbers and booleans as JSON, as
// jq 1.6+ and gojq; the separator goes between elements (null is none).
func join(v, sep any) (any, error) {
	xs, err := elements(v)
	if err != nil {
		return nil, errorf("join cannot be applied to %s", typeOf(v))
	}
	var b strings.Builder
	for i, x := range xs {
		s := ""
		if i > 0 && sep != nil {
			var ok bool
			if s, ok = sep.(string); !ok {
				return nil, errorf("join(%s) cannot be applied to %s", typeOf(sep), typeOf(v))
			}
		}
		switch x := x.(type) {
		case nil:
		case string:
			s += x
		case []any, map[string]any:
			return nil, errorf("cannot join %s", typeOf(x))
		default: // number or boolean
			s = string(encode([]byte(s), x))
		}
		if b.Len()+len(s) > maxString {
			return nil, errTooLarge
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// add is the elements' sum, as a chain of + would make it, but in time
// linear in the result: a string, array or object is built in one
// private copy instead of being copied again at every step.
func add(xs []any) (any, error) {
	var acc any
	var sb strings.Builder
	var arr []any
	var obj map[string]any
	building := byte(0) // 's', 'a' or 'o': acc is in sb, arr or obj
	for _, x := range xs {
		if x == nil && building != 0 { // s + null is s
			continue
		}
		switch x := x.(type) {
		case string:
			if building == 's' || acc == nil && building == 0 {
				if sb.Len()+len(x) > maxString {
					return nil, errTooLarge
				}
				sb.WriteString(x)
				building = 's'
				continue
			}
		case []any:
			if building == 'a' || acc == nil && building == 0 {
				if len(arr)+len(x) > maxArray {
					return nil, errTooLarge
				}
				arr = append(arr, x...)
				building = 'a'
				continue
			}
		case map[string]any:
			if building == 'o' || acc == nil && building == 0 {
				if obj == nil {
					obj = make(map[string]any, len(x))
				}
				maps.Copy(obj, x)
				building = 'o'
				continue
			}
		}
		acc, building = built(acc, building, &sb, arr, obj), 0
		var err error
		if acc, err = arith('+', acc, x); err != nil {
			return nil, err
		}
	}
	return built(acc, building, &sb, arr, obj), nil
}

// built is add's total so far.
func built(acc any, building byte, sb *strings.Builder, arr []any, obj map[string]any) any {
	switch building {
	case 's':
		return sb.String()
	case 'a':
		if arr == nil {
			return []any{}
		}
		return arr
	case 'o':
		return obj
	}
	return acc
}

func tonumber(v any) (any, error) {
	if isNumber(v) {
		return v, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errorf("tonumber cannot be applied to %s", typeOf(v))
	}
	if !validNumber(s) {
		return nil, errorf("tonumber cannot be applied to a string that is not a number")
	}
	return parseNumber(json.Number(s)), nil
}

// sortBy is sort, unique, min, max and their _by(f) forms, ordering by
// [f] (all of f's outputs) as jq does.
func (e *env) sortBy(name string, v any, f *node) (any, error) {
	xs, ok := v.([]any)
	if !ok {
		return nil, errorf("%s cannot be applied to %s", name, typeOf(v))
	}
	type item struct{ v, key any }
	items := make([]item, len(xs))
	for i, x := range xs {
		items[i] = item{x, x}
		if f != nil {
			key := []any{}
			if err := e.eval(f, x, func(k any) (err error) { key, err = push(key, k); return err }); err != nil {
				return nil, err
			}
			items[i].key = key
		}
	}
	name = strings.TrimSuffix(name, "_by")
	if name == "min" || name == "max" {
		if len(items) == 0 {
			return nil, nil
		}
		j := 0
		for i := 1; i < len(items); i++ {
			if (compare(items[j].key, items[i].key) > 0) == (name == "min") {
				j = i
			}
		}
		return items[j].v, nil
	}
	sort.SliceStable(items, func(i, j int) bool { return compare(items[i].key, items[j].key) < 0 })
	out := []any{}
	for i, it := range items {
		same := i > 0 && compare(items[i-1].key, it.key) == 0
		switch {
		case name == "sort":
			out = append(out, it.v)
		case name == "unique" && !same:
			out = append(out, it.v)
		case name == "group":
			if same {
				out[len(out)-1] = append(out[len(out)-1].([]any), it.v)
			} else {
				out = append(out, []any{it.v})
			}
		}
	}
	return out, nil
}

func toEntries(v any) (any, error) {
	ks, err := keys(v)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, k := range ks.([]any) {
		x, _ := index(v, k)
		out = append(out, map[string]any{"key": k, "value": x})
	}
	return out, nil
}

// fromEntries is gojq's from_entries: the key from key, Key, name or
// Name (the first that is neither null nor false), the value from value
// or Value.
func fromEntries(v any) (any, error) {
	es, err := elements(v)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	for _, e := range es {
		var k any
		for _, name := range []string{"key", "Key", "name", "Name"} {
			if k, err = index(e, name); err != nil {
				return nil, err
			}
			if truthy(k) {
				break
			}
		}
		hasValue, err := has(e, "value")
		if err != nil {
			return nil, err
		}
		field := "Value"
		if hasValue == true {
			field = "value"
		}
		x, _ := index(e, field)
		key, ok := k.(string)
		if !ok {
			return nil, errorf("object keys must be strings, not %s", typeOf(k))
		}
		m[key] = x
	}
	return m, nil
}

// contains is jq's containment: substrings, every element of x in some
// element of v, every field of x in v's; known is false for a type
// mismatch. It counts its work: two arrays may have every pair compared.
func (e *env) contains(v, x any) (ok, known bool, err error) {
	if err := e.work(1); err != nil {
		return false, false, err
	}
	switch v := v.(type) {
	case string:
		if x, isStr := x.(string); isStr {
			return strings.Contains(v, x), true, nil
		}
	case []any:
		if x, isArr := x.([]any); isArr {
		next:
			for _, y := range x {
				for _, w := range v {
					ok, _, err := e.contains(w, y)
					if err != nil {
						return false, false, err
					}
					if ok {
						continue next
					}
				}
				return false, true, nil
			}
			return true, true, nil
		}
	case map[string]any:
		if x, isObj := x.(map[string]any); isObj {
			if len(v) < len(x) {
				return false, true, nil
			}
			for k, y := range x {
				w, found := v[k]
				if !found {
					return false, true, nil
				}
				if ok, _, err := e.contains(w, y); !ok {
					return false, err == nil, err
				}
			}
			return true, true, nil
		}
	}
	if isNumber(v) && isNumber(x) {
		return compare(v, x) == 0, true, nil
	}
	if t := typeRank(v); t < 3 && t == typeRank(x) {
		return true, true, nil
	}
	return false, false, nil
}

// maxRegexps is how many compiled patterns test keeps: patterns may come
// from the document, one per element, and each takes a few KiB.
const maxRegexps = 64

func (e *env) regexp(s string) (*regexp.Regexp, error) {
	if re, ok := e.re[s]; ok {
		return re, nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, errorf("test: invalid regular expression: %s", se.Code)
		}
		return nil, errorf("test: invalid regular expression")
	}
	if e.re == nil || len(e.re) == maxRegexps {
		e.re = map[string]*regexp.Regexp{}
	}
	e.re[s] = re
	return re, nil
}
