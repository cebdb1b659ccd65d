package emulator

import "sync"

// refreshHold delays refresh answers until released.
type refreshHold struct {
	held, release chan struct{}
	heldOnce      sync.Once
	releaseOnce   sync.Once
	closing       <-chan struct{}
}

func (h *refreshHold) wait() {
	h.heldOnce.Do(func() { close(h.held) })
	select {
	case <-h.release:
	case <-h.closing:
	}
}

// HoldRefreshes makes every later successful refresh grant issue its tokens
// and then wait before answering, until release is called (or the server
// closes): a refresh in flight, for tests of what races it. held is closed
// when the first refresh is being held.
func (s *Server) HoldRefreshes() (held <-chan struct{}, release func()) {
	h := &refreshHold{held: make(chan struct{}), release: make(chan struct{}), closing: s.closing}
	s.mu.Lock()
	s.hold = h
	s.mu.Unlock()
	return h.held, func() {
		h.releaseOnce.Do(func() { close(h.release) })
		s.mu.Lock()
		if s.hold == h {
			s.hold = nil
		}
		s.mu.Unlock()
	}
}
