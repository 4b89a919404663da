/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_SCREEN_H
#define RDV_UI_SCREEN_H

#include <stdbool.h>
#include <wchar.h>

#include "core/caltime.h"
#include "core/slots.h"
#include "db/db.h"
#include "ui/keys.h"

/*
 * A screen is a table of callbacks over private state (tmux window modes,
 * tig view_ops). Handlers return what must happen next; they never reach
 * into another screen.
 */
/*
 * What a screen holds that a key could lose, from its input() callback.
 * INPUT_FORM: a form or a text field has the keyboard; a printable key it
 * does not take is never a command (q does not quit, a digit does not
 * change screens). INPUT_UNSAVED: changes not saved yet; Échap, another
 * screen's key and quitting ask before dropping them (one question, asked
 * by the application, see app_key()). INPUT_ESC_KEEPS: Échap now closes
 * only a part of the screen (a picker, a warning) and keeps the changes.
 */
enum screen_input {
	INPUT_NONE = 0,
	INPUT_FORM = 1 << 0,
	INPUT_UNSAVED = 1 << 1,
	INPUT_ESC_KEEPS = 1 << 2,
};

enum screen_result {
	SCREEN_NONE = 0,
	SCREEN_REDRAW = 1 << 0,
	SCREEN_CLOSE = 1 << 1,
	SCREEN_QUIT = 1 << 2,
};

struct app;

struct screen_ops {
	const char *name;
	void *(*open)(struct app *app, void *arg);
	/* Draw rows 0 … LINES-2; the last row is the status line. */
	void (*draw)(void *state, struct app *app);
	int (*key)(void *state, struct app *app, enum action action, wint_t ch, bool is_code);
	/* Optional: the terminal changed size (the screen is redrawn anyway). */
	int (*resize)(void *state, struct app *app);
	/* Something changed in the database (change feed, reconnection). */
	int (*changed)(void *state, struct app *app);
	void (*close)(void *state);
	/* Short hints for the status line: the actions worth showing here. */
	const enum action *hints;
	/*
	 * The screen's keymap, as tig's per-view keymaps: the actions it takes,
	 * ACT_NONE-terminated. key() receives only these; any other key arrives
	 * as ACT_NONE with its raw ch (text for a focused field, which takes the
	 * keys of keys_field_help()). The application's actions (quit, help, the
	 * main screens) are handled by ui/app.c alone unless listed here; Échap
	 * is the screen's when listed.
	 */
	const enum action *keymap;
	/* A dialog over the screen below: q and Échap close it (q never quits from it). */
	bool dialog;
	/* Optional: enum screen_input flags for the current state (none when NULL). */
	unsigned (*input)(void *state);
	/* Optional: text for the status line, e.g. "3 rendez-vous à renseigner". Borrowed. */
	const char *(*status)(void *state);
	/*
	 * Optional: frees the arg of app_push(). Set when the screen takes
	 * ownership of its arg (open() keeps or frees it); app_push() calls it
	 * when the screen cannot be opened. NULL: arg is borrowed (or NULL).
	 */
	void (*arg_free)(void *arg);
};

/* The actions moving in a list (ui/list.c), for the keymaps of screens that have one. */
#define KEYMAP_LIST ACT_SLOT_PREV, ACT_SLOT_NEXT, ACT_WEEK_PREV, ACT_WEEK_NEXT

/* What screens may use of the application. */
struct db *app_db(struct app *app);
/*
 * Where a read outside any write flow goes (the week, the slot and usager
 * searches): the replica of read_db when it is up, not lagging and has
 * replayed the agent's own writes, else app_db(). Send right after asking,
 * and bind with app_request() as usual (tickets are unique across both).
 */
struct db *app_read_db(struct app *app);
/* Cancel one request, on whichever connection it went to. */
void app_cancel(struct app *app, unsigned long ticket);
/* A line "what <ms> arg" in the RDV_TRACE file, if any (tests read it). */
void app_trace(const char *what, long arg);
const struct db_session *app_session(struct app *app);
/* Local wall-clock now (injected in tests). */
rdv_time app_now(struct app *app);
/* A message in the status line until the next key. */
void app_message(struct app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Open a screen above the current one. arg goes to ops->open(); when
 * ops->arg_free is set the screen owns it, and it is freed here if the
 * screen cannot be opened (MAX_SCREENS open already).
 */
void app_push(struct app *app, const struct screen_ops *ops, void *arg);

/*
 * Requests. A screen sends with db_send_*(app_db(app), …) and binds the
 * returned ticket to its state and a completion, which the event loop calls
 * once with the reply (loop is the struct app *), and only that one: no
 * other screen sees the reply. Closing the screen cancels its requests (the
 * reply's data is freed, the completion is not called). The completion
 * returns enum screen_result flags; SCREEN_CLOSE closes the owner.
 */
void app_request(struct app *app, void *state, unsigned long ticket, db_complete_fn done);
/* The same for a part of a screen (a picker): done gets arg; state still owns the request. */
void app_request_arg(struct app *app, void *state, unsigned long ticket, db_complete_fn done, void *arg);

/*
 * A file descriptor to poll for reading while the screen is open (a child's
 * pipe): ready() runs when poll() reports it, readable or closed. Remove it
 * with app_unwatch() before closing fd; closing the screen removes it.
 */
void app_watch(struct app *app, void *state, int fd, int (*ready)(void *state, struct app *app, int fd));
void app_unwatch(struct app *app, int fd);

/* Call fn once, ms milliseconds from now, unless the screen closed. */
void app_after(struct app *app, void *state, int ms, int (*fn)(void *state, struct app *app));

/*
 * Retry delays: 500 ms, then doubling up to 4 s (the reconnection caps
 * them at 2 s, with jitter: ui/app.c link_schedule_retry()). A load
 * that fails is sent again after backoff_delay(), never at once; reset it
 * when a load succeeds.
 */
struct backoff {
	int next_ms;
};
int backoff_delay(struct backoff *b);
void backoff_reset(struct backoff *b);

/* Close the screen of state, wherever it is in the stack (nothing if it is not open). */
void app_close(struct app *app, void *state);

/* Ask every open screen to load its data again (after a change made here). */
void app_refresh_all(struct app *app);

/*
 * The same, saying what changed, for the screens that must follow it (a
 * record whose usager was merged into another shows the survivor). During
 * those changed() callbacks app_change() returns it; otherwise NULL (the
 * change feed, a reconnection, Ctrl+L, app_refresh_all()).
 */
struct db_feed;
struct app_change {
	int usager_removed;  /* two usagers merged: the one that went into … */
	int usager_survivor; /* … this one */
	/* The change feed's rows since the last read (other desks' changes): a
	 * screen may stay as it is when none touches what it shows. */
	const struct db_feed *feed;
};
void app_refresh_after(struct app *app, const struct app_change *change);

/*
 * The agents whose busy times in every organisation (rdv.feed_busy) this
 * screen shows, on days [from, to]; each feed read then also asks which of
 * them changed, anywhere (struct db_feed's busy). Replaces the screen's
 * previous watch; n 0: none.
 */
void app_feed_busy(struct app *app, void *state, const int *agents, int n, rdv_date from, rdv_date to);
const struct app_change *app_change(struct app *app);

/* What "Trouver un RDV" hands to the booking screen, which owns and frees it. */
struct booking_request {
	struct slot slot;       /* local times */
	int motif_id;
	char *motif_name;
	int duration_min;
	char *agent_name;
	char *lieu_name;        /* NULL: no lieu */
	int usager_id;          /* chosen before the search (0: pick one) */
	char *usager_name;      /* its name, or NULL */
	void *close_too;        /* a screen to close as well once booked (borrowed), or NULL */
};

/*
 * "Trouver un RDV" opened for a usager ("prendre RDV pour cet usager", from
 * the usager record): the booking starts with the usager chosen. Passed as
 * the arg of app_push(); the search screen owns and frees it. NULL: nobody.
 */
struct search_request {
	int usager_id;
	char *usager_name;
};

/*
 * Where in the agenda an editing screen opens: the agent and the cell under
 * the cursor, and the item there (0: create a new one). Passed as the arg of
 * app_push(); the opened screen owns and frees it.
 */
struct agenda_target {
	int agent_id;
	rdv_date day;
	int minute;       /* start of the cursor's cell */
	int step;         /* minutes per cell (a default duration) */
	int item_id;      /* plage, absence or rdv id; 0 = new */
	int lieu_id;      /* the lieu of the plage under the cursor, 0 when none */
	bool remove;      /* opened to delete item_id (asks for confirmation) */
};

extern const struct screen_ops week_screen;
extern const struct screen_ops help_screen;
extern const struct screen_ops usagers_screen;
extern const struct screen_ops usager_record_screen;
extern const struct screen_ops duplicates_screen;
extern const struct screen_ops merge_screen;
extern const struct screen_ops rdvlist_screen;
extern const struct screen_ops account_screen;
extern const struct screen_ops search_screen;
extern const struct screen_ops booking_screen;
extern const struct screen_ops rdv_screen;
extern const struct screen_ops rdv_status_screen;
extern const struct screen_ops to_fill_screen;
extern const struct screen_ops plage_screen, absence_screen, admin_screen;

#endif
