package jq

import (
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Values are what encoding/json decodes with UseNumber (nil, bool,
// json.Number, string, []any, map[string]any) plus the numbers arithmetic
// makes: int, float64, and *big.Int for integers beyond int. A
// json.Number from the input prints as it came; it is parsed when used.

// maxString and maxArray cap the string or array any one operation
// builds, far above anything zauth prints: without them `"x" | .+. | .+.
// | ...` doubles a string until memory runs out.
const (
	maxString = MaxInput // bytes
	maxArray  = 8 << 20  // elements
)

// errTooLarge is a result over the caps. try does not catch it: it is a
// limit of zauth, not a fault of the value.
var errTooLarge = errors.New("result too large: zauth builds no string over 64 MiB and no array over 8M elements")

// push is append(a, x) within maxArray.
func push(a []any, x any) ([]any, error) {
	if len(a) >= maxArray {
		return nil, errTooLarge
	}
	return append(a, x), nil
}

// maxDigits is the longest number made an exact *big.Int; a longer one
// is a float64 (±Inf past 309 digits), as jq has every number. Decimal
// conversion to big.Int takes time in the square of the length: a
// response's number of 4M digits took 27 s, one of 64 MiB hours.
const maxDigits = 1000

// parseNumber turns a JSON number into int, float64 or *big.Int.
func parseNumber(n json.Number) any {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 0); err == nil {
		return int(i)
	}
	if len(s) > maxDigits {
		f, _ := strconv.ParseFloat(s, 64) // ±Inf when out of range
		return f
	}
	if strings.ContainsAny(s, ".eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	if b, ok := new(big.Int).SetString(s, 10); ok {
		return b
	}
	if strings.HasPrefix(s, "-") {
		return math.Inf(-1)
	}
	return math.Inf(1)
}

// num is v with a json.Number parsed; other values unchanged.
func num(v any) any {
	if n, ok := v.(json.Number); ok {
		return parseNumber(n)
	}
	return v
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, float64, *big.Int, json.Number:
		return true
	}
	return false
}

func toFloat(v any) float64 {
	switch v := num(v).(type) {
	case int:
		return float64(v)
	case float64:
		return v
	case *big.Int:
		if v.IsInt64() {
			return float64(v.Int64())
		}
		if f, err := strconv.ParseFloat(v.String(), 64); err == nil {
			return f
		}
		return math.Inf(v.Sign())
	}
	return 0
}

// toInt truncates toward zero and clamps to int's range, as gojq does.
func toInt(v any) int {
	switch v := num(v).(type) {
	case int:
		return v
	case *big.Int:
		if v.IsInt64() {
			return int(v.Int64())
		}
		if v.Sign() > 0 {
			return math.MaxInt
		}
		return math.MinInt
	}
	return floatToInt(toFloat(v))
}

func floatToInt(f float64) int {
	if math.MinInt <= f && f < math.MaxInt {
		return int(f)
	}
	if f > 0 {
		return math.MaxInt
	}
	return math.MinInt
}

// numbers classifies a pair of numbers: both ints, else a big.Int pair,
// else floats.
func numbers(l, r any) (li, ri int, lb, rb *big.Int, kind byte) {
	l, r = num(l), num(r)
	li, lok := l.(int)
	ri, rok := r.(int)
	if lok && rok {
		return li, ri, nil, nil, 'i'
	}
	_, lf := l.(float64)
	_, rf := r.(float64)
	if !lf && !rf {
		return 0, 0, toBig(l), toBig(r), 'b'
	}
	return 0, 0, nil, nil, 'f'
}

func toBig(v any) *big.Int {
	if b, ok := v.(*big.Int); ok {
		return b
	}
	return big.NewInt(int64(v.(int)))
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}

func typeRank(v any) int {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 2
		}
		return 1
	case string:
		return 4
	case []any:
		return 5
	case map[string]any:
		return 6
	}
	return 3
}

// compare orders values as jq does: null < false < true < numbers <
// strings < arrays < objects.
func compare(l, r any) int {
	if tl, tr := typeRank(l), typeRank(r); tl != tr || tl < 3 {
		return cmp.Compare(tl, tr)
	}
	switch l := l.(type) {
	case string:
		return strings.Compare(l, r.(string))
	case []any:
		r := r.([]any)
		for i := range min(len(l), len(r)) {
			if c := compare(l[i], r[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(l), len(r))
	case map[string]any:
		r := r.(map[string]any)
		lk, rk := sortedKeys(l), sortedKeys(r)
		if c := slices.Compare(lk, rk); c != 0 {
			return c
		}
		for _, k := range lk {
			if c := compare(l[k], r[k]); c != 0 {
				return c
			}
		}
		return 0
	}
	li, ri, lb, rb, kind := numbers(l, r)
	switch kind {
	case 'i':
		return cmp.Compare(li, ri)
	case 'b':
		return lb.Cmp(rb)
	}
	lf, rf := toFloat(l), toFloat(r)
	switch {
	case lf < rf || math.IsNaN(lf):
		return -1
	case lf == rf:
		return 0
	}
	return 1
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func truthy(v any) bool { return v != nil && v != false }

// bigOrInt is b as an int when it fits.
func bigOrInt(b *big.Int) any {
	if b.IsInt64() {
		return int(b.Int64())
	}
	return b
}

// arith applies + - * / % with jq's meaning for every type pair.
func arith(op byte, l, r any) (any, error) {
	if isNumber(l) && isNumber(r) {
		return arithNum(op, l, r)
	}
	fail := func() (any, error) {
		return nil, errorf("cannot %s %s and %s", opVerb(op), typeOf(l), typeOf(r))
	}
	switch op {
	case '+':
		if l == nil { // null + x is x (a number parsed, as gojq)
			return num(r), nil
		}
		if r == nil {
			return num(l), nil
		}
		switch l := l.(type) {
		case string:
			if r, ok := r.(string); ok {
				if len(l)+len(r) > maxString {
					return nil, errTooLarge
				}
				return l + r, nil
			}
		case []any:
			if r, ok := r.([]any); ok {
				if len(l)+len(r) > maxArray {
					return nil, errTooLarge
				}
				return append(slices.Clip(l), r...), nil
			}
		case map[string]any:
			if r, ok := r.(map[string]any); ok {
				m := make(map[string]any, len(l)+len(r))
				for k, v := range l {
					m[k] = v
				}
				for k, v := range r {
					m[k] = v
				}
				return m, nil
			}
		}
	case '-':
		if l, ok := l.([]any); ok {
			if r, ok := r.([]any); ok {
				return subtract(l, r), nil
			}
		}
	case '*':
		if l, ok := l.(map[string]any); ok {
			if r, ok := r.(map[string]any); ok {
				return deepMerge(l, r), nil
			}
		}
		_, ls := l.(string)
		_, rs := r.(string)
		if ls && isNumber(r) || rs && isNumber(l) {
			return nil, errorf("cannot multiply a string by a number: string repetition is not supported")
		}
	case '/':
		if l, ok := l.(string); ok {
			if r, ok := r.(string); ok {
				return splitString(l, r)
			}
		}
	}
	return fail()
}

func opVerb(op byte) string {
	switch op {
	case '+':
		return "add"
	case '-':
		return "subtract"
	case '*':
		return "multiply"
	case '/':
		return "divide"
	}
	return "take the remainder of"
}

func deepMerge(l, r map[string]any) map[string]any {
	m := make(map[string]any, len(l)+len(r))
	for k, v := range l {
		m[k] = v
	}
	for k, v := range r {
		if lm, ok := m[k].(map[string]any); ok {
			if rm, ok := v.(map[string]any); ok {
				v = deepMerge(lm, rm)
			}
		}
		m[k] = v
	}
	return m
}

// subtract is l without the elements equal to one of r's, in l's order.
// r is sorted once and searched, not walked for every element of l:
// two long arrays from a response would take hours.
// (sort.SliceStable, as sort_by uses: a generic sort of []any would add
// 9 kB to the binary.)
func subtract(l, r []any) []any {
	sorted := slices.Clone(r)
	sort.SliceStable(sorted, func(i, j int) bool { return compare(sorted[i], sorted[j]) < 0 })
	out := []any{}
	for _, x := range l {
		i := sort.Search(len(sorted), func(i int) bool { return compare(sorted[i], x) >= 0 })
		if i == len(sorted) || compare(sorted[i], x) != 0 {
			out = append(out, x)
		}
	}
	return out
}

func splitString(s, sep string) (any, error) {
	n := utf8.RuneCountInString(s)
	if sep != "" {
		n = strings.Count(s, sep) + 1
	}
	if n > maxArray {
		return nil, errTooLarge
	}
	out := []any{}
	if s == "" {
		return out, nil
	}
	for _, p := range strings.Split(s, sep) {
		out = append(out, p)
	}
	return out, nil
}

func arithNum(op byte, l, r any) (any, error) {
	li, ri, lb, rb, kind := numbers(l, r)
	if kind == 'i' { // overflow goes to big.Int, as in gojq
		switch op {
		case '+':
			if v := li + ri; (v >= li) == (ri >= 0) {
				return v, nil
			}
		case '-':
			if v := li - ri; (v <= li) == (ri >= 0) {
				return v, nil
			}
		case '*':
			if v := li * ri; ri == 0 || v/ri == li && !(ri == -1 && li == math.MinInt) {
				return v, nil
			}
		case '/':
			if ri == 0 {
				return nil, errorf("cannot divide a number by zero")
			}
			if ri != -1 && li%ri == 0 {
				return li / ri, nil
			}
			if ri != -1 {
				return float64(li) / float64(ri), nil
			}
		case '%':
			if ri == 0 {
				return nil, errorf("cannot take the remainder of a number divided by zero")
			}
			if ri == -1 {
				return 0, nil
			}
			return li % ri, nil
		}
		lb, rb, kind = big.NewInt(int64(li)), big.NewInt(int64(ri)), 'b'
	}
	if kind == 'b' {
		z := new(big.Int)
		switch op {
		case '+':
			return bigOrInt(z.Add(lb, rb)), nil
		case '-':
			return bigOrInt(z.Sub(lb, rb)), nil
		case '*':
			return bigOrInt(z.Mul(lb, rb)), nil
		case '/':
			if rb.Sign() == 0 {
				return nil, errorf("cannot divide a number by zero")
			}
			if d, m := z.DivMod(lb, rb, new(big.Int)); m.Sign() == 0 {
				return bigOrInt(d), nil
			}
			return toFloat(lb) / toFloat(rb), nil
		default:
			if rb.Sign() == 0 {
				return nil, errorf("cannot take the remainder of a number divided by zero")
			}
			return bigOrInt(z.Rem(lb, rb)), nil
		}
	}
	lf, rf := toFloat(l), toFloat(r)
	switch op {
	case '+':
		return lf + rf, nil
	case '-':
		return lf - rf, nil
	case '*':
		return lf * rf, nil
	case '/':
		if rf == 0 {
			return nil, errorf("cannot divide a number by zero")
		}
		return lf / rf, nil
	}
	if math.IsNaN(lf) || math.IsNaN(rf) {
		return math.NaN(), nil
	}
	if floatToInt(rf) == 0 {
		return nil, errorf("cannot take the remainder of a number divided by zero")
	}
	li, ri = floatToInt(lf), floatToInt(rf)
	if ri == -1 {
		return 0, nil
	}
	return li % ri, nil
}

func negate(v any) (any, error) {
	switch v := v.(type) {
	case int:
		if v == math.MinInt {
			return new(big.Int).Neg(big.NewInt(int64(v))), nil
		}
		return -v, nil
	case float64:
		return -v, nil
	case *big.Int:
		return bigOrInt(new(big.Int).Neg(v)), nil
	case json.Number:
		if strings.HasPrefix(string(v), "-") {
			return v[1:], nil
		}
		return "-" + v, nil
	}
	return nil, errorf("cannot negate %s", typeOf(v))
}

// encode appends v as compact JSON the way gojq (and jq) print it: keys
// sorted, NaN as null, infinities clamped, no HTML escaping. It stops
// early once b is over maxString (an array may hold one value many
// times, so its text can be far larger than its memory): callers check.
func encode(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		if math.IsNaN(v) {
			return append(b, "null"...)
		}
		v = min(max(v, -math.MaxFloat64), math.MaxFloat64)
		format := byte('f')
		if x := math.Abs(v); x != 0 && x < 1e-6 || x >= 1e21 {
			format = 'e'
		}
		b = strconv.AppendFloat(b, v, format, -1, 64)
		if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1] // e-09 → e-9
			b = b[:n-1]
		}
		return b
	case *big.Int:
		return v.Append(b, 10)
	case json.Number:
		return append(b, v...)
	case string:
		return encodeString(b, v)
	case []any:
		b = append(b, '[')
		for i, x := range v {
			if len(b) > maxString {
				return b
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = encode(b, x)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(v) {
			if len(b) > maxString {
				return b
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(encodeString(b, k), ':')
			b = encode(b, v[k])
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

func encodeString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s) && len(b) <= maxString; { // see encode
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if c < ' ' || c == 0x7f {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

func tostring(v any) (any, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b := encode(nil, v)
	if len(b) > maxString {
		return nil, errTooLarge
	}
	return string(b), nil
}
