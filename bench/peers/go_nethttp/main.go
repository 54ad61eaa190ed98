// Peer 'go-nethttp': Go's net/http, one goroutine per URL.
//
// The code people write in Go for "check these URLs": an http.Client with a timeout, a goroutine
// per URL, a WaitGroup. It takes the flags of fleetcheck-bench-client and the Python peers
// (bench/peers/peer_common.py) and prints the same JSON line. Standard library only: the harness
// builds it offline with Debian's golang-go.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// inFlightCap is the same cap on checks in flight as fleetcheck's strategies
// (bench/include/fleetcheck/bench/strategy.hpp) and aiohttp's TCPConnector(limit=10000).
const inFlightCap = 10000

// result is the one line every client driver prints; the harness reads it.
type result struct {
	Strategy       string  `json:"strategy"`
	N              int     `json:"n"`
	OK             int     `json:"ok"`
	Failed         int     `json:"failed"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	FirstError     string  `json:"first_error,omitempty"`
}

type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string { return f.d.String() }
func (f *durationFlag) Set(text string) error {
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 {
		return fmt.Errorf("invalid duration '%s' (use e.g. 200ms, 10s)", text)
	}
	f.d = d
	return nil
}

// raiseOpenFileLimit does what fleetcheck and the Python peers do: root may raise the hard limit,
// anyone the soft one up to it.
func raiseOpenFileLimit(wanted uint64) {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return
	}
	top := l.Max
	if top < wanted {
		top = wanted
	}
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: top, Max: top}) != nil {
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: l.Max, Max: l.Max})
	}
}

func describe(err error) string {
	text := err.Error()
	if len(text) > 300 {
		text = text[:300]
	}
	return text
}

func main() {
	strategy := flag.String("strategy", "go-nethttp", "strategy name, echoed in the result")
	host := flag.String("host", "127.0.0.1", "address of the mock fleet")
	basePort := flag.Int("base-port", 0, "first port of the mock fleet")
	services := flag.Int("services", 100, "ports of the mock fleet; target i uses base + i % K")
	count := flag.Int("count", 0, "targets to check (N)")
	timeout := durationFlag{10 * time.Second}
	deadline := durationFlag{300 * time.Second}
	flag.Var(&timeout, "timeout", "timeout of each check")
	flag.Var(&deadline, "deadline", "deadline of the whole run")
	version := flag.Bool("version", false, "print the Go version and exit")
	flag.Parse()
	if *version {
		fmt.Println(runtime.Version())
		return
	}
	if *basePort <= 0 || *count <= 0 || *services <= 0 || *basePort+*services-1 > 65535 {
		fmt.Fprintln(os.Stderr, "go-nethttp: --base-port, --count and --services must be positive")
		os.Exit(2)
	}
	raiseOpenFileLimit(131072)

	urls := make([]string, *count)
	for i := range urls {
		urls[i] = "http://" + net.JoinHostPort(*host, strconv.Itoa(*basePort+i%*services)) + "/health"
	}

	// One connection per check, like fleetcheck's Connection: close (DisableKeepAlives sends it);
	// no proxy, no compression asked for, HTTP/1.1.
	client := &http.Client{
		Timeout: timeout.d,
		Transport: &http.Transport{
			DialContext:        (&net.Dialer{Timeout: timeout.d}).DialContext,
			DisableKeepAlives:  true,
			DisableCompression: true,
		},
	}

	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), deadline.d)
	defer cancel()
	slots := make(chan struct{}, inFlightCap)
	results := make([]string, len(urls)) // "" = healthy, else why not
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Add(1)
		go func(i int, url string) {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				results[i] = "deadline reached before the check could start"
				return
			}
			defer func() { <-slots }()
			results[i] = check(ctx, client, url)
		}(i, url)
	}
	wg.Wait()

	r := result{Strategy: *strategy, N: len(urls), ElapsedSeconds: time.Since(started).Seconds()}
	for _, e := range results {
		if e == "" {
			r.OK++
			continue
		}
		if r.Failed == 0 {
			r.FirstError = e
		}
		r.Failed++
	}
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
}

// check does one GET and reads the whole body: "" when the answer is a 2xx.
func check(ctx context.Context, client *http.Client, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return describe(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return "deadline reached"
		}
		return describe(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return describe(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return ""
}
