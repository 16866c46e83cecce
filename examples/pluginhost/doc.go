// Command pluginhost is an example host for connector plugins: it loads a
// payroll plugin and a directory plugin (examples/plugins/payrollfile and
// examples/plugins/ad) with package connectors/plugin, and runs orgsync's
// main job once through them: the payroll's latest delivery into an
// in-memory org model (intake.Payroll, orgmodel.ImportAll), and the org
// model into Active Directory with the adsync engine, the username
// generator and the chapel. It prints what the run did and checks that a
// second run would do nothing.
//
// Build the plugins, write a payroll delivery (the synthetic
// municipality, with the operator CLI), and run the host against an OU
// that exists:
//
//	go build -o bin/ ./examples/plugins/payrollfile ./examples/plugins/ad
//	go run ./examples/orgsync payroll-export --dir payroll --persons 150 --today 2026-12-01
//	cat > ad.yaml <<EOF
//	url: ldaps://dc1.example.org
//	ca_file: ca.pem
//	bind_dn: svc-orgsync@example.org
//	EOF
//	export ORGSYNC_AD_PASSWORD=…
//	go run ./examples/pluginhost --payroll-plugin bin/payrollfile --payroll-dir payroll \
//		--ad-plugin bin/ad --ad-config ad.yaml --base OU=Sandbox,DC=example,DC=org \
//		--today 2026-12-01 --ad-sha256 "$(sha256sum bin/ad | cut -d' ' -f1)"
//
// The plugins get no environment of the host's: the host passes
// ORGSYNC_PAYROLL_DIR to the payroll plugin, and ORGSYNC_AD_CONFIG and
// ORGSYNC_AD_PASSWORD (taken from its own environment, never from a
// flag) to the AD plugin. With --payroll-sha256 or --ad-sha256 the host
// refuses to start a binary whose SHA-256 differs. The plugins' log lines
// and the bridge's come out on standard error through log/slog, at Info and
// up; the summary goes to standard output.
//
// Every account is kept in the --base OU itself (adsync's OU rule
// "single"), with the unit in department: a payroll tree is deep and
// reorganised often, and mirroring it as OUs would move accounts with every
// payroll reorganisation and make OUs no administrator asked for. The
// chapel's OU, OU=Kapellet below --base, is made if it is missing; leavers
// are disabled and moved there on their first day without an engagement,
// and deleted after three months. A new employee's account is made 14
// days before the first day. The clock is noon of --today, or now without
// it.
//
// Each run starts from a new org model: the persons' ids derive from the
// payroll's keys, so the accounts of earlier runs are found again by their
// anchors, and a new delivery (a new surname, an engagement that ended) is
// a change to them.
//
// What it must not do: hold library code (anything a host of one's own
// would need belongs in the library), write anywhere in the directory but
// below --base, pass the host's environment or the password in a flag to a
// plugin, or print a national id.
package main
