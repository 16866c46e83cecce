package service

import (
	"strings"

	"github.com/orgsync/orgsync/boarding"
)

// MaySeeOrder says whether the caller may see a boarding order: the
// service's administrators and HR, boarding's own HR, who placed it, who
// it was placed for or escalated to, and whoever the engine lets order
// for its unit today (its managers and their delegates). The API and the
// pages both ask this; neither adds a rule of its own.
func (s *Service) MaySeeOrder(c *Caller, o *boarding.Order) bool {
	e := s.boarding
	if c == nil || e == nil {
		return false
	}
	if c.Admin || c.HR || e.Rights.CanSign(c.Username) == nil {
		return true
	}
	for _, who := range []string{o.OrderedBy, o.OnBehalfOf, o.EscalatedTo} {
		if who != "" && strings.EqualFold(who, c.Username) {
			return true
		}
	}
	_, err := e.Rights.CanOrder(e.Model.Latest(), s.zone.Date(s.opts.Now()), c.Username, o.Unit)
	return err == nil
}
