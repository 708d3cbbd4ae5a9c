package linalg

import "sync"

var once sync.Once

// Init selects the BLAS backend for blas32. It is idempotent; learners call
// it from their constructors.
func Init() { once.Do(use) }

// Backend names the backend Init selects: "gonum" or "openblas".
func Backend() string { return backend }
