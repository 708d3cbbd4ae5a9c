package registry

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A lease says that one process (its holder) is computing the entry of a
// step key, so that another process wanting the same key waits for that
// result instead of computing it a second time. It is a row of the leases
// table with an expiry that the holder pushes forward while it works
// (Keep): a holder that dies or freezes stops renewing, and once its lease
// has expired anyone may take it over. Times are the clocks of the
// processes, so the machines sharing a PostgreSQL registry must keep their
// clocks within a fraction of the TTL of each other (NTP does).

// LeaseTTL is how long a lease lasts without renewal: the longest another
// process waits for a holder that died without releasing it.
const LeaseTTL = 30 * time.Second

// ErrLeaseLost: the lease expired (its holder did not renew it in time)
// and another holder took it over.
var ErrLeaseLost = errors.New("lease lost to another process")

// NewHolder returns a holder id for the leases of this process: its host,
// its pid and random digits, which also make it a safe file name.
func NewHolder() string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", hostTag(), os.Getpid(), hex.EncodeToString(b[:]))
}

// hostTag is the host name as a holder id has it.
func hostTag() string {
	h, _ := os.Hostname()
	h = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, h)
	if len(h) > 32 {
		h = h[:32]
	}
	return h
}

// HolderGone reports whether holder (a NewHolder id) was a process of
// this machine that no longer exists: a `rgml run` killed with SIGKILL,
// whose lease need not be waited out. A holder of another machine, or
// one whose pid is taken again, is waited for until its lease expires.
func HolderGone(holder string) bool {
	rest, _, ok := cutLast(holder, "-")
	if !ok {
		return false
	}
	host, pidText, ok := cutLast(rest, "-")
	if !ok || host != hostTag() {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	return err == nil && pid != os.Getpid() && processGone(pid)
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// Lease is a held lease on one step key.
type Lease struct {
	s      *Store
	kind   Kind
	key    string
	Holder string
	ttl    time.Duration
}

// LeaseState is who holds the lease of a key, as TryLease found it.
type LeaseState struct {
	Holder  string
	Expires time.Time
}

// TryLease takes the lease on kind/key for holder if nobody holds it, its
// holder let it expire or was a process of this machine that is gone, or
// holder holds it already (then it is renewed).
// It does not wait: ok is false and cur says who holds it otherwise.
func (s *Store) TryLease(ctx context.Context, kind Kind, key, holder string, ttl time.Duration) (l *Lease, cur LeaseState, ok bool, err error) {
	if err := s.checkWritable("lease"); err != nil {
		return nil, cur, false, err
	}
	if err := kind.check(); err != nil {
		return nil, cur, false, err
	}
	k := strings.ToLower(key)
	if len(k) != 64 || !isHex(k) {
		return nil, cur, false, fmt.Errorf("registry: %w: key %q: expected 64 hex digits (a sha256)", ErrBadRef, key)
	}
	if holder == "" || ttl <= 0 {
		return nil, cur, false, errors.New("registry: a lease needs a holder and a positive TTL")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, cur, false, fmt.Errorf("registry: lease %s %.16s: %w", kind, k, err)
	}
	defer tx.Rollback()
	now := s.timestamp()
	var h, exp string
	err = tx.QueryRowContext(ctx, `SELECT holder, expires FROM leases WHERE kind = ? AND key = ?`, kind, k).Scan(&h, &exp)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, cur, false, fmt.Errorf("registry: lease %s %.16s: %w", kind, k, err)
	case h != holder && exp > fmtTime(now) && !HolderGone(h):
		t, _ := parseTime(exp)
		return nil, LeaseState{Holder: h, Expires: t}, false, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO leases (kind, key, holder, acquired, expires) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET holder = excluded.holder, acquired = excluded.acquired, expires = excluded.expires`,
		kind, k, holder, fmtTime(now), fmtTime(now.Add(ttl))); err != nil {
		return nil, cur, false, fmt.Errorf("registry: lease %s %.16s: %w", kind, k, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, cur, false, fmt.Errorf("registry: lease %s %.16s: %w", kind, k, err)
	}
	return &Lease{s: s, kind: kind, key: k, Holder: holder, ttl: ttl}, LeaseState{Holder: holder, Expires: now.Add(ttl)}, true, nil
}

// leasePoll is how often a waiter looks again.
const leasePoll = 500 * time.Millisecond

// Claim is what a process does before computing the entry of a step key:
// it returns the live entry of kind with key if there is one (found), or
// else the lease on the key, waiting while another holder has it. When
// that holder registers the entry, Claim returns it; when the holder
// releases the lease without one (it failed) or lets it expire (it died),
// Claim takes the lease over. The wait ends with ctx (give it a deadline
// to bound it): the error then wraps ctx's. waiting, if not nil, is told
// when Claim starts waiting for another holder.
//
// With the lease, the caller computes and registers the entry (Put with
// Lineage.Key) and then releases it.
func (s *Store) Claim(ctx context.Context, kind Kind, key, holder string, ttl time.Duration, waiting func(LeaseState)) (l *Lease, found Entry, ok bool, err error) {
	var last LeaseState
	for {
		if en, ok, err := s.FindByKey(ctx, kind, key); err != nil || ok {
			return nil, en, ok, err
		}
		l, cur, got, err := s.TryLease(ctx, kind, key, holder, ttl)
		if err != nil {
			return nil, Entry{}, false, err
		}
		if got {
			// The holder before may have registered and released between
			// the look and the lease.
			en, ok, err := s.FindByKey(ctx, kind, key)
			if err != nil || ok {
				l.Release(context.WithoutCancel(ctx))
				return nil, en, ok, err
			}
			return l, Entry{}, false, nil
		}
		if waiting != nil && cur.Holder != last.Holder {
			waiting(cur)
		}
		last = cur
		t := time.NewTimer(leasePoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, Entry{}, false, fmt.Errorf("registry: waiting for %s (holder of the lease on %s %.16s…, renewed until %s): %w",
				last.Holder, kind, key, last.Expires.Local().Format(time.TimeOnly), ctx.Err())
		case <-t.C:
		}
	}
}

// Renew pushes the lease's expiry forward by its TTL; it fails with
// ErrLeaseLost if another holder has taken the lease over.
func (l *Lease) Renew(ctx context.Context) error {
	tx, err := l.s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("registry: renew lease %s %.16s: %w", l.kind, l.key, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE leases SET expires = ? WHERE kind = ? AND key = ? AND holder = ?`,
		fmtTime(l.s.timestamp().Add(l.ttl)), l.kind, l.key, l.Holder)
	if err != nil {
		return fmt.Errorf("registry: renew lease %s %.16s: %w", l.kind, l.key, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("registry: lease %s %.16s: %w", l.kind, l.key, ErrLeaseLost)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: renew lease %s %.16s: %w", l.kind, l.key, err)
	}
	return nil
}

// Release gives the lease up (if still held), so a waiter need not wait
// for its expiry. A release that fails leaves the lease to expire.
func (l *Lease) Release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tx, err := l.s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("registry: release lease %s %.16s: %w", l.kind, l.key, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE kind = ? AND key = ? AND holder = ?`, l.kind, l.key, l.Holder); err != nil {
		return fmt.Errorf("registry: release lease %s %.16s: %w", l.kind, l.key, err)
	}
	return tx.Commit()
}

// Keep renews the lease every third of its TTL until stop is called, and
// returns a context derived from ctx that is cancelled, with cause
// ErrLeaseLost, if the lease is lost: the work under it should stop, since
// another process does it now. stop waits for the renewing goroutine.
func (l *Lease) Keep(ctx context.Context) (work context.Context, stop func()) {
	work, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(l.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-work.Done():
				return
			case <-t.C:
			}
			rctx, rcancel := context.WithTimeout(work, l.ttl/3)
			err := l.Renew(rctx)
			rcancel()
			if errors.Is(err, ErrLeaseLost) {
				cancel(err)
				return
			}
			// Another error (the database briefly away) is tried again
			// at the next tick; the lease lasts a TTL meanwhile.
		}
	}()
	var once sync.Once
	return work, func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			cancel(nil)
		})
	}
}
