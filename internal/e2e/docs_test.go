package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/testsys"
)

// A shell example in the documentation, and how the test treats it: the
// HTML comment on the line before its fence says.
//
//	<!-- not tested: REASON -->     not run (needs a real account, ...)
//	<!-- test: logged-out exit=N out="TEXT" -->
//	                                run with no stored login; expect exit N
//	                                and TEXT on stdout
//
// Every other sh block runs, so a new example either works against the
// emulators or says why it cannot be run.
type docBlock struct {
	file      string
	line      int // of the opening fence
	script    string
	skip      string // the not-tested reason
	loggedOut bool
	exit      int
	out       string
}

var (
	shFenceRE    = regexp.MustCompile("^```(sh|bash|shell|console)\\s*$")
	notTestedRE  = regexp.MustCompile(`^<!-- not tested: (.*\S) -->$`)
	testMarkerRE = regexp.MustCompile(`^<!-- test: (.*) -->$`)
	markerOptRE  = regexp.MustCompile(`logged-out|exit=(\d+)|out="([^"]*)"`)
)

// docBlocks reads the sh blocks of a markdown file, in order, and the
// problems with its markers and fences.
func docBlocks(file string) (blocks []docBlock, problems []string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, []string{err.Error()}
	}
	lines := strings.Split(string(data), "\n")
	bad := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: ", file, line)+fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(lines); i++ {
		if !shFenceRE.MatchString(lines[i]) {
			if strings.HasPrefix(lines[i], "```") { // another language: skip to its end
				bare, start := strings.TrimSpace(lines[i]) == "```", i+1
				for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
					if bare && strings.HasPrefix(strings.TrimSpace(lines[i]), "zauth ") {
						bad(start, "a zauth example in a fence without a language escapes this test: label it ```sh")
					}
				}
			}
			continue
		}
		b := docBlock{file: file, line: i + 1}
		prev := ""
		if i > 0 {
			prev = strings.TrimSpace(lines[i-1])
		}
		if m := notTestedRE.FindStringSubmatch(prev); m != nil {
			b.skip = m[1]
		} else if m := testMarkerRE.FindStringSubmatch(prev); m != nil {
			rest := markerOptRE.ReplaceAllStringFunc(m[1], func(opt string) string {
				o := markerOptRE.FindStringSubmatch(opt)
				switch {
				case opt == "logged-out":
					b.loggedOut = true
				case o[1] != "":
					b.exit, _ = strconv.Atoi(o[1])
				default:
					b.out = o[2]
				}
				return ""
			})
			if strings.TrimSpace(rest) != "" {
				bad(i, "unknown test marker options %q", strings.TrimSpace(rest))
			}
		} else if strings.HasPrefix(prev, "<!--") && strings.Contains(prev, "test") {
			bad(i, "malformed marker %q: use <!-- not tested: REASON --> or <!-- test: ... -->", prev)
		}
		var script []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			script = append(script, lines[i])
		}
		b.script = strings.Join(script, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks, problems
}

// TestDocsExamples runs the shell examples of README.md and docs/*.md with
// the real zauth against the Ziina, ZBD and generic emulators, the way a
// reader would: each file's blocks in order, in one environment of its own,
// with `sh -e`, so a wrong flag, a renamed command or a broken recipe fails.
// Calls to the providers' API hosts go to the emulators (a curl wrapper
// rewrites the URLs, and refuses any other https host), the example issuer
// https://login.acme.example is the generic emulator's, and logins go
// through the scripted browser.
func TestDocsExamples(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append([]string{"../../README.md"}, files...)
	ran := 0
	for _, file := range files {
		blocks, problems := docBlocks(file)
		for _, p := range problems {
			t.Error(p)
		}
		var todo []docBlock
		for _, b := range blocks {
			if b.skip == "" {
				todo = append(todo, b)
			}
		}
		if len(todo) == 0 {
			continue
		}
		name := strings.TrimPrefix(file, "../../")
		t.Run(name, func(t *testing.T) {
			d := newDocsEnv(t)
			for _, b := range todo {
				d.run(t, b)
				ran++
			}
		})
	}
	if ran < 10 {
		t.Errorf("only %d documentation examples ran", ran)
	}
}

// docsEnv is a reader's machine: the emulators, configured clients, the
// files and variables the examples name.
type docsEnv struct {
	h    *harness
	dir  string // the working directory
	env  []string
	acme string // the generic emulator, standing in for login.acme.example
}

func newDocsEnv(t *testing.T) *docsEnv {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	zbdRedirect := fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	zbd := emulator.New(emulator.ZBD, emulator.Options{ClientID: clientID, ClientSecret: zbdSecret, APIKey: zbdAPIKey,
		RedirectURIs: []string{zbdRedirect}})
	t.Cleanup(zbd.Close)
	h.setenv("ZAUTH_ZBD_AUTH_URL="+zbd.AuthURL(), "ZAUTH_ZBD_TOKEN_URL="+zbd.TokenURL(),
		"ZAUTH_ZBD_API_URL="+zbd.APIURL(), "ZAUTH_ZBD_REDIRECT_URI="+zbdRedirect)
	acmeRedirect := fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	acme := emulator.New(emulator.Generic, emulator.Options{ClientID: clientID, ClientSecret: acmeSecret,
		RedirectURIs: []string{acmeRedirect}})
	t.Cleanup(acme.Close)
	h.setenv("ZAUTH_ACME_REDIRECT_URI=" + acmeRedirect)

	d := &docsEnv{h: h, dir: filepath.Join(h.dir, "work"), acme: acme.URL}
	bin := filepath.Join(h.dir, "bin")
	realCurl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("the documentation examples need curl")
	}
	files := map[string]string{
		// The reader's own files and programs the examples use.
		"work/password.txt":       ziinaPass + "\n",
		"work/ziina-password.txt": ziinaPass + "\n",
		"work/secret.txt":         acmeSecret + "\n",
		"work/intent.json":        `{"amount": 1000, "currency_code": "AED", "test": true}` + "\n",
		"work/deploy.sh": "#!/bin/sh\n# a deployment that calls the API with the token zauth exec gave it\n" +
			`curl -fsS -H "Authorization: Bearer $ZAUTH_ACCESS_TOKEN" https://api-v2.ziina.com/api/account >/dev/null` + "\n",
		"work/report.js": "// reads process.env.ZBD_USER_TOKEN\n",
		"bin/node": "#!/bin/sh\n# stands in for node report.js: the token must be in the environment\n" +
			`[ "$1" = report.js ] && [ -n "$ZBD_USER_TOKEN" ]` + "\n",
		// curl, with the providers' API hosts pointed at the emulators.
		"bin/curl": "#!/bin/sh\nfor a do\n  shift\n  case $a in\n" +
			"    https://api-v2.ziina.com/*) a=" + h.emu.URL + "${a#https://api-v2.ziina.com} ;;\n" +
			"    https://api.zebedee.io/*) a=" + zbd.URL + "${a#https://api.zebedee.io} ;;\n" +
			"    https://api.acme.example/*) a=" + acme.URL + "${a#https://api.acme.example} ;;\n" +
			"    https://*) echo \"curl: $a is not an emulated host\" >&2; exit 97 ;;\n" +
			"  esac\n  set -- \"$@\" \"$a\"\ndone\nexec " + realCurl + " --fail \"$@\"\n",
	}
	for name, content := range files {
		p := filepath.Join(h.dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(zauthBin, filepath.Join(bin, "zauth")); err != nil {
		t.Fatal(err)
	}
	d.env = append(h.env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CLIENT_ID="+clientID, "USERNAME="+ziinaUser,
		"ZIINA_CLIENT_ID="+clientID, "ZIINA_USERNAME="+ziinaUser,
		"ZBD_CLIENT_ID="+clientID, "ZBD_CLIENT_SECRET="+zbdSecret, "ZBD_API_KEY="+zbdAPIKey,
		"ID="+clientID, "SECRET="+acmeSecret,
	)
	// Examples may assume the client is set up, as the guides do before them.
	h.setupClient()
	h.mustRun(zbdSecret+"\n"+zbdAPIKey+"\n", "client", "set", "zbd", "--client-id", clientID, "--secret-stdin", "--api-key-stdin")
	return d
}

// run runs one block and checks its outcome.
func (d *docsEnv) run(t *testing.T, b docBlock) {
	t.Helper()
	where := fmt.Sprintf("%s:%d", strings.TrimPrefix(b.file, "../../"), b.line)
	env := d.env
	if b.loggedOut {
		// A machine with the same configuration and no stored logins.
		env = append(env[:len(env):len(env)], "XDG_STATE_HOME="+t.TempDir(), "ZAUTH_KEYRING_SERVICE="+d.h.service+"-empty")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-e")
	cmd.Dir, cmd.Env = d.dir, env
	cmd.Stdin = strings.NewReader(strings.ReplaceAll(b.script, "https://login.acme.example", d.acme))
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	lacks := ""
	if !strings.Contains(out.String(), b.out) {
		lacks = fmt.Sprintf(", stdout lacks %q", b.out)
	}
	if code != b.exit || lacks != "" {
		t.Errorf("%s: exit %d (want %d)%s\n--- script\n%s--- stdout\n%s--- stderr\n%s", where, code, b.exit,
			lacks, b.script, out.String(), errb.String())
	}
}

// The marker syntax is checked too: a typo would silently run or skip.
func TestDocBlockMarkers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.md")
	os.WriteFile(file, []byte("text\n<!-- not tested: needs a real account -->\n```sh\nzauth login ziina\n```\n\n"+
		"```yaml\nzauth: not sh\n```\n<!-- test: logged-out exit=3 out=\"a b\" -->\n```sh\nzauth token ziina\n```\n```sh\nzauth status\n```\n"), 0o600)
	got, problems := docBlocks(file)
	if len(problems) > 0 {
		t.Errorf("problems: %q", problems)
	}
	if len(got) != 3 || got[0].skip != "needs a real account" || got[0].script != "zauth login ziina\n" ||
		!got[1].loggedOut || got[1].exit != 3 || got[1].out != "a b" || got[1].skip != "" ||
		got[2].skip != "" || got[2].loggedOut || got[2].exit != 0 || got[2].line != 14 {
		t.Errorf("blocks: %+v", got)
	}

	os.WriteFile(file, []byte("```\nzauth token ziina\n```\n<!-- not tested -->\n```sh\nzauth login ziina\n```\n"+
		"<!-- test: logged-in -->\n```sh\nzauth status\n```\n"), 0o600)
	_, problems = docBlocks(file)
	want := []string{"x.md:1: a zauth example in a fence without a language", "x.md:4: malformed marker", "x.md:8: unknown test marker options \"logged-in\""}
	if len(problems) != len(want) {
		t.Fatalf("problems: %q", problems)
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %q, want %q", problems[i], w)
		}
	}
}
