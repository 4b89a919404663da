# Drive the real program in a real terminal: a private tmux server of fixed
# size, keys in, screen text (and colours) out. Source after tap.sh.
# TMUX_DIR must be a writable directory (defaults to a new temporary one).
# Without tmux the script is skipped (TAP skip plan, reason on stderr, exit 77).

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not found"
	echo "${0##*/}: skipped: tmux not found (Debian: tmux)" >&2
	exit 77
fi

: "${TMUX_DIR:=$(mktemp -d /tmp/rdv-tmux.XXXXXX)}"
TMUX_SOCK="$TMUX_DIR/tmux.sock"

# tmux_start WIDTH HEIGHT COMMAND — runs COMMAND in pane "ui"; its exit
# status lands in $TMUX_DIR/exit.<session>.
tmux_start() {
	w=$1 h=$2
	shift 2
	session=${TMUX_SESSION:-ui}
	rm -f "$TMUX_DIR/exit.$session"
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s "$session" -x "$w" -y "$h" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color ESCDELAY=25 $*; echo \$? > $TMUX_DIR/exit.$session; sleep 30" ||
		echo "# tmux_start: the session $session could not be created" >&2
}

# The server is gone when this returns: a tmux_start right after it would
# otherwise reach the exiting server and its session vanish with it (an
# empty screen for the rest of the test, seen once on a loaded machine).
tmux_stop() {
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	tries=100
	while [ "$tries" -gt 0 ] && tmux -S "$TMUX_SOCK" list-sessions >/dev/null 2>&1; do
		sleep 0.05
		tries=$((tries - 1))
	done
}

tmux_keys() {
	tmux -S "$TMUX_SOCK" send-keys -t "=${TMUX_SESSION:-ui}:" "$@"
}

tmux_text() {
	tmux -S "$TMUX_SOCK" send-keys -t "=${TMUX_SESSION:-ui}:" -l "$1"
}

tmux_screen() {
	tmux -S "$TMUX_SOCK" capture-pane -p -t "=${TMUX_SESSION:-ui}:"
}

tmux_screen_colours() {
	tmux -S "$TMUX_SOCK" capture-pane -p -e -t "=${TMUX_SESSION:-ui}:"
}

tmux_resize() {
	tmux -S "$TMUX_SOCK" resize-window -t "=${TMUX_SESSION:-ui}:" -x "$1" -y "$2"
}

# tmux_wait TEXT [SECONDS] — poll the screen until it shows TEXT; 0 if seen.
tmux_wait() {
	want=$1
	tries=$(( ${2:-10} * 20 ))
	while [ "$tries" -gt 0 ]; do
		if tmux_screen 2>/dev/null | grep -qF -- "$want"; then
			return 0
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# tmux_wait_gone TEXT [SECONDS]
tmux_wait_gone() {
	want=$1
	tries=$(( ${2:-10} * 20 ))
	while [ "$tries" -gt 0 ]; do
		if ! tmux_screen 2>/dev/null | grep -qF -- "$want"; then
			return 0
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# tmux_exit_status [SECONDS] — wait for the program to end; prints its status.
tmux_exit_status() {
	tries=$(( ${1:-10} * 20 ))
	f="$TMUX_DIR/exit.${TMUX_SESSION:-ui}"
	while [ "$tries" -gt 0 ] && [ ! -s "$f" ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	cat "$f" 2>/dev/null || echo "none"
}
