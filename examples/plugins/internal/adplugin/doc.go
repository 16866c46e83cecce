// Package adplugin opens the Active Directory connector (connectors/ad)
// for the example plugins that serve it, plugins/ad and plugins/adgroups,
// from the environment the host gives them (plugin.Options.Env):
//
//	ORGSYNC_AD_CONFIG         the configuration file: an ad.Config in YAML
//	                          or JSON, its keys ad.Config's tags
//	ORGSYNC_AD_PASSWORD       the bind account's password (ORGSYNC_AD_BIND_PASSWORD, its old name, is read too), where the file names no password_file
//
// The password is taken from the environment only: a configuration file
// that holds bind_password is refused. A key the file should not have is
// an error, as is a configuration that ad.Config.Validate refuses; a
// relative ca_file is relative to the configuration file.
//
// What this package must not do: hold anything but reading the plugins'
// configuration and opening the connector; log or return the password.
package adplugin
