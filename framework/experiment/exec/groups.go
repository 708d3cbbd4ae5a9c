package exec

// SlurmGroups returns the jobs the Slurm executor makes of p when the
// registry has the steps in have (step IDs): each job's steps, and the
// steps it waits for.
func SlurmGroups(p *Plan, have ...string) (members, after [][]string) {
	h := map[string]bool{}
	for _, id := range have {
		h[id] = true
	}
	for _, g := range slurmGroups(p, h) {
		var m, a []string
		for _, s := range g.steps {
			m = append(m, s.ID)
		}
		for _, s := range g.after {
			a = append(a, s.ID)
		}
		members, after = append(members, m), append(after, a)
	}
	return members, after
}
