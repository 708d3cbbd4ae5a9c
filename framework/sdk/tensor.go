package sdk

import (
	"fmt"

	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
	"github.com/rgml/rgml/framework/npz"
)

// The wire's dtypes and their .npy names (package npz holds the Go side).
var dtypeDescr = map[rgmlv1.DType]string{
	rgmlv1.DType_DTYPE_INT8:    "|i1",
	rgmlv1.DType_DTYPE_INT32:   "<i4",
	rgmlv1.DType_DTYPE_INT64:   "<i8",
	rgmlv1.DType_DTYPE_FLOAT32: "<f4",
	rgmlv1.DType_DTYPE_FLOAT64: "<f8",
}

// tensorBytes views a tensor's data as little-endian bytes (rgml builds only
// for little-endian machines; see package npz) and returns its dtype.
func tensorBytes(t Tensor) (rgmlv1.DType, []byte, error) {
	if err := checkTensor(t); err != nil {
		return 0, nil, err
	}
	descr, raw, _, _ := npz.Raw(t.Data)
	for dt, d := range dtypeDescr {
		if d == descr {
			return dt, raw, nil
		}
	}
	return 0, nil, InvalidArgument("tensor %s: unsupported element type %T", t.Name, t.Data)
}

// sendTensor sends t as chunks of at most ChunkBytes, named prefix+t.Name.
func sendTensor(prefix string, t Tensor, send func(*rgmlv1.TensorChunk) error) error {
	dt, b, err := tensorBytes(t)
	if err != nil {
		return err
	}
	shape := make([]int64, len(t.Shape))
	for i, d := range t.Shape {
		shape[i] = int64(d)
	}
	for off := 0; off < len(b) || off == 0; off += ChunkBytes {
		c := &rgmlv1.TensorChunk{Name: prefix + t.Name, Offset: int64(off), Data: b[off:min(len(b), off+ChunkBytes)]}
		if off == 0 {
			c.Dtype, c.Shape = dt, shape
		}
		if err := send(c); err != nil {
			return err
		}
		if len(b) == 0 {
			break
		}
	}
	return nil
}

// tensorAssembler rebuilds tensors from their chunks.
type tensorAssembler struct {
	order []string
	parts map[string]*partialTensor
}

type partialTensor struct {
	t    Tensor
	raw  []byte
	have int
}

func newTensorAssembler() *tensorAssembler {
	return &tensorAssembler{parts: map[string]*partialTensor{}}
}

func (a *tensorAssembler) add(c *rgmlv1.TensorChunk) error {
	p, ok := a.parts[c.Name]
	if !ok {
		if c.Offset != 0 {
			return InvalidArgument("tensor %s: first chunk at offset %d", c.Name, c.Offset)
		}
		shape := make([]int, len(c.Shape))
		for i, d := range c.Shape {
			if d < 0 || d > 1<<34 {
				return InvalidArgument("tensor %s: bad shape %v", c.Name, c.Shape)
			}
			shape[i] = int(d)
		}
		// Checked as it multiplies: [2^34, 2^34, 2^34] wraps to 0.
		n, ok := Product(shape...)
		if !ok || n > 1<<34 {
			return InvalidArgument("tensor %s: shape %v is too large", c.Name, c.Shape)
		}
		data, raw, err := npz.Make(dtypeDescr[c.Dtype], n)
		if err != nil {
			return InvalidArgument("tensor %s: unsupported dtype %v", c.Name, c.Dtype)
		}
		t := Tensor{Name: c.Name, Shape: shape, Data: data}
		p = &partialTensor{t: t, raw: raw}
		a.parts[c.Name] = p
		a.order = append(a.order, c.Name)
	}
	if c.Offset != int64(p.have) || p.have+len(c.Data) > len(p.raw) {
		return InvalidArgument("tensor %s: chunk at offset %d of %d bytes does not continue %d of %d bytes", c.Name, c.Offset, len(c.Data), p.have, len(p.raw))
	}
	copy(p.raw[p.have:], c.Data)
	p.have += len(c.Data)
	return nil
}

// tensors returns the complete tensors in arrival order, with names
// stripped of prefix; incomplete ones are an error. Names not starting
// with prefix are skipped.
func (a *tensorAssembler) tensors(prefix string) ([]Tensor, error) {
	var out []Tensor
	for _, name := range a.order {
		if len(name) < len(prefix) || name[:len(prefix)] != prefix {
			continue
		}
		p := a.parts[name]
		if p.have != len(p.raw) {
			return nil, InvalidArgument("tensor %s: received %d of %d bytes", name, p.have, len(p.raw))
		}
		t := p.t
		t.Name = name[len(prefix):]
		out = append(out, t)
	}
	return out, nil
}

func (a *tensorAssembler) reset() {
	a.order = nil
	a.parts = map[string]*partialTensor{}
}

// datasetTensors encodes a dataset as tensors under prefix.
func datasetTensors(prefix string, d Dataset) []Tensor {
	ts := []Tensor{{Name: prefix + "configs", Shape: []int{d.Len(), d.Sites()}, Data: d.Configs}}
	for _, name := range sortedKeys(d.Labels) {
		ts = append(ts, Tensor{Name: prefix + "label/" + name, Shape: []int{len(d.Labels[name])}, Data: d.Labels[name]})
	}
	return ts
}

// datasetFrom decodes a dataset sent under prefix; ok is false if none was.
func datasetFrom(ts []Tensor, size, dim int) (Dataset, bool, error) {
	d := Dataset{Size: size, Dimension: dim, Labels: map[string][]float64{}}
	found := false
	for _, t := range ts {
		switch {
		case t.Name == "configs":
			c, ok := t.Data.([]int8)
			if !ok {
				return d, false, InvalidArgument("configs must be int8, got %T", t.Data)
			}
			d.Configs, found = c, true
		case len(t.Name) > 6 && t.Name[:6] == "label/":
			l, ok := t.Data.([]float64)
			if !ok {
				return d, false, InvalidArgument("label %s must be float64, got %T", t.Name, t.Data)
			}
			d.Labels[t.Name[6:]] = l
		default:
			return d, false, InvalidArgument("unexpected dataset tensor %q", t.Name)
		}
	}
	if !found && len(d.Labels) > 0 {
		return d, false, fmt.Errorf("labels without configs")
	}
	return d, found, nil
}
