#!/bin/sh
# Run one libFuzzer harness from its committed seed corpus, for a bounded
# time or number of runs, and fail if it finds anything.
#
#   run-fuzz.sh HARNESS SEED_DIR ARTIFACT_DIR [libFuzzer options...]
#
# New corpus entries go to a scratch directory, never into the source
# tree; a crashing input is kept in ARTIFACT_DIR (the path is printed by
# libFuzzer, with the input in base64) so it can be replayed with
# `HARNESS FILE`.  One worker, one job: the machine is shared.
set -eu

harness=$1
seeds=$2
artifacts=$3
shift 3

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$artifacts"

# detect_leaks stays on: a leak on a parse error path is a finding too
"$harness" -workers=1 -jobs=1 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$(basename "$harness")-" \
    "$@" "$scratch" "$seeds"
