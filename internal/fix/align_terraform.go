package fix

import (
	"bytes"
	"sort"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// alignTouched keeps `terraform fmt -check` passing after a patch: an added
// argument, or a longer number, changes how `terraform fmt` aligns the `=`
// signs and trailing comments of the block or map around it. For every
// top-level block or attribute an edit falls in, the item is formatted as
// `terraform fmt` formats it (hclwrite.Format, which terraform fmt uses);
// when that changes anything beyond the edits, the edits inside the item
// become one edit that replaces the item with its formatted text. Items the
// patch does not touch are never reformatted. It returns the new edits and,
// for each input edit, the index of the edit that now carries it.
func alignTouched(src []byte, file string, edits []edit) ([]edit, []int) {
	index := make([]int, len(edits))
	for i := range index {
		index[i] = i
	}
	body, err := parseHCL(src, file)
	if err != nil {
		return edits, index
	}
	type item struct {
		start, end int
		attr       bool
	}
	var items []item
	for _, a := range body.Attributes {
		items = append(items, item{a.SrcRange.Start.Byte, a.SrcRange.End.Byte, true})
	}
	for _, b := range body.Blocks {
		items = append(items, item{b.Range().Start.Byte, b.Range().End.Byte, false})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].start < items[j].start })
	// Each item runs from the start of its first line to the end of its last
	// line, so that indentation and a trailing comment are formatted too.
	for k := range items {
		it := &items[k]
		for it.start > 0 && src[it.start-1] != '\n' {
			it.start--
		}
		for it.end < len(src) && src[it.end] != '\n' {
			it.end++
		}
	}
	// Top-level attributes on consecutive lines (a tfvars file) are one
	// alignment group for terraform fmt: they are formatted together.
	merged := items[:0:0]
	for _, it := range items {
		if n := len(merged); n > 0 && it.attr && merged[n-1].attr && it.start == merged[n-1].end+1 {
			merged[n-1].end = it.end
			continue
		}
		merged = append(merged, it)
	}
	items = merged
	owner := make([]int, len(edits))
	inItem := map[int][]int{}
	for i, e := range edits {
		owner[i] = -1
		for k, it := range items {
			if it.start <= e.start && e.end <= it.end {
				owner[i] = k
				inItem[k] = append(inItem[k], i)
				break
			}
		}
	}
	var out []edit
	combined := map[int]int{}
	for i, e := range edits {
		k := owner[i]
		if k < 0 {
			index[i] = len(out)
			out = append(out, e)
			continue
		}
		if j, ok := combined[k]; ok {
			if j >= 0 {
				index[i] = j
			}
			continue
		}
		it := items[k]
		var local []edit
		for _, j := range inItem[k] {
			ej := edits[j]
			local = append(local, edit{start: ej.start - it.start, end: ej.end - it.start, text: ej.text})
		}
		piece, err := applyEdits(src[it.start:it.end], local)
		if err != nil {
			return edits, identity(len(edits))
		}
		formatted := hclwrite.Format(piece)
		if !bytes.HasSuffix(piece, []byte("\n")) {
			formatted = bytes.TrimSuffix(formatted, []byte("\n"))
		}
		if bytes.Equal(formatted, piece) {
			// Already aligned: keep the smallest edits.
			for _, j := range inItem[k] {
				index[j] = len(out)
				out = append(out, edits[j])
			}
			combined[k] = -1
			continue
		}
		combined[k] = len(out)
		index[i] = len(out)
		out = append(out, edit{start: it.start, end: it.end, text: string(formatted)})
		for _, j := range inItem[k] {
			index[j] = combined[k]
		}
	}
	return out, index
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
