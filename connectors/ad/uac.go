package ad

import "errors"

// userAccountControl flags (MS-ADTS 2.2.16) that the connector uses.
const (
	uacAccountDisable = 0x0002
	uacNormalAccount  = 0x0200
)

var errNoEntry = errors.New("no such object")
