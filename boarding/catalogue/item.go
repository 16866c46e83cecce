package catalogue

import (
	"bytes"
	"encoding/json"
)

// itemFile is an item as a file writes it. Quantity is a pointer so that
// a quantity left out (1) is told apart from "quantity: 0" (a problem
// validation reports), which Item's int cannot do.
type itemFile struct {
	System    string `yaml:"system" json:"system"`
	Resource  string `yaml:"resource" json:"resource"`
	Equipment string `yaml:"equipment" json:"equipment"`
	Quantity  *int   `yaml:"quantity" json:"quantity"`
}

// item turns the file's form into an Item, filling in the default
// quantity of equipment.
func (f itemFile) item() Item {
	it := Item{System: f.System, Resource: f.Resource, Equipment: f.Equipment}
	switch {
	case f.Quantity != nil:
		it.Quantity = *f.Quantity
	case f.Equipment != "":
		it.Quantity = 1
	}
	return it
}

// UnmarshalYAML reads an item, a quantity left out meaning 1. It uses the
// callback form of yaml.v3's unmarshaler on purpose: the callback decodes
// with the caller's decoder, so a strict decoder stays strict inside an
// item (Node.Decode would start a lenient one).
func (it *Item) UnmarshalYAML(unmarshal func(any) error) error {
	var f itemFile
	if err := unmarshal(&f); err != nil {
		return err
	}
	*it = f.item()
	return nil
}

// UnmarshalJSON reads an item, a quantity left out meaning 1, refusing
// unknown keys as the catalogue's decoder does (its setting does not
// reach inside an Unmarshaler).
func (it *Item) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var f itemFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return &itemJSONError{err}
	}
	*it = f.item()
	return nil
}
