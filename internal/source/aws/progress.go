package awssource

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// ProgressWriter returns f when it is a terminal and nil otherwise, so a
// progress bar is drawn on an interactive stderr and nothing is written to
// logs or CI output.
func ProgressWriter(f *os.File) io.Writer {
	if f != nil && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}

type progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
}

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total} }

// add grows the total as account-regions are discovered.
func (p *progress) add(n int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	p.draw()
}

func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.draw()
}

func (p *progress) draw() {
	const width = 30
	filled := width
	if p.total > 0 {
		filled = p.n * width / p.total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d account-regions", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.n, p.total)
}

func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}
