package plugin

//go:generate go run ./internal/capgen
