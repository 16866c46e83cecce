package pluginpb

// buf compiles plugin.proto itself (no protoc needed) and runs the
// pinned protoc-gen-go and protoc-gen-go-grpc of buf.gen.yaml.
//go:generate go run github.com/bufbuild/buf/cmd/buf@v1.75.0 generate
