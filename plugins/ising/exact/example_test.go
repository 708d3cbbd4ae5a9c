package exact_test

import (
	"fmt"

	"github.com/rgml/rgml/plugins/ising/exact"
)

// The 2×2 torus at T = 2 by brute force, and the same lattice from
// Kaufman's formula.
func Example() {
	a, err := exact.EnumerateAt(2, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("enumeration: E/N = %.6f  C/N = %.6f  <|m|> = %.6f  <m²> = %.6f\n",
		a.Energy, a.SpecificHeat, a.AbsMagnetization, a.Magnetization2)
	k, err := exact.Kaufman(2, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Kaufman:     E/N = %.6f  C/N = %.6f\n", k.Energy, k.SpecificHeat)
	// Output:
	// enumeration: E/N = -1.800825  C/N = 0.361096  <|m|> = 0.933709  <m²> = 0.917212
	// Kaufman:     E/N = -1.800825  C/N = 0.361096
}
