package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
)

// AnalyzerPlugin is the go-plugin glue for the Analyzer kind.
type AnalyzerPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Analyzer
	// Heartbeat is the interval of Analyze's heartbeats (0: the default).
	Heartbeat time.Duration
}

var _ plugin.GRPCPlugin = (*AnalyzerPlugin)(nil)

// GRPCServer registers the Analyzer service.
func (p *AnalyzerPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	rgmlv1.RegisterAnalyzerServer(s, &analyzerServer{impl: p.Impl, heartbeat: p.Heartbeat})
	return nil
}

// GRPCClient returns an Analyzer backed by the plugin's gRPC connection.
func (p *AnalyzerPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &AnalyzerClient{client: rgmlv1.NewAnalyzerClient(c)}, nil
}

func analyzerDescriptionToProto(d AnalyzerDescription) *rgmlv1.AnalyzerDescription {
	out := &rgmlv1.AnalyzerDescription{
		Info:     &rgmlv1.PluginInfo{Name: d.Name, Version: d.Version, Doc: d.Doc, ProtocolVersion: ProtocolVersion},
		Learners: d.Learners,
	}
	for _, p := range d.Parameters {
		out.Parameters = append(out.Parameters, paramSpecToProto(p))
	}
	for _, in := range d.Inputs {
		out.Inputs = append(out.Inputs, &rgmlv1.AnalyzerInput{Name: in.Name, Doc: in.Doc, Required: in.Required})
	}
	return out
}

func analyzerDescriptionFromProto(p *rgmlv1.AnalyzerDescription) (AnalyzerDescription, int) {
	info := p.GetInfo()
	d := AnalyzerDescription{
		Info:     Info{Name: info.GetName(), Version: info.GetVersion(), Doc: info.GetDoc()},
		Learners: p.GetLearners(),
	}
	for _, s := range p.GetParameters() {
		d.Parameters = append(d.Parameters, paramSpecFromProto(s))
	}
	for _, in := range p.GetInputs() {
		d.Inputs = append(d.Inputs, AnalyzerInput{Name: in.GetName(), Doc: in.GetDoc(), Required: in.GetRequired()})
	}
	return d, int(info.GetProtocolVersion())
}

func figureToProto(f Figure) *rgmlv1.FigureHint {
	return &rgmlv1.FigureHint{
		Name: f.Name, Kind: f.Kind, Title: f.Title, X: f.X, XLabel: f.XLabel, YLabel: f.YLabel,
		LogX: f.LogX, LogY: f.LogY, Series: f.Series, Errors: f.Errors, Limits: f.Limits,
	}
}

func figureFromProto(p *rgmlv1.FigureHint) Figure {
	return Figure{
		Name: p.GetName(), Kind: p.GetKind(), Title: p.GetTitle(), X: p.GetX(), XLabel: p.GetXLabel(), YLabel: p.GetYLabel(),
		LogX: p.GetLogX(), LogY: p.GetLogY(), Series: p.GetSeries(), Errors: p.GetErrors(), Limits: p.GetLimits(),
	}
}

// ---------------------------------------------------------------- server

type analyzerServer struct {
	rgmlv1.UnimplementedAnalyzerServer
	impl      Analyzer
	heartbeat time.Duration
}

func (s *analyzerServer) Describe(ctx context.Context, _ *rgmlv1.DescribeRequest) (*rgmlv1.AnalyzerDescription, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, ToStatus(err)
	}
	return analyzerDescriptionToProto(d), nil
}

func (s *analyzerServer) Analyze(stream grpc.BidiStreamingServer[rgmlv1.AnalyzeRequest, rgmlv1.AnalyzeResponse]) error {
	ctx := stream.Context()
	hdr, asm, err := receive(stream.Recv, func(m *rgmlv1.AnalyzeRequest) (*rgmlv1.AnalyzeHeader, *rgmlv1.TensorChunk) {
		return m.GetHeader(), m.GetData()
	})
	if err != nil {
		return err
	}
	if hdr == nil {
		return ToStatus(InvalidArgument("Analyze stream without a header"))
	}
	for _, name := range asm.order {
		if !strings.HasPrefix(name, "weights/") && !strings.HasPrefix(name, "data/") {
			return ToStatus(InvalidArgument("tensor %q is neither weights/… nor data/…", name))
		}
	}
	w, err := asm.tensors("weights/")
	if err != nil {
		return ToStatus(err)
	}
	data, err := asm.tensors("data/")
	if err != nil {
		return ToStatus(err)
	}
	req := AnalyzeRequest{Params: paramsOf(hdr.Parameters), Seed: hdr.Seed, Size: int(hdr.Size),
		Dimension: int(hdr.Dimension), Weights: w, Data: data, Lattice: hdr.Lattice}
	for _, v := range hdr.StateSpace {
		req.StateSpace = append(req.StateSpace, int8(v))
	}
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return ToStatus(err)
	}
	if req, err = d.ValidateAnalyze(req); err != nil {
		return ToStatus(err)
	}
	stop := heartbeat(s.heartbeat, func() { stream.Send(&rgmlv1.AnalyzeResponse{}) })
	a, err := s.impl.Analyze(ctx, req)
	stop()
	if err == nil {
		err = a.Check()
	}
	if err != nil {
		return ToStatus(err)
	}
	for _, t := range a.Results {
		err := sendTensor("", t, func(ch *rgmlv1.TensorChunk) error {
			return stream.Send(&rgmlv1.AnalyzeResponse{Msg: &rgmlv1.AnalyzeResponse_Result{Result: ch}})
		})
		if err != nil {
			return ToStatus(err)
		}
	}
	for _, f := range a.Figures {
		if err := stream.Send(&rgmlv1.AnalyzeResponse{Msg: &rgmlv1.AnalyzeResponse_Figure{Figure: figureToProto(f)}}); err != nil {
			return ToStatus(err)
		}
	}
	return nil
}

// ---------------------------------------------------------------- client

// AnalyzerClient is the host's view of an analyzer plugin.
type AnalyzerClient struct {
	client rgmlv1.AnalyzerClient
}

var _ Analyzer = (*AnalyzerClient)(nil)

// Describe implements Analyzer.
func (c *AnalyzerClient) Describe(ctx context.Context) (AnalyzerDescription, error) {
	resp, err := c.client.Describe(ctx, &rgmlv1.DescribeRequest{})
	if err != nil {
		return AnalyzerDescription{}, FromStatus(err)
	}
	d, proto := analyzerDescriptionFromProto(resp)
	if proto != ProtocolVersion {
		return d, fmt.Errorf("plugin %s speaks protocol %d, this host speaks %d", d.Name, proto, ProtocolVersion)
	}
	return d, nil
}

// Analyze implements Analyzer. The answer is checked (figures name results
// that exist) before it is returned.
func (c *AnalyzerClient) Analyze(ctx context.Context, req AnalyzeRequest) (Analysis, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.client.Analyze(ctx)
	if err != nil {
		return Analysis{}, FromStatus(err)
	}
	hdr := &rgmlv1.AnalyzeHeader{Parameters: paramValues(req.Params), Seed: req.Seed, Size: int32(req.Size),
		Dimension: int32(req.Dimension), Lattice: req.Lattice}
	for _, v := range req.StateSpace {
		hdr.StateSpace = append(hdr.StateSpace, int32(v))
	}
	var ts []Tensor
	for _, t := range req.Weights {
		t.Name = "weights/" + t.Name
		ts = append(ts, t)
	}
	for _, t := range req.Data {
		t.Name = "data/" + t.Name
		ts = append(ts, t)
	}
	err = sendAll(stream, &rgmlv1.AnalyzeRequest{Msg: &rgmlv1.AnalyzeRequest_Header{Header: hdr}}, ts,
		func(ch *rgmlv1.TensorChunk) *rgmlv1.AnalyzeRequest {
			return &rgmlv1.AnalyzeRequest{Msg: &rgmlv1.AnalyzeRequest_Data{Data: ch}}
		})
	if err != nil {
		return Analysis{}, err
	}
	out := newTensorAssembler()
	var figs []Figure
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Analysis{}, FromStatus(err)
		}
		beat(ctx)
		switch m := resp.Msg.(type) {
		case *rgmlv1.AnalyzeResponse_Result:
			if err := out.add(m.Result); err != nil {
				return Analysis{}, err
			}
		case *rgmlv1.AnalyzeResponse_Figure:
			figs = append(figs, figureFromProto(m.Figure))
		}
	}
	res, err := out.tensors("")
	if err != nil {
		return Analysis{}, err
	}
	a := Analysis{Results: res, Figures: figs}
	if err := a.Check(); err != nil {
		return Analysis{}, fmt.Errorf("analyzer sent a malformed answer: %w", err)
	}
	return a, nil
}
