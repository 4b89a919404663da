#!/bin/sh
# Agenda week switch: keystroke-to-screen time and bytes written to the
# terminal, at 120x40 and 80x24, beside their floors: the database round
# trip of the same request (measured by the client), and the bytes of a
# full repaint of the same screen.
set -u
. "$top_srcdir/tests/lib/cluster.sh"
TMUX_DIR=$(mktemp -d /tmp/rdv-bench.XXXXXX)
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start >/dev/null
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
SWITCHES=${BENCH_SWITCHES:-40}

# pct FILE P — the P-th percentile of the numbers in FILE.
pct() {
	sort -n "$1" | awk -v p="$2" '{v[NR]=$1} END{i=int((NR-1)*p/100+0.5)+1; printf "%.1f", v[i]}'
}

lines() { wc -l < "$1" | tr -d ' '; }
size() { wc -c < "$1" | tr -d ' '; }

# Wait until the trace has a frame drawn with nothing loading, after line $2.
wait_settled() {
	tries=400
	while [ $tries -gt 0 ]; do
		if tail -n +"$(($2 + 1))" "$1" | grep -q '^frame [0-9.]* 0$'; then
			return 0
		fi
		sleep 0.01
		tries=$((tries - 1))
	done
	return 1
}

printf '%-8s %-34s %9s %9s %16s %16s\n' size figure p50 p95 "floor p50" "floor p95"
for geometry in 120x40 80x24; do
	w=${geometry%x*} h=${geometry#*x}
	trace="$TMUX_DIR/trace.$geometry" out="$TMUX_DIR/bytes.$geometry"
	: > "$trace"
	: > "$out"
	TMUX_SESSION=$geometry
	tmux_start "$w" "$h" "RDV_TRACE=$trace $RDV tui --db '$CONN' --now 2026-05-13T10:00"
	tmux -S "$TMUX_SOCK" pipe-pane -O -t "$geometry" "cat >> $out"
	tmux_wait "● connecté" 20 || { echo "the client did not start"; exit 1; }
	wait_settled "$trace" 0
	: > "$TMUX_DIR/lat" ; : > "$TMUX_DIR/db" ; : > "$TMUX_DIR/bytes" ; : > "$TMUX_DIR/full"
	i=0
	while [ $i -lt "$SWITCHES" ]; do
		key=n
		[ $((i % 2)) -eq 1 ] && key=p
		sleep 0.05
		before_lines=$(lines "$trace") before_bytes=$(size "$out")
		tmux_keys "$key"
		wait_settled "$trace" "$before_lines" || { echo "no frame after $key"; exit 1; }
		sleep 0.05
		tail -n +"$((before_lines + 1))" "$trace" | awk '
			$1 == "key" && !k { k = $2 }
			$1 == "reply" && !r { r = $2 }
			$1 == "frame" && $3 == 0 && !f { f = $2 }
			END { printf "%.3f %.3f\n", f - k, r - k }' > "$TMUX_DIR/one"
		cut -d' ' -f1 "$TMUX_DIR/one" >> "$TMUX_DIR/lat"
		cut -d' ' -f2 "$TMUX_DIR/one" >> "$TMUX_DIR/db"
		echo $(( $(size "$out") - before_bytes )) >> "$TMUX_DIR/bytes"
		i=$((i + 1))
	done
	# The floor for bytes: a full repaint of the same screen (Ctrl+L).
	j=0
	while [ $j -lt 5 ]; do
		sleep 0.05
		before_lines=$(lines "$trace") before_bytes=$(size "$out")
		tmux_keys C-l
		wait_settled "$trace" "$before_lines"
		sleep 0.05
		echo $(( $(size "$out") - before_bytes )) >> "$TMUX_DIR/full"
		j=$((j + 1))
	done
	printf '%-8s %-34s %7s ms %7s ms %13s ms %13s ms\n' "$geometry" "week switch, key to screen" \
		"$(pct "$TMUX_DIR/lat" 50)" "$(pct "$TMUX_DIR/lat" 95)" \
		"$(pct "$TMUX_DIR/db" 50)" "$(pct "$TMUX_DIR/db" 95)"
	printf '%-8s %-34s %6s B  %6s B  %12s B  %12s B\n' "$geometry" "bytes written per week switch" \
		"$(pct "$TMUX_DIR/bytes" 50)" "$(pct "$TMUX_DIR/bytes" 95)" \
		"$(pct "$TMUX_DIR/full" 50)" "$(pct "$TMUX_DIR/full" 95)"
	tmux_keys q
done
echo "($SWITCHES switches each; floors: the database round trip of the same request, and a full repaint)"
