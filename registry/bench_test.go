package registry

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The benchmarks run on both backends, side by side in one run:
// BenchmarkX/sqlite and BenchmarkX/postgres.
func bothBackendsB(b *testing.B, body func(b *testing.B)) {
	b.Run("sqlite", body)
	b.Run("postgres", body)
}

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
	bothBackendsB(b, func(b *testing.B) {
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
	})
}

func BenchmarkReadFile(b *testing.B) {
	bothBackendsB(b, func(b *testing.B) {
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
	})
}

// bulkInsert adds names x versions entries (metadata only, one file each)
// in one transaction, the way Put records them.
func bulkInsert(b *testing.B, s *Store, kind Kind, names, versions int) {
	ctx := context.Background()
	tx, err := s.beginWrite(ctx)
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
			id, err := s.insertID(ctx, tx, `INSERT INTO entries (kind, name, version, digest, created, size) VALUES (?, ?, ?, ?, ?, 160000)`,
				kind, name, v, fmt.Sprintf("%064x", n), now)
			if err != nil {
				b.Fatal(err)
			}
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
	bothBackendsB(b, func(b *testing.B) {
		s := newStore(b)
		bulkInsert(b, s, Model, 100, 100)
		for b.Loop() {
			es, err := s.List("", "")
			if err != nil || len(es) != 10000 {
				b.Fatal(len(es), err)
			}
		}
	})
}

func BenchmarkResolve10k(b *testing.B) {
	bothBackendsB(b, func(b *testing.B) {
		s := newStore(b)
		bulkInsert(b, s, Model, 100, 100)
		for b.Loop() {
			if _, err := s.Resolve(Model, "model-042:17"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFindByKey200 is the experiment engine's skip check of a
// 200-step spec on a store of 10,000 entries (5,000 models and 5,000 flows,
// all with keys): one op is 200 lookups.
func BenchmarkFindByKey200(b *testing.B) {
	bothBackendsB(b, func(b *testing.B) {
		s := newStore(b)
		bulkInsert(b, s, Model, 100, 100)
		hex := `printf('%064x', id * 7919)`
		if s.pg {
			hex = `lpad(to_hex(id * 7919), 64, '0')`
		}
		if _, err := s.db.Exec(`UPDATE entries SET key = ` + hex + `,
		kind = CASE id % 2 WHEN 0 THEN 'flow' ELSE kind END`); err != nil {
			b.Fatal(err)
		}
		var keys []string
		rows, err := s.db.Query(`SELECT key, kind FROM entries ORDER BY random() LIMIT 200`)
		if err != nil {
			b.Fatal(err)
		}
		var kinds []Kind
		for rows.Next() {
			var k string
			var kind Kind
			rows.Scan(&k, &kind)
			keys, kinds = append(keys, k), append(kinds, kind)
		}
		rows.Close()
		ctx := context.Background()
		for b.Loop() {
			for i, k := range keys {
				if _, ok, err := s.FindByKey(ctx, kinds[i], k); err != nil || !ok {
					b.Fatal(k, ok, err)
				}
			}
		}
	})
}
