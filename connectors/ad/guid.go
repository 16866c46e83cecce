package ad

import (
	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
)

// An objectGUID is 16 bytes in Windows' GUID layout: the first three
// fields (4, 2 and 2 bytes) little-endian, the last 8 bytes as they are.
// A UUID's text form reads all fields big-endian, so the first three
// fields are reversed on the way in and out. AD writes the GUID in <GUID=…>
// and in its tools the same way, so IDs match what an operator sees.

// IDFromGUID returns the ID of an objectGUID value; ok is false if it is
// not 16 bytes.
func IDFromGUID(raw []byte) (connectors.ID, bool) {
	if len(raw) != 16 {
		return "", false
	}
	var u uuid.UUID
	u[0], u[1], u[2], u[3] = raw[3], raw[2], raw[1], raw[0]
	u[4], u[5] = raw[5], raw[4]
	u[6], u[7] = raw[7], raw[6]
	copy(u[8:], raw[8:])
	return connectors.ID(u.String()), true
}

// GUIDFromID returns the objectGUID bytes of an ID.
func GUIDFromID(id connectors.ID) ([]byte, error) {
	u, err := parseID("", id)
	if err != nil {
		return nil, err
	}
	return []byte{u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6],
		u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]}, nil
}

// parseID checks that an ID is a UUID.
func parseID(op string, id connectors.ID) (uuid.UUID, error) {
	u, err := uuid.Parse(string(id))
	if err != nil || len(id) != 36 {
		return uuid.UUID{}, connectors.Errorf(connectors.Invalid, op, "%q is not an objectGUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", id)
	}
	return u, nil
}

// guidDN is the DN form AD accepts for an object by objectGUID.
func guidDN(op string, id connectors.ID) (string, error) {
	u, err := parseID(op, id)
	if err != nil {
		return "", err
	}
	return "<GUID=" + u.String() + ">", nil
}
