package sdk

import (
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Handshake is the handshake shared by the host and every plugin. The magic
// cookie only keeps a user from running a plugin binary by hand; it is not
// a security measure.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "RGML_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "2b1f0c8e-rgml-rbm-flow-7d4a",
}

// Plugin names under which the kinds are served.
const (
	KindModel    = "model"
	KindLearner  = "learner"
	KindAnalyzer = "analyzer"
)

// ServeConfig says what a plugin binary serves. Exactly one kind is set.
type ServeConfig struct {
	Model    Model
	Learner  Learner
	Analyzer Analyzer
	// HeartbeatInterval is how often a long Apply or Analyze tells the host it is
	// alive (0: DefaultHeartbeatInterval).
	HeartbeatInterval time.Duration
	// Logger receives the plugin's logs; nil gives an hclog JSON logger on
	// stderr, which the host re-logs. Never write logs to stdout: it carries
	// the handshake.
	Logger hclog.Logger
}

// PluginSet returns the go-plugin plugin set for protocol v1 serving cfg.
func PluginSet(cfg ServeConfig) plugin.PluginSet {
	set := plugin.PluginSet{}
	if cfg.Model != nil {
		set[KindModel] = &ModelPlugin{Impl: cfg.Model}
	}
	if cfg.Learner != nil {
		set[KindLearner] = &LearnerPlugin{Impl: cfg.Learner, Heartbeat: cfg.HeartbeatInterval}
	}
	if cfg.Analyzer != nil {
		set[KindAnalyzer] = &AnalyzerPlugin{Impl: cfg.Analyzer, Heartbeat: cfg.HeartbeatInterval}
	}
	return set
}

// Serve serves the plugin and returns when the host is done with it. Run
// directly by a user, it prints what it is and exits with status 1. The
// plugin exits by itself, removing its socket, when its host dies.
func Serve(cfg ServeConfig) {
	set := PluginSet(cfg)
	if len(set) == 0 {
		fmt.Fprintln(os.Stderr, "sdk.Serve: ServeConfig names no plugin implementation")
		os.Exit(1)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{
			Level:      hclog.Trace,
			Output:     os.Stderr,
			JSONFormat: true,
		})
	}
	defer StartCPUProfile(os.Args[0])()
	if os.Getenv(Handshake.MagicCookieKey) == Handshake.MagicCookieValue {
		// Launched by a host (go-plugin refuses anything else below).
		removeSocketDir := privateSocketDir()
		defer removeSocketDir()
		watchHost(logger, removeSocketDir)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{ProtocolVersion: set},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, GRPCServerOptions()...)...)
		},
		Logger: logger,
	})
}
