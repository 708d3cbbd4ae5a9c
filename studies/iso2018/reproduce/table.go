package reproduce

// Inputs are the measurements of a paper run that the table is judged
// from. Absent fields give Missing verdicts.
type Inputs struct {
	L int // lattice size (10 in the paper)

	// Samples are configurations (N × L², int8 ±1) by temperature (Fig. 1).
	Samples map[float64][]int8
	// The thermometer's loss history (Fig. 4).
	LossEpochs, TrainLoss, TestLoss []float64
	// TestReadings are the thermometer's readings of the test sets by
	// their true temperature (Fig. 5).
	TestReadings map[float64]Reading
	// Flows are the thermometer's readings per flow iteration (Figs. 6–11,
	// controls).
	Flows map[FlowKey]Flow
	// EnergyT is the temperature implied by the energy of the flowed
	// configurations, per flow and iteration (controls).
	EnergyT map[FlowKey][]float64
	// WWT is WWᵀ (N_v × N_v) of the type V RBMs by N_h (Fig. 12).
	WWT map[int][]float64
	// DecaySingleT and DecayV are WWᵀ's off-diagonal decay against
	// distance of the N_h = 16 single-temperature and type V RBMs (Fig. 13).
	DecaySingleT map[float64][]float64
	DecayV       []float64
	// VWWV is ⟨vᵀWWᵀv⟩ against T of type V RBMs by N_h (Figs. 14–15).
	VWWV map[int]Curve
	// Eigen are the eigenvalues of WWᵀ by RBM (Figs. 16–17).
	Eigen map[RBM][]float64
}

func v(h ...int) []RBM {
	out := make([]RBM, len(h))
	for i, x := range h {
		out[i] = RBM{TypeV, x}
	}
	return out
}

// Judge returns the verdict of every row of the reproduction table, in
// the order of docs/reproduction.md.
func Judge(in Inputs) []Verdict {
	return []Verdict{
		Samples(in.L, in.Samples),
		Losses(in.LossEpochs, in.TrainLoss, in.TestLoss),
		TestReadings(in.TestReadings),
		FlowsNearTc("flow-v64", "Figs. 6–8", in.Flows, v(64)),
		FlowsNearTc("flow-v-small", "Sec. 3.2", in.Flows, v(16, 36, 64, 81, 100)),
		SmallNhFaster("flow-v16-faster", "Sec. 3.2", in.Flows, 16, 64),
		DriftAfterTc("flow-v-large", "Fig. 9", in.Flows, v(225, 400)),
		FinalMode("flow-h", "Fig. 10", in.Flows, []RBM{{TypeH, 64}, {TypeH, 225}}, HighT, true),
		FinalMode("flow-l", "Fig. 11", in.Flows, []RBM{{TypeL, 64}, {TypeL, 225}}, LowT, false),
		FlowsNearTc("flow-no-tc", "Sec. 3.2", in.Flows, []RBM{{TypeVNoTc, 64}}),
		LocalWWT(in.L, in.WWT),
		Decay(in.DecaySingleT, in.DecayV),
		Energy(in.VWWV),
		Spectra(in.Eigen[RBM{TypeV, 64}], in.Eigen[RBM{TypeL, 64}], 64, in.Eigen[RBM{TypeV, 400}], 400),
		Control("control-random", in.Flows, in.EnergyT, RBM{RandomWeights, 64}),
		Control("control-0-inf", in.Flows, in.EnergyT, RBM{ZeroInf, 64}),
	}
}
