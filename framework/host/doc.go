// Package host finds, verifies, launches and supervises rgml plugins.
//
// Plugins are executables named rgml-plugin-NAME in a plugin directory. The
// host records their sha256 in a lock file (Lock) and launches only a binary
// the lock vouches for; Config.AllowUnlocked relaxes that for development.
// It never executes the plugin's path: it copies the binary into a private
// folder, hashing the bytes as it copies them, and runs that copy, so what
// runs is what was checked, and Plugin.SHA256 is the digest of what ran.
//
// It talks to plugins over mutual TLS (AutoMTLS) on sockets in a private
// folder, has them die with it, runs them Managed, re-logs their hclog
// output through its own logger, and turns a plugin that crashes, exits or
// hangs into an error that names the plugin and what it was doing — never
// a panic trace or a hang. Each plugin runs in a process group of its own
// that Kill kills if the plugin does not exit when asked (a stopped
// process, a wrapper's child holding its pipes), so every wait on a plugin
// has a deadline, and a cancelled context ends a call or a start-up at
// once.
package host
