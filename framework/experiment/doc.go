// Package experiment turns a study written in YAML into a validated plan
// of steps and runs it.
//
// A spec (see docs/experiments.md) names datasets (sampled from a model
// plugin, or imported from an .npz file), trainings of learner plugins,
// RBM flows measured by a thermometer, analyses by analyzer plugins and a
// report; steps refer to each other by name,
// and a list or range in a single-valued field expands into one step per
// value (name: rbm-v{hidden} with set: {hidden: [16, 64]} gives rbm-v16
// and rbm-v64).
//
// Parse reads and expands a spec (package spec), checking the form of
// every field;
// NewPlan (package plan, given the kinds table) validates it whole against a Catalog of plugin descriptions
// (unknown plugins, parameters and hyper-parameters, values out of range,
// dangling references, selections that select nothing) and returns the
// DAG of steps in topological order, each with a key: the sha256 of a
// canonical encoding of the step's resolved spec, its inputs' keys, its
// plugin's sha256 and the version of the host code of its kind. What the
// engine knows of a kind of step (its registry kind, code version, and
// how to plan and run it) is one entry of the table in kinds.go. Run
// executes a plan with a Runner under a budget of concurrent steps and
// threads (package schedule); the entries' files are typed in package
// formats. Every error that is the spec's fault
// matches ErrUsage and names file:line:column and the field.
//
// The steps themselves are functions of an Env (package steps: the host,
// the registry, metrics, progress and build info, passed in explicitly)
// and a plain spec (the import step is package steps/importer): Sample,
// Train, Flow, Import and Analyze each do one step and return its
// registry entry, with lineage; rgml sample, train, flow, datasets import
// and analyze are thin wrappers over them. A training keeps its history
// (HistoryFile) beside its weights and its checkpoints in the registry
// while it runs, so a killed training resumes bit for bit. Each kind of
// step is a package of its own (steps/sample, steps/train, steps/flow,
// steps/analyze, steps/reportkind); BuildReport, the report kind's, draws
// every figure registered entries allow, with the verdicts of the judge
// a study registers (RegisterJudge). Execute runs
// a whole plan through an Env: a step whose key the registry has is
// skipped, a step that another process is running (it holds the lease on
// the key) is waited for and then skipped, the others run on their share
// of the cores, and the run is registered as a Run entry (rgml run).
//
// The executors are package exec (the facade keeps their names: Execute,
// RunStep, Slurm, …); the kinds table registers each kind with them.
// Execute is the Local Executor. Slurm is another: it submits each step
// as a batch job (like steps of one spec item as one job array, a job
// waiting for the jobs of the steps it reads and no other) whose job runs RunStep, one step against the shared
// registry with the same skip and resume rules; each step's cpus, memory
// and time (Resources) size its job. A kind made once per run (the
// report) is no job: `rgml report RUN` draws it once the jobs are done.
package experiment
