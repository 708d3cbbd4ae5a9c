// Package xrand is the pseudo-random generator of the plugins: xoshiro256**
// seeded through SplitMix64, with the few derived draws they need.
//
// The generator is xoshiro256** of D. Blackman and S. Vigna, "Scrambled
// linear pseudorandom number generators", ACM Transactions on Mathematical
// Software 47(4), article 36 (2021): 256 bits of state, period 2^256 − 1,
// all 64 output bits of good quality, a handful of shifts, rotations and
// XORs per number. Seeds are expanded, and hashed with one another, by the
// output function of SplitMix64 (G. L. Steele Jr., D. Lea and C. H. Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014), a
// bijection of uint64; Seed fills the state with four consecutive
// SplitMix64 outputs, as the xoshiro authors recommend.
//
// Independent streams come from Derive: a seed and two indices (a Markov
// chain's point and index, a stream kind and a block, …) hashed into the
// seed of a fresh generator, so that what a job draws depends on the
// request's seed and the job's indices, not on how many workers run it.
//
// Below maps 64 random bits to [0, n) by D. Lemire's multiply-shift ("Fast
// random integer generation in an interval", ACM TOMACS 29(1), 2019)
// without his rejection step: the bias is below n/2^64. Normal is the
// Box–Muller transform and always consumes two words. The whole state is
// four words (State, SetState); StateInt64 and SetStateInt64 carry it bit
// for bit in the int64 tensors of checkpoints.
//
// Hot loops may copy the state into locals with State, run the generator
// inline and store it back with SetState; both inline. An RNG is not safe
// for concurrent use; its zero value is not usable (Seed it or use New).
package xrand
