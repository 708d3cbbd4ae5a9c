package steps

// StateSpaceKey is the key of Lineage.Extra under which a dataset records
// its state space (the values its model declares, or an import's): the
// learners choose their input units from it.
const StateSpaceKey = "state_space"
