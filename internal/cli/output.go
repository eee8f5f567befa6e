package cli

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// writeOutput writes a report or runbook to what the user named with -o:
//   - "-" is standard output;
//   - a regular file (or a name that does not exist yet) is written through a
//     temporary file in the same directory and renamed over it, so a failed
//     write never leaves half a report behind;
//   - a symbolic link is followed: its target is written (atomically when it
//     is a regular file) and the link stays a link;
//   - a character device, FIFO or socket (/dev/null, /dev/stdout, a named
//     pipe) is opened and written as it is, never replaced by a file.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		w := bufio.NewWriter(stdout)
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	target := path
	if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			// A dangling link: create what it points to, through the link.
			dest, rerr := os.Readlink(path)
			if rerr != nil {
				return err
			}
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(path), dest)
			}
			resolved = dest
		}
		target = resolved
	}
	info, err := os.Stat(target)
	switch {
	case err == nil && !info.Mode().IsRegular():
		if info.IsDir() {
			return &fs.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
		}
		return writeInPlace(target, write)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return writeFileAtomic(target, write)
}

// writeInPlace writes to a device, FIFO or socket as it is.
func writeInPlace(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeFileAtomic writes through a temporary file in the same directory and
// renames it, so a failed write never leaves half a report behind. An
// existing file keeps its permissions; a new one is 0644.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, ".kumoguard-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
