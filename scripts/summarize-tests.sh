#!/usr/bin/env bash
# Counts passed / failed / skipped tests in a Swift Testing log.
#   scripts/summarize-tests.sh LOG  ->  "P F S"
log="$1"
clean() { sed 's/\x1b\[[0-9;]*m//g' "$log"; }
passed=$(clean | grep -E '^. Test .* passed after' | grep -vc '^. Test run with')
failed=$(clean | grep -E '^. Test .* failed after' | grep -vc '^. Test run with')
skipped=$(clean | grep -cE '^. Test .* skipped')
echo "$passed $failed $skipped"
