package jq

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// maxDepth caps how deeply an expression may nest (parentheses, arrays,
// objects, if, interpolation, unary minus): the parser recurses on nesting,
// and an expression has no business going deeper.
const maxDepth = 200

type kind uint8

const (
	kIdentity kind = iota
	kLiteral       // val
	kField         // a.name, or .name when a is nil
	kIndex         // a[b]
	kSlice         // a[b:c]; b or c may be nil
	kIterate       // a[]
	kTry           // try a
	kPipe          // a | b
	kComma         // a, b
	kArith         // a op b: + - * / %
	kCompare       // a op b: == != < <= > >=
	kAnd           // a and b
	kOr            // a or b
	kAlt           // a // b
	kNeg           // -a
	kArray         // [a]; a may be nil
	kObject        // {args[0]: args[1], ...}
	kIf            // if a then b else c end; c may be nil
	kCall          // name(args...)
	kToString      // a | tostring, for interpolation
)

type node struct {
	kind    kind
	op      string
	name    string
	val     any
	a, b, c *node
	args    []*node
	opt     bool // a suffix with ?: its indexing errors are skipped
}

// unsupported is the error for a jq feature zauth does not implement.
func unsupported(what string) error {
	return fmt.Errorf("%s is not supported: zauth has a subset of jq built in; for the rest, pipe the JSON into jq (zauth status --json | jq '...')", what)
}

type token struct {
	kind byte // 'i' identifier or keyword, 'f' .field, 'n' number, 's' string start, 'o' operator/punctuation, 0 end
	text string
	pos  int
}

type parser struct {
	src   string
	pos   int
	tok   token
	depth int
}

func parse(src string) (n *node, err error) {
	p := &parser{src: src}
	if err := p.next(); err != nil {
		return nil, err
	}
	n, err = p.pipe()
	if err == nil && p.tok.kind != 0 {
		err = p.unexpected()
	}
	return n, err
}

func (p *parser) unexpected() error {
	if p.tok.kind == 0 {
		return errors.New("unexpected EOF")
	}
	return fmt.Errorf("unexpected token %q", p.tok.text)
}

func isIdentByte(c byte, tail bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || tail && '0' <= c && c <= '9'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber returns the end of the number at i (digits, fraction,
// exponent, as gojq's lexer), or -1 when it is malformed.
func scanNumber(s string, i int, fraction bool) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if !fraction && i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return -1
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (isIdentByte(s[i], false) || s[i] == '.') {
		return -1
	}
	return i
}

// validNumber is whether s is a number tonumber accepts.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	fraction := i < len(s) && s[i] == '.'
	if fraction {
		i++
	}
	return i < len(s) && isDigit(s[i]) && scanNumber(s, i, fraction) == len(s)
}

var operators = []string{"//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", "..",
	"|", ",", "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ":", ";", "?", ".", "$", "@"}

// next reads the token at p.pos; a string's opening quote is a token of
// its own, the string itself is read by str.
func (p *parser) next() error {
	s := p.src
	for p.pos < len(s) {
		if c := s[p.pos]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			p.pos++
		} else if c == '#' { // to the end of the line; a backslash continues it, as in jq
			for p.pos++; p.pos < len(s) && s[p.pos] != '\n' && s[p.pos] != '\r'; p.pos++ {
				if s[p.pos] == '\\' && p.pos+1 < len(s) && strings.IndexByte("\\\n\r", s[p.pos+1]) >= 0 {
					p.pos++
					if s[p.pos] == '\r' && p.pos+1 < len(s) && s[p.pos+1] == '\n' {
						p.pos++
					}
				}
			}
		} else {
			break
		}
	}
	start := p.pos
	p.tok = token{pos: start}
	if start == len(s) {
		return nil
	}
	c := s[start]
	switch {
	case isIdentByte(c, false):
		i := start + 1
		for i < len(s) && isIdentByte(s[i], true) {
			i++
		}
		if strings.HasPrefix(s[i:], "::") {
			return unsupported("modules (::)")
		}
		p.tok = token{'i', s[start:i], start}
	case c == '.' && start+1 < len(s) && isIdentByte(s[start+1], false):
		i := start + 2
		for i < len(s) && isIdentByte(s[i], true) {
			i++
		}
		p.tok = token{'f', s[start+1 : i], start}
	case isDigit(c) || c == '.' && start+1 < len(s) && isDigit(s[start+1]):
		i := scanNumber(s, start+1, c == '.')
		if i < 0 {
			return fmt.Errorf("invalid number at offset %d", start)
		}
		p.tok = token{'n', s[start:i], start}
	case c == '"':
		p.tok = token{'s', `"`, start}
	default:
		for _, op := range operators {
			if strings.HasPrefix(s[start:], op) {
				p.tok = token{'o', op, start}
				break
			}
		}
		if p.tok.kind == 0 {
			return fmt.Errorf("unexpected character %q", s[start:start+1])
		}
	}
	p.pos = start + len(p.tok.text)
	if p.tok.kind == 'f' {
		p.pos++
	}
	return nil
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == 'o' || p.tok.kind == 'i') && p.tok.text == text
}

func (p *parser) expect(text string) error {
	if !p.is(text) {
		return p.unexpected()
	}
	return p.next()
}

func (p *parser) enter() error {
	if p.depth++; p.depth > maxDepth {
		return fmt.Errorf("the expression nests deeper than %d levels", maxDepth)
	}
	return nil
}

// pipe: comma ('|' comma)*. A chain is read in a loop, not by recursion,
// so its length is not capped; it associates to the right, as in jq.
func (p *parser) pipe() (*node, error) {
	var parts []*node
	for {
		if p.is("def") {
			return nil, unsupported("def")
		}
		n, err := p.comma()
		if err != nil {
			return nil, err
		}
		if p.is("as") {
			return nil, unsupported("variable binding (as $x)")
		}
		parts = append(parts, n)
		if !p.is("|") {
			return foldRight(kPipe, parts), nil
		}
		if err := p.next(); err != nil {
			return nil, err
		}
	}
}

func foldRight(k kind, parts []*node) *node {
	n := parts[len(parts)-1]
	for i := len(parts) - 2; i >= 0; i-- {
		n = &node{kind: k, a: parts[i], b: n}
	}
	return n
}

func (p *parser) comma() (*node, error) {
	l, err := p.binary(0)
	for err == nil && p.is(",") {
		if err = p.next(); err == nil {
			var r *node
			r, err = p.binary(0)
			l = &node{kind: kComma, a: l, b: r}
		}
	}
	return l, err
}

// levels of the binary operators below ',' and '|', loosest first.
var levels = [][]string{{"//"}, {"or"}, {"and"}, {"==", "!=", "<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) binary(level int) (*node, error) {
	if level == len(levels) {
		return p.postfix()
	}
	l, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.tok.kind == 'o' && strings.HasSuffix(p.tok.text, "=") && !p.is("==") && !p.is("!=") && !p.is("<=") && !p.is(">="):
			return nil, unsupported("assignment (" + p.tok.text + ")")
		case p.is("?//"):
			return nil, unsupported("destructuring alternative (?//)")
		}
		op := ""
		for _, o := range levels[level] {
			if p.is(o) {
				op = o
			}
		}
		if op == "" {
			return l, nil
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		r, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		if op == "//" { // right-associative: a // b // c is a // (b // c)
			parts := []*node{l, r}
			for p.is("//") {
				if err := p.next(); err != nil {
					return nil, err
				}
				if r, err = p.binary(level + 1); err != nil {
					return nil, err
				}
				parts = append(parts, r)
			}
			l = foldRight(kAlt, parts)
			continue
		}
		n := &node{op: op, a: l, b: r}
		switch {
		case level == 1:
			n.kind = kOr
		case level == 2:
			n.kind = kAnd
		case level == 3:
			n.kind = kCompare
			if p.is("==") || p.is("!=") || p.is("<") || p.is("<=") || p.is(">") || p.is(">=") {
				return nil, p.unexpected() // non-associative, as in jq
			}
		default:
			n.kind = kArith
		}
		l = n
	}
}

// postfix: a term followed by .name, ."name", [..], .[..] and '?'.
func (p *parser) postfix() (*node, error) {
	t, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.tok.kind == 'f':
			t = &node{kind: kField, a: t, name: p.tok.text}
			err = p.next()
		case p.is("."):
			if err = p.next(); err != nil {
				return nil, err
			}
			if p.tok.kind == 's' {
				var key *node
				if key, err = p.str(); err == nil {
					t = &node{kind: kIndex, a: t, b: key}
				}
			} else if p.is("[") {
				t, err = p.bracket(t)
			} else {
				return nil, p.unexpected()
			}
		case p.is("["):
			t, err = p.bracket(t)
		case p.is("?"):
			t = optional(t)
			err = p.next()
		case p.is("as"):
			return nil, unsupported("variable binding (as $x)")
		default:
			return t, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// optional is t?. After a suffix (.a, [e], [e:e], []) it skips the
// errors of that indexing only, as jq's INDEX_OPT and EACH_OPT: not those
// of what is indexed, nor of the index expression, which is still
// evaluated against the input. On anything else it is try t.
func optional(t *node) *node {
	switch t.kind {
	case kField, kIndex, kSlice, kIterate:
		c := *t
		c.opt = true
		return &c
	}
	return &node{kind: kTry, a: t}
}

// bracket parses [] [e] [e:] [:e] [e:e] after t.
func (p *parser) bracket(t *node) (*node, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.is("]") {
		return &node{kind: kIterate, a: t}, p.next()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := &node{kind: kIndex, a: t}
	var err error
	if !p.is(":") {
		if n.b, err = p.pipe(); err != nil {
			return nil, err
		}
	}
	if p.is(":") {
		n.kind = kSlice
		if err := p.next(); err != nil {
			return nil, err
		}
		if !p.is("]") {
			if n.c, err = p.pipe(); err != nil {
				return nil, err
			}
		} else if n.b == nil {
			return nil, p.unexpected()
		}
	}
	return n, p.expect("]")
}

func (p *parser) term() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	tok := p.tok
	switch tok.kind {
	case 0:
		return nil, p.unexpected()
	case 'f':
		return &node{kind: kField, name: tok.text}, p.next()
	case 'n':
		return &node{kind: kLiteral, val: parseNumber(json.Number(tok.text))}, p.next()
	case 's':
		return p.str()
	case 'i':
		switch tok.text {
		case "reduce", "foreach", "import", "include", "module", "break", "label", "def":
			return nil, unsupported(tok.text)
		case "catch":
			return nil, unsupported("try ... catch")
		case "null", "true", "false":
			n := &node{kind: kLiteral}
			if tok.text != "null" {
				n.val = tok.text == "true"
			}
			return n, p.next()
		case "if":
			return p.ifThen()
		case "try":
			if err := p.next(); err != nil {
				return nil, err
			}
			body, err := p.postfix()
			if err != nil {
				return nil, err
			}
			if p.is("catch") {
				return nil, unsupported("try ... catch")
			}
			return &node{kind: kTry, a: body}, nil
		case "then", "elif", "else", "end", "and", "or", "as":
			return nil, p.unexpected()
		}
		return p.call()
	}
	switch tok.text {
	case ".":
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == 's' {
			key, err := p.str()
			return &node{kind: kIndex, b: key}, err
		}
		if p.is("[") {
			return p.bracket(nil)
		}
		return &node{kind: kIdentity}, nil
	case "..":
		return nil, unsupported("recursive descent (..)")
	case "$":
		name := ""
		if i := p.pos; i < len(p.src) && isIdentByte(p.src[i], false) {
			for i < len(p.src) && isIdentByte(p.src[i], true) {
				i++
			}
			name = p.src[p.pos:i]
		}
		if name == "ENV" || name == "__loc__" {
			return nil, unsupported("$" + name)
		}
		return nil, unsupported("variables ($" + name + ")")
	case "@":
		return nil, unsupported("formats (@base64, @csv, ...)")
	case "(":
		if err := p.next(); err != nil {
			return nil, err
		}
		n, err := p.pipe()
		if err != nil {
			return nil, err
		}
		// (e)? catches all of e's errors, not only those of its last suffix.
		return &node{kind: kPipe, a: &node{kind: kIdentity}, b: n}, p.expect(")")
	case "[":
		if err := p.next(); err != nil {
			return nil, err
		}
		n := &node{kind: kArray}
		if !p.is("]") {
			var err error
			if n.a, err = p.pipe(); err != nil {
				return nil, err
			}
		}
		return n, p.expect("]")
	case "{":
		return p.object()
	case "+":
		return nil, unsupported("unary plus")
	case "-":
		if err := p.next(); err != nil {
			return nil, err
		}
		n, err := p.postfix()
		return &node{kind: kNeg, a: n}, err
	}
	return nil, p.unexpected()
}

func (p *parser) call() (*node, error) {
	n := &node{kind: kCall, name: p.tok.text}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.is("(") {
		for {
			if err := p.next(); err != nil {
				return nil, err
			}
			arg, err := p.pipe()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, arg)
			if !p.is(";") {
				break
			}
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	if sig := fmt.Sprintf("%s/%d", n.name, len(n.args)); !strings.Contains(strings.ReplaceAll(builtins, "\n", " "), " "+sig+" ") {
		return nil, unsupported(sig)
	}
	return n, nil
}

func (p *parser) ifThen() (*node, error) {
	if err := p.next(); err != nil { // if or elif
		return nil, err
	}
	n := &node{kind: kIf}
	var err error
	if n.a, err = p.pipe(); err != nil {
		return nil, err
	}
	if err := p.expect("then"); err != nil {
		return nil, err
	}
	if n.b, err = p.pipe(); err != nil {
		return nil, err
	}
	switch {
	case p.is("elif"):
		if err := p.enter(); err != nil {
			return nil, err
		}
		n.c, err = p.ifThen()
		p.depth--
		return n, err
	case p.is("else"):
		if err := p.next(); err != nil {
			return nil, err
		}
		if n.c, err = p.pipe(); err != nil {
			return nil, err
		}
	}
	return n, p.expect("end")
}

// object parses {k: v, "k": v, (e): v, k, "k"}; a value is an
// alternative-level expression, or several joined by '|'.
func (p *parser) object() (*node, error) {
	n := &node{kind: kObject}
	if err := p.next(); err != nil {
		return nil, err
	}
	for !p.is("}") {
		var key *node
		var err error
		switch {
		case p.tok.kind == 'i':
			key = &node{kind: kLiteral, val: p.tok.text}
			err = p.next()
		case p.tok.kind == 's':
			key, err = p.str()
		case p.is("("):
			if err = p.next(); err == nil {
				if key, err = p.pipe(); err == nil {
					err = p.expect(")")
				}
				if err == nil && !p.is(":") {
					err = p.unexpected()
				}
			}
		case p.is("$"):
			_, err = p.term()
		case p.is("@"):
			err = unsupported("formats (@base64, @csv, ...)")
		default:
			err = p.unexpected()
		}
		if err != nil {
			return nil, err
		}
		var val *node
		if p.is(":") {
			if err := p.next(); err != nil {
				return nil, err
			}
			if val, err = p.binary(0); err != nil {
				return nil, err
			}
			for p.is("|") {
				if err := p.next(); err != nil {
					return nil, err
				}
				r, err := p.binary(0)
				if err != nil {
					return nil, err
				}
				val = &node{kind: kPipe, a: val, b: r}
			}
		} else {
			val = &node{kind: kIndex, b: key} // {a} is {a: .a}
		}
		n.args = append(n.args, key, val)
		if p.is(",") {
			if err := p.next(); err != nil {
				return nil, err
			}
		} else if !p.is("}") {
			return nil, p.unexpected()
		}
	}
	return n, p.next()
}

// str parses a string literal at p.pos (just after its opening quote),
// with JSON escapes and \(e) interpolation, which becomes an addition of
// the parts, as in gojq.
func (p *parser) str() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	s := p.src
	var parts []*node
	i := p.pos
	var lit strings.Builder
	flush := func(force bool) error {
		if lit.Len() == 0 && !force {
			return nil
		}
		var v string
		if err := json.Unmarshal([]byte(`"`+lit.String()+`"`), &v); err != nil {
			return errors.New("invalid string literal")
		}
		parts = append(parts, &node{kind: kLiteral, val: v})
		lit.Reset()
		return nil
	}
	for {
		if i >= len(s) {
			return nil, errors.New("unterminated string literal")
		}
		c := s[i]
		switch {
		case c == '"':
			if err := flush(len(parts) == 0); err != nil {
				return nil, err
			}
			p.pos = i + 1
			if err := p.next(); err != nil {
				return nil, err
			}
			n := parts[0]
			for _, q := range parts[1:] {
				n = &node{kind: kArith, op: "+", a: n, b: q}
			}
			return n, nil
		case c == '\\' && i+1 < len(s) && s[i+1] == '(':
			if err := flush(false); err != nil {
				return nil, err
			}
			p.pos = i + 2
			if err := p.next(); err != nil {
				return nil, err
			}
			q, err := p.pipe()
			if err != nil {
				return nil, err
			}
			if !p.is(")") {
				return nil, p.unexpected()
			}
			parts = append(parts, &node{kind: kToString, a: q})
			i = p.pos
		case c == '\\':
			if i+1 >= len(s) || !strings.ContainsRune(`"\/bfnrtu`, rune(s[i+1])) {
				return nil, errors.New("invalid escape sequence in string literal")
			}
			if s[i+1] == 'u' {
				if i+6 > len(s) || !isHex(s[i+2:i+6]) {
					return nil, errors.New("invalid escape sequence in string literal")
				}
			}
			lit.WriteString(s[i : i+2])
			i += 2
		case c < ' ':
			lit.WriteString(`\u00`)
			lit.WriteByte("0123456789abcdef"[c>>4])
			lit.WriteByte("0123456789abcdef"[c&15])
			i++
		default:
			lit.WriteByte(c)
			i++
		}
	}
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !isDigit(c) && !('a' <= c && c <= 'f') && !('A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
