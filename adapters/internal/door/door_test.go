package door

import (
	"testing"
	"time"
)

func TestDoor(t *testing.T) {
	var d Door
	if !d.IsShut() || d.Enter() {
		t.Fatal("a new door lets in")
	}
	d.Open()
	if d.IsShut() || !d.Enter() {
		t.Fatal("an open door does not let in")
	}
	d.Shut()
	if d.Enter() {
		t.Fatal("a shut door lets in")
	}
	waited := make(chan struct{})
	go func() { d.Wait(); close(waited) }()
	select {
	case <-waited:
		t.Fatal("Wait returned with one in hand")
	case <-time.After(50 * time.Millisecond):
	}
	d.Leave()
	<-waited
}
