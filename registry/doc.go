// Package registry versions datasets (Monte Carlo configurations) and models
// (trained weights) so that they can be found, trusted and re-used long
// after they were made, from Go or from Python without rgml.
//
// # Store layout
//
// A store is a directory (see Locate for where it is looked for):
//
//	registry.db            SQLite metadata (WAL mode, schema version in PRAGMA user_version)
//	blobs/sha256/ab/abcd…  immutable, read-only files named by the sha256 of their bytes
//	blobs/tmp/             temp files of writes in progress
//	lock                   advisory lock file (writers shared, GC exclusive)
//
// Blobs are written to a temp file, fsynced, made read-only, renamed into
// place and the directory fsynced, so a blob path either does not exist or
// holds exactly the bytes its name promises. Names given by users never
// become paths inside the store.
//
// # Entries
//
// Every entry has a Kind (Dataset, Model, Flow, Analysis or Run), a name (see ValidateName), an
// integer version assigned in a write transaction as max+1 per kind and name
// (numbers are never reused, even after Remove), a creation time, one or more
// named files (e.g. "data.npz", "weights.npz") and a JSON Manifest that lists
// the files with their digests and records the Lineage (plugin name, version
// and binary sha256, parameters or hyper-parameters, seed, datasets used,
// parent of a resumed training, inputs of any kind by role, the experiment
// engine's step key, host version and commit, metrics). The
// manifest is itself a blob, readable as "manifest.json"; the entry's Digest
// is the sha256 of the manifest bytes, so it pins every byte of the entry.
//
// FindByKey finds the newest live entry with a step key, so the experiment
// engine can skip a step whose result exists. A Run entry holds a RunRecord
// as RunRecordFile and names each step's entry as an input "step:NAME".
//
// Aliases name versions: "latest" always points at the newest live version
// and is moved by Put and Remove; user tags are moved atomically with Tag.
//
// # References
//
// Resolve and the other lookups accept NAME (latest), NAME:VERSION,
// NAME@ALIAS, or a digest prefix of at least 6 hex digits, with or without
// "sha256:". Errors wrap ErrBadRef, ErrNotFound or ErrAmbiguous and say what
// to change.
//
// # Integrity
//
// ReadFile and Export re-hash what they read and fail with ErrCorrupt rather
// than return wrong bytes; Export stages into a temporary folder, so a
// failed export leaves nothing. Verify re-hashes every blob, follows every
// lineage link of every live entry and reports each Problem with the
// entries it affects. GC removes blobs no live entry references (from
// Remove or from writes interrupted by a crash) and stale temp files, but
// keeps the manifests of removed entries that live lineage reaches; use
// dryRun to see what it would do. Remove refuses (ErrInUse) an entry that
// live lineage needs unless forced.
//
// # Opening
//
// Open creates a missing store (Store.Created says so); OpenReadOnly never
// creates anything (ErrNoRegistry) and opens SQLite with mode=ro, so a store
// the caller may not write can still be read. Both refuse, with
// ErrNoDatabase and without touching anything, a root whose blobs outlived
// its database (missing, empty or without schema); Rebuild recreates such a
// database from the manifests among the blobs.
//
// # PostgreSQL
//
// A root that is a postgres:// URL (IsURL) keeps the same tables in that
// PostgreSQL database, for a registry shared by many machines, and the blobs
// in a directory every machine sees (OpenWith's Options.Blobs, else
// $RGML_BLOBS), laid out as blobs/ above. The SQL is the same on both
// backends but for a small dialect layer: placeholders, the write lock (an
// advisory lock taken by every write transaction where SQLite begins
// IMMEDIATE), REPEATABLE READ snapshots for reads, the schema version in
// the table rgml_schema, and an advisory lock instead of the lock file
// between writers and GC. Copy moves a directory store there.
//
// # Concurrency and crashes
//
// Any number of goroutines and processes may use a store at once. SQLite
// runs in WAL mode with a busy timeout of BusyTimeout and foreign keys on;
// write transactions begin IMMEDIATE, so concurrent Puts of the same name get
// distinct consecutive versions. A process killed at any point leaves either a
// complete entry or none.
//
// # Schema
//
// Opening an existing store writes nothing unless its schema version is
// older than SchemaVersion, in which case the forward migrations run in one
// transaction; a newer schema version is refused with ErrSchemaTooNew.
//
// # Reading from Python
//
// The database and blobs are plain SQLite and plain files:
//
//	import sqlite3, hashlib, numpy as np
//	root = ".rgml"
//	db = sqlite3.connect(f"{root}/registry.db")
//	(h,) = db.execute("""SELECT f.digest FROM aliases a JOIN files f ON f.entry_id = a.entry_id
//	                     WHERE a.kind = 'model' AND a.name = ? AND a.alias = 'latest'
//	                     AND f.name = 'weights.npz'""", ("rbm-L16",)).fetchone()
//	path = f"{root}/blobs/sha256/{h[:2]}/{h}"
//	assert hashlib.sha256(open(path, "rb").read()).hexdigest() == h
//	weights = np.load(path)
//
// or Export an entry to a folder of ordinary files next to its manifest.json.
// Tables: entries (kind, name, version, digest, created, size, removed,
// key), files (entry_id, name, digest, size), aliases (kind, name, alias,
// entry_id), links (entry_id, role 'parent', 'dataset' or 'input', target
// digest, label: the input's role) and
// history (an append-only log of put, tag, untag and remove). Digests in the
// database are bare hex; the Go API and manifests write them as
// "sha256:HEX".
package registry
