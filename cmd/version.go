package cmd

import (
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

func newVersionCmd(app *App) *cobra.Command {
	var asJSON bool
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
			b := buildVersion()
			if asJSON {
				return writeJSON(app.Out, b)
			}
			_, err := fmt.Fprintf(app.Out, "zauth %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date)
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: {version, commit, date}")
	return c
}
