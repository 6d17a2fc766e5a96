// Package door is an adapter's entrance for what users send: shut until
// the adapter's Run opens it, it counts what it lets in, so that Run, once
// it has shut the door again, waits for everything in hand to be answered
// and nothing enters after. Both chat adapters use it.
package door

import "sync"

// Door is shut in its zero value. It is safe for concurrent use.
type Door struct {
	mu   sync.Mutex // orders Enter and Shut: none enters after Shut
	open bool
	in   sync.WaitGroup
}

// Open lets updates in.
func (d *Door) Open() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open = true
}

// Shut lets nothing more in; those in hand stay counted (see Wait).
func (d *Door) Shut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open = false
}

// IsShut reports whether the door lets nothing in.
func (d *Door) IsShut() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.open
}

// Enter counts one in and reports true, or false when the door is shut.
// Each true must be followed by one Leave.
func (d *Door) Enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.open {
		return false
	}
	d.in.Add(1)
	return true
}

// Leave counts one out.
func (d *Door) Leave() { d.in.Done() }

// Wait waits until everything let in has left.
func (d *Door) Wait() { d.in.Wait() }
