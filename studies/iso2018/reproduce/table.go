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

// The paper's sentences the flow rows encode (Sec. 3.2 and captions).
const (
	saysV64    = `Sec. 3.2: "From whichever temperature T = 0 or T = 6 we start the RBM iteration, the peak of the temperature distributions approaches the critical point (T = 2.27)"; Fig. 6: "After only several iterations, the temperature distribution is peaked around T_c, and stabilize there"; Fig. 7: "After ~ 50 iterations, the distribution stabilizes at T_c"; Fig. 8: "The distribution is stable at around T_c."`
	saysSmall  = `Sec. 3.2: "When the size of the hidden layer is smaller than (or equal to) that of the visible layer N_v = 100, namely N_h = 100, 81, 64, 36 or 16, we find that the temperature distribution approaches the critical point."`
	saysFaster = `Sec. 3.2: "for smaller N_h, the speed of the flow to approach T_c becomes faster (i.e., the flow arrives at T_c by smaller numbers of iterations)."`
	saysLarge  = `Fig. 9 caption: "The original configurations are generated at T = 0. The distribution has a peak at T = T_c after 10 iterations, but then moves towards T = ∞."`
	saysH      = `Fig. 10 caption: "Flow of temperature distributions starting from T = 0 in type H RBM"; Sec. 3.2: "the measured temperature passes the critical point and goes away towards higher temperature."`
	saysL      = `Fig. 11 caption: "Flow of temperature distributions starting from T = 6 in type L RBM"; Sec. 3.2: "the measured temperature passes the critical point, but flows towards lower temperature"; "the flow never goes back to higher temperature even for large N_h."`
	saysNoTc   = `Sec. 3.2: "Suppose we have trained a RBM by configurations at … all temperatures except T = 2.25 and 2.5. We found in the numerical simulations that the RBM generates a flow towards the critical point"`
)

// Judge returns the verdict of every row of the reproduction table, in
// the order of docs/reproduction.md.
func Judge(in Inputs) []Verdict {
	return []Verdict{
		Samples(in.L, in.Samples),
		Losses(in.LossEpochs, in.TrainLoss, in.TestLoss),
		TestReadings(in.TestReadings),
		StableAtTc("flow-v64", "Figs. 6–8", saysV64, in.Flows, v(64)),
		FlowsNearTc("flow-v-small", "Sec. 3.2", saysSmall, in.Flows, v(16, 36, 64, 81, 100)),
		SmallNhFaster("flow-v16-faster", "Sec. 3.2", saysFaster, in.Flows, 16, 64),
		DriftAfterTc("flow-v-large", "Fig. 9", saysLarge, in.Flows, v(225, 400)),
		FinalMode("flow-h", "Fig. 10", saysH, in.Flows, []RBM{{TypeH, 64}, {TypeH, 225}}, []float64{0}, HighT, true),
		FinalMode("flow-l", "Fig. 11", saysL, in.Flows, []RBM{{TypeL, 64}, {TypeL, 225}}, []float64{6}, LowT, false),
		FlowsNearTc("flow-no-tc", "Sec. 3.2", saysNoTc, in.Flows, []RBM{{TypeVNoTc, 64}}),
		LocalWWT(in.L, in.WWT),
		Decay(in.DecaySingleT, in.DecayV),
		Energy(in.VWWV),
		Spectra(in.Eigen[RBM{TypeV, 64}], in.Eigen[RBM{TypeL, 64}], 64, in.Eigen[RBM{TypeV, 400}], 400),
		Control("control-random", in.Flows, in.EnergyT, RBM{RandomWeights, 64}),
		Control("control-0-inf", in.Flows, in.EnergyT, RBM{ZeroInf, 64}),
	}
}
