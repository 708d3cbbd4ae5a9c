package spec

import (
	"math"
	"regexp"
	"strconv"
)

// Resources is what a step asks of a batch system (cpus, memory, time
// fields of a step). They are not part of the step's key: the same step
// run with more memory gives the same result. The local executor does
// not read them (it shares this machine's cores among the running steps).
type Resources struct {
	// CPUs is the cores of the step's job (Slurm --cpus-per-task); its
	// plugins run with GOMAXPROCS set to it.
	CPUs int
	// Memory is the job's memory in Slurm's form (--mem): a number of
	// megabytes, or with a suffix K, M, G or T.
	Memory string
	// Time is the job's time limit in Slurm's form (--time): MINUTES,
	// MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; "" leaves it to the
	// executor (rgml run --time, else the partition's default).
	Time string
}

// Defaults of the resource fields.
const (
	DefaultCPUs   = 1
	DefaultMemory = "2G"
)

var (
	memoryRE = regexp.MustCompile(`^[1-9][0-9]{0,9}[KMGT]?$`)
	timeRE   = regexp.MustCompile(`^([0-9]+-[0-9]{1,2}(:[0-9]{2}){0,2}|[0-9]+(:[0-9]{2}){0,2})$`)
)

// ValidTime reports whether s is a time limit in one of Slurm's forms.
func ValidTime(s string) bool { return timeRE.MatchString(s) }

// ValidMemory reports whether s is a memory size in Slurm's form.
func ValidMemory(s string) bool { return memoryRE.MatchString(s) }

// parseResources reads the cpus, memory and time fields of a step.
func parseResources(m map[string]entry) (Resources, error) {
	r := Resources{CPUs: DefaultCPUs, Memory: DefaultMemory}
	if e, ok := m["cpus"]; ok {
		v, err := e.val.number()
		if err != nil {
			return r, err
		}
		if v != math.Trunc(v) || v < 1 || v > 4096 {
			return r, e.val.errf("%v: want a whole number of cores from 1 to 4096", v)
		}
		r.CPUs = int(v)
	}
	// A bare number is megabytes (memory) or minutes (time), as in Slurm.
	text := func(e entry) (string, error) {
		if v, err := e.val.number(); err == nil {
			if v != math.Trunc(v) || v < 1 {
				return "", e.val.errf("%v: want a positive whole number", v)
			}
			return strconv.FormatFloat(v, 'f', 0, 64), nil
		}
		return e.val.str()
	}
	if e, ok := m["memory"]; ok {
		s, err := text(e)
		if err != nil {
			return r, err
		}
		if !ValidMemory(s) {
			return r, e.val.errf("%q: want megabytes or a size with K, M, G or T, e.g. 4G", s)
		}
		r.Memory = s
	}
	if e, ok := m["time"]; ok {
		s, err := text(e)
		if err != nil {
			return r, err
		}
		if !ValidTime(s) {
			return r, e.val.errf("%q: want a time limit as Slurm writes it: MINUTES, HH:MM:SS or D-HH:MM:SS (quote it)", s)
		}
		r.Time = s
	}
	return r, nil
}
