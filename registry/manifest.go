package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ManifestFormat identifies the manifest layout; it is the "format" field of
// every manifest.json.
const ManifestFormat = "rgml.registry.manifest/1"

// Manifest is the JSON document stored with every entry (readable as
// ManifestFile, exported next to the files). The entry's digest is the sha256
// of its exact bytes, so anyone can check an exported folder with
// `sha256sum manifest.json` and then each file against Files.
type Manifest struct {
	Format  string    `json:"format"`
	Kind    Kind      `json:"kind"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Files   []FileRef `json:"files"`
	Lineage Lineage   `json:"lineage"`
}

// FileRef is one named content file of an entry.
type FileRef struct {
	Name   string `json:"name"`   // e.g. "data.npz", "weights.npz"
	Digest string `json:"digest"` // "sha256:" + 64 hex digits of the file's bytes
	Size   int64  `json:"size"`   // bytes
}

// Lineage records where an entry came from. One struct serves both kinds;
// fields that do not apply stay empty and are omitted from the JSON.
//
// For a dataset: Plugin is the model plugin that generated it, Algorithm the
// Monte Carlo algorithm, Parameters the parameter grid (e.g. {"L": 16,
// "T": [1.0, 1.1, ...]}), Seed, Samples (total configurations) and PerPoint
// (configurations per grid point).
//
// For trained weights: Plugin is the learner plugin, HyperParameters the
// training settings, Seed, Datasets the digests of the datasets trained on,
// Metrics the final losses, epochs and wall time, and Parent the digest of the
// model entry a resumed training started from.
//
// For a flow, an analysis or a run: Inputs name each entry it was made from
// under a role (a flow: "rbm" and "thermometer" -> models, "from" -> a
// dataset; a run: "step:NAME" -> each step's entry), and Key is the
// experiment engine's step key (see Store.FindByKey). Any kind may use
// Inputs and Key.
//
// Datasets, Parent and Inputs must name entries already in the store (a
// Put that refers to an unknown digest fails; Inputs must also be live), so
// lineage can always be followed with Store.Lineage.
type Lineage struct {
	Description     string         `json:"description,omitempty"`
	Plugin          *PluginRef     `json:"plugin,omitempty"`
	Host            *HostRef       `json:"host,omitempty"`
	Algorithm       string         `json:"algorithm,omitempty"`
	Seed            uint64         `json:"seed"`
	Parameters      map[string]any `json:"parameters,omitempty"`
	HyperParameters map[string]any `json:"hyper_parameters,omitempty"`
	Samples         int64          `json:"samples,omitempty"`
	PerPoint        int64          `json:"per_point,omitempty"`
	Datasets        []string       `json:"datasets,omitempty"` // "sha256:..." digests of dataset entries
	Parent          string         `json:"parent,omitempty"`   // "sha256:..." digest of the entry this one resumed from
	Inputs          []Input        `json:"inputs,omitempty"`
	Key             string         `json:"key,omitempty"` // 64 hex digits; see Store.FindByKey
	Metrics         *Metrics       `json:"metrics,omitempty"`
	Extra           map[string]any `json:"extra,omitempty"`
}

// Input is one entry, of any kind, that an entry was made from, and the role
// it played. Roles follow the name rules (see ValidateName) but may also
// contain ':' (e.g. "step:rbm-v64").
type Input struct {
	Role   string `json:"role"`
	Digest string `json:"digest"` // "sha256:..." digest of the input entry
}

// PluginRef identifies the plugin binary that produced an entry.
type PluginRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"` // of the plugin executable
}

// HostRef identifies the rgml host program that produced an entry.
type HostRef struct {
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"` // git commit of the host build
	Machine string `json:"machine,omitempty"`
}

// Metrics summarises a training run. JSON cannot carry NaN or ±Inf; Put
// rejects them with a clear error.
type Metrics struct {
	Epochs      int                `json:"epochs,omitempty"`
	WallSeconds float64            `json:"wall_seconds,omitempty"`
	FinalLosses map[string]float64 `json:"final_losses,omitempty"`
	Other       map[string]float64 `json:"other,omitempty"`
}

// File is one content file given to Put: a name plus either Reader (streamed,
// for large data) or Data.
type File struct {
	Name   string
	Data   []byte
	Reader io.Reader // used instead of Data when non-nil
}

// Entry is one version of an entry of any Kind as recorded in the store.
type Entry struct {
	Kind    Kind      `json:"kind"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	Digest  string    `json:"digest"`  // "sha256:" + hex sha256 of the manifest
	Created time.Time `json:"created"` // UTC, microsecond precision
	Size    int64     `json:"size"`    // total bytes of the content files
	Files   []FileRef `json:"files"`
	Aliases []string  `json:"aliases,omitempty"` // sorted; includes "latest" on the newest version
	// Removed is non-zero for entries that were removed; only Lineage
	// returns such entries (their metadata is kept, their blobs go at GC).
	Removed time.Time `json:"removed,omitzero"`

	id int64
}

// Ref returns "NAME:VERSION", a reference Resolve accepts.
func (e Entry) Ref() string { return fmt.Sprintf("%s:%d", e.Name, e.Version) }

// ShortDigest returns the first 12 hex digits of the digest.
func (e Entry) ShortDigest() string {
	h := strings.TrimPrefix(e.Digest, DigestPrefix)
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

// String returns e.g. "model rbm-L16:3 (sha256:0123456789ab)".
func (e Entry) String() string {
	return fmt.Sprintf("%s %s (%s%s)", e.Kind, e.Ref(), DigestPrefix, e.ShortDigest())
}

// File returns the FileRef with the given name.
func (e Entry) File(name string) (FileRef, bool) {
	for _, f := range e.Files {
		if f.Name == name {
			return f, true
		}
	}
	return FileRef{}, false
}

// decodeManifest decodes a manifest. Numbers in the free-form maps of its
// lineage (Parameters, HyperParameters, Extra) decode as float64, as their
// readers expect, except integers that float64 cannot hold exactly (a
// 64-bit seed): those stay json.Number, so that they print and encode
// digit for digit as they were written.
func decodeManifest(data []byte, m *Manifest) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(m); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the manifest's object")
	}
	for _, mp := range []map[string]any{m.Lineage.Parameters, m.Lineage.HyperParameters, m.Lineage.Extra} {
		for k, v := range mp {
			mp[k] = floatUnlessLossy(v)
		}
	}
	return nil
}

// floatUnlessLossy turns the json.Numbers in v into float64, except
// integers that would lose digits.
func floatUnlessLossy(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x
		}
		// An integer literal that float64 prints differently (its
		// shortest form) would lose digits, or at least its spelling.
		if s := string(x); !strings.ContainsAny(s, ".eE") && strconv.FormatFloat(f, 'f', -1, 64) != s {
			return x
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = floatUnlessLossy(e)
		}
	case []any:
		for i, e := range x {
			x[i] = floatUnlessLossy(e)
		}
	}
	return v
}
