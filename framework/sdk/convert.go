package sdk

import (
	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
)

// Converters between the Go types of this package and the generated
// protobuf types. Kept in one place so that the shims stay readable.

func paramSpecToProto(s ParamSpec) *rgmlv1.ParamSpec {
	return &rgmlv1.ParamSpec{
		Name: s.Name, Doc: s.Doc, Kind: rgmlv1.ParamKind(s.Kind), DefaultValue: s.Default, Unit: s.Unit,
		HasMin: s.HasMin, Min: s.Min, MinExclusive: s.MinExclusive,
		HasMax: s.HasMax, Max: s.Max, MaxExclusive: s.MaxExclusive,
		Choices: s.Choices, DefaultChoice: s.DefaultChoice, AllowsInf: s.AllowsInf,
	}
}

func paramSpecFromProto(p *rgmlv1.ParamSpec) ParamSpec {
	return ParamSpec{
		Name: p.GetName(), Doc: p.GetDoc(), Kind: ParamKind(p.GetKind()), Default: p.GetDefaultValue(), Unit: p.GetUnit(),
		HasMin: p.GetHasMin(), Min: p.GetMin(), MinExclusive: p.GetMinExclusive(),
		HasMax: p.GetHasMax(), Max: p.GetMax(), MaxExclusive: p.GetMaxExclusive(),
		Choices: p.GetChoices(), DefaultChoice: p.GetDefaultChoice(), AllowsInf: p.GetAllowsInf(),
	}
}

func paramsToProto(p Params) *rgmlv1.ParamPoint {
	out := &rgmlv1.ParamPoint{}
	for _, name := range p.Names() {
		out.Values = append(out.Values, &rgmlv1.ParamValue{Name: name, Number: p[name]})
	}
	return out
}

func paramsFromProto(p *rgmlv1.ParamPoint) Params {
	out := make(Params, len(p.GetValues()))
	for _, v := range p.GetValues() {
		out[v.GetName()] = v.GetNumber()
	}
	return out
}

func modelDescriptionToProto(d ModelDescription) *rgmlv1.ModelDescription {
	out := &rgmlv1.ModelDescription{
		Info:             &rgmlv1.PluginInfo{Name: d.Name, Version: d.Version, Doc: d.Doc, ProtocolVersion: ProtocolVersion},
		DefaultAlgorithm: d.DefaultAlgorithm,
		Dimension:        int32(d.Dimension),
		MinSize:          int32(d.MinSize),
		MaxSize:          int32(d.MaxSize),
		Lattice:          d.Lattice,
	}
	for _, p := range d.Parameters {
		out.Parameters = append(out.Parameters, paramSpecToProto(p))
	}
	for _, s := range d.StateSpace {
		out.StateSpace = append(out.StateSpace, int32(s))
	}
	for _, a := range d.Algorithms {
		out.Algorithms = append(out.Algorithms, &rgmlv1.AlgorithmSpec{Name: a.Name, Doc: a.Doc, Cluster: a.Cluster, NoThermalization: a.NoThermalization})
	}
	for _, o := range d.Observables {
		out.Observables = append(out.Observables, &rgmlv1.ObservableSpec{Name: o.Name, Doc: o.Doc, Symmetric: o.Symmetric})
	}
	for _, r := range d.References {
		ref := &rgmlv1.Reference{Name: r.Name, Source: r.Source}
		for _, p := range r.Points {
			ref.Points = append(ref.Points, paramsToProto(p))
		}
		out.References = append(out.References, ref)
	}
	return out
}

func modelDescriptionFromProto(p *rgmlv1.ModelDescription) (ModelDescription, int) {
	info := p.GetInfo()
	d := ModelDescription{
		Info:             Info{Name: info.GetName(), Version: info.GetVersion(), Doc: info.GetDoc()},
		DefaultAlgorithm: p.GetDefaultAlgorithm(),
		Dimension:        int(p.GetDimension()),
		MinSize:          int(p.GetMinSize()),
		MaxSize:          int(p.GetMaxSize()),
		Lattice:          p.GetLattice(),
	}
	for _, s := range p.GetParameters() {
		d.Parameters = append(d.Parameters, paramSpecFromProto(s))
	}
	for _, s := range p.GetStateSpace() {
		d.StateSpace = append(d.StateSpace, int8(s))
	}
	for _, a := range p.GetAlgorithms() {
		d.Algorithms = append(d.Algorithms, Algorithm{Name: a.GetName(), Doc: a.GetDoc(), Cluster: a.GetCluster(), NoThermalization: a.GetNoThermalization()})
	}
	for _, o := range p.GetObservables() {
		d.Observables = append(d.Observables, Observable{Name: o.GetName(), Doc: o.GetDoc(), Symmetric: o.GetSymmetric()})
	}
	for _, r := range p.GetReferences() {
		ref := Reference{Name: r.GetName(), Source: r.GetSource()}
		for _, pt := range r.GetPoints() {
			ref.Points = append(ref.Points, paramsFromProto(pt))
		}
		d.References = append(d.References, ref)
	}
	return d, int(info.GetProtocolVersion())
}

func sampleRequestToProto(r SampleRequest) *rgmlv1.SampleRequest {
	out := &rgmlv1.SampleRequest{
		Size: int32(r.Size), PerPoint: int64(r.PerPoint), Algorithm: r.Algorithm,
		Sweeps: int64(r.Sweeps), Thermalization: int64(r.Thermalization), Seed: r.Seed,
	}
	for _, p := range r.Points {
		out.Points = append(out.Points, paramsToProto(p))
	}
	return out
}

func sampleRequestFromProto(p *rgmlv1.SampleRequest) SampleRequest {
	r := SampleRequest{
		Size: int(p.GetSize()), PerPoint: int(p.GetPerPoint()), Algorithm: p.GetAlgorithm(),
		Sweeps: int(p.GetSweeps()), Thermalization: int(p.GetThermalization()), Seed: p.GetSeed(),
	}
	for _, pt := range p.GetPoints() {
		r.Points = append(r.Points, paramsFromProto(pt))
	}
	return r
}
