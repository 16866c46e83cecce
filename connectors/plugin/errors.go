package plugin

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// ErrMalformed is wrapped by the error a host gets when a plugin sends
// data that breaks the contract (an entry without an id, an interval that
// ends before it starts, a message that does not decode). Its kind is
// Other: the plugin has a bug, and retrying will not help.
var ErrMalformed = errors.New("the plugin sent malformed data")

// ErrCrashed is wrapped by the Transient error a host gets when the plugin
// process ended or became unreachable during a call. The next call starts
// the plugin again.
var ErrCrashed = errors.New("the plugin process ended or became unreachable")

// codeOf is the gRPC code a kind travels under. The code matters only to
// generic gRPC tooling; the kind itself rides in the status's details.
var codeOf = map[connectors.Kind]codes.Code{
	connectors.Other:         codes.Unknown,
	connectors.NotFound:      codes.NotFound,
	connectors.AlreadyExists: codes.AlreadyExists,
	connectors.Constraint:    codes.FailedPrecondition,
	connectors.Permission:    codes.PermissionDenied,
	connectors.Transient:     codes.Unavailable,
	connectors.Configuration: codes.FailedPrecondition,
	connectors.Unsupported:   codes.Unimplemented,
	connectors.Invalid:       codes.InvalidArgument,
}

// toStatus turns a connector's error into a gRPC status error that carries
// its kind, operation, object and server code (the plugin side).
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		ce = &connectors.Error{Kind: connectors.KindOf(err), Err: err}
	}
	msg := ""
	if ce.Err != nil {
		msg = ce.Err.Error()
	}
	var ctxErr uint32
	switch {
	case errors.Is(err, context.Canceled):
		ctxErr = 1
	case errors.Is(err, context.DeadlineExceeded):
		ctxErr = 2
	}
	st := status.New(codeOf[ce.Kind], ce.Error())
	if d, derr := st.WithDetails(&pluginpb.Error{
		Kind:     uint32(ce.Kind),
		KindName: ce.Kind.String(),
		Op:       ce.Op,
		Object:   ce.Object,
		Code:     ce.Code,
		Message:  msg,
		Context:  ctxErr,
	}); derr == nil {
		st = d
	}
	return st.Err()
}

// fromStatus turns what a call across the boundary returned into the
// error the contract promises (the host side). An error the plugin sent
// comes back with its kind; a call that ended with the caller's context
// is Transient and wraps the context's error; a plugin that went away is
// Transient and wraps ErrCrashed.
func fromStatus(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	st, ok := status.FromError(err)
	if !ok {
		return &connectors.Error{Kind: connectors.Transient, Op: op, Err: fmt.Errorf("%w: %v", ErrCrashed, err)}
	}
	for _, d := range st.Details() {
		if e, ok := d.(*pluginpb.Error); ok {
			return &connectors.Error{Kind: kindOf(e), Op: e.Op, Object: e.Object, Code: e.Code, Err: remoteError{e.Message, contextErrors[e.Context]}}
		}
	}
	switch st.Code() {
	case codes.Unavailable, codes.Canceled, codes.Aborted:
		return &connectors.Error{Kind: connectors.Transient, Op: op, Err: fmt.Errorf("%w: %s", ErrCrashed, st.Message())}
	case codes.DeadlineExceeded:
		return &connectors.Error{Kind: connectors.Transient, Op: op, Err: context.DeadlineExceeded}
	case codes.Unimplemented:
		return connectors.Errorf(connectors.Unsupported, op, "the plugin does not implement this operation: %s", st.Message())
	case codes.ResourceExhausted:
		return &connectors.Error{Kind: connectors.Other, Op: op, Err: fmt.Errorf("%w: a message over the size limit: %s", ErrMalformed, st.Message())}
	case codes.Internal:
		return &connectors.Error{Kind: connectors.Other, Op: op, Err: fmt.Errorf("%w: %s", ErrMalformed, st.Message())}
	}
	return connectors.Errorf(connectors.Other, op, "plugin: %s: %s", st.Code(), st.Message())
}

// kindOf reads a kind sent by the other side by its stable name; a kind
// this side does not know (from a newer plugin) is Other.
func kindOf(e *pluginpb.Error) connectors.Kind {
	k, _ := connectors.ParseKind(e.KindName)
	return k
}

// malformed returns the error for data from the plugin that breaks the
// contract.
func malformed(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.Other, Op: op, Err: fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)}
}

// contextErrors are the context errors by their number in Error.context.
var contextErrors = map[uint32]error{1: context.Canceled, 2: context.DeadlineExceeded}

// remoteError is the text of an error from the other side, and the
// context error it was, if it was one: the plugin's connector may notice
// the caller's deadline a moment before the caller does.
type remoteError struct {
	msg string
	ctx error
}

func (e remoteError) Error() string { return e.msg }
func (e remoteError) Unwrap() error { return e.ctx }
