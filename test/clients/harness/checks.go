package harness

import (
	"fmt"
	"os"
)

// Suite counts checks and prints one plain summary line at the end.
type Suite struct {
	Name     string
	Recorder *Recorder
	passed   int
	failed   int
	cleanups []func()
}

// OnExit registers a cleanup run before Fatal or Finish exits (os.Exit skips defers).
func (s *Suite) OnExit(fn func()) { s.cleanups = append(s.cleanups, fn) }

func (s *Suite) exit(code int) {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	os.Exit(code)
}

// NewSuite returns a suite whose failures quote rec's last exchange.
func NewSuite(name string, rec *Recorder) *Suite {
	return &Suite{Name: name, Recorder: rec}
}

// Check runs one named call; an error fails it, naming the call, the
// request the client sent and the answer it got.
func (s *Suite) Check(call string, fn func() error) bool {
	s.Recorder.Reset()
	if err := fn(); err != nil {
		s.failed++
		fmt.Printf("FAIL %s: %s: %v\n    %s\n", s.Name, call, err, s.Recorder.Last())
		return false
	}
	s.passed++
	fmt.Printf("ok   %s: %s\n", s.Name, call)
	return true
}

// Fatal reports a setup failure and exits non-zero.
func (s *Suite) Fatal(what string, err error) {
	fmt.Printf("FAIL %s: %s: %v\n", s.Name, what, err)
	fmt.Printf("%s: %d passed, %d failed\n", s.Name, s.passed, s.failed+1)
	s.exit(1)
}

// Finish prints "<name>: N passed, N failed" and exits 1 if any failed.
func (s *Suite) Finish() {
	fmt.Printf("%s: %d passed, %d failed\n", s.Name, s.passed, s.failed)
	if s.failed > 0 {
		s.exit(1)
	}
	s.exit(0)
}

// Expect returns an error when got differs from want.
func Expect[T comparable](what string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s: got %v, want %v", what, got, want)
	}
	return nil
}
