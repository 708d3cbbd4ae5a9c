package sdk

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
)

// ChunkBytes is the size of the pieces bulk data is cut into on the wire.
const ChunkBytes = 1 << 20

// MaxMessageBytes is the gRPC message size limit both ends are configured
// with: well above ChunkBytes, so a chunk plus its framing always fits,
// and far above gRPC's 4 MiB default, which bulk data would otherwise hit.
const MaxMessageBytes = 64 << 20

// GRPCServerOptions are the options Serve gives the plugin's gRPC server.
func GRPCServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes)}
}

// GRPCDialOptions are the options the host dials plugins with.
func GRPCDialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithDefaultCallOptions(
		grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes))}
}

// ModelPlugin is the go-plugin glue for the Model kind: on the plugin side
// it serves Impl, on the host side it returns a Model that speaks gRPC.
type ModelPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Model
}

var _ plugin.GRPCPlugin = (*ModelPlugin)(nil)

// GRPCServer registers the Model service.
func (p *ModelPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	rgmlv1.RegisterModelServer(s, &modelServer{impl: p.Impl})
	return nil
}

// GRPCClient returns a Model backed by the plugin's gRPC connection.
func (p *ModelPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &ModelClient{client: rgmlv1.NewModelClient(c)}, nil
}

// ---------------------------------------------------------------- server

type modelServer struct {
	rgmlv1.UnimplementedModelServer
	impl Model
}

func (s *modelServer) Describe(ctx context.Context, _ *rgmlv1.DescribeRequest) (*rgmlv1.ModelDescription, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, ToStatus(err)
	}
	return modelDescriptionToProto(d), nil
}

// ExactCurve answers for a model that implements ExactModel, and
// Unimplemented for one that does not.
func (s *modelServer) ExactCurve(ctx context.Context, req *rgmlv1.ExactCurveRequest) (*rgmlv1.ExactCurveResponse, error) {
	em, ok := s.impl.(ExactModel)
	if !ok {
		return nil, ToStatus(Unimplemented("the model knows no exact curves"))
	}
	c, err := em.ExactCurve(ctx, int(req.GetSize()), req.GetObservable())
	if err != nil {
		return nil, ToStatus(err)
	}
	if len(c.At) != len(c.Values) {
		return nil, ToStatus(fmt.Errorf("exact curve of %s: %d parameter values for %d means", req.GetObservable(), len(c.At), len(c.Values)))
	}
	return &rgmlv1.ExactCurveResponse{Parameter: c.Parameter, At: c.At, Values: c.Values, Source: c.Source}, nil
}

func (s *modelServer) Sample(req *rgmlv1.SampleRequest, stream grpc.ServerStreamingServer[rgmlv1.SampleChunk]) error {
	ctx := stream.Context()
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return ToStatus(err)
	}
	r, err := d.Validate(sampleRequestFromProto(req))
	if err != nil {
		return ToStatus(err)
	}
	sites := d.Sites(r.Size)
	// Workers call emit concurrently; a gRPC stream allows one sender.
	var mu sync.Mutex
	perMsg := max(1, ChunkBytes/sites)
	emit := func(c SampleChunk) error {
		if len(c.Configs)%sites != 0 {
			return fmt.Errorf("sdk: chunk of %d values is not a whole number of %d-site configurations", len(c.Configs), sites)
		}
		mu.Lock()
		defer mu.Unlock()
		n := c.Count(sites)
		for lo := 0; lo < n || (n == 0 && lo == 0); lo += perMsg {
			hi := min(n, lo+perMsg)
			msg := &rgmlv1.SampleChunk{
				Point: int32(c.Point), First: int64(c.First + lo), Count: int64(hi - lo),
				Configs: bytesOf(c.Configs[lo*sites : hi*sites]),
			}
			if lo == 0 {
				msg.Attempts, msg.Accepted = c.Attempts, c.Accepted
			}
			if err := stream.Send(msg); err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
		return nil
	}
	return ToStatus(s.impl.Sample(ctx, r, emit))
}

func (s *modelServer) Observables(stream grpc.BidiStreamingServer[rgmlv1.ObservablesRequest, rgmlv1.ObservablesResponse]) error {
	ctx := stream.Context()
	var point Params
	size := 0
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if req.Point != nil {
			point = paramsFromProto(req.Point)
		}
		if req.Size != 0 {
			size = int(req.Size)
		}
		configs := int8sOf(req.Configs)
		obs, err := s.impl.Observables(ctx, point, size, configs)
		if err != nil {
			return ToStatus(err)
		}
		resp := &rgmlv1.ObservablesResponse{}
		for _, name := range sortedKeys(obs) {
			resp.Values = append(resp.Values, &rgmlv1.TensorChunk{
				Name: name, Dtype: rgmlv1.DType_DTYPE_FLOAT64,
				Shape: []int64{int64(len(obs[name]))}, Data: float64Bytes(obs[name]),
			})
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// ---------------------------------------------------------------- client

// ModelClient is the host's view of a model plugin: a Model whose methods
// are RPCs. Errors come back wrapping the SDK's sentinels (see FromStatus).
type ModelClient struct {
	client rgmlv1.ModelClient
	dim    atomic.Int32 // lattice dimension, learnt from Describe (0: 2)
}

var _ ExactModel = (*ModelClient)(nil)

// Describe implements Model.
func (c *ModelClient) Describe(ctx context.Context) (ModelDescription, error) {
	resp, err := c.client.Describe(ctx, &rgmlv1.DescribeRequest{})
	if err != nil {
		return ModelDescription{}, FromStatus(err)
	}
	d, proto := modelDescriptionFromProto(resp)
	c.dim.Store(int32(d.Dimension))
	if proto != ProtocolVersion {
		return d, fmt.Errorf("plugin %s speaks protocol %d, this host speaks %d", d.Name, proto, ProtocolVersion)
	}
	for _, v := range resp.GetStateSpace() {
		if v < math.MinInt8 || v > math.MaxInt8 {
			return d, fmt.Errorf("plugin %s declares the site value %d: site values are int8, −128 to 127", d.Name, v)
		}
	}
	return d, nil
}

// ExactCurve implements ExactModel; a plugin without exact curves gives
// an error wrapping ErrUnimplemented.
func (c *ModelClient) ExactCurve(ctx context.Context, size int, observable string) (ExactCurve, error) {
	resp, err := c.client.ExactCurve(ctx, &rgmlv1.ExactCurveRequest{Size: int32(size), Observable: observable})
	if err != nil {
		return ExactCurve{}, FromStatus(err)
	}
	out := ExactCurve{Parameter: resp.GetParameter(), At: resp.GetAt(), Values: resp.GetValues(), Source: resp.GetSource()}
	if len(out.At) != len(out.Values) {
		return ExactCurve{}, fmt.Errorf("exact curve of %s: %d parameter values for %d means", observable, len(out.At), len(out.Values))
	}
	return out, nil
}

// Sample implements Model. emit is called from one goroutine, in the order
// chunks arrive.
func (c *ModelClient) Sample(ctx context.Context, req SampleRequest, emit Emit) error {
	stream, err := c.client.Sample(ctx, sampleRequestToProto(req))
	if err != nil {
		return FromStatus(err)
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return FromStatus(err)
		}
		beat(ctx)
		ch := SampleChunk{
			Point: int(msg.Point), First: int(msg.First),
			Configs:  int8sOf(msg.Configs),
			Attempts: msg.Attempts, Accepted: msg.Accepted,
		}
		if err := emit(ch); err != nil {
			return err
		}
	}
}

// Observables implements Model, sending configs in chunks of about
// ChunkBytes.
func (c *ModelClient) Observables(ctx context.Context, point Params, size int, configs []int8) (map[string][]float64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.client.Observables(ctx)
	if err != nil {
		return nil, FromStatus(err)
	}
	// Chunks hold whole configurations of size^dimension sites.
	dim := max(1, int(c.dim.Load()))
	if c.dim.Load() == 0 {
		dim = 2
	}
	sites := 1
	for i := 0; i < dim; i++ {
		sites *= size
	}
	if sites <= 0 {
		return nil, InvalidArgument("lattice size %d", size)
	}
	per := max(1, ChunkBytes/sites) * sites
	out := map[string][]float64{}
	first := true
	for lo := 0; lo < len(configs) || first; lo += per {
		hi := min(len(configs), lo+per)
		req := &rgmlv1.ObservablesRequest{Configs: bytesOf(configs[lo:hi])}
		if first {
			req.Point, req.Size, first = paramsToProto(point), int32(size), false
		}
		if err := stream.Send(req); err != nil {
			_, rerr := stream.Recv()
			return nil, FromStatus(rerr)
		}
		resp, err := stream.Recv()
		if err != nil {
			return nil, FromStatus(err)
		}
		beat(ctx)
		for _, v := range resp.Values {
			out[v.Name] = append(out[v.Name], float64sOf(v.Data)...)
		}
	}
	if err := stream.CloseSend(); err != nil {
		return nil, FromStatus(err)
	}
	return out, nil
}

// ---------------------------------------------------------------- bytes

func int8sOf(b []byte) []int8 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), len(b))
}

func float64Bytes(v []float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func float64sOf(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

func bytesOf(v []int8) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v))
}

func sortedKeys[V any](m map[string]V) []string {
	p := make(Params, len(m))
	for k := range m {
		p[k] = 0
	}
	return p.Names()
}
