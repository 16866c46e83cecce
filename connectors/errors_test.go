package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The kinds cross process boundaries by number and by name: both must
// never change.
func TestKindsAreStable(t *testing.T) {
	want := []struct {
		kind Kind
		num  uint8
		name string
	}{
		{Other, 0, "other"},
		{NotFound, 1, "not found"},
		{AlreadyExists, 2, "already exists"},
		{Constraint, 3, "constraint violation"},
		{Permission, 4, "permission denied"},
		{Transient, 5, "transient"},
		{Configuration, 6, "configuration"},
		{Unsupported, 7, "unsupported"},
		{Invalid, 8, "invalid request"},
	}
	for _, w := range want {
		require.Equal(t, w.num, uint8(w.kind))
		require.Equal(t, w.name, w.kind.String())
		k, ok := ParseKind(w.name)
		require.True(t, ok)
		require.Equal(t, w.kind, k)
	}
	require.Equal(t, "kind(200)", Kind(200).String())
	j, err := json.Marshal(map[string]Kind{"kind": AlreadyExists})
	require.NoError(t, err)
	require.JSONEq(t, `{"kind":"already exists"}`, string(j))
	var back map[string]Kind
	require.NoError(t, json.Unmarshal(j, &back))
	require.Equal(t, AlreadyExists, back["kind"])
	require.Error(t, json.Unmarshal([]byte(`{"kind":"bogus"}`), &back))
	_, ok := ParseKind("no such kind")
	require.False(t, ok)
}

func TestErrorsIsKind(t *testing.T) {
	base := errors.New("server said no")
	err := fmt.Errorf("creating jane: %w", &Error{Kind: AlreadyExists, Op: "create", Object: "CN=Jane", Err: base})
	require.ErrorIs(t, err, AlreadyExists)
	require.NotErrorIs(t, err, NotFound)
	require.ErrorIs(t, err, base, "the cause stays reachable")
	require.Equal(t, AlreadyExists, KindOf(err))
	require.Equal(t, "creating jane: create CN=Jane: already exists: server said no", err.Error())

	require.Equal(t, Other, KindOf(nil))
	require.Equal(t, Other, KindOf(errors.New("plain")))
	require.Equal(t, Transient, KindOf(context.DeadlineExceeded))
	require.True(t, Transient.Retryable())
	require.False(t, Constraint.Retryable())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cerr := ContextError(ctx, "search", "OU=x")
	require.ErrorIs(t, cerr, context.Canceled)
	require.ErrorIs(t, cerr, Transient)
}

// A DN or a server message can hold a CPR number; the error text never does.
func TestErrorMasksNationalIDs(t *testing.T) {
	err := &Error{Kind: Constraint, Op: "create", Object: "CN=0101901234,OU=Staff", Code: "LDAP 19",
		Err: errors.New("employeeID 010190-1234 rejected")}
	msg := err.Error()
	require.NotContains(t, msg, "1234")
	require.Contains(t, msg, "010190-xxxx")
}
