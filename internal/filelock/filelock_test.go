package filelock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.lock")
	a, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path); !errors.Is(err, ErrTimeout) {
		t.Fatalf("second Acquire while held = %v, want ErrTimeout", err)
	}
	got := make(chan error, 1)
	go func() {
		b, err := Acquire(context.Background(), path)
		if err == nil {
			err = b.Release()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
}
