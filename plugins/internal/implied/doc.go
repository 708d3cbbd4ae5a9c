// Package implied reads a temperature off an equilibrium curve: the
// temperature at which a model's equilibrium value of an observable
// equals a measured one (the thermometer-free checks of the
// correlations analyzer and the fixed-point analyzer both read it).
package implied
