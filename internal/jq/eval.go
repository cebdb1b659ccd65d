package jq

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"unicode/utf8"
)

// runErr is a fault of the expression on the value. Its message names
// types, never values: the document may hold a token. key is the object
// key it failed on, if any: Write shows it only when the expression has it.
type runErr struct{ msg, key string }

func (e *runErr) Error() string { return e.msg + e.key }

func errorf(format string, a ...any) error { return &runErr{msg: fmt.Sprintf(format, a...)} }

// userErr is error(v).
type userErr struct{ v any }

func (e *userErr) Error() string { return "error" }

// errHalt is halt: stop, successfully.
var errHalt = errors.New("halt")

// stop ends a generator early (first, any, all); each use makes its own,
// so an inner stop is not mistaken for an outer one.
type stop struct{}

func (*stop) Error() string { return "stop" }

type emit func(any) error

type env struct {
	ctx    context.Context
	steps  uint
	re     map[string]*regexp.Regexp
	caught func(error) // sees the errors try and ? drop (for the differential tests)
}

// skip is try or ? dropping err.
func (e *env) skip(err error) error {
	if e.caught != nil {
		e.caught(err)
	}
	return nil
}

// catchable is whether try (and ?) may swallow err: faults on values
// and error(v), never halt, a stop or cancellation.
func catchable(err error) bool {
	switch err.(type) {
	case *runErr, *userErr:
		return true
	}
	return false
}

func (e *env) eval(n *node, v any, out emit) error {
	if err := e.work(1); err != nil {
		return err
	}
	switch n.kind {
	case kIdentity:
		return out(v)
	case kLiteral:
		return out(n.val)
	case kField:
		return e.each(n.a, v, func(t any) error {
			x, err := index(t, n.name)
			if err != nil {
				return e.failed(n, err)
			}
			return out(x)
		})
	case kIndex:
		return e.eval(n.b, v, func(k any) error {
			return e.each(n.a, v, func(t any) error {
				x, err := e.index(t, k)
				if err != nil {
					return e.failed(n, err)
				}
				return out(x)
			})
		})
	case kSlice:
		return e.opt(n.b, v, func(from any) error {
			return e.opt(n.c, v, func(to any) error {
				return e.each(n.a, v, func(t any) error {
					x, err := slice(t, from, to)
					if err != nil {
						return e.failed(n, err)
					}
					return out(x)
				})
			})
		})
	case kIterate:
		return e.each(n.a, v, func(t any) error {
			switch t.(type) {
			case []any, map[string]any:
				return iterate(t, out)
			}
			return e.failed(n, errorf("cannot iterate over %s", typeOf(t)))
		})
	case kTry:
		var down error
		err := e.eval(n.a, v, func(x any) error {
			down = out(x)
			return down
		})
		if err != nil && err != down && catchable(err) {
			return e.skip(err)
		}
		return err
	case kPipe:
		return e.eval(n.a, v, func(x any) error { return e.eval(n.b, x, out) })
	case kComma:
		if err := e.eval(n.a, v, out); err != nil {
			return err
		}
		return e.eval(n.b, v, out)
	case kArith, kCompare:
		return e.eval(n.b, v, func(r any) error {
			return e.eval(n.a, v, func(l any) error {
				if n.kind == kCompare {
					return out(compareOp(n.op, l, r))
				}
				x, err := arith(n.op[0], l, r)
				if err != nil {
					return err
				}
				return out(x)
			})
		})
	case kAnd, kOr:
		return e.eval(n.a, v, func(l any) error {
			if truthy(l) == (n.kind == kOr) {
				return out(n.kind == kOr)
			}
			return e.eval(n.b, v, func(r any) error { return out(truthy(r)) })
		})
	case kAlt:
		found := false
		err := e.eval(n.a, v, func(x any) error {
			if !truthy(x) {
				return nil
			}
			found = true
			return out(x)
		})
		if err != nil || found {
			return err
		}
		return e.eval(n.b, v, out)
	case kNeg:
		return e.eval(n.a, v, func(x any) error {
			x, err := negate(x)
			if err != nil {
				return err
			}
			return out(x)
		})
	case kArray:
		a := []any{}
		if n.a != nil {
			if err := e.eval(n.a, v, func(x any) (err error) { a, err = push(a, x); return err }); err != nil {
				return err
			}
		}
		return out(a)
	case kObject:
		return e.object(n.args, v, nil, out)
	case kIf:
		return e.eval(n.a, v, func(c any) error {
			switch {
			case truthy(c):
				return e.eval(n.b, v, out)
			case n.c != nil:
				return e.eval(n.c, v, out)
			}
			return out(v)
		})
	case kToString:
		return e.eval(n.a, v, func(x any) error {
			s, err := tostring(x)
			if err != nil {
				return err
			}
			return out(s)
		})
	case kCall:
		return e.call(n, v, out)
	}
	return errorf("internal error: unknown expression")
}

// work counts n steps of the run; each time the count passes a multiple
// of 1024 it checks for cancellation. Loops that may compare every pair
// of two arrays count their steps too: nothing else would stop them.
func (e *env) work(n int) error {
	before := e.steps
	if e.steps += uint(n); e.steps>>10 == before>>10 {
		return nil
	}
	return e.ctx.Err()
}

// failed is err of suffix n's indexing: skipped when n has ?.
func (e *env) failed(n *node, err error) error {
	if n.opt {
		return e.skip(err)
	}
	return err
}

// each runs n, or passes v when n is nil (a suffix on the input).
func (e *env) each(n *node, v any, out emit) error {
	if n == nil {
		return out(v)
	}
	return e.eval(n, v, out)
}

// opt runs n, or passes null when n is nil (an omitted slice bound).
func (e *env) opt(n *node, v any, out emit) error {
	if n == nil {
		return out(nil)
	}
	return e.eval(n, v, out)
}

// object builds {k: v, ...} for every combination of the pairs' outputs,
// the first pair varying slowest, as in jq.
func (e *env) object(pairs []*node, v any, kv []any, out emit) error {
	if len(pairs) == 0 {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return out(m)
	}
	return e.eval(pairs[0], v, func(k any) error {
		key, ok := k.(string)
		if !ok {
			return errorf("object keys must be strings, not %s", typeOf(k))
		}
		val := pairs[1]
		if val.kind == kIndex && val.a == nil && val.b == pairs[0] { // {a}: .a
			x, err := index(v, key)
			if err != nil {
				return err
			}
			return e.object(pairs[2:], v, append(slices.Clip(kv), key, x), out)
		}
		return e.eval(val, v, func(x any) error {
			return e.object(pairs[2:], v, append(slices.Clip(kv), key, x), out)
		})
	})
}

func compareOp(op string, l, r any) bool {
	c := compare(l, r)
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// errStringIndex is a number index on a string. gojq gives a character;
// jq fails, and so does zauth, so that .[0]? skips strings as in jq.
var errStringIndex = &runErr{msg: "cannot index string with number"}

// index is t[k]: an object's field, an array's element; null for null.
// .[array] on an array, a search, is env.index.
func index(t, k any) (any, error) {
	switch k := k.(type) {
	case string:
		switch t := t.(type) {
		case nil:
			return nil, nil
		case map[string]any:
			return t[k], nil
		}
		return nil, &runErr{"cannot index " + typeOf(t) + " with ", k}
	case []any:
		if t == nil {
			return nil, nil
		}
	default:
		if !isNumber(k) {
			break
		}
		switch t := t.(type) {
		case nil:
			return nil, nil
		case []any:
			if i := clampIndex(toInt(k), -1, len(t)); 0 <= i && i < len(t) {
				return t[i], nil
			}
			return nil, nil
		case string:
			return nil, errStringIndex
		}
	}
	return nil, errorf("cannot index %s with %s", typeOf(t), typeOf(k))
}

// index is t[k] where .[array] on an array (the positions where k
// occurs in t) may compare every pair of them: it counts its work.
func (e *env) index(t, k any) (any, error) {
	ta, ok1 := t.([]any)
	ka, ok2 := k.([]any)
	if !ok1 || !ok2 {
		return index(t, k)
	}
	out := []any{}
	for i := 0; len(ka) > 0 && i+len(ka) <= len(ta); i++ {
		if err := e.work(len(ka)); err != nil {
			return nil, err
		}
		if compare(ta[i:i+len(ka)], ka) == 0 {
			out = append(out, i)
		}
	}
	return out, nil
}

func clampIndex(i, lo, hi int) int {
	if i < 0 {
		i += hi
	}
	return min(max(i, lo), hi)
}

// sliceBound is a slice bound as an int: the start floored, the end
// rounded up, as gojq.
func sliceBound(x any, end bool) (int, bool) {
	if !isNumber(x) {
		return 0, false
	}
	if f, ok := num(x).(float64); ok {
		if end && (-1 < f && f < 0 || math.IsNaN(f)) {
			return math.MaxInt, true
		}
		if end {
			return floatToInt(math.Ceil(f)), true
		}
		return floatToInt(math.Floor(f)), true
	}
	return toInt(x), true
}

// slice is t[from:to] on an array or a string (by characters).
func slice(t, from, to any) (any, error) {
	var n int
	switch t := t.(type) {
	case nil:
		return nil, nil
	case []any:
		n = len(t)
	case string:
		n = utf8.RuneCountInString(t)
	default:
		return nil, errorf("cannot slice %s", typeOf(t))
	}
	start, end := 0, n
	if from != nil {
		i, ok := sliceBound(from, false)
		if !ok {
			return nil, errorf("cannot slice %s with %s", typeOf(t), typeOf(from))
		}
		start = clampIndex(i, 0, n)
	}
	if to != nil {
		i, ok := sliceBound(to, true)
		if !ok {
			return nil, errorf("cannot slice %s with %s", typeOf(t), typeOf(to))
		}
		end = clampIndex(i, start, n)
	}
	if a, ok := t.([]any); ok {
		return a[start:end:end], nil
	}
	return substring(t.(string), start, end), nil
}

// substring is s's characters [i, j), found where they lie: a []rune
// copy of s would take four bytes a character.
func substring(s string, i, j int) string {
	from := 0
	for range i {
		_, w := utf8.DecodeRuneInString(s[from:])
		from += w
	}
	to := from
	for range j - i {
		_, w := utf8.DecodeRuneInString(s[to:])
		to += w
	}
	return s[from:to]
}

// iterate emits .[]: an array's elements, an object's values by key.
func iterate(t any, out emit) error {
	switch t := t.(type) {
	case []any:
		for _, x := range t {
			if err := out(x); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if err := out(t[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return errorf("cannot iterate over %s", typeOf(t))
}

// elements is .[] collected.
func elements(t any) ([]any, error) {
	var xs []any
	err := iterate(t, func(x any) error { xs = append(xs, x); return nil })
	return xs, err
}
