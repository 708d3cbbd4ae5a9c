package registry

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rgml/rgml/registry/pgtest"
)

var leaseKey = strings.Repeat("ab", 32)

// TestLease: one holder at a time; a lease that its holder let expire is
// taken over, and the old holder learns it lost it.
func TestLease(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		a, _, ok, err := s.TryLease(ctx, Model, leaseKey, "a", time.Minute)
		if err != nil || !ok {
			t.Fatalf("first lease: %v %v", ok, err)
		}
		if _, cur, ok, err := s.TryLease(ctx, Model, leaseKey, "b", time.Minute); err != nil || ok || cur.Holder != "a" {
			t.Fatalf("second holder got the lease: %v, holder %q, %v", ok, cur.Holder, err)
		}
		if _, _, ok, err := s.TryLease(ctx, Dataset, leaseKey, "b", time.Minute); err != nil || !ok {
			t.Fatalf("the same key of another kind: %v %v", ok, err)
		}
		if err := a.Renew(ctx); err != nil {
			t.Fatal(err)
		}
		// Expired: b takes it over, a's renewal fails.
		s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		b, _, ok, err := s.TryLease(ctx, Model, leaseKey, "b", time.Minute)
		if err != nil || !ok {
			t.Fatalf("take-over of an expired lease: %v %v", ok, err)
		}
		if err := a.Renew(ctx); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("renewal of a lost lease: %v", err)
		}
		a.Release(ctx) // releases nothing of b's
		if _, cur, ok, _ := s.TryLease(ctx, Model, leaseKey, "c", time.Minute); ok || cur.Holder != "b" {
			t.Fatalf("a's release freed b's lease: %v %q", ok, cur.Holder)
		}
		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, ok, err := s.TryLease(ctx, Model, leaseKey, "c", time.Minute); err != nil || !ok {
			t.Fatalf("after release: %v %v", ok, err)
		}
	})
}

// TestLeaseOfAGoneProcess: the lease of a process of this machine that
// no longer exists (killed with SIGKILL) is taken over at once; that of a
// live one is not.
func TestLeaseOfAGoneProcess(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		live := exec.Command("sleep", "60")
		if err := live.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { live.Process.Kill(); live.Wait() }()
		gone := exec.Command("true")
		if err := gone.Run(); err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			pid  int
			gone bool
		}{{live.Process.Pid, false}, {gone.Process.Pid, true}} {
			key := strings.Repeat(fmt.Sprint(i), 64)
			h := fmt.Sprintf("%s-%d-0badf00d", hostTag(), c.pid)
			if _, _, ok, err := s.TryLease(ctx, Model, key, h, time.Hour); !ok || err != nil {
				t.Fatal(ok, err)
			}
			_, cur, ok, err := s.TryLease(ctx, Model, key, "other", time.Hour)
			if err != nil || ok != c.gone {
				t.Errorf("lease of pid %d (gone %v): taken over %v (holder %q), %v", c.pid, c.gone, ok, cur.Holder, err)
			}
		}
	})
}

// TestClaimWaitsForTheHolder: of two stores (as two processes) claiming
// one key, the second waits while the first computes and then gets the
// first's entry; a wait with a deadline ends at it.
func TestClaimWaitsForTheHolder(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		root, _ := newLocation(t)
		open := func() *Store {
			s, err := Open(root)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		s1, s2 := open(), open()
		ctx := context.Background()
		l, _, found, err := s1.Claim(ctx, Model, leaseKey, "first", time.Minute, nil)
		if err != nil || found || l == nil {
			t.Fatalf("first claim: %v %v %v", l, found, err)
		}

		// A deadline ends the wait, with the deadline's error.
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		t0 := time.Now()
		_, _, _, err = s2.Claim(short, Model, leaseKey, "second", time.Minute, nil)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "first") {
			t.Fatalf("claim with a deadline: %v", err)
		}
		if d := time.Since(t0); d > 5*time.Second {
			t.Fatalf("claim with a 300ms deadline returned after %v", d)
		}

		var wg sync.WaitGroup
		var got Entry
		var gotFound bool
		var gotErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			var l2 *Lease
			l2, got, gotFound, gotErr = s2.Claim(ctx, Model, leaseKey, "second", time.Minute, nil)
			if l2 != nil {
				gotErr = errors.New("the second claim took the lease while the first held it")
			}
		}()
		time.Sleep(700 * time.Millisecond)
		en := put(t, s1, Model, "m", Lineage{Key: leaseKey})
		l.Release(ctx)
		wg.Wait()
		if gotErr != nil || !gotFound || got.Digest != en.Digest {
			t.Fatalf("second claim: found %v %v, error %v; want %v", gotFound, got, gotErr, en)
		}
	})
}

// TestClaimTakesOverAFailedHolder: a holder that releases without
// registering (its step failed) hands the key to the waiter.
func TestClaimTakesOverAFailedHolder(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		l, _, _, err := s.Claim(ctx, Flow, leaseKey, "first", time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(300*time.Millisecond, func() { l.Release(ctx) })
		ctx2, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		l2, _, found, err := s.Claim(ctx2, Flow, leaseKey, "second", time.Minute, nil)
		if err != nil || found || l2 == nil || l2.Holder != "second" {
			t.Fatalf("claim after a failed holder: %v %v %v", l2, found, err)
		}
	})
}

// TestPutIsIdempotentPerKey: two Puts of one step key (two processes that
// both computed it) register one entry.
func TestPutIsIdempotentPerKey(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		a := put(t, s, Model, "m", Lineage{Key: leaseKey}, File{Name: "w", Data: []byte("1")})
		b := put(t, s, Model, "m", Lineage{Key: leaseKey}, File{Name: "w", Data: []byte("2")})
		if a.Digest != b.Digest {
			t.Fatalf("second Put of one key registered %v beside %v", b, a)
		}
		if l, _ := s.List(Model, "m"); len(l) != 1 {
			t.Fatalf("%d entries of one key", len(l))
		}
		// Without a key, or with another one, Put adds versions.
		if c := put(t, s, Model, "m", Lineage{}); c.Version != 2 {
			t.Fatalf("keyless Put: version %d", c.Version)
		}
	})
}

// TestKeepRenewsAndNoticesLoss: Keep renews the lease while the work
// runs, and cancels the work when another holder took the lease over.
func TestKeepRenewsAndNoticesLoss(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		// A TTL of 1 s: renewals every third of it keep it alive with a
		// wide margin even on loaded shared cores (at 300 ms a renewal
		// delayed under a load average of 20 let it lapse).
		l, _, _, err := s.TryLease(ctx, Model, leaseKey, "a", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		work, stop := l.Keep(ctx)
		time.Sleep(3 * time.Second) // three TTLs: alive only if renewed
		if _, cur, ok, _ := s.TryLease(ctx, Model, leaseKey, "b", time.Minute); ok || cur.Holder != "a" {
			t.Fatalf("a kept lease was taken: %v %q", ok, cur.Holder)
		}
		if work.Err() != nil {
			t.Fatalf("work cancelled while the lease was held: %v", context.Cause(work))
		}
		// Take it over behind a's back.
		if _, err := s.db.Exec(`UPDATE leases SET holder = 'b'`); err != nil {
			t.Fatal(err)
		}
		select {
		case <-work.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the work was not cancelled after its lease was lost")
		}
		stop()
		if !errors.Is(context.Cause(work), ErrLeaseLost) {
			t.Fatalf("cause %v", context.Cause(work))
		}
	})
}

// TestPGStatementTimeout: the server bounds every statement of the
// registry's sessions, unless the URL says otherwise.
func TestPGStatementTimeout(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		u, _ := newLocation(t)
		for url, want := range map[string]string{u: "2min", u + "&statement_timeout=5s": "5s"} {
			s, err := Open(url)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			err = s.db.QueryRow(`SHOW statement_timeout`).Scan(&got)
			s.Close()
			if err != nil || got != want {
				t.Errorf("%s: statement_timeout %q (%v), want %q", url, got, err, want)
			}
		}
	})
}

// TestFrozenPostgres: a PostgreSQL server that stopped answering (SIGSTOP)
// holds no call past its context: Open, FindByKey, Claim, and the methods
// without a context argument once the context of OpenContext ends.
func TestFrozenPostgres(t *testing.T) {
	srv, url := pgtest.Own(t)
	t.Setenv(EnvBlobs, t.TempDir())
	s, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	s2, err := OpenContext(base, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	srv.Freeze(t)

	const deadline, slack = 500 * time.Millisecond, 3 * time.Second
	bounded := func(what string, f func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		done := make(chan error, 1)
		t0 := time.Now()
		go func() { done <- f(ctx) }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s against a frozen server succeeded", what)
			}
			if d := time.Since(t0); d > deadline+slack {
				t.Errorf("%s returned after %v, deadline %v", what, d, deadline)
			}
		case <-time.After(deadline + 2*slack):
			t.Fatalf("%s still waiting %v after its %v deadline", what, 2*slack, deadline)
		}
	}
	bounded("Open", func(ctx context.Context) error {
		s, err := OpenContext(ctx, url, Options{})
		if err == nil {
			s.Close()
		}
		return err
	})
	bounded("FindByKey", func(ctx context.Context) error {
		_, _, err := s.FindByKey(ctx, Model, leaseKey)
		return err
	})
	bounded("Claim", func(ctx context.Context) error {
		_, _, _, err := s.Claim(ctx, Model, leaseKey, "h", time.Minute, nil)
		return err
	})
	bounded("Put", func(ctx context.Context) error {
		_, err := s.Put(ctx, Model, "m", []File{{Name: "w", Data: []byte("w")}}, Lineage{})
		return err
	})
	bounded("Resolve (the open's context cancelled)", func(ctx context.Context) error {
		context.AfterFunc(ctx, cancelBase)
		_, err := s2.Resolve(Model, "m")
		return err
	})
}
