// Package input reads and checks the tensors an analyzer plugin receives:
// weight matrices of either float type, configurations of a given lattice
// and per-configuration labels. Every failure is an sdk.InvalidArgument
// naming the tensor and the shape it should have.
package input
