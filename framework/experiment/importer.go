package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/steps/importer"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// The import step's names (package steps/importer) as callers use them.
type (
	ImportSpec   = importer.ImportSpec
	ImportResult = importer.ImportResult
)

// ImportArrays checks an .npz file's arrays and makes a dataset of them
// (importer.ImportArrays).
func ImportArrays(arrays []npz.Array, L int) (sdk.Dataset, error) {
	return importer.ImportArrays(arrays, L)
}

// Import checks an .npz file and registers it as a dataset (importer.Import).
func Import(ctx context.Context, env *Env, spec ImportSpec) (ImportResult, error) {
	return importer.Import(ctx, env, spec)
}

func readImport(path string, L int, labels []string) (sdk.Dataset, string, error) {
	return importer.Read(path, L, labels)
}

func importedArrays(ds sdk.Dataset) []npz.Array { return importer.Arrays(ds) }
