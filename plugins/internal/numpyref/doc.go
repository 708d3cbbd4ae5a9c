// Package numpyref runs a learner's numpy reference epoch
// (testdata/numpy_epoch.py --serve of plugins/rbm and plugins/thermometer)
// beside a Go benchmark: the script runs epochs on request, so that the
// benchmark alternates rounds of its own epochs with rounds of numpy's and
// both see the same load from the rest of the machine; after numpy's
// round it waits until OpenBLAS's threads have stopped spinning (Settle).
package numpyref
