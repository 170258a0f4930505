#!/usr/bin/env bash
# Fetches the EU DSS validator's jars (Maven Central, test/dss/pom.xml) into .cache/dss/lib for
# test/integration/pdf-seal-dss.test.ts, which is skipped when they are absent. Needs java and mvn.
# Usage: scripts/dss-fetch.sh   — idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=.cache/dss/lib
if [ -f "$lib/dss-validation-6.2.jar" ]; then exit 0; fi
mkdir -p "$lib"
mvn -q -B -f test/dss/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$lib" >&2
