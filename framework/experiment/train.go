package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/experiment/steps/train"
	"github.com/rgml/rgml/registry"
)

// The training kind's names (package steps/train) as callers use them.
type (
	Resume       = train.Resume
	TrainSpec    = train.TrainSpec
	TrainResult  = train.TrainResult
	History      = train.History
	HistoryRow   = train.HistoryRow
	LiveTraining = train.LiveTraining
)

// What a training does with a checkpoint of itself (train.Resume).
const (
	ResumeNever    = train.ResumeNever
	ResumeRequired = train.ResumeRequired
	ResumeIfAny    = train.ResumeIfAny
)

// HistoryFile is the file of a model entry that holds its training
// history (train.HistoryFile).
const HistoryFile = train.HistoryFile

// ErrTrainingEnded is LiveHistory's error once the attempt's checkpoints
// are gone (train.ErrTrainingEnded).
var ErrTrainingEnded = train.ErrTrainingEnded

// Train trains a learner and registers the model (train.Train).
func Train(ctx context.Context, env *Env, spec TrainSpec) (TrainResult, error) {
	return train.Train(ctx, env, spec)
}

// ReadHistory reads a model entry's training history (stepdata.ReadHistory).
func ReadHistory(s *registry.Store, ref string) (History, registry.Entry, error) {
	return stepdata.ReadHistory(s, ref)
}

// LiveTrainings lists the trainings still running (train.LiveTrainings).
func LiveTrainings(s *registry.Store) ([]LiveTraining, error) { return train.LiveTrainings(s) }

// LiveTrainingByID finds a running training by its ID (train.LiveTrainingByID).
func LiveTrainingByID(s *registry.Store, id string) (LiveTraining, bool) {
	return train.LiveTrainingByID(s, id)
}

// LiveHistory reads a running training's history past epoch after
// (train.LiveHistory).
func LiveHistory(l LiveTraining, after int) (rows []HistoryRow, epoch int, err error) {
	return train.LiveHistory(l, after)
}
