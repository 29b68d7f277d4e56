package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	tfe "github.com/hashicorp/go-tfe"
)

// runTaskServer is what a run-task author writes: it receives the signed
// request as go-tfe's RunTaskRequest, checks X-TFC-Task-Signature against its
// HMAC key, answers 200, then calls back with go-tfe's callback types.
type runTaskServer struct {
	hmacKey  string
	listener net.Listener
	URL      string

	mu         sync.Mutex
	verified   int      // requests whose signature matched
	mismatched []string // requests whose signature did not
	requests   []tfe.RunTaskRequest
	callbacks  chan error // one per run-stage request: the callback's error
	failStage  string     // a stage whose requests are called back "failed"
}

// failNext makes the callbacks of stage's requests report "failed" ("" for none).
func (s *runTaskServer) failNext(stage string) {
	s.mu.Lock()
	s.failStage = stage
	s.mu.Unlock()
}

func startRunTaskServer(hmacKey string) (*runTaskServer, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &runTaskServer{
		hmacKey:   hmacKey,
		listener:  listener,
		URL:       "http://" + listener.Addr().String() + "/run-task",
		callbacks: make(chan error, 16),
	}
	go func() { _ = http.Serve(listener, s) }()
	return s, nil
}

func (s *runTaskServer) Close() { _ = s.listener.Close() }

// signatureValid compares the header with HMAC-SHA512 of the exact body.
func signatureValid(key string, body []byte, header string) bool {
	mac := hmac.New(sha512.New, []byte(key))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(header))
}

func (s *runTaskServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if !signatureValid(s.hmacKey, body, r.Header.Get("X-TFC-Task-Signature")) {
		s.mu.Lock()
		s.mismatched = append(s.mismatched, string(body))
		s.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var request tfe.RunTaskRequest
	if err := json.Unmarshal(body, &request); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.verified++
	s.requests = append(s.requests, request)
	status := tfe.TaskPassed
	if request.Stage == s.failStage {
		status = tfe.TaskFailed
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	// The verification request (stage "test") wants a 200 and no callback.
	if request.Stage == "test" {
		return
	}
	go func() { s.callbacks <- callBack(request, status) }()
}

// callBack reports status with one outcome, as the scaffolding does: a
// client on the callback URL's host, authorized by the request's access token.
func callBack(request tfe.RunTaskRequest, status tfe.TaskResultStatus) error {
	callback, err := url.Parse(request.TaskResultCallbackURL)
	if err != nil {
		return fmt.Errorf("callback URL %q: %w", request.TaskResultCallbackURL, err)
	}
	client, err := tfe.NewClient(&tfe.Config{
		Address: callback.Scheme + "://" + callback.Host,
		Token:   request.AccessToken,
	})
	if err != nil {
		return fmt.Errorf("client for the callback: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return client.RunTasksIntegration.Callback(ctx, request.TaskResultCallbackURL, request.AccessToken,
		tfe.TaskResultCallbackRequestOptions{
			Status:  status,
			Message: "checked by " + request.Stage + " for " + request.WorkspaceName,
			URL:     "https://example.invalid/details",
			Outcomes: []*tfe.TaskResultOutcome{{
				OutcomeID:   "PRTNR-CC-TF-127",
				Description: "ST-2942: S3 Bucket will not enforce MFA login on delete requests",
				Body:        "# Resolution\n\nEnable MFA delete.",
				Tags: map[string][]*tfe.TaskResultTag{
					"Status":   {{Label: "Denied", Level: "error"}},
					"Severity": {{Label: "High", Level: "error"}},
				},
			}},
		})
}

func (s *runTaskServer) counts() (verified int, mismatched []string, requests []tfe.RunTaskRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified, append([]string(nil), s.mismatched...), append([]tfe.RunTaskRequest(nil), s.requests...)
}
