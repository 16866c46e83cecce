// Command adgroups is an example plugin: it serves boarding's integrated
// system of AD group memberships (boarding.ADGroups, a
// connectors.Provisioner) over the Active Directory connector
// (connectors/ad), from a binary of its own. It is configured as the AD
// plugin (examples/plugins/ad) is, from the environment the host gives it
// (plugin.Options.Env; the bridge does not pass the host's own
// environment on):
//
//	ORGSYNC_AD_CONFIG         the configuration file: an ad.Config in YAML
//	                          or JSON, its keys ad.Config's tags: url,
//	                          ca_file, server_name, bind_dn, base_dn, …
//	ORGSYNC_AD_PASSWORD       the bind account's password (ORGSYNC_AD_BIND_PASSWORD, its old name, is read too), where the file names no password_file
//
// The password comes from the environment only (a file that holds
// bind_password is refused), and the plugin takes no arguments. The
// connector connects and binds before the plugin's handshake, so that a
// wrong URL, certificate or password is reported when the host starts the
// plugin. The bind account must be allowed to change the membership of
// the catalogue's groups.
//
// A host builds it, starts it with plugin.OpenProvisioner and hands the
// value to boarding as the provisioner the catalogue's integrated system
// names (its connector, "ad-groups"):
//
//	go build -o /usr/lib/orgsync/adgroups-plugin ./examples/plugins/adgroups
//
//	groups, err := plugin.OpenProvisioner(ctx, "/usr/lib/orgsync/adgroups-plugin", plugin.Options{
//		Env:      []string{"ORGSYNC_AD_CONFIG=/etc/orgsync/ad.yaml", "ORGSYNC_AD_PASSWORD=" + password},
//		Checksum: sum, // the binary's SHA-256, verified before every start
//	})
//	if err != nil { … } // a Configuration error says what to fix
//	defer groups.Close()
//	dispatcher := &boarding.Dispatcher{…, Provisioners: map[string]connectors.Provisioner{"ad-groups": groups}}
//
// A grant's Target is the group's DN and its Account the account's
// objectGUID. Errors keep their kind across the boundary: a group that
// does not exist is a Configuration error, an account that does not a
// NotFound one, a lost connection Transient (boarding tries again). If
// the plugin crashes, the call gives a Transient error and the next call
// starts it again. Run by hand rather than by a host, it says it is a
// plugin and exits; errors are logged through plugin.Logger (which the
// host re-logs), and the plugin exits with status 1.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake; log or print the password; or hold any logic beyond
// reading its configuration: the provisioner is boarding's and the
// connector the library's.
package main
