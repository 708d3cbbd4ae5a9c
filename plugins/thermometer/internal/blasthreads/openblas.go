//go:build openblas && cgo

package blasthreads

/*
void openblas_set_num_threads(int);
*/
import "C"

// Serial makes OpenBLAS run every call on its calling thread.
func Serial() { C.openblas_set_num_threads(1) }
