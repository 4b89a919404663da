/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/ui.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "db/db.h"
#include "db/feed.h"
#include "config/config_file.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/keys.h"
#include "ui/readdb.h"
#include "ui/screen.h"
#include "ui/status.h"
#include "ui/theme.h"

#define MIN_COLS 80
#define MIN_LINES 24
#define MAX_SCREENS 8
/* Retries (reconnection attempts, failed loads): the first half a second after, then doubling up to the cap. */
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 4000
#define LINK_BACKOFF_MAX_MS 2000
/* At least one wake-up a second: the countdown in the status line, the minute marker. */
#define TICK_MS 1000

/* The most agents one screen watches for busy times (app_feed_busy). */
#define MAX_BUSY_AGENTS 16

struct screen {
	const struct screen_ops *ops;
	void *state;
	/* A request of this screen failed with the link: it reloads in full at the
	 * next feed read (the catch-up after the reconnection). */
	bool stale;
	/* Busy times in any organisation this screen shows (app_feed_busy). */
	int busy_agents[MAX_BUSY_AGENTS];
	int nbusy;
	rdv_date busy_from, busy_to;
};

/* A file descriptor a screen asked to be polled (app_watch). */
struct watch {
	void *owner;
	int fd;
	int (*ready)(void *state, struct app *app, int fd);
};

/* A call a screen asked for later (app_after). */
struct timer {
	void *owner;
	long long due; /* monotonic ms */
	int (*fn)(void *state, struct app *app);
};

#define MAX_WATCHES 8
#define MAX_TIMERS 16

struct app {
	struct db *db;
	struct readdb *rd;          /* reads on a replica (read_db), NULL when not configured */
	bool feed_wait;             /* a feed read waits for the replica (readdb_feed_ready) */
	struct db_session *session;
	struct tz *tz;
	bool have_now;
	rdv_time now;
	struct screen screens[MAX_SCREENS];
	int nscreens;
	struct watch watches[MAX_WATCHES];
	int nwatches;
	struct timer timers[MAX_TIMERS];
	int ntimers;
	char message[256];
	bool message_error;
	/* The link to the server (DB_LINK_DOWN: waiting for the next attempt). */
	struct backoff backoff;     /* delays between attempts */
	long long next_attempt;     /* monotonic ms, while down */
	long long attempt_deadline; /* monotonic ms, while connecting to one host */
	char *attempt_host;         /* the host being tried (multi-host conninfo) */
	const struct app_change *change; /* during app_refresh_after() */
	/* The change feed (rdv.feed): where the last read stopped. */
	char *feed_cursor;          /* NULL until the first read answered */
	unsigned long feed_ticket;  /* the read in flight, 0 when none */
	bool feed_again;            /* a wake-up came while reading: read again */
	bool feed_off;              /* the feed failed: every change reloads everything */
	bool feed_catchup;          /* the read in flight catches up after a reconnection */
	struct screen *opening;     /* the screen whose open() runs (app_feed_busy) */
	long long feed_poll_due;    /* monotonic ms: the next read without LISTEN */
	bool quit;
	bool redraw;
	/* A yes/no question before dropping typed input; the key waits for the answer. */
	bool confirming;
	wint_t confirm_ch;
	bool confirm_is_code;
	bool confirm_quit;          /* the question came from Ctrl+C: o quits */
	void *key_top;              /* the top screen's state when the last key was read (focus line) */
};

/* The one wording, everywhere, of the question before typed input is lost. */
#define CONFIRM_QUESTION "Abandonner les modifications ? o : oui · n : non"

/*
 * RDV_TRACE=FILE: one line per key read, reply received (with the place of
 * its owner in the stack, -1 for none) and frame drawn, with a monotonic
 * time in milliseconds (make bench reads it).
 */
static FILE *trace_file;

static double
trace_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
trace_event(const char *what, long arg)
{
	if (trace_file) {
		fprintf(trace_file, "%s %.3f %ld\n", what, trace_now(), arg);
		fflush(trace_file);
	}
}

void
app_trace(const char *what, long arg)
{
	trace_event(what, arg);
}

static long long
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct db *
app_db(struct app *app)
{
	return app->db;
}

struct db *
app_read_db(struct app *app)
{
	return app->rd ? readdb_route(app->rd) : app->db;
}

void
app_cancel(struct app *app, unsigned long ticket)
{
	db_cancel(app->db, ticket);
	if (app->rd)
		db_cancel(readdb_db(app->rd), ticket);
}

/* Bind a request on whichever connection has it (tickets are unique across both). */
static void
app_bind(struct app *app, unsigned long ticket, void *owner, db_complete_fn done, void *arg)
{
	db_request_bind(app->db, ticket, owner, done, arg);
	if (app->rd) {
		db_request_bind(readdb_db(app->rd), ticket, owner, done, arg);
		readdb_sent(app->rd, ticket);
	}
}

const struct db_session *
app_session(struct app *app)
{
	return app->session;
}

rdv_time
app_now(struct app *app)
{
	if (app->have_now)
		return app->now;
	rdv_time utc = (rdv_time)(time(NULL) / 60);
	return app->tz ? tz_utc_to_local(app->tz, utc) : utc;
}

void
app_message(struct app *app, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	app->message_error = error;
	app->redraw = true;
}

void
app_push(struct app *app, const struct screen_ops *ops, void *arg)
{
	if (app->nscreens == MAX_SCREENS) {
		/* Not opened: what was handed over for it is freed here. */
		if (ops->arg_free && arg)
			ops->arg_free(arg);
		app_message(app, true, "Trop d'écrans ouverts : fermez-en un (Échap)");
		return;
	}
	struct screen *s = &app->screens[app->nscreens++];
	*s = (struct screen){.ops = ops};
	struct screen *opening = app->opening;
	app->opening = s;
	s->state = ops->open(app, arg);
	app->opening = opening;
	app->redraw = true;
}

/* Whether state is an open screen's (a closed screen's callbacks never run). */
static int
screen_index(struct app *app, const void *state)
{
	for (int i = app->nscreens - 1; i >= 0; i--)
		if (app->screens[i].state == state)
			return i;
	return -1;
}

/* Forget what a closing screen asked for: its requests, its sources, its timers. */
static void
app_forget(struct app *app, void *state)
{
	db_cancel_owner(app->db, state);
	if (app->rd)
		db_cancel_owner(readdb_db(app->rd), state);
	int n = 0;
	for (int i = 0; i < app->nwatches; i++)
		if (app->watches[i].owner != state)
			app->watches[n++] = app->watches[i];
	app->nwatches = n;
	n = 0;
	for (int i = 0; i < app->ntimers; i++)
		if (app->timers[i].owner != state)
			app->timers[n++] = app->timers[i];
	app->ntimers = n;
}

/* Close the screen at index i (the top one, usually). */
static void
app_close_at(struct app *app, int i)
{
	if (i < 0 || i >= app->nscreens)
		return;
	struct screen s = app->screens[i];
	for (int k = i; k + 1 < app->nscreens; k++)
		app->screens[k] = app->screens[k + 1];
	app->nscreens--;
	app_forget(app, s.state);
	s.ops->close(s.state);
	app->redraw = true;
	if (app->nscreens == 0)
		app->quit = true;
}

void
app_close(struct app *app, void *state)
{
	app_close_at(app, screen_index(app, state));
}

static void
app_pop(struct app *app)
{
	app_close_at(app, app->nscreens - 1);
}

static void
app_apply(struct app *app, int result)
{
	if (result & SCREEN_REDRAW)
		app->redraw = true;
	if (result & SCREEN_QUIT)
		app->quit = true;
	if (result & SCREEN_CLOSE)
		app_pop(app);
}

/* What a screen's callback asked for; SCREEN_CLOSE closes that screen. */
static void
app_apply_from(struct app *app, const void *state, int result)
{
	app_apply(app, result & ~SCREEN_CLOSE);
	if (result & SCREEN_CLOSE)
		app_close_at(app, screen_index(app, state));
}

void
app_request(struct app *app, void *state, unsigned long ticket, db_complete_fn done)
{
	app_bind(app, ticket, state, done, state);
}

void
app_request_arg(struct app *app, void *state, unsigned long ticket, db_complete_fn done, void *arg)
{
	app_bind(app, ticket, state, done, arg);
}

void
app_watch(struct app *app, void *state, int fd, int (*ready)(void *state, struct app *app, int fd))
{
	if (app->nwatches == MAX_WATCHES || fd < 0)
		return;
	app->watches[app->nwatches++] = (struct watch){.owner = state, .fd = fd, .ready = ready};
}

void
app_unwatch(struct app *app, int fd)
{
	int n = 0;
	for (int i = 0; i < app->nwatches; i++)
		if (app->watches[i].fd != fd)
			app->watches[n++] = app->watches[i];
	app->nwatches = n;
}

void
app_after(struct app *app, void *state, int ms, int (*fn)(void *state, struct app *app))
{
	if (app->ntimers == MAX_TIMERS)
		return;
	app->timers[app->ntimers++] = (struct timer){.owner = state, .due = monotonic_ms() + ms, .fn = fn};
}

int
backoff_delay(struct backoff *b)
{
	if (b->next_ms <= 0)
		b->next_ms = BACKOFF_FIRST_MS;
	int ms = b->next_ms;
	b->next_ms = ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms * 2;
	return ms;
}

void
backoff_reset(struct backoff *b)
{
	b->next_ms = BACKOFF_FIRST_MS;
}

/* Run the timers that are due (each once). */
static void
app_timers(struct app *app)
{
	long long now = monotonic_ms();
	for (int i = 0; i < app->ntimers;) {
		if (app->timers[i].due > now) {
			i++;
			continue;
		}
		struct timer t = app->timers[i];
		app->timers[i] = app->timers[--app->ntimers];
		if (screen_index(app, t.owner) >= 0)
			app_apply_from(app, t.owner, t.fn(t.owner, app));
		app->redraw = true;
		i = 0; /* a callback may have added or dropped timers */
		now = monotonic_ms();
	}
}

/*
 * The main screens, reached from anywhere by their key. A screen that
 * handles the key itself comes first; otherwise the stack is replaced.
 */
static const struct {
	enum action action;
	const struct screen_ops *ops;
} destinations[] = {
    {ACT_GO_AGENDA, &week_screen},
    {ACT_GO_USAGERS, &usagers_screen},
    {ACT_GO_SEARCH, &search_screen},
    {ACT_GO_RDVS, &rdvlist_screen},
    {ACT_GO_ACCOUNT, &account_screen},
    {ACT_GO_ADMIN, &admin_screen},
};

static void
app_switch(struct app *app, const struct screen_ops *ops)
{
	while (app->nscreens > 0) {
		struct screen *s = &app->screens[--app->nscreens];
		app_forget(app, s->state);
		s->ops->close(s->state);
	}
	app_push(app, ops, NULL);
}

static bool
too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_LINES;
}

/* The hints of the top screen, from the action table. */
static void
status_hints(struct app *app, char *buf, size_t size)
{
	buf[0] = '\0';
	const struct screen *top = &app->screens[app->nscreens - 1];
	for (const enum action *a = top->ops->hints; a && *a != ACT_NONE; a++) {
		const char *label = keys_label(*a);
		const char *help = keys_action(*a)->help;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s %s", len ? "  " : "", label, help);
	}
}

/* Display width of a string once sanitised. */
static int
status_width(const char *s)
{
	char *clean = text_sanitize(s);
	int w = text_width(clean);
	free(clean);
	return w;
}

/*
 * The connection state at the right of the status line. It never says
 * "connecté" unless requests can go out right now; while down it counts down
 * to the next attempt, unless that leaves too little room for the message
 * (room: the columns left of it for the message and the state; own_w: the
 * width of the screen's own status text, which "via le pooler" gives way to).
 */
static const char *
status_link(struct app *app, int room, int own_w, char *buf, size_t size, int *attr)
{
	*attr = theme_attr(SLOT_STATUS_ERROR);
	int need = 36;
	if (app->message[0])
		need += status_width(app->message) + 2;
	bool wide = room >= need;
	if (db_connected(app->db)) {
		if (db_busy(app->db) || (app->rd && readdb_busy(app->rd))) {
			*attr = theme_attr(SLOT_STATUS);
			return " chargement… ";
		}
		*attr = theme_attr(SLOT_STATUS_OK);
		/* Reads on a replica: say when they go to the primary instead. */
		const char *rd = app->rd ? readdb_status(app->rd) : NULL;
		/* "via le pooler" is the first to go on a narrow line. */
		const char *via = db_pooled(app->db) && room - own_w >= need ? " via le pooler" : "";
		snprintf(buf, size, " ● connecté%s%s%s ", via, rd ? " · " : "", rd ? rd : "");
		return buf;
	}
	long long wait = app->next_attempt - monotonic_ms();
	if (!wide)
		return " ○ hors connexion ";
	if (db_link(app->db) == DB_LINK_DOWN && wait >= 500) {
		snprintf(buf, size, " ○ hors connexion · essai dans %lld s ", (wait + 999) / 1000);
		return buf;
	}
	return " ○ hors connexion · connexion… ";
}

/* Draw s cut with "…" to width columns. */
static void
status_put(int y, int x, int width, int attr, const char *s)
{
	if (width <= 0)
		return;
	char *clean = text_sanitize(s);
	char *cut = status_ellipsize(clean, width);
	draw_text(y, x, width, attr, cut);
	free(cut);
	free(clean);
}

static void
draw_status(struct app *app)
{
	int y = LINES - 1;
	int attr = theme_attr(SLOT_STATUS);
	draw_fill(y, 0, COLS, attr, L' ');
	char left[160];
	snprintf(left, sizeof left, " %s %s · %s ", app->session->first_name,
		 app->session->last_name, app->session->organisation_name);

	const struct screen *top = &app->screens[app->nscreens - 1];
	/* The screen's own status text (the agenda's "à renseigner") leaves less room for the state. */
	const char *own = top->ops->status && !app->message[0] && !app->confirming
	                      ? top->ops->status(top->state)
	                      : NULL;
	char state_buf[96];
	int state_attr;
	const char *state = status_link(app, COLS - status_width(left), own ? status_width(own) : 0,
					state_buf, sizeof state_buf, &state_attr);

	/* What the focus moved to, in words (screen readers), until the next key. */
	const char *focus = focus_news();
	/*
	 * A message is news, and so is a focus moved by a key on this screen: the
	 * screen's own status text waits for the next key. A screen just opened
	 * or come back to keeps it (the description then gives way first),
	 * except in the accessible mode, where the focus always comes first.
	 */
	bool moved_here = focus && (top->state == app->key_top || theme_accessible());
	/* A screen just opened announces its focus in the accessible mode only (its own status first). */
	if (!moved_here)
		focus = NULL;
	const char *extra = moved_here ? NULL : own;
	struct status_cols c;
	/* A message or the question before losing typed input takes the whole line: it must be read. */
	bool news = app->confirming || app->message[0] || focus;
	status_layout(COLS, news ? 0 : status_width(left), extra ? status_width(extra) : 0,
		      status_width(state), &c);
	status_put(y, 0, c.left_w, attr | A_BOLD, left);
	status_put(y, c.state_x, c.state_w, state_attr, state);
	if (c.extra_w > 0)
		status_put(y, c.extra_x, c.extra_w, theme_attr(SLOT_STATUS_ERROR), extra);
	if (app->confirming) {
		status_put(y, 0, c.middle_x + c.middle_w, theme_attr(SLOT_STATUS_ERROR), " " CONFIRM_QUESTION);
	} else if (app->message[0]) {
		/* The message first, then what the focus moved to: neither is lost before the next key. */
		char *shown = focus ? xasprintf(" %s — %s", app->message, focus) : xasprintf(" %s", app->message);
		status_put(y, 0, c.middle_x + c.middle_w,
			   app->message_error ? theme_attr(SLOT_STATUS_ERROR) : attr, shown);
		free(shown);
	} else if (focus) {
		/* The focus moved: say what is under it, in words, until the next key. */
		char *shown = xasprintf(" %s", focus);
		status_put(y, 0, c.middle_x + c.middle_w, attr | A_BOLD, shown);
		free(shown);
	} else {
		char hints[512];
		status_hints(app, hints, sizeof hints);
		status_put(y, c.middle_x, c.middle_w, attr, hints);
	}
}

static void
draw_too_small(struct app *app)
{
	erase();
	char msg[128];
	snprintf(msg, sizeof msg, "Terminal trop petit : %d×%d minimum (actuel %d×%d)", MIN_COLS,
		 MIN_LINES, COLS, LINES);
	int y = LINES / 2;
	draw_text_center(y > 0 ? y - 1 : 0, 0, COLS, A_BOLD, msg);
	if (LINES > 2)
		draw_text_center(y + 1, 0, COLS, A_NORMAL, "Agrandissez la fenêtre, ou q pour quitter.");
	if (app->confirming && LINES > 4)
		draw_text_center(y + 3, 0, COLS, A_BOLD, CONFIRM_QUESTION);
}

static void
app_draw(struct app *app)
{
	if (too_small()) {
		draw_too_small(app);
	} else {
		erase();
		focus_frame_start();
		struct screen *top = &app->screens[app->nscreens - 1];
		/* A screen marked as an overlay would draw the one below first; none is yet. */
		top->ops->draw(top->state, app);
		/* The question before losing typed input waits for its answer: it is the focus. */
		if (app->confirming)
			focus_set(LINES - 1, 1, CONFIRM_QUESTION);
		draw_status(app);
	}
	int cy, cx;
	if (draw_cursor_take(&cy, &cx) && !too_small()) {
		move(cy, cx);
		curs_set(1);
	} else if (focus_position(&cy, &cx) && !too_small()) {
		/* Screen readers follow the cursor: it rests on the focus, hidden unless asked for. */
		move(cy, cx);
		curs_set(theme_accessible() ? 1 : 0);
	} else {
		curs_set(0);
	}
	refresh();
	app->redraw = false;
	trace_event("frame", db_busy(app->db) ? 1 : 0);
}

static unsigned
screen_input(const struct screen *s)
{
	return s->ops->input ? s->ops->input(s->state) : INPUT_NONE;
}

/* Whether any open screen holds changes not saved yet. */
static bool
app_unsaved(struct app *app)
{
	for (int i = 0; i < app->nscreens; i++)
		if (screen_input(&app->screens[i]) & INPUT_UNSAVED)
			return true;
	return false;
}

/* A key a terminal sends as text: in a form it is typed, never a command. */
static bool
key_printable(wint_t ch, bool is_code)
{
	return !is_code && ch >= 0x20 && ch != 0x7F;
}

/*
 * Whether this key would drop changes: Échap (or a closing key) on a screen
 * with unsaved changes, another screen's key, or quitting, while any screen
 * has some. The screens never guard this themselves.
 */
static bool
key_loses_input(struct app *app, enum action a, wint_t ch, bool is_code)
{
	const struct screen *top = &app->screens[app->nscreens - 1];
	unsigned in = screen_input(top);
	if ((a == ACT_CANCEL || (!is_code && ch == 27)) && (in & INPUT_UNSAVED) &&
	    !(in & INPUT_ESC_KEEPS))
		return true;
	if ((in & INPUT_FORM) && key_printable(ch, is_code))
		return false;
	if (a == ACT_QUIT && !(in & INPUT_FORM))
		return app_unsaved(app);
	for (size_t i = 0; i < sizeof destinations / sizeof destinations[0]; i++)
		if (destinations[i].action == a)
			return app_unsaved(app);
	return false;
}

/* Whether the top screen's keymap lists a. */
static bool
keymap_has(const struct screen *s, enum action a)
{
	for (const enum action *k = s->ops->keymap; k && *k != ACT_NONE; k++)
		if (*k == a)
			return true;
	return false;
}

/* The application's own actions (Ctrl+L is handled in app_key()). */
static bool
app_action(enum action a)
{
	if (a == ACT_QUIT || a == ACT_HELP)
		return true;
	for (size_t i = 0; i < sizeof destinations / sizeof destinations[0]; i++)
		if (destinations[i].action == a)
			return true;
	return false;
}

/*
 * What the application does with a key no screen took: the one place where
 * q quits (or closes a dialog; never from a form), Échap closes a dialog,
 * the help opens and the main screens are reached.
 */
static void
app_global(struct app *app, enum action a)
{
	struct screen *top = &app->screens[app->nscreens - 1];
	unsigned in = screen_input(top);
	switch (a) {
	case ACT_QUIT:
		/* q never quits from a form; Échap closes it. */
		if (in & INPUT_FORM)
			return;
		if (top->ops->dialog)
			app_pop(app);
		else
			app->quit = true;
		return;
	case ACT_CANCEL:
		if (top->ops->dialog)
			app_pop(app);
		return;
	case ACT_HELP:
		if (top->ops != &help_screen)
			app_push(app, &help_screen, NULL);
		return;
	default:
		for (size_t i = 0; i < sizeof destinations / sizeof destinations[0]; i++)
			if (destinations[i].action == a) {
				app_switch(app, destinations[i].ops);
				return;
			}
	}
}

/*
 * Hand a key to the top screen through its keymap, then do what it did not
 * take. The application's actions go to the screen only if it lists them.
 */
static void
app_dispatch(struct app *app, enum action a, wint_t ch, bool is_code)
{
	struct screen *top = &app->screens[app->nscreens - 1];
	unsigned in = screen_input(top);
	/* A letter in a form (q on a box or a choice, a digit) is text, never a command. */
	bool text = (in & INPUT_FORM) && key_printable(ch, is_code);
	bool listed = keymap_has(top, a);
	if (!text && !listed && app_action(a)) {
		app_global(app, a);
		return;
	}
	void *state = top->state;
	int r = top->ops->key(state, app, listed ? a : ACT_NONE, ch, is_code);
	if (r == SCREEN_NONE && !text)
		app_global(app, a);
	else
		app_apply_from(app, state, r);
}

/* The answer to CONFIRM_QUESTION: o runs the waiting key, n or Échap keeps the changes. */
static void
app_confirm_key(struct app *app, wint_t ch, bool is_code)
{
	if (is_code)
		return;
	if (ch == L'o' || ch == L'O') {
		app->confirming = false;
		app->message[0] = '\0';
		app->redraw = true;
		if (app->confirm_quit) {
			app->confirm_quit = false;
			app->quit = true;
			return;
		}
		enum action waiting = keys_lookup(app->confirm_ch, app->confirm_is_code);
		/* "Terminal trop petit … q pour quitter": there q quits, forms or not. */
		if (too_small())
			app->quit = waiting == ACT_QUIT;
		else
			app_dispatch(app, waiting, app->confirm_ch, app->confirm_is_code);
	} else if (ch == L'n' || ch == L'N' || ch == 27) {
		app->confirming = false;
		app->confirm_quit = false;
		app_message(app, false, "Modifications conservées.");
	}
}

static void
app_key(struct app *app, wint_t ch, bool is_code)
{
	trace_event("key", (long)ch);
	focus_key();
	app->key_top = app->nscreens > 0 ? app->screens[app->nscreens - 1].state : NULL;
	/* The key before (Échap of "Échap x") may have closed the last screen. */
	if (app->quit || app->nscreens == 0)
		return;
	if (is_code && ch == KEY_RESIZE) {
		for (int i = 0; i < app->nscreens; i++)
			if (app->screens[i].ops->resize)
				app->screens[i].ops->resize(app->screens[i].state, app);
		app->redraw = true;
		return;
	}
	if (app->confirming) {
		app_confirm_key(app, ch, is_code);
		return;
	}
	enum action a = keys_lookup(ch, is_code);
	if (too_small()) {
		if (a == ACT_QUIT && app_unsaved(app)) {
			app->confirming = true;
			app->confirm_ch = ch;
			app->confirm_is_code = is_code;
			app->redraw = true;
		} else if (a == ACT_QUIT) {
			app->quit = true;
		}
		return;
	}
	if (app->message[0]) {
		app->message[0] = '\0';
		app->redraw = true;
	}
	if (a == ACT_REFRESH) {
		clearok(curscr, TRUE);
		for (int i = 0; i < app->nscreens; i++)
			if (app->screens[i].ops->changed)
				app_apply(app, app->screens[i].ops->changed(app->screens[i].state, app));
		app->redraw = true;
		return;
	}
	if (key_loses_input(app, a, ch, is_code)) {
		app->confirming = true;
		app->confirm_ch = ch;
		app->confirm_is_code = is_code;
		app->redraw = true;
		return;
	}
	app_dispatch(app, a, ch, is_code);
}

/*
 * Hand each finished request to its owner's completion, and to nobody else;
 * a screen takes data by nulling it. A closed screen's requests were
 * cancelled (app_forget): their completions never run.
 */
static void feed_done(struct app *app, struct db_reply *r);

static void
app_replies_from(struct app *app, struct db *db)
{
	struct db_reply *r;
	while ((r = db_next_reply(db)) != NULL) {
		if (app->rd && r->owner == app->rd) {
			readdb_reply(app->rd, app, r);
			db_reply_free(r);
			continue;
		}
		/* Traced with its owner's place in the stack: 0 is the bottom screen (the agenda). */
		if (r->owner == app) {
			feed_done(app, r);
			db_reply_free(r);
			app->redraw = true;
			continue;
		}
		int at = screen_index(app, r->owner);
		trace_event("reply", at);
		/* Lost with the link (SQLSTATE class 08): what it would have loaded is reloaded
		 * once the feed is read again. */
		if (r->error && at >= 0 && strncmp(r->error->sqlstate, "08", 2) == 0)
			app->screens[at].stale = true;
		if (r->complete && at >= 0)
			app_apply_from(app, r->owner, r->complete(r->arg, app, r));
		db_reply_free(r);
		app->redraw = true;
	}
}

static void
app_replies(struct app *app)
{
	app_replies_from(app, app->db);
	if (app->rd)
		app_replies_from(app, readdb_db(app->rd));
}

static void app_changed(struct app *app);

/* Poll the change feed every 5 s when no NOTIFY wakes us (hot standby, pooler). */
#define FEED_POLL_MS 5000

/* Read the change feed since the cursor (a wake-up, a poll, a catch-up). */
static void
feed_read(struct app *app)
{
	if (app->feed_off || app->feed_cursor == NULL) {
		/* No cursor to read from (no feed, or the first read still runs): reload all. */
		if (app->feed_off)
			app_changed(app);
		else
			app->feed_again = true;
		return;
	}
	if (app->feed_ticket != 0) {
		app->feed_again = true;
		return;
	}
	/* The busy times the screens show, all together (one rdv.feed_busy call). */
	int agents[MAX_SCREENS * MAX_BUSY_AGENTS], n = 0;
	rdv_date from = INT_MAX, to = INT_MIN;
	for (int i = 0; i < app->nscreens; i++) {
		const struct screen *sc = &app->screens[i];
		for (int k = 0; k < sc->nbusy; k++) {
			/* Each agent once; rdv.feed_busy takes 100 at most. */
			bool seen = false;
			for (int j = 0; j < n && !seen; j++)
				seen = agents[j] == sc->busy_agents[k];
			if (!seen && n < 100)
				agents[n++] = sc->busy_agents[k];
		}
		if (sc->nbusy > 0 && sc->busy_from < from)
			from = sc->busy_from;
		if (sc->nbusy > 0 && sc->busy_to > to)
			to = sc->busy_to;
	}
	app->feed_ticket = db_send_feed_busy(app_read_db(app), app->feed_cursor, agents, n, from, to);
	app_bind(app, app->feed_ticket, app, NULL, NULL);
}

/*
 * Tell the screens what the feed says: a reset (or a screen whose load was
 * lost with the link) reloads in full; otherwise each screen sees the
 * changes and stays as it is when none touches what it shows.
 */
static void
feed_dispatch(struct app *app, const struct db_feed *f)
{
	struct app_change c = {.feed = f};
	bool news = f->nchanges > 0 || f->nbusy > 0;
	const struct app_change *before = app->change;
	for (int i = 0; i < app->nscreens; i++) {
		struct screen *sc = &app->screens[i];
		bool full = f->reset || sc->stale;
		sc->stale = false;
		if (!full && !news)
			continue;
		app->change = full ? NULL : &c;
		if (sc->ops->changed)
			app_apply(app, sc->ops->changed(sc->state, app));
	}
	app->change = before;
	app->redraw = true;
}

/* The feed's answer: tell the screens what changed, or that everything may have. */
static void
feed_done(struct app *app, struct db_reply *r)
{
	app->feed_ticket = 0;
	bool catchup = app->feed_catchup;
	app->feed_catchup = false;
	if (r->error) {
		/* The replica's link was lost under the read: read again (from the primary). */
		if (app->rd && strncmp(r->error->sqlstate, "08", 2) == 0 && db_link(app->db) == DB_LINK_UP) {
			app->feed_wait = true;
			return;
		}
		/* Lost link: the next reconnection catches up. A refused session
		 * token (pooled, 28000) is renewed. Otherwise no feed (an older
		 * schema): back to reloading on every wake-up. */
		if (db_link(app->db) == DB_LINK_UP && strcmp(r->error->sqlstate, "28000") != 0) {
			app->feed_off = true;
			app_changed(app);
		}
		app->feed_again = false;
		return;
	}
	struct db_feed *f = r->data;
	bool first = app->feed_cursor == NULL;
	trace_event(catchup ? "catchup" : "feed", f->reset ? -1 : f->nchanges);
	if (f->nbusy > 0)
		trace_event("busy", f->nbusy);
	free(app->feed_cursor);
	app->feed_cursor = xstrdup(f->cursor);
	if (!first)
		feed_dispatch(app, f);
	if (app->feed_again) {
		app->feed_again = false;
		/* With a replica, the wake-up's read waits for it too (read_timers). */
		if (app->rd)
			app->feed_wait = true;
		else
			feed_read(app);
	}
}

static void
app_changed(struct app *app)
{
	for (int i = 0; i < app->nscreens; i++)
		if (app->screens[i].ops->changed)
			app_apply(app, app->screens[i].ops->changed(app->screens[i].state, app));
	app->redraw = true;
}

void
app_feed_busy(struct app *app, void *state, const int *agents, int n, rdv_date from, rdv_date to)
{
	int at = screen_index(app, state);
	/* From open(): the entry has no state yet. */
	struct screen *sc = at >= 0 ? &app->screens[at] : app->opening;
	if (sc == NULL)
		return;
	sc->nbusy = n < MAX_BUSY_AGENTS ? n : MAX_BUSY_AGENTS;
	for (int k = 0; k < sc->nbusy; k++)
		sc->busy_agents[k] = agents[k];
	sc->busy_from = from;
	sc->busy_to = to;
}

void
app_refresh_all(struct app *app)
{
	app_changed(app);
}

void
app_refresh_after(struct app *app, const struct app_change *change)
{
	const struct app_change *before = app->change;
	app->change = change;
	app_changed(app);
	app->change = before;
}

const struct app_change *
app_change(struct app *app)
{
	return app->change;
}

/*
 * The next attempt after a failure: half a second, then doubling up to 2 s
 * (a failover is over in a few seconds, and the client must be back within
 * 5 s of it), each delay moved by up to a quarter at random so that the
 * desks of a whole country do not knock at the same instant.
 */
static void
link_schedule_retry(struct app *app)
{
	int ms = backoff_delay(&app->backoff);
	if (ms > LINK_BACKOFF_MAX_MS) {
		ms = LINK_BACKOFF_MAX_MS;
		app->backoff.next_ms = LINK_BACKOFF_MAX_MS;
	}
	ms += (int)((double)ms / 4 * (2 * drand48() - 1));
	app->next_attempt = monotonic_ms() + ms;
	app->redraw = true;
}

/* The host under attempt changed (multi-host conninfo): it gets its own time. */
static void
link_track_host(struct app *app)
{
	const char *h = db_server(app->db);
	if (h == NULL || (app->attempt_host && strcmp(h, app->attempt_host) == 0))
		return;
	free(app->attempt_host);
	app->attempt_host = xstrdup(h);
	app->attempt_deadline = monotonic_ms() + db_connect_timeout_ms(app->db);
}

/* React to a change of the link seen after db_pump(). */
static void
link_changed(struct app *app, enum db_link before)
{
	enum db_link after = db_link(app->db);
	if (before == DB_LINK_UP && after != DB_LINK_UP) {
		trace_event("link-lost", 0);
		app_message(app, true, "Connexion perdue : reconnexion automatique");
		backoff_reset(&app->backoff);
		link_schedule_retry(app);
	} else if (before == DB_LINK_CONNECTING && after == DB_LINK_DOWN) {
		link_schedule_retry(app);
	} else if (before == DB_LINK_CONNECTING && after == DB_LINK_UP) {
		trace_event("link-up", 0);
		backoff_reset(&app->backoff);
		free(app->attempt_host);
		app->attempt_host = NULL;
		app_message(app, false, "Connexion rétablie.");
		if (app->feed_cursor != NULL && !app->feed_off && app->feed_ticket == 0) {
			/* Catch up: what changed meanwhile, from the saved cursor; only the
			 * screens it touches reload (all of them when the cursor is no good
			 * there: pruned past, another cluster). */
			app->feed_catchup = true;
			feed_read(app);
		} else {
			/* The feed's start cursor was lost with the link: ask again, before the loads. */
			if (app->feed_cursor == NULL && !app->feed_off && app->feed_ticket == 0) {
				app->feed_ticket = db_send_feed(app->db, NULL);
				db_request_bind(app->db, app->feed_ticket, app, NULL, NULL);
			}
			/* No cursor to catch up from: every screen reloads, once. */
			app_changed(app);
		}
	} else if (after == DB_LINK_CONNECTING) {
		link_track_host(app);
	}
}

static void
app_db_event(struct app *app)
{
	enum db_link before = db_link(app->db);
	db_pump(app->db);
	link_changed(app, before);
	app_replies(app);
	if (db_take_change(app->db)) {
		if (app->rd) {
			/* Read the feed on the replica once it replayed what was notified. */
			readdb_primary_moved(app->rd);
			app->feed_wait = true;
		} else {
			feed_read(app);
		}
	}
	app->redraw = true;
}

/*
 * Pooled mode: a new session token when half the old one's life is gone, or
 * at once when the server refused it (expired, revoked). A short blocking
 * connection as the agent itself; the token is never shown nor traced.
 */
static void
pool_renew(struct app *app)
{
	bool refused = db_pool_refused(app->db);
	struct db_error *err = NULL;
	bool ok = db_pool_renew(app->db, &err);
	trace_event("token-renew", ok);
	if (!ok && refused)
		app_message(app, true, "Session expirée, renouvellement impossible : %s", db_error_text(err));
	db_error_free(err);
	if (ok && refused) {
		/* What the refused token could not load is loaded again. */
		app_message(app, false, "Session renouvelée.");
		app_changed(app);
	}
	app->redraw = true;
}

/* The read connection's socket (or a timer) woke us. */
static void
app_read_db_event(struct app *app)
{
	struct db *rdb = readdb_db(app->rd);
	enum db_link before = db_link(rdb);
	db_pump(rdb);
	/* Replies (errors of a lost link included) first: the link's message then stays. */
	app_replies(app);
	readdb_link_changed(app->rd, app, (int)before);
	app->redraw = true;
}

/* The replica's timers, and a feed read waiting for it. */
static void
read_timers(struct app *app)
{
	if (app->rd == NULL)
		return;
	readdb_tick(app->rd, app);
	if (app->feed_wait && readdb_feed_ready(app->rd)) {
		app->feed_wait = false;
		feed_read(app);
	}
}

/* Start the attempt that is due, give up one that takes too long. */
static void
link_timers(struct app *app)
{
	long long now = monotonic_ms();
	if (db_pool_renew_due(app->db))
		pool_renew(app);
	switch (db_link(app->db)) {
	case DB_LINK_UP:
		/* libpq saw the break while sending: let db_pump() answer and close. */
		if (!db_connected(app->db)) {
			app_db_event(app);
			break;
		}
		/* A hot standby or a pooler cannot LISTEN: read the feed every few seconds. */
		if (db_polls_feed(app->db) && now >= app->feed_poll_due) {
			app->feed_poll_due = now + FEED_POLL_MS;
			feed_read(app);
		}
		break;
	case DB_LINK_DOWN:
		if (now < app->next_attempt)
			break;
		trace_event("link-attempt", 0);
		free(app->attempt_host);
		app->attempt_host = NULL;
		if (db_reconnect_start(app->db)) {
			link_track_host(app);
			/* libpq may have finished (or failed) already; poll will tell. */
		} else {
			link_schedule_retry(app);
		}
		app->redraw = true;
		break;
	case DB_LINK_CONNECTING:
		if (now >= app->attempt_deadline) {
			db_reconnect_abort(app->db, "délai de connexion dépassé");
			link_schedule_retry(app);
		}
		break;
	}
}

/*
 * How long poll() may sleep: until the next timer (attempt due, attempt too
 * long, the countdown's next second), at most a second. Never 0 unless
 * something is due, so waiting for the server costs no CPU.
 */
static int
link_poll_timeout(struct app *app)
{
	long long now = monotonic_ms(), t = TICK_MS;
	switch (db_link(app->db)) {
	case DB_LINK_DOWN: {
		long long wait = app->next_attempt - now;
		if (wait < t)
			t = wait;
		if (wait > 0 && wait % 1000 > 0 && wait % 1000 < t)
			t = wait % 1000;
		break;
	}
	case DB_LINK_CONNECTING:
		if (app->attempt_deadline - now < t)
			t = app->attempt_deadline - now;
		break;
	case DB_LINK_UP:
		break;
	}
	for (int i = 0; i < app->ntimers; i++)
		if (app->timers[i].due - now < t)
			t = app->timers[i].due - now;
	if (app->rd && t > 0)
		t = readdb_timeout(app->rd, (int)t);
	return t < 0 ? 0 : (int)t;
}

/*
 * Read the keys waiting. An escape sequence the terminal description does
 * not know (F5 under TERM=vt100 arrives as ESC [ 1 5 ~) is dropped with a
 * word, rather than read as Échap followed by digits that are commands.
 */
static void
app_read_keys(struct app *app)
{
	wint_t ch;
	int kind;
	while (!app->quit && (kind = get_wch(&ch)) != ERR) {
		if (kind != KEY_CODE_YES && ch == 27) {
			wint_t next;
			int nk = get_wch(&next);
			if (nk == ERR) {
				app_key(app, ch, false);
				continue;
			}
			if (nk != KEY_CODE_YES && (next == '[' || next == 'O')) {
				/* CSI: parameters and intermediates up to a final byte; SS3: one byte. */
				wint_t c;
				int ck;
				if (next == 'O')
					get_wch(&c);
				else
					while ((ck = get_wch(&c)) != ERR && ck != KEY_CODE_YES && c >= 0x20 &&
					       c < 0x40)
						;
				trace_event("key", 27);
				app_message(app, true, "Touche inconnue de ce terminal : voir l'aide (?)");
				continue;
			}
			app_key(app, ch, false);
			app_key(app, next, nk == KEY_CODE_YES);
			continue;
		}
		app_key(app, ch, kind == KEY_CODE_YES);
	}
}

/* Ctrl+C (SIGINT, the terminal is in cbreak mode): quit, asking first if typed input would be lost. */
static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
app_interrupt(struct app *app)
{
	interrupted = 0;
	if (app->confirming)
		return;
	if (!app_unsaved(app)) {
		app->quit = true;
		return;
	}
	app->confirming = true;
	app->confirm_quit = true;
	app->redraw = true;
}

static void
app_loop(struct app *app)
{
	while (!app->quit) {
		link_timers(app);
		read_timers(app);
		if (app->redraw)
			app_draw(app);
		/* The terminal, the server, then the sources the screens registered. */
		struct pollfd fds[2 + MAX_WATCHES + 1] = {{.fd = STDIN_FILENO, .events = POLLIN},
							  {.fd = -1}};
		int fd = db_fd(app->db);
		short events = db_poll_events(app->db);
		if (fd >= 0 && events) {
			fds[1].fd = fd;
			fds[1].events = events;
		}
		int nwatches = app->nwatches;
		struct watch watches[MAX_WATCHES];
		for (int i = 0; i < nwatches; i++) {
			watches[i] = app->watches[i];
			fds[2 + i] = (struct pollfd){.fd = watches[i].fd, .events = POLLIN};
		}
		/* The read connection (read_db), last. */
		struct pollfd *rfd = &fds[2 + nwatches];
		*rfd = (struct pollfd){.fd = -1};
		if (app->rd && db_fd(readdb_db(app->rd)) >= 0 && db_poll_events(readdb_db(app->rd))) {
			rfd->fd = db_fd(readdb_db(app->rd));
			rfd->events = db_poll_events(readdb_db(app->rd));
		}
		int n = poll(fds, (nfds_t)(3 + nwatches), link_poll_timeout(app));
		if (n < 0 && errno != EINTR)
			break;
		if (interrupted)
			app_interrupt(app);
		if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR | POLLNVAL)))
			app_db_event(app);
		if (rfd->fd >= 0 && (rfd->revents & (POLLIN | POLLOUT | POLLHUP | POLLERR | POLLNVAL)))
			app_read_db_event(app);
		for (int i = 0; i < nwatches; i++) {
			if (!(fds[2 + i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
				continue;
			/* Still registered (an earlier callback may have closed the screen or the fd). */
			bool live = false;
			for (int k = 0; k < app->nwatches; k++)
				if (app->watches[k].fd == watches[i].fd && app->watches[k].owner == watches[i].owner)
					live = true;
			if (live && screen_index(app, watches[i].owner) >= 0) {
				app_apply_from(app, watches[i].owner,
					       watches[i].ready(watches[i].owner, app, watches[i].fd));
				app->redraw = true;
			}
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		app_timers(app);
		app_read_keys(app);
		/* Requests made while the link is down are answered at once. */
		app_replies(app);
		/* A timer ran out: the countdown, the "today" marker and the status may change. */
		if (n == 0)
			app->redraw = true;
	}
}

/* User key bindings: "bind.<action> = keys" lines of the configuration file. */
static void
app_load_bindings(struct app *app)
{
	for (int a = 1; a < ACT_COUNT; a++) {
		char *key = xasprintf("bind.%s", keys_action((enum action)a)->name);
		char *value = config_get(key);
		char *err = NULL;
		if (value && !keys_bind(keys_action((enum action)a)->name, value, &err)) {
			app_message(app, true, "Configuration : %s", err);
			free(err);
		}
		free(value);
		free(key);
	}
}

/* Config pool_ttl: minutes a pooled session token lives (default 60, 1..1440). 0 after a message. */
static int
pool_ttl_seconds(void)
{
	char *v = config_get("pool_ttl");
	long minutes = 60;
	if (v) {
		char *end;
		minutes = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || minutes < 1 || minutes > 1440) {
			fprintf(stderr, "rdv: pool_ttl : nombre de minutes entre 1 et 1440 attendu, pas « %s »\n", v);
			free(v);
			return 0;
		}
		free(v);
	}
	return (int)minutes * 60;
}

int
ui_main(const struct ui_options *opt)
{
	struct db_error *err = NULL;
	int pool_ttl = 0;
	char *pool = opt->pool_conninfo ? xstrdup(opt->pool_conninfo) : config_get("pool_db");
	if (pool && *pool && (pool_ttl = pool_ttl_seconds()) == 0) {
		free(pool);
		return 2;
	}
	char *conninfo = opt->conninfo ? NULL : config_get("db");
	struct db *db = db_connect(opt->conninfo ? opt->conninfo : conninfo, &err);
	free(conninfo);
	/* Pooled: the agent logs in as itself, takes a token, then goes through the pooler. */
	if (db && pool && *pool && !db_pool_switch(db, pool, pool_ttl, &err)) {
		db_free(db);
		db = NULL;
	}
	free(pool);
	if (db == NULL) {
		fprintf(stderr, "rdv: %s\n", err->message);
		db_error_free(err);
		return 1;
	}
	struct db_session *session = db_session_load(db, opt->organisation_id, &err);
	if (session == NULL || !db_listen(db, &err)) {
		fprintf(stderr, "rdv: %s\n", err->message);
		db_error_free(err);
		db_session_free(session);
		db_free(db);
		return 1;
	}
	struct app app = {.db = db, .session = session, .have_now = opt->have_now, .now = opt->now,
			  .backoff = {BACKOFF_FIRST_MS}};
	/* Each desk its own reconnection jitter. */
	srand48((long)getpid() ^ (long)time(NULL));
	/* Reads on a replica: a second connection, made from the loop (never blocks the start). */
	char *read_conninfo = opt->read_conninfo ? NULL : config_get("read_db");
	const char *rc = opt->read_conninfo ? opt->read_conninfo : read_conninfo;
	char *lag_cfg = config_get("read_db_max_lag");
	int max_lag = 0;
	if (lag_cfg) {
		char *end;
		long v = strtol(lag_cfg, &end, 10);
		if (*end != '\0' || v < 1 || v > 86400)
			app_message(&app, true, "Configuration : read_db_max_lag, secondes de 1 à 86400 (%d par défaut)",
				    READDB_LAG_MAX_S);
		else
			max_lag = (int)v;
		free(lag_cfg);
	}
	if (rc && *rc)
		app.rd = readdb_new(rc, db, max_lag);
	free(read_conninfo);
	const char *trace_path = getenv("RDV_TRACE");
	if (trace_path && *trace_path)
		trace_file = fopen(trace_path, "a");
	app.tz = tz_open(session->time_zone);

	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (initscr() == NULL) {
		fprintf(stderr, "rdv: terminal inutilisable (TERM=%s)\n", getenv("TERM"));
		return 1;
	}
	cbreak();
	struct sigaction sa = {.sa_handler = on_sigint};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: poll() returns at once */
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);

	char *theme_err = NULL;
	char *theme_cfg = opt->theme ? NULL : config_get("theme");
	const char *theme = opt->theme ? opt->theme : theme_cfg ? theme_cfg : session->theme;
	if (!theme_load(theme, &theme_err)) {
		if (opt->theme) {
			/* A bad --theme is a command-line error: say it on stderr. */
			endwin();
			fprintf(stderr, "rdv: %s\n", theme_err);
			free(theme_err);
			tz_free(app.tz);
			readdb_free(app.rd);
			db_session_free(session);
			db_free(db);
			return 2;
		}
		app_message(&app, true, "%s : thème par défaut", theme_err);
		free(theme_err);
		theme_err = NULL;
		theme_load(NULL, &theme_err);
		free(theme_err);
	}
	free(theme_cfg);
	char *accessible_cfg = config_get("accessible");
	theme_set_accessible(opt->accessible ||
			     (accessible_cfg && (strcmp(accessible_cfg, "true") == 0 ||
						 strcmp(accessible_cfg, "oui") == 0 || strcmp(accessible_cfg, "1") == 0)));
	free(accessible_cfg);
	keys_init();
	app_load_bindings(&app);

	/* The feed's start cursor, read before the first load so that nothing is missed. */
	app.feed_ticket = db_send_feed(db, NULL);
	db_request_bind(db, app.feed_ticket, &app, NULL, NULL);
	app.feed_poll_due = monotonic_ms() + FEED_POLL_MS;
	app_push(&app, &week_screen, NULL);
	if (db_read_only(db))
		app_message(&app, false, "Serveur secondaire : consultation seulement, modifications refusées");
	app.redraw = true;
	app_loop(&app);

	while (app.nscreens > 0)
		app_pop(&app);
	endwin();
	if (trace_file)
		fclose(trace_file);
	trace_file = NULL;
	tz_free(app.tz);
	free(app.attempt_host);
	free(app.feed_cursor);
	readdb_free(app.rd);
	db_session_free(session);
	db_free(db);
	return 0;
}
