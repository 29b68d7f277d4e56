// Package harness starts `taskport serve` for a client suite, drives its
// control API, and counts checks, so each suite reads as a list of calls.
package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Fake is one `taskport serve` process on a free 127.0.0.1 port.
type Fake struct {
	URL string
	cmd *exec.Cmd
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// cliPath finds dist/cli.js: $TASKPORT_CLI, else upwards from the working directory.
func cliPath() (string, error) {
	if path := os.Getenv("TASKPORT_CLI"); path != "" {
		return path, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "dist", "cli.js")
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("dist/cli.js not found above the working directory: run npm run build")
		}
		dir = parent
	}
}

// StartFake runs `node dist/cli.js serve --port 0 --host 127.0.0.1 <args>`
// (port 0: the system picks a free one) and waits for its listening line.
func StartFake(args ...string) (*Fake, error) {
	cli, err := cliPath()
	if err != nil {
		return nil, err
	}
	all := append([]string{cli, "serve", "--port", "0", "--host", "127.0.0.1"}, args...)
	cmd := exec.Command("node", all...)
	cmd.Stderr = os.Stderr
	// The fake ends with the suite, however the suite ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting taskport serve: %w", err)
	}
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if match := listening.FindStringSubmatch(scanner.Text()); match != nil {
				found <- match[1]
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			return nil, fmt.Errorf("taskport serve exited before listening")
		}
		return &Fake{URL: strings.TrimSuffix(url, "/"), cmd: cmd}, nil
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("taskport serve did not listen within 20s")
	}
}

// Stop ends the process this Fake started.
func (f *Fake) Stop() {
	if f.cmd.Process != nil {
		_ = f.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = f.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = f.cmd.Process.Kill()
		}
	}
}

// Control sends a JSON request to the control API (path under /_taskport)
// and decodes the answer into out (when not nil); a status >= 300 is an error.
func (f *Fake) Control(method, path string, body any, out any) error {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequest(method, f.URL+"/_taskport"+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("control %s %s: %d %s", method, path, resp.StatusCode, answer)
	}
	if out != nil {
		return json.Unmarshal(answer, out)
	}
	return nil
}
