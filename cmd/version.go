package cmd

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Build information, set with -ldflags -X at release time. A plain
// `go build` or `go install` leaves them empty, and the Go toolchain's own
// record of the build (module version, VCS revision and time) is used.
var (
	version string
	commit  string
	date    string
)

// BuildInfo is what `zauth version` reports.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

func buildVersion() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value[:min(len(s.Value), 12)]
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	for _, f := range []*string{&b.Version, &b.Commit, &b.Date} {
		if *f == "" {
			*f = "unknown"
		}
	}
	return b
}

// versionOptions is what `zauth version` was asked to do.
type versionOptions struct {
	App  *App
	JSON bool
}

func newVersionCmd(app *App, runF func(context.Context, *versionOptions) error) *cobra.Command {
	opts := &versionOptions{App: app}
	if runF == nil {
		runF = runVersion
	}
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print zauth's version, the commit it was built from and when. Release builds
carry them from the release; a build from source reports the module version
and VCS revision the Go toolchain recorded; "unknown" where neither says.`,
		Example: `  zauth version
  zauth version --json
  zauth version --jq .version`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON: {version, commit, date}")
	return c
}

func runVersion(_ context.Context, opts *versionOptions) error {
	b := buildVersion()
	if opts.JSON {
		return writeJSON(opts.App.Out, b)
	}
	_, err := fmt.Fprintf(opts.App.Out, "zauth %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date)
	return err
}
