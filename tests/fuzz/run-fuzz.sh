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

abspath() {
    case $1 in
        /*) echo "$1" ;;
        *) echo "$PWD/$1" ;;
    esac
}
harness=$(abspath "$1")
seeds=$(abspath "$2")
artifacts=$(abspath "$3")
shift 3

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$artifacts"

# detect_leaks stays on: a leak on a parse error path is a finding too.
# From the scratch directory: the job writes its log (fuzz-0.log) to the
# current directory, which the harnesses the suite runs side by side
# would otherwise share, each then printing another's log.
cd "$scratch"
"$harness" -workers=1 -jobs=1 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$(basename "$harness")-" \
    "$@" "$scratch" "$seeds"
