// Command ad is an example plugin: it serves the Active Directory
// connector (connectors/ad) from a binary of its own, for a host to load
// with plugin.OpenDirectory. It takes its configuration from the
// environment the host gives it (plugin.Options.Env; the bridge does not
// pass the host's own environment on):
//
//	ORGSYNC_AD_CONFIG         the configuration file: an ad.Config in YAML
//	                          or JSON (read as YAML, so durations are
//	                          written "10s"), its keys ad.Config's tags:
//	                          url, ca_file, server_name, bind_dn, base_dn, …
//	ORGSYNC_AD_PASSWORD       the bind account's password (ORGSYNC_AD_BIND_PASSWORD, its old name, is read too), where the file names no password_file
//
// for example
//
//	url: ldaps://dc1.example.org
//	ca_file: ca.pem            # relative to the configuration file
//	bind_dn: svc-orgsync@example.org
//
// The password is taken from the environment only: a configuration file
// that holds bind_password is refused, and there is no flag for it. A key
// the file should not have is an error, as is a configuration that
// ad.Config.Validate refuses. The connector connects and binds before the
// plugin's handshake, so that a wrong URL, certificate or password is
// reported when the host starts the plugin.
//
// Build it, and let a host run it; run by hand, it says it is a plugin and
// exits:
//
//	go build -o bin/ad-plugin ./examples/plugins/ad
//	ORGSYNC_AD_PASSWORD=… go run ./examples/pluginhost --ad-plugin bin/ad-plugin --ad-config ad.yaml …
//
// Errors are logged through plugin.Logger (which the host re-logs), and
// the plugin exits with status 1.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake; log or print the password; or hold any logic beyond
// reading its configuration: the connector is the library's.
package main
