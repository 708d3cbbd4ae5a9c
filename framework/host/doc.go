// Package host finds, verifies, launches and supervises rgml plugins.
//
// Plugins are executables named rgml-plugin-NAME in a plugin directory. The
// host records their sha256 in a lock file (Lock) and refuses to launch a
// binary whose checksum no longer matches (go-plugin's SecureConfig). It runs
// plugins Managed, re-logs their hclog output through its own logger, and
// turns a plugin that crashes, exits or hangs into an error that names the
// plugin and what it was doing — never a panic trace or a hang.
package host
