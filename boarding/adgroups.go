package boarding

import (
	"context"
	"errors"

	"github.com/orgsync/orgsync/connectors"
)

// ADGroups is the integrated system that ships with orgsync: a resource
// is a membership of an Active Directory group (the catalogue's
// Resource.Group, a DN), granted and revoked through the Directory's
// GroupManager capability. It is a connectors.Provisioner; the catalogue
// names it "ad-groups".
type ADGroups struct {
	// Directory is the AD connector (or its twin); it must be a
	// connectors.GroupManager.
	Directory connectors.Directory
}

var _ connectors.Provisioner = (*ADGroups)(nil)

// Grant makes the account a member of the group.
func (a *ADGroups) Grant(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return a.change(ctx, "grant", g, connectors.GroupManager.AddMember, connectors.GrantHeld)
}

// Revoke ends the account's membership of the group.
func (a *ADGroups) Revoke(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return a.change(ctx, "revoke", g, connectors.GroupManager.RemoveMember, connectors.GrantNotHeld)
}

func (a *ADGroups) change(ctx context.Context, op string, g connectors.Grant,
	do func(connectors.GroupManager, context.Context, connectors.ID, connectors.ID) error, after connectors.GrantState) (connectors.GrantState, error) {
	gm, ok := a.Directory.(connectors.GroupManager)
	if !ok {
		return 0, connectors.Errorf(connectors.Configuration, op, "the directory cannot change group memberships")
	}
	group, err := a.group(ctx, op, g)
	if err != nil {
		return 0, err
	}
	if err := do(gm, ctx, group, g.Account); err != nil {
		return 0, err
	}
	return after, nil
}

// Status says whether the account is a member of the group now.
func (a *ADGroups) Status(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	group, err := a.group(ctx, "status", g)
	if err != nil {
		return 0, err
	}
	e, err := a.Directory.Read(ctx, group, []string{"member"})
	if err != nil {
		return 0, err
	}
	acct, err := a.Directory.Read(ctx, g.Account, []string{"distinguishedName"})
	if err != nil {
		return 0, err
	}
	if e.Has("member", acct.DN) {
		return connectors.GrantHeld, nil
	}
	return connectors.GrantNotHeld, nil
}

// group finds the grant's group by its DN.
func (a *ADGroups) group(ctx context.Context, op string, g connectors.Grant) (connectors.ID, error) {
	if g.Target == "" {
		return "", connectors.Errorf(connectors.Configuration, op, "the resource %s names no AD group", g.Resource)
	}
	if g.Account == "" {
		return "", connectors.Errorf(connectors.NotFound, op, "the person has no AD account linked to the org model")
	}
	e, err := a.Directory.ReadDN(ctx, g.Target, []string{"objectClass"})
	if err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) && ce.Kind == connectors.NotFound {
			return "", connectors.Errorf(connectors.Configuration, op, "the AD group %s of resource %s does not exist", g.Target, g.Resource)
		}
		return "", err
	}
	return e.ID, nil
}
