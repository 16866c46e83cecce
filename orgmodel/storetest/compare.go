package storetest

import (
	"fmt"
	"reflect"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
)

// diffCommits returns "" if got holds the same commits as want, and
// otherwise where they first differ. Times are compared as instants: a
// store may give them back in another location.
func diffCommits(got, want []om.Commit) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d commits, want %d", len(got), len(want))
	}
	for i := range want {
		if d := diffCommit(got[i], want[i]); d != "" {
			return fmt.Sprintf("commit %d: %s", i, d)
		}
	}
	return ""
}

func diffCommit(got, want om.Commit) string {
	got, want = normalCommit(got), normalCommit(want)
	switch {
	case (got.Registration == nil) != (want.Registration == nil):
		return fmt.Sprintf("registration %v, want %v", got.Registration, want.Registration)
	case got.Registration != nil && !reflect.DeepEqual(*got.Registration, *want.Registration):
		return fmt.Sprintf("registration %+v, want %+v", *got.Registration, *want.Registration)
	case len(got.Versions) != len(want.Versions):
		return fmt.Sprintf("%d versions, want %d", len(got.Versions), len(want.Versions))
	case got.Scheduled != want.Scheduled:
		return fmt.Sprintf("scheduled %v, want %v", got.Scheduled, want.Scheduled)
	case !reflect.DeepEqual(got.Events, want.Events):
		return fmt.Sprintf("events %v, want %v", got.Events, want.Events)
	}
	for j := range want.Versions {
		if !reflect.DeepEqual(got.Versions[j], want.Versions[j]) {
			// %v masks national ids: this text may reach a CI log.
			return fmt.Sprintf("version %d: %v, want %v", j, got.Versions[j], want.Versions[j])
		}
	}
	return ""
}

// normalCommit puts the times in UTC and drops empty slices' identity, so
// that DeepEqual compares content.
func normalCommit(c om.Commit) om.Commit {
	if c.Registration != nil {
		r := *c.Registration
		r.Time = utc(r.Time)
		c.Registration = &r
	}
	vs := make([]om.Version, len(c.Versions))
	for i, v := range c.Versions {
		v.Registration.Time = utc(v.Registration.Time)
		vs[i] = v
	}
	c.Versions = vs
	if len(c.Events) == 0 {
		c.Events = nil
	}
	return c
}

func utc(t time.Time) time.Time { return t.UTC().Round(0) }
