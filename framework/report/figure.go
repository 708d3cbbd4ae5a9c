package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/npz"
)

// Figure is a plot and the data it draws.
type Figure struct {
	Plot *plot.Plot
	// Data are the arrays behind the plot (1-D or 2-D), saved beside it.
	Data []npz.Array
	// Side, when set, is drawn in a strip right of the plot: a heat
	// map's colour bar, a configuration's key of states.
	Side *plot.Plot
	// Panels, when set, are the figure: plots stacked top to bottom,
	// sharing the x axis (Plot is the first).
	Panels []*plot.Plot
	// Aspect, when positive, is the height/width ratio the data area
	// keeps (the figure's height follows).
	Aspect float64
	// Notes are sentences the page adds to the figure's caption: what
	// the plot leaves out of its data, and why.
	Notes []string
	// Limits are the points its data declare limits, not measurements
	// (Series.Limit): Check requires each drawn as a limit.
	Limits []Limit
}

// Files are the paths Save wrote, relative to its directory, and the
// PNG's size in pixels.
type Files struct {
	PNG, SVG, NPZ, CSV string
	W, H               int
}

// Default figure size, and the PNG's resolution.
const (
	Width  = 16 * vg.Centimeter
	Height = 11 * vg.Centimeter
	dpi    = 110
)

// Save writes f as dir/name.png, .svg, .npz and .csv, each atomically.
func Save(dir, name string, f *Figure) (Files, error) {
	files := Files{PNG: name + ".png", SVG: name + ".svg", NPZ: name + ".npz", CSV: name + ".csv"}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return files, err
	}
	w, h := f.size()
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))}
	f.draw(draw.New(png))
	files.W, files.H = int(w.Dots(dpi)+0.5), int(h.Dots(dpi)+0.5)
	svg := vgsvg.New(w, h)
	f.draw(draw.New(svg))
	for _, w := range []struct {
		file string
		to   io.WriterTo
	}{{files.PNG, png}, {files.SVG, svg}} {
		err := fsutil.WriteFileAtomic(filepath.Join(dir, w.file), func(out io.Writer) error {
			_, err := w.to.WriteTo(out)
			return err
		})
		if err != nil {
			return files, fmt.Errorf("figure %s: %w", name, err)
		}
	}
	if err := npz.WriteFile(filepath.Join(dir, files.NPZ), f.Data...); err != nil {
		return files, fmt.Errorf("figure %s: %w", name, err)
	}
	err := fsutil.WriteFileAtomic(filepath.Join(dir, files.CSV), func(out io.Writer) error { return WriteCSV(out, f.Data) })
	if err != nil {
		return files, fmt.Errorf("figure %s: %w", name, err)
	}
	return files, nil
}

// SaveImage writes f alone as a PNG or an SVG, by path's extension,
// drawn as Save draws it (side key, panels, legend and size).
func SaveImage(path string, f *Figure) error {
	w, h := f.size()
	var to io.WriterTo
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))}
		f.draw(draw.New(c))
		to = c
	case ".svg":
		c := vgsvg.New(w, h)
		f.draw(draw.New(c))
		to = c
	default:
		return fmt.Errorf("%s: want a .png or .svg file", path)
	}
	return fsutil.WriteFileAtomic(path, func(out io.Writer) error {
		_, err := to.WriteTo(out)
		return err
	})
}

// WriteCSV writes arrays in long form: a header "array,i,j,value", then one
// row per element (j empty for 1-D arrays). Values print in full precision.
func WriteCSV(w io.Writer, arrays []npz.Array) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"array", "i", "j", "value"})
	for _, a := range arrays {
		v, err := floats(a)
		if err != nil {
			return err
		}
		cols := 1
		if len(a.Shape) == 2 {
			cols = a.Shape[1]
		} else if len(a.Shape) != 1 {
			return fmt.Errorf("array %s: shape %v, want 1-D or 2-D", a.Name, a.Shape)
		}
		for k, x := range v {
			j := ""
			if len(a.Shape) == 2 {
				j = strconv.Itoa(k % cols)
			}
			cw.Write([]string{a.Name, strconv.Itoa(k / cols), j, strconv.FormatFloat(x, 'g', -1, 64)})
		}
	}
	cw.Flush()
	return cw.Error()
}

func floats(a npz.Array) ([]float64, error) {
	if v, ok := a.Floats(); ok {
		return v, nil
	}
	return nil, fmt.Errorf("array %s: unsupported type %T", a.Name, a.Data)
}
