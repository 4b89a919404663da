# Print the suite's closing line "N passed, N failed" from automake's
# test-suite.log summaries given as arguments (several logs add up).
awk '/^# PASS:/{p+=$3} /^# (FAIL|ERROR|XPASS):/{f+=$3} END{printf "%d passed, %d failed\n", p, f}' "$@"
