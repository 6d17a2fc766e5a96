package main

import (
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"strings"
	"sync"
)

// systemLocale is the terminal user's locale as POSIX defines its lookup
// for messages: LC_ALL, else LC_MESSAGES, else LANG. "C" and "POSIX" name
// no language.
func systemLocale(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			if l, _, _ := strings.Cut(v, "."); l == "C" || l == "POSIX" {
				return ""
			}
			return v
		}
	}
	return ""
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// listenError is the reason of a failed net.Listen without the address,
// which the message names already.
func listenError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}

// logWriter is where the log goes; the terminal chat points it through
// itself while it runs, so that log lines wait for a reply to be printed.
type logWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logWriter) set(w io.Writer) {
	l.mu.Lock()
	l.w = w
	l.mu.Unlock()
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	w := l.w
	l.mu.Unlock()
	return w.Write(p)
}
