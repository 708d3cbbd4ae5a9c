package rbm

import (
	"github.com/rgml/rgml/framework/sdk"
)

// unpad copies the rows×cols top-left block of a padded matrix (stride ld).
func unpad(x []float32, rows, cols, ld int) []float32 {
	out := make([]float32, rows*cols)
	for r := 0; r < rows; r++ {
		copy(out[r*cols:(r+1)*cols], x[r*ld:r*ld+cols])
	}
	return out
}

// weights returns W, b_v and b_h.
func (t *trainer) weights() []sdk.Tensor {
	s := &t.cur
	ts := []sdk.Tensor{
		{Name: TensorW, Shape: t.shapeW(), Data: unpad(s.w, t.nv, t.nh, t.nhp)},
		{Name: TensorBV, Shape: t.shapeBV(), Data: unpad(s.bv, 1, t.nv, t.nvp)},
		{Name: TensorBH, Shape: []int{t.nh}, Data: unpad(s.bh, 1, t.nh, t.nhp)},
	}
	if s.c != nil {
		ts = append(ts, sdk.Tensor{Name: TensorCV, Shape: []int{t.nv}, Data: unpad(s.c, 1, t.nv, t.nvp)})
	}
	return append(ts, t.statesTensor()...)
}

// checkpoint returns the state s as checkpoint tensors: the weights, the
// velocities, the persistent chains (if any), the RNG state (4 uint64
// words as int64) and the epoch.
func (t *trainer) checkpoint(s *state) sdk.Checkpoint {
	ts := []sdk.Tensor{
		{Name: TensorW, Shape: t.shapeW(), Data: unpad(s.w, t.nv, t.nh, t.nhp)},
		{Name: TensorBV, Shape: t.shapeBV(), Data: unpad(s.bv, 1, t.nv, t.nvp)},
		{Name: TensorBH, Shape: []int{t.nh}, Data: unpad(s.bh, 1, t.nh, t.nhp)},
		{Name: TensorWVelocity, Shape: t.shapeW(), Data: unpad(s.vw, t.nv, t.nh, t.nhp)},
		{Name: TensorBVVelocity, Shape: t.shapeBV(), Data: unpad(s.vbv, 1, t.nv, t.nvp)},
		{Name: TensorBHVelocity, Shape: []int{t.nh}, Data: unpad(s.vbh, 1, t.nh, t.nhp)},
	}
	if s.c != nil {
		ts = append(ts, sdk.Tensor{Name: TensorCV, Shape: []int{t.nv}, Data: unpad(s.c, 1, t.nv, t.nvp)},
			sdk.Tensor{Name: TensorCVVelocity, Shape: []int{t.nv}, Data: unpad(s.vc, 1, t.nv, t.nvp)})
	}
	ts = append(ts, t.statesTensor()...)
	if s.chains != nil {
		ts = append(ts, sdk.Tensor{Name: TensorChains, Shape: []int{t.bs, t.nv}, Data: unpad(s.chains, t.bs, t.nv, t.nvp)})
	}
	ts = append(ts,
		sdk.Tensor{Name: TensorRNG, Shape: []int{4}, Data: s.rng.StateInt64()},
		sdk.Tensor{Name: TensorEpoch, Shape: []int{1}, Data: []int64{int64(s.epoch)}})
	return sdk.Checkpoint{Epoch: s.epoch, Tensors: ts}
}

// restore loads a checkpoint into the current state, checking that it
// fits this training (sizes, persistence, batch).
func (t *trainer) restore(ck *sdk.Checkpoint) error {
	s := &t.cur
	if ck.Epoch < 0 || ck.Epoch > t.h.epochs {
		return sdk.InvalidArgument("cannot resume from epoch %d of a %d-epoch training", ck.Epoch, t.h.epochs)
	}
	load := func(name string, dst []float32, rows, cols, ld int) error {
		x, ok := sdk.FindTensor(ck.Tensors, name)
		if !ok {
			return sdk.InvalidArgument("checkpoint lacks tensor %q", name)
		}
		d, ok := x.Data.([]float32)
		want := []int{rows, cols}
		if rows == 1 && name != TensorChains {
			want = want[1:]
		}
		switch name {
		case TensorW, TensorWVelocity:
			want = t.shapeW()
		case TensorBV, TensorBVVelocity:
			want = t.shapeBV()
		}
		if !ok || !sameShape(x.Shape, want) || len(d) != rows*cols {
			return sdk.InvalidArgument("checkpoint tensor %s is %T %v; this training (N_v = %d, hidden = %d, "+
				"batch = %d) needs float32 %v", name, x.Data, x.Shape, t.nv, t.nh, t.bs, want)
		}
		for r := 0; r < rows; r++ {
			copy(dst[r*ld:r*ld+cols], d[r*cols:(r+1)*cols])
		}
		return nil
	}
	for _, l := range []struct {
		name       string
		dst        []float32
		rows, cols int
		ld         int
	}{
		{TensorW, s.w, t.nv, t.nh, t.nhp},
		{TensorBV, s.bv, 1, t.nv, t.nvp},
		{TensorBH, s.bh, 1, t.nh, t.nhp},
		{TensorWVelocity, s.vw, t.nv, t.nh, t.nhp},
		{TensorBVVelocity, s.vbv, 1, t.nv, t.nvp},
		{TensorBHVelocity, s.vbh, 1, t.nh, t.nhp},
	} {
		if err := load(l.name, l.dst, l.rows, l.cols, l.ld); err != nil {
			return err
		}
	}
	if err := t.restoreStates(ck); err != nil {
		return err
	}
	_, hasC := sdk.FindTensor(ck.Tensors, TensorCV)
	switch {
	case s.c != nil && !hasC:
		return sdk.InvalidArgument("checkpoint has no %s: it is not from a %s=%d (spin-1) training", TensorCV, ParamVisible, VisibleSpin1)
	case s.c == nil && hasC:
		return sdk.InvalidArgument("checkpoint has %s: resume it with %s=%d (spin-1)", TensorCV, ParamVisible, VisibleSpin1)
	case hasC:
		if err := load(TensorCV, s.c, 1, t.nv, t.nvp); err != nil {
			return err
		}
		if err := load(TensorCVVelocity, s.vc, 1, t.nv, t.nvp); err != nil {
			return err
		}
	}
	_, hasChains := sdk.FindTensor(ck.Tensors, TensorChains)
	switch {
	case t.h.persistent && !hasChains:
		return sdk.InvalidArgument("checkpoint has no persistent chains: it is not from a persistent=1 training")
	case !t.h.persistent && hasChains:
		return sdk.InvalidArgument("checkpoint has persistent chains: resume it with persistent=1")
	case hasChains:
		if err := load(TensorChains, s.chains, t.bs, t.nv, t.nvp); err != nil {
			return err
		}
	}
	r, ok := sdk.FindTensor(ck.Tensors, TensorRNG)
	words, isInt := r.Data.([]int64)
	if !ok || !isInt || len(words) != 4 {
		return sdk.InvalidArgument("checkpoint tensor %q must be int64 [4]", TensorRNG)
	}
	if err := s.rng.SetStateInt64(words); err != nil {
		return sdk.InvalidArgument("checkpoint tensor %q: %v", TensorRNG, err)
	}
	if ep, ok := sdk.FindTensor(ck.Tensors, TensorEpoch); ok {
		if v, isInt := ep.Data.([]int64); !isInt || len(v) != 1 || v[0] != int64(ck.Epoch) {
			return sdk.InvalidArgument("checkpoint tensor %q = %v disagrees with its epoch %d", TensorEpoch, ep.Data, ck.Epoch)
		}
	}
	s.epoch, s.hasCheckpoint = ck.Epoch, true
	t.syncWt()
	return nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
