#!/bin/sh
# Exploratory key fuzzing ("monkey"): random keys from fixed seeds
# (tests/ui/monkey_keys), sent to the real client in tmux as a basic agent, a
# secretary and an admin, at several terminal sizes with random resizes. It
# fails on any sanitizer report (the ASan build writes them to files), an exit
# other than a normal quit, a hang (after each batch of keys the client must
# answer a resize with a new frame, seen in its RDV_TRACE file) or a screen
# whose status line is not on the last row (something drew past the window
# and scrolled it). A normal quit (q) is counted and the client restarted.
#
# Environment (make fuzz-ui sets larger values):
#   MONKEY_SEEDS   seeds to run             (default: 1 2 3, one per agent kind)
#   MONKEY_AGENTS  logins                   (default: julien sophie camille)
#   MONKEY_KEYS    keys per seed and agent  (default: 800)
#   MONKEY_SIZES   WxH list, first is the start size
#   MONKEY_PAIRS   "all": every seed with every agent; default: seed i with agent i
# Reproduce one run: MONKEY_SEEDS=7 MONKEY_AGENTS=julien make check TESTS=tests/ui/monkey.sh
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
command -v tmux >/dev/null 2>&1 || { echo "1..0 # SKIP tmux not found"; exit 77; }
[ -x "$PG_BINDIR/initdb" ] || { echo "1..0 # SKIP PostgreSQL not found"; exit 77; }
GEN=${MONKEY_GEN:-$top_builddir/tests/ui/monkey_keys}
[ -x "$GEN" ] || { echo "Bail out! $GEN not built"; exit 1; }
SEEDS=${MONKEY_SEEDS:-1 2 3}
AGENTS=${MONKEY_AGENTS:-julien sophie camille}
KEYS=${MONKEY_KEYS:-800}
SIZES=${MONKEY_SIZES:-80x24,120x40,100x30,80x24,79x23,60x20,40x12}
PAIRS=${MONKEY_PAIRS:-zip}
# Seconds a live client may take to answer a resize (ASan, a loaded machine).
HANG=${MONKEY_HANG:-30}
NOW=2026-05-13T08:00

cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
# The client runs in a scratch directory and home: whatever it writes stays there.
WORK=$TMUX_DIR/work
mkdir -p "$WORK"
ASAN_OPTIONS="log_path=$TMUX_DIR/san${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="log_path=$TMUX_DIR/san:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

# Lines of trace $1 after line $2 show a resize handled, then a frame.
redrawn_after() {
	awk -v from="$2" 'NR > from && $1 == "key" && $3 == 410 { k = 1 }
		k && $1 == "frame" { f = 1 } END { exit !f }' "$1" 2>/dev/null
}

# abnormal_exit — a client ended other than by a normal quit.
abnormal_exit() {
	if grep -qv '^0$' "$EXITS" 2>/dev/null; then
		FAIL="the client exited with status $(grep -v '^0$' "$EXITS" | head -1)"
		return 0
	fi
	return 1
}

# The screen is one the client could have drawn at W×H: the status line on
# the last row and a title on the first, or the "too small" notice.
screen_sane() {
	if [ "$W" -lt 80 ] || [ "$H" -lt 24 ]; then
		tmux_screen | grep -qF "Terminal trop petit"
		return
	fi
	tmux_screen >"$TMUX_DIR/screen"
	[ "$(wc -l <"$TMUX_DIR/screen")" -eq "$H" ] || return 1
	# Where the monkey went: the title row, up to its first wide gap.
	sed -n '1{s/^ *//;s/   .*//;p;}' "$TMUX_DIR/screen" >>"$TMUX_DIR/titles"
	# The agent's name as the client loaded it, or (an admin may have renamed
	# themself meanwhile) the connection state that ends the status line.
	sed -n "${H}p" "$TMUX_DIR/screen" >"$TMUX_DIR/last"
	{ grep -qF "$PERSON" "$TMUX_DIR/last" ||
		grep -qE '(connecté|chargement…|reconnexion…|connexion perdue) *$' "$TMUX_DIR/last"; } &&
		[ -n "$(sed -n '1p' "$TMUX_DIR/screen" | tr -d ' ')" ]
}

# What went wrong, with what to replay.
report() {
	echo "# $1 — seed $SEED, agent $AGENT, batch $BATCH, size ${W}x$H"
	echo "# last keys (monkey_keys $SEED $KEYS '$SIZES', lines $LAST0-$LINE):"
	sed -n "${LAST0},${LINE}p" "$TMUX_DIR/script" | tail -40 | sed 's/^/#   /'
	echo "# screen:"
	tmux_screen 2>/dev/null | sed 's/^/#   | /'
	for f in "$TMUX_DIR"/san.*; do
		[ -f "$f" ] && head -60 "$f" | sed 's/^/#   san: /'
	done
	[ -s "$TMUX_DIR/stderr" ] && tail -20 "$TMUX_DIR/stderr" | sed 's/^/#   stderr: /'
	return 0
}

# After a batch: no report, no abnormal exit, a redraw on resize, a sane
# screen. Each client (restarted after a normal quit) has its own trace file,
# named in $CURRENT: a resize sent while one client quits and the next starts
# is sent again to the new one.
probe() {
	if ls "$TMUX_DIR"/san.* >/dev/null 2>&1; then
		FAIL="sanitizer report"
		return 1
	fi
	abnormal_exit && return 1
	restarts=0
	while :; do
		cur=$(cat "$CURRENT")
		n=$((HANG * 20))
		# The client has drawn its first frame (it is past its start).
		while [ $n -gt 0 ] && ! grep -q '^frame' "$cur" 2>/dev/null; do
			abnormal_exit && return 1
			[ "$(cat "$CURRENT")" = "$cur" ] || break
			sleep 0.05
			n=$((n - 1))
		done
		if [ "$(cat "$CURRENT")" != "$cur" ]; then
			continue
		fi
		if [ $n -eq 0 ]; then
			FAIL="hang: the client drew nothing within ${HANG}s of its start"
			return 1
		fi
		from=$(wc -l <"$cur")
		# Always a real change of size (one row more, or back), which the
		# client must answer with a frame.
		if [ "$CURW" = "$W" ] && [ "$CURH" = "$H" ]; then PH=$((H + 1)); else PH=$H; fi
		tmux -S "$TMUX_SOCK" resize-window -t ui -x "$W" -y "$PH"
		CURW=$W CURH=$PH
		n=$((HANG * 20))
		while [ $n -gt 0 ] && ! redrawn_after "$cur" "$from"; do
			abnormal_exit && return 1
			[ "$(cat "$CURRENT")" = "$cur" ] || break
			sleep 0.05
			n=$((n - 1))
		done
		if [ "$(cat "$CURRENT")" != "$cur" ]; then
			restarts=$((restarts + 1))
			[ $restarts -lt 10 ] && continue
		fi
		if [ $n -eq 0 ] || [ $restarts -ge 10 ]; then
			FAIL="hang: no frame within ${HANG}s after a resize"
			return 1
		fi
		break
	done
	H_KEEP=$H
	H=$PH
	n=100
	while [ $n -gt 0 ] && ! screen_sane; do
		sleep 0.05
		n=$((n - 1))
	done
	H=$H_KEEP
	if [ $n -eq 0 ]; then
		FAIL="screen not as drawn: status line not on the last row"
		return 1
	fi
	return 0
}

# run_one SEED AGENT
run_one() {
	SEED=$1 AGENT=$2
	PERSON=$(q "SELECT first_name || ' ' || upper(last_name) FROM rdv.agents WHERE db_role = '$AGENT'")
	EXITS=$TMUX_DIR/exits CURRENT=$TMUX_DIR/current
	rm -f "$TMUX_DIR"/trace.* "$EXITS" "$TMUX_DIR"/san.* "$TMUX_DIR/stderr" "$TMUX_DIR/titles"
	: >"$EXITS"
	"$GEN" "$SEED" "$KEYS" "$SIZES" >"$TMUX_DIR/script" || { ok 1 "seed $SEED: key script"; return; }
	read -r _ W H <"$TMUX_DIR/script"
	CURW=$W CURH=$H
	cat >"$TMUX_DIR/run.sh" <<EOF
cd '$WORK' || exit 99
n=0
while :; do
	n=\$((n + 1))
	echo '$TMUX_DIR/trace.'\$n >'$CURRENT'
	HOME='$WORK' XDG_CONFIG_HOME='$WORK/.config' RDV_TRACE='$TMUX_DIR/trace.'\$n \\
		'$RDV' tui --db 'host=$PGHOST port=$PGPORT dbname=rdv user=$AGENT' --now $NOW 2>>'$TMUX_DIR/stderr'
	s=\$?
	echo \$s >>'$EXITS'
	[ \$s -eq 0 ] || exit \$s
done
EOF
	# A tmux server of its own: a new session never races the old server's exit.
	tmux_stop
	TMUX_SOCK=$TMUX_DIR/tmux.$SEED.$AGENT.sock
	tmux_start "$W" "$H" "sh $TMUX_DIR/run.sh"
	if ! tmux_wait "$PERSON" 30; then
		ok 1 "seed $SEED as $AGENT: the client starts"
		LAST0=1 LINE=1 BATCH=0
		report "no start"
		return
	fi
	BATCH=0 LINE=0 LAST0=1 FAIL= sizes_seen=
	while IFS= read -r cmd <&3; do
		LINE=$((LINE + 1))
		case $cmd in
		R\ *)
			set -- $cmd
			W=$2 H=$3
			tmux_resize "$W" "$H"
			CURW=$W CURH=$H
			case " $sizes_seen " in *" ${W}x$H "*) ;; *) sizes_seen="$sizes_seen ${W}x$H" ;; esac
			;;
		K\ *) tmux_keys ${cmd#K } ;;
		T\ *) tmux -S "$TMUX_SOCK" send-keys -t ui -l -- "${cmd#T }" ;;
		P)
			BATCH=$((BATCH + 1))
			probe || break
			LAST0=$((LINE + 1))
			;;
		esac
	done 3<"$TMUX_DIR/script"
	quits=$(grep -c '^0$' "$EXITS")
	frames=$(cat "$TMUX_DIR"/trace.* 2>/dev/null | grep -c '^frame')
	if [ -n "$FAIL" ]; then
		ok 1 "seed $SEED as $AGENT: $FAIL"
		report "$FAIL"
	else
		ok 0 "seed $SEED as $AGENT: $KEYS keys in $BATCH batches, sizes$sizes_seen, $frames frames, $quits normal quit(s) restarted"
	fi
	echo "# screens seen as $AGENT (seed $SEED):"
	sort "$TMUX_DIR/titles" 2>/dev/null | uniq -c | sort -rn | sed 's/^/#   /'
}

set -- $AGENTS
nagents=$#
i=0
for seed in $SEEDS; do
	if [ "$PAIRS" = all ]; then
		for agent in $AGENTS; do
			run_one "$seed" "$agent"
		done
	else
		set -- $AGENTS
		shift $((i % nagents))
		run_one "$seed" "$1"
	fi
	i=$((i + 1))
done
tmux_stop
done_testing
