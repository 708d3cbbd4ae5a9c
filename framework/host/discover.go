package host

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/fsutil"
)

// BinaryPrefix starts the file name of every plugin executable.
const BinaryPrefix = "rgml-plugin-"

// Binary is a plugin executable found in the plugin directory.
type Binary struct {
	Name string // NAME of rgml-plugin-NAME
	Path string
}

// ErrNoPlugins is returned by Discover for a directory without plugins.
var ErrNoPlugins = errors.New("no plugins found")

// Discover lists the plugin executables in dir, sorted by name: regular
// executable files (or symlinks to them) named rgml-plugin-NAME.
func Discover(dir string) ([]Binary, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("plugin directory %s does not exist: build the plugins with `make build` or point --plugin-dir / RGML_PLUGIN_DIR at them: %w", dir, ErrNoPlugins)
		}
		return nil, fmt.Errorf("reading plugin directory: %w", err)
	}
	var out []Binary
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, BinaryPrefix) || len(name) == len(BinaryPrefix) {
			continue
		}
		path := filepath.Join(dir, name)
		// Follow symlinks: a link to a binary is a plugin; a dangling
		// one, or one to a folder, is not (and must not break a listing).
		info, err := os.Stat(path)
		if err != nil || !info.Mode().IsRegular() || info.Mode()&0o111 == 0 {
			continue
		}
		out = append(out, Binary{Name: strings.TrimPrefix(name, BinaryPrefix), Path: path})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("plugin directory %s holds no %s* executables: build them with `make build` or point --plugin-dir / RGML_PLUGIN_DIR at them: %w", dir, BinaryPrefix, ErrNoPlugins)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FileSHA256 returns the hex sha256 of the file at path.
// A path swapped to a FIFO or a device after discovery is refused, not
// read: a FIFO would block the open, a device never end.
func FileSHA256(path string) (string, error) {
	f, _, err := fsutil.OpenRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// DefaultPluginDir is plugins/ next to the running executable.
func DefaultPluginDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "plugins"
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), "plugins")
}
