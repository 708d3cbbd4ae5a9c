package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/ui"
	"github.com/rgml/rgml/registry"
)

// uiOptions are those of `rgml ui`.
type uiOptions struct {
	env  *env
	Addr string // HOST:PORT to listen on
	// Loopback is false for an address other machines reach: said on
	// start.
	Loopback bool
}

// uiListenEnv may name the address rgml ui listens on, if it is a
// loopback one.
const uiListenEnv = "RGML_UI_LISTEN"

// defaultUIPort is rgml ui's port unless --port or --listen says.
const defaultUIPort = 8765

func newCmdUI(e *env, runF func(context.Context, *uiOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "ui",
		Usage: "browse the registry in a web browser: runs and their steps, lineage graphs, figures, compare, live curves of trainings and flows",
		Description: "Examples:\n  rgml ui                    # http://127.0.0.1:8765/\n  rgml ui --port 9000\n" +
			"  rgml ui --listen 0.0.0.0:8765   # other machines too: anyone who reaches it reads the registry\n\n" +
			"Read-only: it never writes the registry and runs no plugin. Every page and asset is in\n" +
			"the binary; nothing is fetched from the network. Figures are drawn on their first\n" +
			"view and kept until rgml ui stops. Ctrl-C stops it. See docs/ui.md.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Usage: "listen on 127.0.0.1:`PORT` (0: a free one, printed)", Value: defaultUIPort, EnvVars: []string{"RGML_UI_PORT"}},
			// Read by hand, not through EnvVars, so that the flag is known
			// to come from the command line.
			&cli.StringFlag{Name: "listen", Usage: "listen on `HOST:PORT` instead (or $" + uiListenEnv + " without --port); an address other machines reach only when given as --listen"},
		},
		Action: func(c *cli.Context) error {
			listen, explicit := c.String("listen"), c.IsSet("listen")
			if !explicit && !c.IsSet("port") {
				listen = os.Getenv(uiListenEnv)
			}
			opts, err := uiAddr(c.Int("port"), listen, c.IsSet("port") && explicit, explicit)
			if err != nil {
				return err
			}
			opts.env = e
			return orRun(runF, runUI)(c.Context, opts)
		},
	}
}

// uiAddr is the address rgml ui listens on: 127.0.0.1:port, or listen.
// An address other machines reach serves the registry to them, so it
// must be asked for on the command line (explicit), not left in an
// environment variable.
func uiAddr(port int, listen string, both, explicit bool) (*uiOptions, error) {
	if both {
		return nil, usagef("ui: give --port or --listen, not both")
	}
	if listen == "" {
		if port < 0 || port > 65535 {
			return nil, usagef("--port %d: want a port from 1 to 65535 (0: any free one)", port)
		}
		return &uiOptions{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Loopback: true}, nil
	}
	loop, err := ui.IsLoopback(listen)
	if err != nil {
		return nil, usagef("--listen %q: want HOST:PORT, e.g. 127.0.0.1:8765 (%v)", listen, err)
	}
	if !loop && !explicit {
		return nil, usagef("RGML_UI_LISTEN=%s is not a loopback address: to serve the registry beyond this machine, give --listen %s on the command line", listen, listen)
	}
	return &uiOptions{Addr: listen, Loopback: loop}, nil
}

// runUI serves the registry until ctx ends (Ctrl-C).
func runUI(ctx context.Context, o *uiOptions) error {
	e := o.env
	ln, err := ui.Listen(o.Addr)
	if errors.Is(err, ui.ErrPortBusy) {
		_, port, _ := net.SplitHostPort(o.Addr)
		return usagef("ui: port %s is in use by another program (another rgml ui?): choose another with --port", port)
	}
	if err != nil {
		return usagef("ui: cannot listen on %s: %v", o.Addr, err)
	}
	defer ln.Close()
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		srv, err := ui.New(ui.Options{Store: s})
		if err != nil {
			return err
		}
		defer srv.Close()
		if !o.Loopback {
			fmt.Fprintf(e.stderr, "rgml ui: listening on %s as --listen asks: anyone who can reach this address can read the registry\n", ln.Addr())
		}
		fmt.Fprintf(e.stdout, "rgml ui: serving the registry %s read-only at http://%s/ (Ctrl-C stops)\n", registry.RedactURL(s.Root()), ln.Addr())
		return ui.Serve(ctx, ln, srv.Handler())
	})
}
