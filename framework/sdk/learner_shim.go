package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
)

// LearnerPlugin is the go-plugin glue for the Learner kind.
type LearnerPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Learner
	// Heartbeat is the interval of Apply's heartbeats (0: the default).
	Heartbeat time.Duration
}

var _ plugin.GRPCPlugin = (*LearnerPlugin)(nil)

// GRPCServer registers the Learner service.
func (p *LearnerPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	rgmlv1.RegisterLearnerServer(s, &learnerServer{impl: p.Impl, heartbeat: p.Heartbeat})
	return nil
}

// GRPCClient returns a Learner backed by the plugin's gRPC connection.
func (p *LearnerPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &LearnerClient{client: rgmlv1.NewLearnerClient(c)}, nil
}

func learnerDescriptionToProto(d LearnerDescription) *rgmlv1.LearnerDescription {
	out := &rgmlv1.LearnerDescription{
		Info:        &rgmlv1.PluginInfo{Name: d.Name, Version: d.Version, Doc: d.Doc, ProtocolVersion: ProtocolVersion},
		WeightNames: d.WeightNames,
		NeedsLabel:  d.NeedsLabel,
	}
	for _, p := range d.Hyperparameters {
		out.Hyperparameters = append(out.Hyperparameters, paramSpecToProto(p))
	}
	for _, o := range d.Operations {
		op := &rgmlv1.OperationSpec{Name: o.Name, Doc: o.Doc}
		for _, p := range o.Parameters {
			op.Parameters = append(op.Parameters, paramSpecToProto(p))
		}
		out.Operations = append(out.Operations, op)
	}
	return out
}

func learnerDescriptionFromProto(p *rgmlv1.LearnerDescription) (LearnerDescription, int) {
	info := p.GetInfo()
	d := LearnerDescription{
		Info:        Info{Name: info.GetName(), Version: info.GetVersion(), Doc: info.GetDoc()},
		WeightNames: p.GetWeightNames(),
		NeedsLabel:  p.GetNeedsLabel(),
	}
	for _, s := range p.GetHyperparameters() {
		d.Hyperparameters = append(d.Hyperparameters, paramSpecFromProto(s))
	}
	for _, o := range p.GetOperations() {
		op := Operation{Name: o.GetName(), Doc: o.GetDoc()}
		for _, s := range o.GetParameters() {
			op.Parameters = append(op.Parameters, paramSpecFromProto(s))
		}
		d.Operations = append(d.Operations, op)
	}
	return d, int(info.GetProtocolVersion())
}

func paramValues(p Params) []*rgmlv1.ParamValue { return paramsToProto(p).Values }

func paramsOf(vs []*rgmlv1.ParamValue) Params {
	return paramsFromProto(&rgmlv1.ParamPoint{Values: vs})
}

func progressToProto(p Progress) *rgmlv1.TrainProgress {
	out := &rgmlv1.TrainProgress{Epoch: int64(p.Epoch), Epochs: int64(p.Epochs), WallSeconds: p.WallSeconds, Samples: p.Samples, Live: p.Live}
	for _, name := range sortedKeys(p.Metrics) {
		out.Metrics = append(out.Metrics, &rgmlv1.Metric{Name: name, Value: p.Metrics[name]})
	}
	return out
}

func progressFromProto(p *rgmlv1.TrainProgress) Progress {
	out := Progress{Epoch: int(p.Epoch), Epochs: int(p.Epochs), WallSeconds: p.WallSeconds, Samples: p.Samples, Live: p.Live, Metrics: map[string]float64{}}
	for _, m := range p.Metrics {
		out.Metrics[m.Name] = m.Value
	}
	return out
}

// ---------------------------------------------------------------- server

type learnerServer struct {
	rgmlv1.UnimplementedLearnerServer
	impl      Learner
	heartbeat time.Duration
}

func (s *learnerServer) Describe(ctx context.Context, _ *rgmlv1.DescribeRequest) (*rgmlv1.LearnerDescription, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, ToStatus(err)
	}
	return learnerDescriptionToProto(d), nil
}

// serverEvents sends a training's events on the stream; the learner may
// call it from several goroutines.
type serverEvents struct {
	mu     sync.Mutex
	stream grpc.BidiStreamingServer[rgmlv1.TrainRequest, rgmlv1.TrainEvent]
}

func (e *serverEvents) Progress(p Progress) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stream.Send(&rgmlv1.TrainEvent{Msg: &rgmlv1.TrainEvent_Progress{Progress: progressToProto(p)}})
}

func (e *serverEvents) Checkpoint(c Checkpoint) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range c.Tensors {
		err := sendTensor("", t, func(ch *rgmlv1.TensorChunk) error {
			return e.stream.Send(&rgmlv1.TrainEvent{Msg: &rgmlv1.TrainEvent_Checkpoint{Checkpoint: ch}})
		})
		if err != nil {
			return err
		}
	}
	return e.stream.Send(&rgmlv1.TrainEvent{Msg: &rgmlv1.TrainEvent_CheckpointDone{CheckpointDone: int64(c.Epoch)}})
}

func (s *learnerServer) Train(stream grpc.BidiStreamingServer[rgmlv1.TrainRequest, rgmlv1.TrainEvent]) error {
	ctx := stream.Context()
	hdr, asm, err := receive(stream.Recv, func(m *rgmlv1.TrainRequest) (*rgmlv1.TrainHeader, *rgmlv1.TensorChunk) {
		return m.GetHeader(), m.GetData()
	})
	if err != nil {
		return err
	}
	if hdr == nil {
		return ToStatus(InvalidArgument("Train stream without a header"))
	}
	req := TrainRequest{
		Hyper: paramsOf(hdr.Hyperparameters), Seed: hdr.Seed, Label: hdr.Label,
		CheckpointEvery: int(hdr.CheckpointEvery),
	}
	size, dim := int(hdr.Size), int(hdr.Dimension)
	train, err := asm.tensors("train/")
	if err != nil {
		return ToStatus(err)
	}
	if req.Train, _, err = datasetFrom(train, size, dim); err != nil {
		return ToStatus(err)
	}
	states, err := statesFromProto(hdr.StateSpace)
	if err != nil {
		return ToStatus(err)
	}
	req.Train.StateSpace = states
	test, err := asm.tensors("test/")
	if err != nil {
		return ToStatus(err)
	}
	if d, ok, err := datasetFrom(test, size, dim); err != nil {
		return ToStatus(err)
	} else if ok {
		d.StateSpace = states
		req.Test = &d
	}
	if hdr.Resume {
		ck, err := asm.tensors("checkpoint/")
		if err != nil {
			return ToStatus(err)
		}
		req.Resume = &Checkpoint{Epoch: int(hdr.ResumeEpoch), Tensors: ck}
	}
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return ToStatus(err)
	}
	if req, err = d.ValidateTrain(req); err != nil {
		return ToStatus(err)
	}
	events := &serverEvents{stream: stream}
	weights, err := s.impl.Train(ctx, req, events)
	if err != nil {
		return ToStatus(err)
	}
	events.mu.Lock()
	defer events.mu.Unlock()
	for _, t := range weights {
		err := sendTensor("", t, func(ch *rgmlv1.TensorChunk) error {
			return stream.Send(&rgmlv1.TrainEvent{Msg: &rgmlv1.TrainEvent_Weights{Weights: ch}})
		})
		if err != nil {
			return ToStatus(err)
		}
	}
	return stream.Send(&rgmlv1.TrainEvent{Msg: &rgmlv1.TrainEvent_Done{Done: &rgmlv1.TrainProgress{}}})
}

func (s *learnerServer) Apply(stream grpc.BidiStreamingServer[rgmlv1.ApplyRequest, rgmlv1.ApplyResponse]) error {
	ctx := stream.Context()
	hdr, asm, err := receive(stream.Recv, func(m *rgmlv1.ApplyRequest) (*rgmlv1.ApplyHeader, *rgmlv1.TensorChunk) {
		return m.GetHeader(), m.GetData()
	})
	if err != nil {
		return err
	}
	if hdr == nil {
		return ToStatus(InvalidArgument("Apply stream without a header"))
	}
	w, err := asm.tensors("weights/")
	if err != nil {
		return ToStatus(err)
	}
	in, err := asm.tensors("input/")
	if err != nil {
		return ToStatus(err)
	}
	req := ApplyRequest{Operation: hdr.Operation, Params: paramsOf(hdr.Parameters), Seed: hdr.Seed, Size: int(hdr.Size),
		Dimension: int(hdr.Dimension), Weights: w, Inputs: in}
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return ToStatus(err)
	}
	if req, err = d.ValidateApply(req); err != nil {
		return ToStatus(err)
	}
	// An operation can run for minutes (a long flow); empty messages tell
	// the host the plugin is alive.
	stop := heartbeat(s.heartbeat, func() { stream.Send(&rgmlv1.ApplyResponse{}) })
	out, err := s.impl.Apply(ctx, req)
	stop()
	if err != nil {
		return ToStatus(err)
	}
	for _, t := range out {
		err := sendTensor("", t, func(ch *rgmlv1.TensorChunk) error {
			return stream.Send(&rgmlv1.ApplyResponse{Output: ch})
		})
		if err != nil {
			return ToStatus(err)
		}
	}
	return nil
}

// ---------------------------------------------------------------- client

// LearnerClient is the host's view of a learner plugin.
type LearnerClient struct {
	client rgmlv1.LearnerClient
}

var _ Learner = (*LearnerClient)(nil)

// Describe implements Learner.
func (c *LearnerClient) Describe(ctx context.Context) (LearnerDescription, error) {
	resp, err := c.client.Describe(ctx, &rgmlv1.DescribeRequest{})
	if err != nil {
		return LearnerDescription{}, FromStatus(err)
	}
	d, proto := learnerDescriptionFromProto(resp)
	if proto != ProtocolVersion {
		return d, fmt.Errorf("plugin %s speaks protocol %d, this host speaks %d", d.Name, proto, ProtocolVersion)
	}
	return d, nil
}

// Train implements Learner: it sends the request, then relays the events
// to events (from this goroutine, in order) and returns the weights.
func (c *LearnerClient) Train(ctx context.Context, req TrainRequest, events TrainEvents) ([]Tensor, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.client.Train(ctx)
	if err != nil {
		return nil, FromStatus(err)
	}
	hdr := &rgmlv1.TrainHeader{
		Hyperparameters: paramValues(req.Hyper), Seed: req.Seed, Size: int32(req.Train.Size),
		Dimension: int32(req.Train.Dimension), Label: req.Label, CheckpointEvery: int64(req.CheckpointEvery),
	}
	for _, v := range req.Train.StateSpace {
		hdr.StateSpace = append(hdr.StateSpace, int32(v))
	}
	var ts []Tensor
	ts = append(ts, datasetTensors("train/", req.Train)...)
	if req.Test != nil {
		ts = append(ts, datasetTensors("test/", *req.Test)...)
	}
	if req.Resume != nil {
		hdr.Resume, hdr.ResumeEpoch = true, int64(req.Resume.Epoch)
		for _, t := range req.Resume.Tensors {
			t.Name = "checkpoint/" + t.Name
			ts = append(ts, t)
		}
	}
	err = sendAll(stream, &rgmlv1.TrainRequest{Msg: &rgmlv1.TrainRequest_Header{Header: hdr}}, ts,
		func(ch *rgmlv1.TensorChunk) *rgmlv1.TrainRequest {
			return &rgmlv1.TrainRequest{Msg: &rgmlv1.TrainRequest_Data{Data: ch}}
		})
	if err != nil {
		return nil, err
	}
	ck, weights := newTensorAssembler(), newTensorAssembler()
	for {
		ev, err := stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("learner closed the stream before sending its weights")
			}
			return nil, FromStatus(err)
		}
		beat(ctx)
		switch m := ev.Msg.(type) {
		case *rgmlv1.TrainEvent_Progress:
			if err := events.Progress(progressFromProto(m.Progress)); err != nil {
				return nil, err
			}
		case *rgmlv1.TrainEvent_Checkpoint:
			if err := ck.add(m.Checkpoint); err != nil {
				return nil, err
			}
		case *rgmlv1.TrainEvent_CheckpointDone:
			ts, err := ck.tensors("")
			if err != nil {
				return nil, err
			}
			ck.reset()
			if err := events.Checkpoint(Checkpoint{Epoch: int(m.CheckpointDone), Tensors: ts}); err != nil {
				return nil, err
			}
		case *rgmlv1.TrainEvent_Weights:
			if err := weights.add(m.Weights); err != nil {
				return nil, err
			}
		case *rgmlv1.TrainEvent_Done:
			return weights.tensors("")
		}
	}
}

// Apply implements Learner.
func (c *LearnerClient) Apply(ctx context.Context, req ApplyRequest) ([]Tensor, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.client.Apply(ctx)
	if err != nil {
		return nil, FromStatus(err)
	}
	hdr := &rgmlv1.ApplyHeader{Operation: req.Operation, Parameters: paramValues(req.Params), Seed: req.Seed, Size: int32(req.Size),
		Dimension: int32(req.Dimension)}
	var ts []Tensor
	for _, t := range req.Weights {
		t.Name = "weights/" + t.Name
		ts = append(ts, t)
	}
	for _, t := range req.Inputs {
		t.Name = "input/" + t.Name
		ts = append(ts, t)
	}
	err = sendAll(stream, &rgmlv1.ApplyRequest{Msg: &rgmlv1.ApplyRequest_Header{Header: hdr}}, ts,
		func(ch *rgmlv1.TensorChunk) *rgmlv1.ApplyRequest {
			return &rgmlv1.ApplyRequest{Msg: &rgmlv1.ApplyRequest_Data{Data: ch}}
		})
	if err != nil {
		return nil, err
	}
	out := newTensorAssembler()
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out.tensors("")
		}
		if err != nil {
			return nil, FromStatus(err)
		}
		beat(ctx)
		if resp.Output == nil {
			continue // a heartbeat
		}
		if err := out.add(resp.Output); err != nil {
			return nil, err
		}
	}
}

// receive reads a client stream to its end: the last header message and
// the tensor chunks, assembled. Errors are gRPC statuses.
func receive[M, H any](recv func() (*M, error), split func(*M) (*H, *rgmlv1.TensorChunk)) (*H, *tensorAssembler, error) {
	var hdr *H
	asm := newTensorAssembler()
	for {
		msg, err := recv()
		if errors.Is(err, io.EOF) {
			return hdr, asm, nil
		}
		if err != nil {
			return nil, nil, err
		}
		h, chunk := split(msg)
		if h != nil {
			hdr = h
		}
		if chunk != nil {
			if err := asm.add(chunk); err != nil {
				return nil, nil, ToStatus(err)
			}
		}
	}
}

// sendAll sends a header message, then every tensor in chunks, and closes
// the sending side. A send the server broke off returns the server's
// status, which says why.
func sendAll[Req, Resp any](stream grpc.BidiStreamingClient[Req, Resp], header *Req, ts []Tensor, wrap func(*rgmlv1.TensorChunk) *Req) error {
	err := stream.Send(header)
	for i := 0; err == nil && i < len(ts); i++ {
		err = sendTensor("", ts[i], func(ch *rgmlv1.TensorChunk) error { return stream.Send(wrap(ch)) })
	}
	if errors.Is(err, ErrInvalidArgument) {
		return err // a tensor we could not encode; nothing was wrong on the wire
	}
	if err != nil {
		if _, rerr := stream.Recv(); rerr != nil {
			return FromStatus(rerr)
		}
		return FromStatus(err)
	}
	return FromStatus(stream.CloseSend())
}

// statesFromProto reads a state space off the wire, where its values are
// int32: one beyond int8 is refused, not truncated.
func statesFromProto(wire []int32) ([]int8, error) {
	if len(wire) == 0 {
		return nil, nil
	}
	out := make([]int8, len(wire))
	for i, v := range wire {
		if v < math.MinInt8 || v > math.MaxInt8 {
			return nil, InvalidArgument("state space value %d is not an int8 (site values are −128…127)", v)
		}
		out[i] = int8(v)
	}
	return out, CheckStateSpace(out)
}
