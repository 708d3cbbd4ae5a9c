package reproduce

// FlowFigure is where the paper shows the flow k: its figure (with the
// panel, where a figure has two N_h side by side), "Sec. 3.2" for a flow
// its text describes without a figure, or "" for a flow the paper does
// not show (a report gives that one no paper figure number).
//
// From the captions: Figs. 6, 7, 8 are the type V RBM with N_h = 64 from
// T = 0, 6 and 2.25; Fig. 9 type V with N_h = 225 from T = 0; Fig. 10
// type H from T = 0 and Fig. 11 type L from T = 6, each N_h = 64 (left)
// and 225 (right). Sec. 3.2 describes in words the other N_h ≤ N_v of
// type V (from whichever start), N_h = 400 from T = 0 ("moves towards
// high temperature at faster speed") and the RBM trained without
// T = 2.25 and 2.5.
func FlowFigure(k FlowKey) string {
	r, from := k.RBM, k.From
	switch r.Kind {
	case TypeV:
		switch {
		case r.Hidden == 64 && from == 0:
			return "Fig. 6"
		case r.Hidden == 64 && from == 6:
			return "Fig. 7"
		case r.Hidden == 64 && from == 2.25:
			return "Fig. 8"
		case r.Hidden == 225 && from == 0:
			return "Fig. 9"
		case r.Hidden == 400 && from == 0:
			return "Sec. 3.2"
		case containsInt([]int{16, 36, 64, 81, 100}, r.Hidden) && containsT(Starts, from):
			return "Sec. 3.2"
		}
	case TypeH:
		if from == 0 {
			return sidePanel("Fig. 10", r.Hidden)
		}
	case TypeL:
		if from == 6 {
			return sidePanel("Fig. 11", r.Hidden)
		}
	case TypeVNoTc:
		if r.Hidden == 64 && containsT(Starts, from) {
			return "Sec. 3.2"
		}
	}
	return ""
}

// sidePanel is the panel of Figs. 10–11 that shows N_h = hidden: 64 on
// the left, 225 on the right; other N_h are not in the figure.
func sidePanel(fig string, hidden int) string {
	switch hidden {
	case 64:
		return fig + " (left)"
	case 225:
		return fig + " (right)"
	}
	return ""
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
