package catalogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
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

// UnmarshalYAML reads an item, a quantity left out meaning 1. A
// catalogue has tens of thousands of items, so the usual one, a mapping
// of plain scalars, is read straight from the node; anything else
// (aliases, merges, tags, a value of the wrong type) goes through
// yaml.v3's own decoding. Either way an unknown key is an error, as the
// strict decoder makes it elsewhere: yaml.v3 starts a lenient decoder
// for an Unmarshaler, so the keys are checked here.
func (it *Item) UnmarshalYAML(n *yaml.Node) error {
	if f, ok := plainItem(n); ok {
		*it = f.item()
		return nil
	}
	if bad := unknownItemKeys(n, nil); len(bad) > 0 {
		return &yaml.TypeError{Errors: bad}
	}
	var f itemFile
	if err := n.Decode(&f); err != nil {
		return err
	}
	*it = f.item()
	return nil
}

// plainItem reads an item that is a mapping of plain, untagged scalars
// with known keys, each once; ok is false for any other node.
func plainItem(n *yaml.Node) (f itemFile, ok bool) {
	if n.Kind != yaml.MappingNode || len(n.Content) > 8 {
		return f, false
	}
	var seen [4]bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" || v.Kind != yaml.ScalarNode {
			return f, false
		}
		field := slices.Index(itemKeys[:], k.Value)
		if field < 0 || seen[field] {
			return f, false
		}
		seen[field] = true
		if field == 3 {
			if v.Tag != "!!int" {
				return f, false
			}
			// Only a number written the one plain way: yaml.v3 reads
			// "010" as octal and "1_0" as 10, and those are left to it.
			q, err := strconv.Atoi(v.Value)
			if err != nil || strconv.Itoa(q) != v.Value {
				return f, false
			}
			f.Quantity = &q
			continue
		}
		if v.Tag != "!!str" {
			return f, false
		}
		*[...]*string{&f.System, &f.Resource, &f.Equipment}[field] = v.Value
	}
	return f, true
}

// itemKeys are an item's keys, in itemFile's order.
var itemKeys = [...]string{"system", "resource", "equipment", "quantity"}

// unknownItemKeys lists, as yaml.v3 words them, the keys of an item's
// mapping (and of mappings merged into it) that an item does not have.
func unknownItemKeys(n *yaml.Node, bad []string) []string {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return bad
	}
	switch n.Kind {
	case yaml.SequenceNode: // a merge of several mappings
		for _, m := range n.Content {
			bad = unknownItemKeys(m, bad)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			switch {
			case k.Kind != yaml.ScalarNode || slices.Contains(itemKeys[:], k.Value):
			case k.Value == "<<" && k.Tag == "!!merge":
				bad = unknownItemKeys(n.Content[i+1], bad)
			default:
				bad = append(bad, fmt.Sprintf("line %d: field %s not found in type catalogue.Item", k.Line, k.Value))
			}
		}
	}
	return bad
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
