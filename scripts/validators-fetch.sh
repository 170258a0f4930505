#!/usr/bin/env bash
# Fetches two Java validators from Maven Central for the integration tests, which are skipped when
# the jars are absent: the EU DSS library (test/dss/pom.xml → .cache/dss/lib, used by
# test/integration/pdf/seal-dss.test.ts) and veraPDF (test/verapdf/pom.xml → .cache/verapdf/lib,
# used by test/integration/pdf/cda-render-verapdf.test.ts). Needs java (17+) and mvn.
# Usage: scripts/validators-fetch.sh   — idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
fetch() { # pom, lib dir, a jar that marks a complete copy
  if [ -f "$2/$3" ]; then return 0; fi
  mkdir -p "$2"
  mvn -q -B -f "$1" dependency:copy-dependencies -DoutputDirectory="$PWD/$2" >&2
}
fetch test/dss/pom.xml .cache/dss/lib dss-validation-6.2.jar
fetch test/verapdf/pom.xml .cache/verapdf/lib validation-model-1.28.2.jar
