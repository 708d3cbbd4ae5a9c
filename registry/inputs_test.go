package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func keyOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// flowFixture puts what a flow is made from and the flow itself.
type flowFixture struct {
	data, rbm, thermo, flow Entry
}

func putFlow(t *testing.T, s *Store) flowFixture {
	t.Helper()
	var f flowFixture
	f.data = put(t, s, Dataset, "ising-L8", Lineage{Seed: 1})
	f.rbm = put(t, s, Model, "rbm-v64", Lineage{Datasets: []string{f.data.Digest}})
	f.thermo = put(t, s, Model, "thermo", Lineage{Datasets: []string{f.data.Digest}})
	f.flow = put(t, s, Flow, "flow-T0", Lineage{
		Seed: 7,
		Key:  strings.ToUpper(keyOf("flow-T0")),
		Inputs: []Input{
			{Role: "rbm", Digest: f.rbm.Digest},
			{Role: "thermometer", Digest: strings.TrimPrefix(f.thermo.Digest, DigestPrefix)},
			{Role: "from", Digest: f.data.Digest},
		},
	}, File{Name: "flow.npz", Data: []byte("temperatures")})
	return f
}

func refs(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.Kind) + " " + e.Ref()
	}
	return out
}

func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		for _, s := range []string{string(k), k.Plural(), strings.ToUpper(k.Plural())} {
			if got, err := ParseKind(s); err != nil || got != k {
				t.Errorf("ParseKind(%q) = %q, %v", s, got, err)
			}
		}
	}
	if _, err := ParseKind("flowz"); !errors.Is(err, ErrInvalidKind) || !strings.Contains(err.Error(), `"analysis"`) {
		t.Errorf("ParseKind(flowz): %v", err)
	}
	if Kind("weights").Valid() {
		t.Error(`Kind("weights") is valid`)
	}
}

func TestFlowInputsLineage(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		f := putFlow(t, s)

		m, err := s.Manifest(f.flow)
		if err != nil {
			t.Fatal(err)
		}
		want := []Input{{"rbm", f.rbm.Digest}, {"thermometer", f.thermo.Digest}, {"from", f.data.Digest}}
		if !slices.Equal(m.Lineage.Inputs, want) || m.Lineage.Key != keyOf("flow-T0") {
			t.Fatalf("manifest lineage: inputs %v key %q", m.Lineage.Inputs, m.Lineage.Key)
		}
		chain, err := s.Lineage(Flow, "flow-T0")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := refs(chain), []string{"flow flow-T0:1", "model rbm-v64:1", "model thermo:1", "dataset ising-L8:1"}; !slices.Equal(got, want) {
			t.Fatalf("lineage %v, want %v", got, want)
		}
		if es, err := s.List(Flow, ""); err != nil || len(es) != 1 || es[0].Digest != f.flow.Digest {
			t.Fatalf("list flows: %v %v", es, err)
		}
		if _, err := s.Resolve(Model, "flow-T0"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "but there is a flow with that name") {
			t.Fatalf("resolve a flow as a model: %v", err)
		}
		mustVerify(t, s)

		// rm refuses what the flow's lineage needs, and names the flow.
		for _, c := range []struct {
			kind Kind
			ref  string
		}{{Model, "rbm-v64"}, {Model, "thermo"}, {Dataset, "ising-L8"}} {
			if _, err := s.Remove(c.kind, c.ref, false); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "flow flow-T0:1") {
				t.Errorf("remove %s: %v", c.ref, err)
			}
		}
		// Forced, gc keeps the manifest the flow's lineage needs.
		if _, err := s.Remove(Model, "rbm-v64", true); err != nil {
			t.Fatal(err)
		}
		rep, err := s.GC(false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.KeptLineage != 1 || rep.Blobs != 1 {
			t.Errorf("gc: %+v", rep)
		}
		mustVerify(t, s)
		chain, err = s.Lineage(Flow, "flow-T0")
		if err != nil || len(chain) != 4 || chain[1].Removed.IsZero() {
			t.Fatalf("lineage after forced rm: %v %v", refs(chain), err)
		}
		// Removing the flow frees everything.
		if _, err := s.Remove(Flow, "flow-T0", false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Remove(Model, "thermo", false); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPutInputsChecked(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		d := put(t, s, Dataset, "d", Lineage{})
		gone := put(t, s, Model, "gone", Lineage{})
		if _, err := s.Remove(Model, "gone", false); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		files := []File{{Name: "f.npz", Data: []byte("x")}}
		for _, c := range []struct {
			name string
			lin  Lineage
			want error
			msg  string
		}{
			{"unknown", Lineage{Inputs: []Input{{"rbm", keyOf("nothing")}}}, ErrNotFound, "put it first"},
			{"removed", Lineage{Inputs: []Input{{"rbm", gone.Digest}}}, ErrNotFound, "was removed"},
			{"short", Lineage{Inputs: []Input{{"rbm", "sha256:abc"}}}, ErrBadRef, "inputs[0]"},
			{"role", Lineage{Inputs: []Input{{"a b", d.Digest}}}, ErrInvalidName, "role"},
			{"colon", Lineage{Inputs: []Input{{":x", d.Digest}}}, ErrInvalidName, "role"},
			{"twice", Lineage{Inputs: []Input{{"from", d.Digest}, {"from", d.Digest}}}, nil, "listed twice"},
			{"key", Lineage{Key: "abc"}, ErrBadRef, "64 hex"},
		} {
			_, err := s.Put(ctx, Flow, "f", files, c.lin)
			if err == nil || c.want != nil && !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if es, _ := s.List(Flow, ""); len(es) != 0 {
			t.Fatalf("a refused put left %v", es)
		}
		// The same entry under two roles, and step roles with ':', are fine.
		r := put(t, s, Run, "study", Lineage{Inputs: []Input{{"step:a", d.Digest}, {"step:b", d.Digest}}},
			File{Name: RunRecordFile, Data: []byte("{}")})
		if chain, err := s.Lineage(Run, r.Ref()); err != nil || len(chain) != 2 {
			t.Fatalf("run lineage: %v %v", refs(chain), err)
		}
	})
}

func TestPutWeightsAndHistory(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Model, "rbm", Lineage{}, File{Name: "weights.npz", Data: []byte("w")}, File{Name: "history.npz", Data: []byte("h")})
		for name, want := range map[string]string{"weights.npz": "w", "history.npz": "h"} {
			if b, err := s.ReadFile(e, name); err != nil || string(b) != want {
				t.Errorf("%s: %q %v", name, b, err)
			}
		}
	})
}

func TestFindByKey(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		k := keyOf("step")
		if _, ok, err := s.FindByKey(ctx, Model, k); ok || err != nil {
			t.Fatalf("empty store: %v %v", ok, err)
		}
		a := put(t, s, Model, "a", Lineage{Key: k})
		put(t, s, Model, "c", Lineage{Key: keyOf("other")})
		put(t, s, Dataset, "d", Lineage{Key: keyOf("flow")})
		got, ok, err := s.FindByKey(ctx, Model, strings.ToUpper(k))
		if err != nil || !ok || got.Digest != a.Digest {
			t.Fatalf("FindByKey: %v %v %v, want %v", got, ok, err, a)
		}
		if _, ok, _ := s.FindByKey(ctx, Flow, keyOf("flow")); ok {
			t.Error("FindByKey matched another kind")
		}
		if _, err := s.Remove(Model, "a", false); err != nil {
			t.Fatal(err)
		}
		if got, ok, _ := s.FindByKey(ctx, Model, k); ok {
			t.Errorf("after removing the entry: %v %v", got, ok)
		}
		// A removed entry's key may be registered again.
		b := put(t, s, Model, "b", Lineage{Key: k})
		if got, ok, _ := s.FindByKey(ctx, Model, k); !ok || got.Digest != b.Digest {
			t.Errorf("after registering the key again: %v %v", got, ok)
		}
		if _, _, err := s.FindByKey(ctx, Model, "xyz"); !errors.Is(err, ErrBadRef) {
			t.Errorf("bad key: %v", err)
		}
	})
}

func TestVerifyBrokenInput(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		f := putFlow(t, s)
		if _, err := s.Remove(Model, "thermo", true); err != nil {
			t.Fatal(err)
		}
		p := s.blobPath(strings.TrimPrefix(f.thermo.Digest, DigestPrefix))
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		ps, err := s.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range ps {
			if p.Kind == ProblemLineage && strings.Contains(p.Detail, "input thermometer") && strings.Contains(p.Detail, "flow flow-T0:1") {
				found = true
			}
		}
		if !found {
			t.Fatalf("verify did not report the flow's lost input: %v", ps)
		}
	})
}

func TestRebuildRestoresInputsAndKeys(t *testing.T) {
	s := newStore(t)
	f := putFlow(t, s)
	root := s.Root()
	s.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(root, DBFile) + suffix)
	}
	if _, err := Rebuild(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, ok, err := s.FindByKey(context.Background(), Flow, keyOf("flow-T0")); err != nil || !ok || got.Digest != f.flow.Digest {
		t.Fatalf("FindByKey after rebuild: %v %v %v", got, ok, err)
	}
	chain, err := s.Lineage(Flow, "flow-T0")
	if err != nil || len(chain) != 4 {
		t.Fatalf("lineage after rebuild: %v %v", refs(chain), err)
	}
	if _, err := s.Remove(Model, "thermo", false); !errors.Is(err, ErrInUse) {
		t.Fatalf("rm after rebuild: %v", err)
	}
	mustVerify(t, s)
}
