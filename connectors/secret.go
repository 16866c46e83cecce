package connectors

import "log/slog"

// Secret is a password or other credential. It prints as "[redacted]" with
// fmt and log/slog, so that it cannot reach a log line or an error message by
// accident; string(s) gives the value to the code that must use it.
type Secret string

const redacted = "[redacted]"

// String returns "[redacted]".
func (Secret) String() string { return redacted }

// GoString returns "[redacted]", so that %#v hides the value too.
func (Secret) GoString() string { return redacted }

// LogValue returns "[redacted]" for log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", so that JSON and YAML output of a
// structure holding a Secret does not reveal it.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
