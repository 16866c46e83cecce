// Package strictyaml decodes one YAML document strictly, as the examples'
// configuration files are read: a key the target does not know is an
// error (a misspelt key must not be ignored), and so is an empty file or a
// second document.
//
// What this package must not do: know any configuration type, or read
// files; callers read the bytes and say which file they came from.
package strictyaml
