package adsync

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
)

// Errors lists every failure of a run, planning, accounts and chapel, in
// that order, with national ids masked and the kinds still visible.
func TestRunReportErrors(t *testing.T) {
	taken := connectors.Errorf(connectors.AlreadyExists, "create", "the name is taken")
	rep := &RunReport{
		Plan: &RunPlan{Accounts: &Plan{Errors: []*PersonError{{Person: uuid.Nil, Err: errors.New("no name for 0101901234")}}}},
		Accounts: &Report{Results: []Result{
			{Op: Op{Kind: OpCreate, DN: "CN=Åse Ærø,OU=x"}},
			{Op: Op{Kind: OpCreate, DN: "CN=Bo 010190-1234,OU=x"}, Err: taken},
			{Op: Op{Kind: OpModify, DN: "CN=Bo,OU=x"}, Skipped: true},
		}},
		Chapel: &chapel.Report{Results: []chapel.Result{{}, {Err: &chapel.AccountError{Err: errors.New("disable failed")}}}},
	}
	errs := rep.Errors()
	require.Len(t, errs, 3)
	assert.Contains(t, errs[0].Error(), "no name for 010190-xxxx")
	assert.Contains(t, errs[1].Error(), "CN=Bo 010190-xxxx,OU=x")
	assert.True(t, errors.Is(errs[1], connectors.AlreadyExists))
	assert.Contains(t, errs[2].Error(), "disable failed")
	for _, e := range errs {
		assert.NotContains(t, e.Error(), "1234")
	}
	assert.Empty(t, (&RunReport{Plan: &RunPlan{Accounts: &Plan{}}, Accounts: &Report{}}).Errors())
}
