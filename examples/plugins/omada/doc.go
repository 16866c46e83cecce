// Command omada is an example plugin: it serves the Omada connector
// (connectors/omada) from a binary of its own, for a host to load with
// plugin.OpenIdentitySource. Its configuration is the file named by the
// environment variable ORGSYNC_OMADA_CONFIG (YAML or JSON, the fields of
// omada.Config), which the host passes in plugin.Options.Env together
// with the variable the file names for the secret: the bridge does not
// pass the host's environment on.
//
//	url: https://omada.frederikshavn.dk/OData/DataObjects/Identity?viewid=1234
//	filter: "C_IDENTITYSTATUS_ODATA eq 'Aktiv'"
//	ca_file: omada-ca.pem
//	oidc:
//	  token_url: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token
//	  client_id: 0f8e…
//	  client_secret_env: ORGSYNC_OMADA_CLIENT_SECRET
//	  scopes: [api://omada/.default]
//	fields:
//	  national_id: C_CPRNUMBER
//	  given_names: FIRSTNAME
//	  surname: LASTNAME
//	  unit: C_OUID_ODATA
//	  job_title: C_JOBTITLE_ODATA
//	  category: IDENTITYCATEGORY.Id
//	  object_guid: C_OBJECTGUID_I_AD
//	  login: ADLOGON
//	  addresses: [{type: EMAIL, field: EMAIL}, {type: PHONE, field: C_TELEPHONENUMBER}]
//	categories: {"561": Vikar, "570": AD-robot}
//	service_categories: [AD-robot]
//	trim_unit_zeros: true
//
// Relative file names (ca_file, password_file, client_secret_file) are
// read from the configuration file's folder. A secret written in the
// file itself is refused: it comes from a file or the environment.
//
// Build it, and let a host run it; run by hand, it says it is a plugin
// and exits:
//
//	go build -o bin/omada-plugin ./examples/plugins/omada
//
// A configuration it cannot use is logged (through plugin.Logger, which
// the host re-logs) and the plugin exits with status 1 before its
// handshake, which the host reports as a Configuration error. It does
// not contact Omada before its handshake, so that an outage is a
// Transient error of the first poll rather than a plugin that will not
// start.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake, or hold any logic of its own beyond reading its
// configuration: the connector is the library's.
package main
