package oidctest

import (
	"context"
	"crypto/subtle"
	"errors"
	"sync"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// store is the example storage with two additions: clients can be
// registered while the provider serves (the example's own client map may
// only change before), and users have groups, which the example does not
// know, asserted as the "groups" claim.
type store struct {
	*storage.Storage
	users *users

	mu      sync.Mutex
	clients map[string]registered
}

type registered struct {
	client *storage.Client
	secret string
}

func newStore(u *users) *store {
	return &store{
		Storage: storage.NewStorageWithClients(u, map[string]*storage.Client{}),
		users:   u,
		clients: map[string]registered{},
	}
}

func (s *store) register(id, secret, redirectURI string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = registered{client: storage.WebClient(id, secret, redirectURI), secret: secret}
}

// GetClientByClientID implements op.Storage from the registered clients.
func (s *store) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, errors.New("client not found")
	}
	return c.client, nil
}

// AuthorizeClientIDSecret implements op.Storage from the registered
// clients.
func (s *store) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) != 1 {
		return errors.New("invalid client")
	}
	return nil
}

// SetUserinfoFromToken adds the groups claim to the UserInfo endpoint's
// answer.
func (s *store) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.addGroups(info)
	return nil
}

// SetUserinfoFromRequest adds the groups claim to ID tokens that carry
// user info.
func (s *store) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.addGroups(info)
	return nil
}

func (s *store) addGroups(info *oidc.UserInfo) {
	if g := s.users.groups(info.Subject); len(g) > 0 {
		info.AppendClaims("groups", g)
	}
}

// users is a storage.UserStore holding the test users and their groups.
type users struct {
	mu       sync.Mutex
	byID     map[string]*storage.User
	groupsOf map[string][]string
}

// User is a person who can log in at the provider.
type User struct {
	// Username and Password are what the login form wants. Username is
	// also the preferred_username claim.
	Username, Password string
	// FirstName and LastName make the name claim.
	FirstName, LastName string
	// Email is the email claim.
	Email string
	// Groups are the groups claim.
	Groups []string
}

func newUsers() *users {
	return &users{byID: map[string]*storage.User{}, groupsOf: map[string][]string{}}
}

// add stores u under the subject id.
func (s *users) add(id string, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = &storage.User{
		ID: id, Username: u.Username, Password: u.Password,
		FirstName: u.FirstName, LastName: u.LastName,
		Email: u.Email, EmailVerified: true,
		PreferredLanguage: language.English,
	}
	s.groupsOf[id] = append([]string(nil), u.Groups...)
}

func (s *users) groups(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.groupsOf[id]
}

// GetUserByID implements storage.UserStore.
func (s *users) GetUserByID(id string) *storage.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// GetUserByUsername implements storage.UserStore.
func (s *users) GetUserByUsername(username string) *storage.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.byID {
		if u.Username == username {
			return u
		}
	}
	return nil
}

// ExampleClientID implements storage.UserStore; the example uses it for
// its JWT-profile service user, which these tests do not.
func (s *users) ExampleClientID() string { return storage.ServiceUserID }
