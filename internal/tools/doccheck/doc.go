// Command doccheck enforces two of orgsync's rules on the packages below
// the directories it is given (default "."): every package has a doc.go
// holding its package comment, and every exported name has a doc comment.
// It prints each offence as file:line and exits 1 if there are any.
//
//	go run ./internal/tools/doccheck ./...
//
// What it must not do: judge the comments' content; review does that.
package main
