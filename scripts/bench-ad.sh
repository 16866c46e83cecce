#!/usr/bin/env bash
# Runs the AD connector's benchmarks against the harness's Samba and prints
# for each side the median of the rounds, the spread (min–max), and the
# ratios of the medians. The sides (connector, bare go-ldap) take turns in
# every round. Each create measurement runs in a fresh process, on a fresh
# copy of the test domain, since Samba slows as its directory grows; the
# read rounds share one process and one population of 5,000 users. Needs what
# the AD tests need (root; Samba, which the harness installs). ROUNDS
# (default 5), CREATES (users per side and round, default 1000) and READS
# (5,000-user reads per side and round, default 10) change the work.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
CREATES=${CREATES:-1000}
READS=${READS:-10}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

go test ./internal/adtest -run '^$' -bench WarmStart -benchtime 5x -count "$ROUNDS" | tee -a "$out"
sides=(connector bare-go-ldap "bare-go-ldap+read-guid")
for r in $(seq 0 $((ROUNDS - 1))); do
	for i in 0 1 2; do
		side=${sides[$(((i + r) % 3))]}
		go test ./connectors/ad -run '^$' -bench "CreateUsers/^${side//+/\\+}\$" -benchtime "${CREATES}x" -timeout 60m | tee -a "$out"
	done
done
go test ./connectors/ad -run '^$' -bench ReadUsers -benchtime "${READS}x" -timeout 60m -args -bench.rounds="$ROUNDS" | tee -a "$out"

echo
echo "medians of $ROUNDS rounds (spread: min–max of the rounds)"
awk '
/^Benchmark.* ns\/op/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/#[0-9]+$/, "", name)
	ns[name] = ns[name] " " $3
}
function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo = a[1]; hi = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (name in ns) {
		m[name] = median(ns[name])
		printf "%-45s %12.3f ms/op   (%.3f–%.3f)\n", name, m[name] / 1e6, lo / 1e6, hi / 1e6
	}
	for (name in m) if (name ~ /\/connector$/) {
		for (other in m) if (other != name && index(other, substr(name, 1, length(name) - length("connector"))) == 1) {
			side = other; sub(/.*\//, "", side)
			printf "%-45s connector/%s = %.3f\n", name, side, m[name] / m[other]
		}
	}
}' "$out" | sort
