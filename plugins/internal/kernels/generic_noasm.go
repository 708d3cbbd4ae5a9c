//go:build !amd64 || noasm || gccgo || safe

package kernels

// gonumAsm: gonum's float32 routines are scalar Go here.
const gonumAsm = false
