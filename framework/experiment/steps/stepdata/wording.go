package stepdata

// aNum is the indefinite article for the number n as it is read aloud:
// "an 8×8", "an 11×11", "an 80×80", "an 18000", but "a 64×64", "a 1000".
// The sound is that of the leading group of thousands ("eight", "eleven",
// "eighteen", "eighty…", "eight hundred…").
func aNum(n int) string {
	if n < 0 {
		return "a"
	}
	for n >= 1000 {
		n /= 1000
	}
	switch {
	case n == 8, n == 11, n == 18, n >= 80 && n < 90, n >= 800 && n < 900:
		return "an"
	}
	return "a"
}
