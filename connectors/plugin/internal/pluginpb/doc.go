// Package pluginpb is the generated protobuf and gRPC code of the plugin
// protocol (plugin.proto). It is internal: package plugin converts between
// it and the hand-written types of package connectors, so that the wire
// format can change without touching the API.
//
// Regenerate with `go generate ./connectors/plugin/...`; every tool is
// pinned by version (buf.gen.yaml, gen.go), and CI checks that the
// committed code is what the tools generate.
//
// What this package must not do: hold anything but generated code and the
// .proto it comes from; hand-written Go belongs in package plugin.
package pluginpb
