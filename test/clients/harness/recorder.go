package harness

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Recorder is an http.RoundTripper that keeps the last exchange, so a failed
// check can name the request a client sent and the answer it got.
type Recorder struct {
	Next http.RoundTripper
	mu   sync.Mutex
	last string
}

const bodyLimit = 2000

func clip(body []byte) string {
	if len(body) > bodyLimit {
		return string(body[:bodyLimit]) + "…"
	}
	return string(body)
}

// RoundTrip forwards the request and records it with its answer.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var sent []byte
	if req.Body != nil {
		sent, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	next := r.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	exchange := fmt.Sprintf("request: %s %s %s", req.Method, req.URL, clip(sent))
	if err != nil {
		exchange += fmt.Sprintf("\n    answer: (none) %v", err)
	} else {
		got, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(got))
		exchange += fmt.Sprintf("\n    answer: %d %s", resp.StatusCode, clip(got))
	}
	r.mu.Lock()
	r.last = exchange
	r.mu.Unlock()
	return resp, err
}

// Last is the last exchange, or a note that there was none.
func (r *Recorder) Last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == "" {
		return "request: (none sent)"
	}
	return r.last
}

// Reset forgets the last exchange (called before each check).
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.last = ""
	r.mu.Unlock()
}
