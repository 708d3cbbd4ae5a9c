package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/rgml/rgml/framework/progress"
)

// printTable writes a header and one tab-separated row per element, aligned.
func printTable[T any](e *env, header string, es []T, row func(T) string) error {
	// Buffered: tabwriter writes cell by cell, and a store holds thousands
	// of versions.
	bw := bufio.NewWriterSize(e.stdout, 1<<16)
	rows := make([][]string, 0, len(es)+1)
	rows = append(rows, strings.Split(header, "\t"))
	for _, en := range es {
		rows = append(rows, strings.Split(row(en), "\t"))
	}
	if e.width > 0 {
		fitColumns(rows, e.width)
	}
	tw := tabwriter.NewWriter(bw, 0, 4, tableGap, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// tableGap is the spaces between a table's columns.
const tableGap = 2

// fitColumns cuts cells (with …) so that the table fits width columns:
// the widest column gives way first, so that names and versions stay
// readable while long lists of hyper-parameters shrink, and the first
// column (what each row is) only when the others can give no more.
// --wide prints the table whole.
func fitColumns(rows [][]string, width int) {
	const minCol = 6
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	total := func() int {
		n := tableGap * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	// Long columns give way to a date's width first, then any column to
	// a few characters; the first column after all the others.
	for _, pass := range []struct{ floor, from int }{{20, 1}, {minCol, 1}, {20, 0}, {minCol, 0}} {
		for pass.from < len(widths) && total() > width {
			widest := pass.from
			for i := pass.from; i < len(widths); i++ {
				if widths[i] > widths[widest] {
					widest = i
				}
			}
			if widths[widest] <= pass.floor {
				break
			}
			widths[widest]--
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if utf8.RuneCountInString(c) > widths[i] {
				r[i] = string([]rune(c)[:widths[i]-1]) + "…"
			}
		}
	}
}

// terminalWidth is the width tables are cut to: $COLUMNS if set, else the
// width of w if it is a terminal that reports one, else 0 (print whole).
func terminalWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if s, ok := w.(*safeWriter); ok {
		w = s.w // what it escapes for still goes to the terminal
	}
	if f, ok := w.(*os.File); ok && progress.IsTerminal(f) {
		return progress.Width(f)
	}
	return 0
}

// shortFloat prints v in the shortest form that reads back as v, at the
// precision v came in: a float32 hyper-parameter or metric (0.1 stored
// as 0.10000000149011612) prints as 0.1.
func shortFloat(v float64) string {
	if f32 := float32(v); float64(f32) == v && !math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// jsonNumber matches a number with a fraction in JSON text, after the
// character that may precede a value.
var jsonNumber = regexp.MustCompile(`([:\[,\s])(-?\d+\.\d+(?:[eE][-+]?\d+)?)`)

// shortJSON indents v as JSON for a reader, each number in its shortest
// form (shortFloat); --json prints the exact values.
func shortJSON(v any, prefix, indent string) []byte {
	b, _ := json.Marshal(v)
	if indent != "" {
		b, _ = json.MarshalIndent(v, prefix, indent)
	}
	return jsonNumber.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := jsonNumber.FindSubmatch(m)
		f, err := strconv.ParseFloat(string(sub[2]), 64)
		if err != nil {
			return m
		}
		return append(append([]byte(nil), sub[1]...), shortFloat(f)...)
	})
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// article is "a" or "an" for a lower-case noun, by its first letter: the
// nouns of the command groups ("dataset", "analysis", …) have no silent h
// or sounded-out u.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// plural is "1 plugin", "9 plugins".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
