package inventory

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Asset is one item of equipment in the register.
//
// Holder, Order, Unit, HandedOut and ExpectedReturn describe the hand-out
// and are set only while the asset is Deployed; [Asset.Apply] sets and
// clears them. In JSON, ExpectedReturn is a date ("2027-06-30"), left
// out where there is none.
type Asset struct {
	// ID is the asset's stable id.
	ID uuid.UUID `json:"id"`
	// Kind is the catalogue equipment kind's id ("pc", "phone").
	Kind string `json:"kind"`
	// Serial is the serial number or asset tag, unique within its kind.
	// It is compared byte by byte: "pc-010" and "PC-010" are two assets.
	Serial string `json:"serial"`
	// Status is where the asset is in its life.
	Status Status `json:"status"`
	// Holder is the person it is handed to.
	Holder uuid.UUID `json:"holder,omitzero"`
	// Order is the boarding order that handed it out, if one did.
	Order uuid.UUID `json:"order,omitzero"`
	// Unit is the holder's unit when it was handed out (the report
	// groups by it).
	Unit uuid.UUID `json:"unit,omitzero"`
	// HandedOut is when it was handed out.
	HandedOut time.Time `json:"handed_out,omitzero"`
	// ExpectedReturn is the day it is due back by; timeline.Open where
	// no day is set (a permanent employee's pc).
	ExpectedReturn timeline.Date `json:"-"`
	// Note is the latest note: why it is undeployable, or what was said
	// at its last change.
	Note string `json:"note,omitempty"`
	// Version counts the asset's changes, from 1; stores write a change
	// only from the version it was read at.
	Version int `json:"version"`
}

// Entry is one line of an asset's history: who changed it, when, from
// which status to which, and why. A history is append-only.
type Entry struct {
	// Asset is the asset.
	Asset uuid.UUID `json:"asset"`
	// At is when.
	At time.Time `json:"at"`
	// By is who acted (a login, or the engine's name).
	By string `json:"by"`
	// Action is what was done.
	Action Action `json:"action"`
	// From is the status before ("" for Add).
	From Status `json:"from"`
	// To is the status after.
	To Status `json:"to"`
	// Holder is the person handed the asset, or who held it until this
	// change (a return, a break), so that the history says who had it.
	Holder uuid.UUID `json:"holder,omitzero"`
	// Order is the boarding order of a hand-out.
	Order uuid.UUID `json:"order,omitzero"`
	// Note is the actor's note or reason.
	Note string `json:"note,omitempty"`
}

// plainAsset is Asset without its JSON methods.
type plainAsset Asset

// assetJSON is how an Asset is written: ExpectedReturn as a date, or
// left out where there is none. Its field hides plainAsset's.
type assetJSON struct {
	plainAsset
	ExpectedReturn *timeline.Date `json:"expected_return,omitempty"`
}

// MarshalJSON writes the asset; its ExpectedReturn as a date if it is
// deployed and due back on a day, else not at all.
func (a Asset) MarshalJSON() ([]byte, error) {
	j := assetJSON{plainAsset: plainAsset(a)}
	if a.Status == Deployed && a.ExpectedReturn.Valid() {
		j.ExpectedReturn = &a.ExpectedReturn
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads an asset as MarshalJSON writes it: a deployed
// asset without an expected return is due back on no day
// (timeline.Open).
func (a *Asset) UnmarshalJSON(b []byte) error {
	var j assetJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Asset(j.plainAsset)
	switch {
	case j.ExpectedReturn != nil:
		a.ExpectedReturn = *j.ExpectedReturn
	case a.Status == Deployed:
		a.ExpectedReturn = timeline.Open
	}
	return nil
}

// Clone returns a copy of a.
func (a *Asset) Clone() *Asset {
	c := *a
	return &c
}
