// Package slurm drives a Slurm cluster through its client commands
// (sbatch, squeue, sacct, scancel, sinfo), as a user on a login node
// would: no library, no daemon protocol, so any Slurm version that
// speaks these commands' documented options works.
//
// A Client submits batch scripts (on sbatch's standard input, so nothing
// is written on the login node), asks the state of jobs (squeue for jobs
// the controller still holds, then sacct where accounting is enabled)
// and cancels them. CheckShared refuses paths that a compute node cannot
// see: node-local directories such as /tmp, unless every node of the
// partition is this machine.
package slurm
