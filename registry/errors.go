package registry

import "errors"

// Sentinel errors. Every error returned by this package that falls into one of
// these classes wraps the sentinel, so callers test with errors.Is; the
// message around it says what was wrong and what to do about it.
var (
	// ErrInvalidName: a name, alias or file name breaks the naming rules
	// (see ValidateName).
	ErrInvalidName = errors.New("invalid name")
	// ErrInvalidKind: a Kind not in Kinds.
	ErrInvalidKind = errors.New("invalid kind")
	// ErrBadRef: a reference that is not NAME, NAME:VERSION, NAME@ALIAS or a
	// digest prefix, or a lineage digest that is not a full sha256 digest.
	ErrBadRef = errors.New("bad reference")
	// ErrNotFound: the reference is well formed but names nothing live.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous: a digest prefix (or a name that is also a digest
	// prefix) matches more than one entry.
	ErrAmbiguous = errors.New("ambiguous reference")
	// ErrCorrupt: a blob is missing or its bytes do not hash to its digest.
	// The registry never returns such bytes.
	ErrCorrupt = errors.New("corrupt data")
	// ErrSchemaTooNew: the store was written by a newer rgml whose schema
	// this program does not know.
	ErrSchemaTooNew = errors.New("registry schema too new")
	// ErrSchemaOld: OpenReadOnly found a store of an older schema, which
	// only a writable Open upgrades.
	ErrSchemaOld = errors.New("registry schema older than this program's")
	// ErrNotRegistry: the database file at the store root belongs to
	// something else.
	ErrNotRegistry = errors.New("not an rgml registry")
	// ErrNoRegistry: OpenReadOnly found no store at the root.
	ErrNoRegistry = errors.New("no registry")
	// ErrNoDatabase: the root holds blobs but its database is missing,
	// empty or has no schema; the store is refused rather than re-created
	// empty.
	ErrNoDatabase = errors.New("registry database lost")
	// ErrReadOnly: a write to a store opened with OpenReadOnly.
	ErrReadOnly = errors.New("registry opened read-only")
	// ErrBadLocation: a registry location that cannot be one: a malformed
	// postgres:// URL, one whose server refuses it (no such database, a
	// wrong password), a PostgreSQL registry without a blob directory, or
	// a blob directory given for a directory registry.
	ErrBadLocation = errors.New("bad registry location")
	// ErrUnreachable: the PostgreSQL server of a registry does not answer
	// or refuses the connection.
	ErrUnreachable = errors.New("registry database unreachable")
	// ErrInUse: Remove of an entry that the lineage of live entries needs.
	ErrInUse = errors.New("still in the lineage of other entries")
)
