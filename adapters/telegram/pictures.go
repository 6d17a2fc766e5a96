package telegram

import (
	"context"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pictures remembers what Telegram made of the pictures sent lately:
//
//   - the file it keeps of each, so that the next chats get the photo by
//     file_id: Telegram fetches a picture from the newsroom once, not once
//     per chat, and a broadcast's photos go out as fast as texts;
//   - the pictures it refused, so that a broadcast to many chats tries a
//     broken picture once, not once per chat, and a retried alert goes
//     straight to text.
//
// The first send of a picture by its URL goes alone: the broadcast's other
// sends of it wait for its answer (at most pictureWait), then use the file
// or skip the refused picture. A picture is known by its URL; a file is
// kept for fileTTL, so that a picture replaced at the same URL shows within
// a day.
type pictures struct {
	mu       sync.Mutex
	now      func() time.Time
	files    map[string]keptFile      // picture URL → its file
	refused  map[string]time.Time     // picture URL → when refused
	inflight map[string]chan struct{} // picture URL → closed when its first send ends
}

type keptFile struct {
	id string
	at time.Time
}

const (
	// fileTTL is how long a picture's file is used for its URL.
	fileTTL = 24 * time.Hour
	// refusedTTL is how long a refused picture is not tried again: a
	// broadcast's length, short enough that a newsroom's passing outage
	// costs few pictures.
	refusedTTL = 10 * time.Minute
	// pictureWait bounds how long a send waits for another's first send of
	// the same picture, which may itself wait out a chat's rate limit.
	pictureWait = 5 * time.Second
	// maxPictures bounds each map; a full one is emptied (nothing is lost
	// but a fetch).
	maxPictures = 4096
)

func newPictures(now func() time.Time) *pictures {
	return &pictures{now: now, files: map[string]keptFile{}, refused: map[string]time.Time{}, inflight: map[string]chan struct{}{}}
}

// acquire returns what to send for picture pic: the file Telegram keeps of
// it (cached), else its URL. release must be called once the answer is
// recorded (sent, forget or refuse). A picture refused lately gives
// errRefusedLately; ctx's end, ctx's error.
func (p *pictures) acquire(ctx context.Context, pic string) (media tgbotapi.RequestFileData, cached bool, release func(), err error) {
	waited := false
	for {
		p.mu.Lock()
		now := p.now()
		if t, ok := p.refused[pic]; ok && now.Sub(t) < refusedTTL {
			p.mu.Unlock()
			return nil, false, nil, errRefusedLately
		}
		if f, ok := p.files[pic]; ok && now.Sub(f.at) < fileTTL {
			p.mu.Unlock()
			return tgbotapi.FileID(f.id), true, func() {}, nil
		}
		busy := p.inflight[pic]
		if busy == nil || waited {
			if busy == nil {
				mine := make(chan struct{})
				p.inflight[pic] = mine
				busy = mine
			} else {
				busy = nil // waited long enough: go without the turn
			}
			p.mu.Unlock()
			return tgbotapi.FileURL(pic), false, p.releaser(pic, busy), nil
		}
		p.mu.Unlock()
		t := time.NewTimer(pictureWait)
		select {
		case <-busy:
		case <-t.C:
			waited = true
		case <-ctx.Done():
			t.Stop()
			return nil, false, nil, ctx.Err()
		}
		t.Stop()
	}
}

// releaser ends the first send of pic that holds mine (nil: none).
func (p *pictures) releaser(pic string, mine chan struct{}) func() {
	return func() {
		if mine == nil {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.inflight[pic] == mine {
			delete(p.inflight, pic)
		}
		close(mine)
	}
}

// sent remembers the file of pic from a message that shows it.
func (p *pictures) sent(pic string, m tgbotapi.Message) {
	if len(m.Photo) == 0 {
		return
	}
	id := m.Photo[len(m.Photo)-1].FileID // sizes come smallest first
	if id == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.files) >= maxPictures {
		clear(p.files)
	}
	p.files[pic] = keptFile{id: id, at: p.now()}
}

// forget drops the file of pic, which Telegram refused.
func (p *pictures) forget(pic string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.files, pic)
}

// refuse remembers that Telegram refused pic.
func (p *pictures) refuse(pic string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if len(p.refused) >= maxPictures {
		for u, t := range p.refused {
			if now.Sub(t) >= refusedTTL {
				delete(p.refused, u)
			}
		}
		if len(p.refused) >= maxPictures {
			clear(p.refused)
		}
	}
	p.refused[pic] = now
}

// refusedLately reports whether Telegram refused pic within refusedTTL.
func (p *pictures) refusedLately(pic string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.refused[pic]
	return ok && p.now().Sub(t) < refusedTTL
}
