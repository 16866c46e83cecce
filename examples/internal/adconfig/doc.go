// Package adconfig is the one way the example commands and plugins are
// told how to reach Active Directory: a YAML or JSON file of
// connectors/ad's Config keys (url, ca_file, server_name, bind_dn,
// base_dn, timeouts, …) plus password_file, the same keys as the sync
// configuration's directory section; flags that override single keys;
// and the bind password from the file password_file names or from the
// environment (ORGSYNC_AD_PASSWORD), never from the configuration itself
// or a flag, where ps would show it.
//
// What it must not do: connect (ad.Open does), or print a password.
package adconfig
