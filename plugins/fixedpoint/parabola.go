package fixedpoint

import "math"

// fitParabola is the weighted least-squares fit y ≈ c[0] + c[1]·u +
// c[2]·u² (weights w, 1/σ² for errors σ): its coefficients and the
// inverse of the normal matrix, their covariance when the weights are
// 1/σ². False when the normal equations are singular. The specific-heat
// peak (its vertex) and the U4 crossing's interpolation check (its zero)
// both fit with it.
func fitParabola(u, y, w []float64) (c [3]float64, cov [3][3]float64, ok bool) {
	var m [3][7]float64 // normal equations, augmented with their right side and the identity
	for i := range u {
		p := [3]float64{1, u[i], u[i] * u[i]}
		for r := range 3 {
			for k := range 3 {
				m[r][k] += w[i] * p[r] * p[k]
			}
			m[r][3] += w[i] * p[r] * y[i]
		}
	}
	for r := range 3 {
		m[r][4+r] = 1
	}
	for col := range 3 { // Gauss-Jordan with partial pivoting
		piv := col
		for r := col + 1; r < 3; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if m[piv][col] == 0 || math.IsNaN(m[piv][col]) {
			return c, cov, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := range 3 {
			if r != col {
				f := m[r][col] / m[col][col]
				for k := col; k < 7; k++ {
					m[r][k] -= f * m[col][k]
				}
			}
		}
	}
	for r := range 3 {
		c[r] = m[r][3] / m[r][r]
		for k := range 3 {
			cov[r][k] = m[r][4+k] / m[r][r]
		}
	}
	return c, cov, true
}
