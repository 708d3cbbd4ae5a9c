package registry

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of a registry entry.
type Kind string

// The kinds of entries.
const (
	// Dataset: Monte Carlo or imported configurations (e.g. data.npz) with
	// their labels.
	Dataset Kind = "dataset"
	// Model: trained network weights (e.g. weights.npz, history.npz).
	Model Kind = "model"
	// Flow: the result of running configurations through a trained RBM
	// repeatedly, read by a thermometer.
	Flow Kind = "flow"
	// Analysis: the output of an analyzer plugin (tensors, series, tables).
	Analysis Kind = "analysis"
	// Run: the record of one execution of an experiment spec (RunRecordFile).
	Run Kind = "run"
)

// Kinds lists the valid kinds, in the order listings use.
var Kinds = []Kind{Dataset, Model, Flow, Analysis, Run}

// Plural returns the plural noun of k, as the command groups are named
// ("datasets", "models", "flows", "analyses", "runs").
func (k Kind) Plural() string {
	if k == Analysis {
		return "analyses"
	}
	return string(k) + "s"
}

// ParseKind accepts a kind's name or plural (case-insensitive), and "data"
// and "weights", for command lines.
func ParseKind(s string) (Kind, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "data":
		return Dataset, nil
	case "weights":
		return Model, nil
	default:
		for _, k := range Kinds {
			if v == string(k) || v == k.Plural() {
				return k, nil
			}
		}
	}
	return "", fmt.Errorf("registry: %w %q: use one of %s", ErrInvalidKind, s, kindList())
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

func (k Kind) check() error {
	if k.Valid() {
		return nil
	}
	return fmt.Errorf("registry: %w %q: use one of %s (registry.Kinds)", ErrInvalidKind, string(k), kindList())
}

func kindList() string {
	q := make([]string, len(Kinds))
	for i, k := range Kinds {
		q[i] = strconv.Quote(string(k))
	}
	return strings.Join(q, ", ")
}

// MaxNameLen is the maximum length of names, aliases and file names.
const MaxNameLen = 128

// LatestAlias is the alias the registry moves to the newest live version on
// every Put (and back to the newest remaining one on Remove). Users cannot
// set or delete it.
const LatestAlias = "latest"

// ManifestFile is the name under which an entry's manifest can be read with
// ReadFile and is written by Export. Content files cannot use this name.
const ManifestFile = "manifest.json"

const nameRules = "names are 1-128 characters from A-Z a-z 0-9 . _ -, start with a letter or digit, and do not contain \"..\""

// ValidateName checks a name, alias or file name: 1 to 128 characters from
// [A-Za-z0-9._-], starting with a letter or digit, without "..". This rules
// out '/', '\', NUL, spaces, ':', '@' and every shell metacharacter. The
// error wraps ErrInvalidName and names the offending character.
//
// Names never become file paths inside the store (blobs are stored by hash),
// but they do become file names in Export and appear on command lines, hence
// the strictness.
func ValidateName(s string) error {
	return validate("name", s)
}

func validate(what, s string) error {
	if r := nameProblem(s); r != "" {
		return fmt.Errorf("registry: %w: %s %q %s; %s", ErrInvalidName, what, s, r, nameRules)
	}
	return nil
}

// nameProblem says what is wrong with a name ("" if nothing).
func nameProblem(s string) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > MaxNameLen {
		return fmt.Sprintf("is %d bytes long", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.' || c == '_' || c == '-':
			if i == 0 {
				return fmt.Sprintf("starts with %q", c)
			}
		case c == 0:
			return "contains a NUL byte"
		case c >= 0x80:
			return "contains a non-ASCII character"
		default:
			return fmt.Sprintf("contains %q", c)
		}
	}
	if strings.Contains(s, "..") {
		return `contains ".."`
	}
	return ""
}

// refForm is the syntactic form of a reference.
type refForm int

const (
	refName    refForm = iota // NAME (latest); may also be a digest prefix
	refVersion                // NAME:VERSION
	refAlias                  // NAME@ALIAS
	refDigest                 // sha256:HEX... (prefix)
)

type parsedRef struct {
	form    refForm
	name    string
	version int
	alias   string
	prefix  string // lower-case hex digest prefix (refDigest, or refName that looks like hex)
}

const refForms = "use NAME (latest version), NAME:VERSION, NAME@ALIAS, or a digest prefix of at least 6 hex digits (optionally written sha256:HEX)"

// MinDigestPrefix is the shortest digest prefix Resolve accepts.
const MinDigestPrefix = 6

func badRef(ref, reason string) error {
	return fmt.Errorf("registry: %w %q: %s; %s", ErrBadRef, ref, reason, refForms)
}

func parseRef(ref string) (parsedRef, error) {
	if ref == "" {
		return parsedRef{}, badRef(ref, "empty reference")
	}
	if len(ref) >= 7 && strings.EqualFold(ref[:7], "sha256:") {
		p := strings.ToLower(ref[7:])
		if len(p) < MinDigestPrefix {
			return parsedRef{}, badRef(ref, fmt.Sprintf("a digest prefix needs at least %d hex digits", MinDigestPrefix))
		}
		if len(p) > 64 || !isHex(p) {
			return parsedRef{}, badRef(ref, "a sha256 digest is at most 64 hex digits 0-9a-f")
		}
		return parsedRef{form: refDigest, prefix: p}, nil
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		name, v := ref[:i], ref[i+1:]
		if r := nameProblem(name); r != "" {
			return parsedRef{}, badRef(ref, fmt.Sprintf("name %q before ':' %s", name, r))
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || strings.HasPrefix(v, "+") {
			return parsedRef{}, badRef(ref, fmt.Sprintf("version %q is not a positive integer", v))
		}
		return parsedRef{form: refVersion, name: name, version: n}, nil
	}
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		name, a := ref[:i], ref[i+1:]
		if r := nameProblem(name); r != "" {
			return parsedRef{}, badRef(ref, fmt.Sprintf("name %q before '@' %s", name, r))
		}
		if r := nameProblem(a); r != "" {
			return parsedRef{}, badRef(ref, fmt.Sprintf("alias %q %s", a, r))
		}
		return parsedRef{form: refAlias, name: name, alias: a}, nil
	}
	if r := nameProblem(ref); r != "" {
		return parsedRef{}, badRef(ref, "the name "+r+" ("+nameRules+")")
	}
	p := parsedRef{form: refName, name: ref}
	if len(ref) >= MinDigestPrefix && len(ref) <= 64 && isHex(strings.ToLower(ref)) {
		p.prefix = strings.ToLower(ref)
	}
	return p, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// DigestPrefix is the prefix of every digest this package returns.
const DigestPrefix = "sha256:"

// normalizeDigest accepts a full sha256 digest, "sha256:HEX" or bare HEX
// (any case), and returns the 64 lower-case hex digits.
func normalizeDigest(d string) (string, error) {
	h := d
	if len(h) >= 7 && strings.EqualFold(h[:7], DigestPrefix) {
		h = h[7:]
	}
	h = strings.ToLower(h)
	if len(h) != 64 || !isHex(h) {
		return "", fmt.Errorf("%w %q: expected a full sha256 digest (sha256: followed by 64 hex digits)", ErrBadRef, d)
	}
	return h, nil
}
