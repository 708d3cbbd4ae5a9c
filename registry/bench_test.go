package registry

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// weightSet is a 400x100 float32 weight matrix's worth of bytes (160 kB).
func weightSet() []byte {
	b := make([]byte, 400*100*4)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func BenchmarkPut(b *testing.B) {
	s := newStore(b)
	data := weightSet()
	ctx := context.Background()
	var i uint64
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		i++
		binary.LittleEndian.PutUint64(data, i) // distinct blobs
		if _, err := s.Put(ctx, Model, "rbm", []File{{Name: "weights.npz", Data: data}}, Lineage{Seed: i}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile(b *testing.B) {
	s := newStore(b)
	data := weightSet()
	e, err := s.Put(context.Background(), Model, "rbm", []File{{Name: "weights.npz", Data: data}}, Lineage{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		got, err := s.ReadFile(e, "weights.npz")
		if err != nil || len(got) != len(data) {
			b.Fatal(err)
		}
	}
}

// bulkInsert adds names x versions entries (metadata only, one file each)
// in one transaction, the way Put records them.
func bulkInsert(b *testing.B, s *Store, kind Kind, names, versions int) {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	now := fmtTime(s.timestamp())
	n := 0
	for i := range names {
		name := fmt.Sprintf("%s-%03d", kind, i)
		for v := 1; v <= versions; v++ {
			n++
			res, err := tx.Exec(`INSERT INTO entries (kind, name, version, digest, created, size) VALUES (?, ?, ?, ?, ?, 160000)`,
				kind, name, v, fmt.Sprintf("%064x", n), now)
			if err != nil {
				b.Fatal(err)
			}
			id, _ := res.LastInsertId()
			if _, err := tx.Exec(`INSERT INTO files (entry_id, pos, name, digest, size) VALUES (?, 0, 'weights.npz', ?, 160000)`,
				id, fmt.Sprintf("%064x", 1<<40+n)); err != nil {
				b.Fatal(err)
			}
			if err := setAlias(ctx, tx, kind, name, LatestAlias, id, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkList10k(b *testing.B) {
	s := newStore(b)
	bulkInsert(b, s, Model, 100, 100)
	for b.Loop() {
		es, err := s.List("", "")
		if err != nil || len(es) != 10000 {
			b.Fatal(len(es), err)
		}
	}
}

func BenchmarkResolve10k(b *testing.B) {
	s := newStore(b)
	bulkInsert(b, s, Model, 100, 100)
	for b.Loop() {
		if _, err := s.Resolve(Model, "model-042:17"); err != nil {
			b.Fatal(err)
		}
	}
}
