package main

import (
	"context"
	"sync"

	"github.com/newsbot/newsbot/core"
)

// lateSender is a platform's delivery sender whose adapter is set once it
// exists: the adapter needs the engine, which needs delivery, which needs
// the senders. Until then sends fail as transient and are retried.
type lateSender struct {
	mu sync.RWMutex
	s  core.Sender
}

var (
	_ core.Sender  = (*lateSender)(nil)
	_ core.Editor  = (*lateSender)(nil)
	_ core.Deleter = (*lateSender)(nil)
)

func (l *lateSender) set(s core.Sender) {
	l.mu.Lock()
	l.s = s
	l.mu.Unlock()
}

func (l *lateSender) get() core.Sender {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.s
}

var notReady = &core.DeliveryError{Class: core.DeliveryTransient, Reason: "adapter_not_ready"}

func (l *lateSender) Send(ctx context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	s := l.get()
	if s == nil {
		return core.SentRef{}, notReady
	}
	return s.Send(ctx, chat, r)
}

func (l *lateSender) Edit(ctx context.Context, ref core.SentRef, r core.Reply) error {
	s := l.get()
	if s == nil {
		return notReady
	}
	e, ok := s.(core.Editor)
	if !ok {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "cannot_edit"}
	}
	return e.Edit(ctx, ref, r)
}

func (l *lateSender) Delete(ctx context.Context, ref core.SentRef) error {
	s := l.get()
	if s == nil {
		return notReady
	}
	d, ok := s.(core.Deleter)
	if !ok {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "cannot_delete"}
	}
	return d.Delete(ctx, ref)
}
