// Package pluginstudy runs a tiny study on any model plugin, the way `rgml
// run` would run a real one — sample → RBM → thermometer → flow →
// thermometer-free check → report — in a temporary registry, and says,
// part by part, which part passes and which fails and why. It is what
// `rgml plugins check NAME` prints; a plugin author's Go test gets the
// same from sdktest.StudyCheck, which runs that command.
//
// Nothing here knows a model, a learner or an analyzer by name: the study
// varies the model's first float parameter around the reference point the
// model declares (or its default), and finds its learners and its check by
// what the installed plugins declare — the RBM is the learner with the
// operation "flow", the thermometer the supervised learner with
// "predict", the check the analyzer that reads a flow's configurations
// beside an equilibrium reference — unless Options names them.
package pluginstudy
