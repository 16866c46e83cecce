// Package yamlpos finds where a key is in a YAML document, so that a
// configuration error can say FILE:LINE. It owns nothing else and must
// not decode configurations itself.
package yamlpos
