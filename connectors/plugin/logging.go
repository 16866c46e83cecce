package plugin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/orgsync/orgsync/internal/redact"
)

// hcLogger is an hclog.Logger that writes to a log/slog logger. go-plugin
// logs through hclog, on the host both its own messages and each line the
// plugin writes to stderr; this sends them all to the host's slog logger,
// under "plugin" = the name the logger was given. Every message and string
// value has its national ids masked: a plugin's log is not trusted to.
type hcLogger struct {
	l     *slog.Logger
	name  string
	args  []any
	level *hclog.Level // shared by loggers derived with With and Named
}

func newHCLogger(l *slog.Logger, name string) *hcLogger {
	lvl := hclog.Trace
	return &hcLogger{l: l, name: name, level: &lvl}
}

// slogLevel maps hclog's levels onto slog's; Trace is below Debug.
func slogLevel(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace:
		return slog.LevelDebug - 4
	case hclog.Debug, hclog.NoLevel:
		return slog.LevelDebug
	case hclog.Info:
		return slog.LevelInfo
	case hclog.Warn:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

func (h *hcLogger) Log(level hclog.Level, msg string, args ...any) {
	if level < *h.level || level == hclog.Off {
		return
	}
	lvl := slogLevel(level)
	ctx := context.Background()
	if !h.l.Enabled(ctx, lvl) {
		return
	}
	attrs := make([]slog.Attr, 0, 1+(len(h.args)+len(args))/2)
	if h.name != "" {
		attrs = append(attrs, slog.String("plugin", h.name))
	}
	attrs = appendPairs(attrs, h.args)
	attrs = appendPairs(attrs, args)
	h.l.LogAttrs(ctx, lvl, redact.NationalIDs(msg), attrs...)
}

// appendPairs turns hclog's alternating keys and values into attributes.
// go-plugin adds the plugin's own timestamp as "timestamp"; slog's record
// has the host's, a few microseconds later, so it is dropped.
func appendPairs(attrs []slog.Attr, kv []any) []slog.Attr {
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			key = "!BADKEY"
		}
		if key == "timestamp" {
			continue
		}
		var v any = "(missing)"
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		switch x := v.(type) {
		case string:
			v = redact.NationalIDs(x)
		case error:
			v = redact.NationalIDs(x.Error())
		case hclog.Format: // printf-style: the format, then its arguments
			s := fmt.Sprint(x...)
			if f, ok := first(x).(string); ok {
				s = fmt.Sprintf(f, x[1:]...)
			}
			v = redact.NationalIDs(s)
		}
		attrs = append(attrs, slog.Any(key, v))
	}
	return attrs
}

// first returns the first of xs, or nil.
func first(xs []any) any {
	if len(xs) == 0 {
		return nil
	}
	return xs[0]
}

func (h *hcLogger) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *hcLogger) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *hcLogger) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *hcLogger) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *hcLogger) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *hcLogger) enabled(level hclog.Level) bool {
	return level >= *h.level && h.l.Enabled(context.Background(), slogLevel(level))
}

func (h *hcLogger) IsTrace() bool { return h.enabled(hclog.Trace) }
func (h *hcLogger) IsDebug() bool { return h.enabled(hclog.Debug) }
func (h *hcLogger) IsInfo() bool  { return h.enabled(hclog.Info) }
func (h *hcLogger) IsWarn() bool  { return h.enabled(hclog.Warn) }
func (h *hcLogger) IsError() bool { return h.enabled(hclog.Error) }

func (h *hcLogger) ImpliedArgs() []any { return h.args }

func (h *hcLogger) With(args ...any) hclog.Logger {
	c := *h
	c.args = append(append([]any(nil), h.args...), args...)
	return &c
}

func (h *hcLogger) Name() string { return h.name }

func (h *hcLogger) Named(name string) hclog.Logger {
	c := *h
	if c.name != "" {
		c.name += "." + name
	} else {
		c.name = name
	}
	return &c
}

func (h *hcLogger) ResetNamed(name string) hclog.Logger {
	c := *h
	c.name = name
	return &c
}

func (h *hcLogger) SetLevel(level hclog.Level) { *h.level = level }

func (h *hcLogger) GetLevel() hclog.Level {
	for _, l := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
		if h.enabled(l) {
			return l
		}
	}
	return hclog.Off
}

func (h *hcLogger) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(h.StandardWriter(opts), "", 0)
}

func (h *hcLogger) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return &lineWriter{fn: func(line string) { h.Info(line) }}
}

var _ hclog.Logger = (*hcLogger)(nil)

// lineWriter calls fn with each line written to it.
type lineWriter struct {
	mu  sync.Mutex
	buf []byte
	fn  func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.fn(string(bytes.TrimRight(w.buf[:i], "\r")))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 64<<10 { // a line without end: pass it on in pieces
		w.fn(string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// stderr is the plugin process's standard error as it was at start, before
// go-plugin's Serve redirects os.Stderr to the host's stream. The host
// reads log lines from the real one.
var stderr = os.Stderr

// Logger returns the logger a plugin should log with: JSON lines in the
// form the host reads (hclog's), on the plugin's real standard error, at
// Debug level and up. The host turns each line back into a record of its
// own log/slog logger, at the same level and with the same attributes. A
// plugin must never write to standard output, which carries the
// handshake.
func Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.TimeKey:
				return slog.String("@timestamp", a.Value.Time().Format("2006-01-02T15:04:05.000000Z07:00"))
			case slog.LevelKey:
				return slog.String("@level", hclogLevelName(a.Value.Any().(slog.Level)))
			case slog.MessageKey:
				return slog.String("@message", a.Value.String())
			}
			return a
		},
	}))
}

func hclogLevelName(l slog.Level) string {
	switch {
	case l < slog.LevelDebug:
		return "trace"
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}

// sanitizeStderr copies the plugin's stderr from r to w line by line,
// keeping the last lines in tail for error messages. A line shaped like an
// hclog JSON entry whose "@message", "@level" or "@timestamp" is not a
// string would crash go-plugin's reader (it asserts their types), so such
// a line is passed on as plain text.
func sanitizeStderr(r io.Reader, w *io.PipeWriter, tail *tailBuffer) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			tail.add(line)
			if len(line) < 64<<10 && suspicious(line) {
				line = append([]byte("[WARN] malformed log line from the plugin: "), line...)
			}
			if _, werr := w.Write(line); werr != nil {
				_, _ = io.Copy(io.Discard, r)
				return
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			w.CloseWithError(err)
			return
		}
	}
}

// tailBuffer keeps the last few kilobytes a plugin wrote to stderr.
type tailBuffer struct {
	mu   sync.Mutex
	data []byte
}

const tailSize = 2 << 10

func (t *tailBuffer) add(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.data = append(t.data, p...)
	if len(t.data) > tailSize {
		t.data = append(t.data[:0], t.data[len(t.data)-tailSize:]...)
	}
}

// String returns the kept lines, national ids masked.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return redact.NationalIDs(strings.TrimSpace(strings.ToValidUTF8(string(t.data), "�")))
}

// suspicious reports whether line is a JSON object with one of hclog's
// own keys holding something other than a string.
func suspicious(line []byte) bool {
	t := bytes.TrimSpace(line)
	if len(t) == 0 || t[0] != '{' || !bytes.Contains(t, []byte(`"@`)) {
		return false
	}
	var m map[string]any
	if json.Unmarshal(t, &m) != nil {
		return false
	}
	for _, k := range []string{"@message", "@level", "@timestamp"} {
		if v, ok := m[k]; ok {
			if _, isString := v.(string); !isString {
				return true
			}
		}
	}
	return false
}
