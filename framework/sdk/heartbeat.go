package sdk

import (
	"context"
	"sync"
	"time"
)

// DefaultHeartbeatInterval is how often a plugin tells the host it is
// alive during a long call that otherwise sends nothing until it ends
// (Apply), unless ServeConfig says otherwise. It is well below the host's
// default idle timeout.
const DefaultHeartbeatInterval = 10 * time.Second

// heartbeat calls send every interval until the returned stop is called;
// stop waits for a send in progress, so the caller may then use the stream.
func heartbeat(interval time.Duration, send func()) (stop func()) {
	if interval <= 0 {
		interval = DefaultHeartbeatInterval
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				send()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

type heartbeatKey struct{}

// WithHeartbeat returns a context whose calls through the SDK's clients
// call f whenever a message — data or heartbeat — arrives from the plugin.
// The host uses it to restart its idle watchdog.
func WithHeartbeat(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, heartbeatKey{}, f)
}

func beat(ctx context.Context) {
	if f, ok := ctx.Value(heartbeatKey{}).(func()); ok {
		f()
	}
}
