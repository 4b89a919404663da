/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "core/xmalloc.h"
#include "db/rdvs.h"
#include "db/slots.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/focus.h"
#include "ui/pick.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * Booking a slot found by "Trouver un RDV": pick the usager (search as you
 * type by name, e-mail or phone) or create one inline, confirm, book. As the
 * rdv form (ui/editor.h), the agent's week is checked first and what they
 * should know (an indisponibilité, a holiday, no plage…) is shown, to
 * confirm or abandon. The slot was offered as free: an rdv on it now (or a
 * 23P01 from the database, one function) means another desk was faster —
 * "Ce créneau vient d'être pris" (WARNING_SLOT_TAKEN, refused) and the
 * results refresh.
 */

struct booking {
	struct booking_request *req;
	struct editor ed; /* EDITOR_EDIT: picking the usager; EDITOR_CONFIRM: "Rendez-vous pour …" */
	struct usager_picker picker;
};

static const enum action pick_hints[] = {ACT_SELECT, ACT_NEW, ACT_CANCEL, ACT_NONE};
static const enum action booking_keymap[] = {ACT_SELECT, ACT_NEW, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

/* A usager created in the picker: on to the confirmation. */
static int
booking_picked(void *state, struct app *app)
{
	struct booking *b = state;
	(void)app;
	b->ed.state = EDITOR_CONFIRM;
	return SCREEN_REDRAW;
}

static void *
booking_open(struct app *app, void *arg)
{
	(void)app;
	struct booking *b = xcalloc(1, sizeof *b);
	b->req = arg;
	picker_init(&b->picker);
	editor_init(&b->ed, EDITOR_EDIT);
	b->picker.owner = b;
	b->picker.on_picked = booking_picked;
	/* Opened for a usager: straight to the confirmation (Échap picks another). */
	if (b->req->usager_id) {
		b->picker.picked_id = b->req->usager_id;
		b->picker.picked_name = xstrdup(b->req->usager_name ? b->req->usager_name : "?");
		b->ed.state = EDITOR_CONFIRM;
	}
	return b;
}

/* Frees a struct booking_request (the arg of app_push()). */
static void
booking_request_free(void *arg)
{
	struct booking_request *req = arg;
	free(req->motif_name);
	free(req->agent_name);
	free(req->lieu_name);
	free(req->usager_name);
	free(req);
}

static void
booking_close(void *state)
{
	struct booking *b = state;
	picker_free(&b->picker);
	editor_free(&b->ed);
	booking_request_free(b->req);
	free(b);
}

static void
booking_draw(void *state, struct app *app)
{
	struct booking *b = state;
	const struct booking_request *r = b->req;
	(void)app;
	draw_title_bar(" Trouver un RDV › Réserver ce créneau", NULL);
	char when[CAL_WHEN_FR_SIZE];
	char *line = xasprintf("%s · %d min · %s · avec %s", cal_format_when_fr(r->slot.start, when),
			       r->duration_min, r->motif_name, r->agent_name);
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), line);
	free(line);
	if (r->lieu_name)
		draw_text(3, 2, COLS - 4, theme_attr(SLOT_NORMAL), r->lieu_name);
	int y = 5;
	if (b->ed.state == EDITOR_EDIT) {
		picker_draw(&b->picker, y, 2, COLS - 4, LINES - 2 - y);
		return;
	}
	char *t = xasprintf("Rendez-vous pour %s.", b->picker.picked_name);
	draw_text(y, 2, COLS - 4, A_BOLD, t);
	/* The question is the focus: what is booked, for whom. */
	focus_set(y, 2, NULL);
	focus_describe("Réserver le %s, %s, avec %s, pour %s ? Entrée : confirmer · Échap : revenir",
		       when, r->motif_name, r->agent_name, b->picker.picked_name);
	free(t);
	if (!editor_draw(&b->ed, y + 2))
		draw_text(y + 2, 2, COLS - 4, theme_attr(SLOT_NORMAL),
			  "Entrée : confirmer · Échap : revenir au choix de l'usager");
}

static int booking_booked(void *state, void *app, struct db_reply *reply);
static int booking_checked(void *state, void *app, struct db_reply *reply);

static void
book_send(struct booking *b, struct app *app)
{
	int agent = (int)b->req->slot.agent_id;
	/*
	 * Never acknowledge_overlap: what was confirmed here is never an
	 * overlap (refused above), and a slot taken since must stay a 23P01.
	 */
	struct db_rdv_save bk = {
	    .motif_id = b->req->motif_id,
	    .lieu_id = b->req->slot.has_lieu ? (int)b->req->slot.lieu_id : 0,
	    .starts_at = b->req->slot.start,
	    .duration_min = b->req->duration_min,
	    .agent_ids = &agent,
	    .nagents = 1,
	    .usager_ids = &b->picker.picked_id,
	    .nusagers = 1,
	};
	app_request(app, b, db_send_rdv_save(app_db(app), app_session(app), &bk), booking_booked);
	b->ed.state = EDITOR_SENDING;
}

/* The agent's week, to list what the agent should know (as the rdv form). */
static void
book_check(struct booking *b, struct app *app)
{
	int agent = (int)b->req->slot.agent_id;
	editor_check(&b->ed);
	app_request(app, b,
		    db_send_agenda(app_db(app), app_session(app), &agent, 1,
				   cal_week_start(cal_time_date(b->req->slot.start)), 7,
				   cal_time_date(app_now(app))),
		    booking_checked);
}

/* Another desk was faster: say so, and show what is free now. */
static int
book_refused(struct app *app, const struct warning *w)
{
	char *text = warning_text(w);
	app_message(app, true, "%s", text);
	free(text);
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

static int
booking_booked(void *state, void *app, struct db_reply *reply)
{
	struct booking *b = state;
	if (reply->error && strcmp(reply->error->sqlstate, "23P01") == 0) {
		struct warning taken = warning_slot_taken();
		int r = book_refused(app, &taken);
		free(taken.text);
		return r;
	}
	if (reply->error) {
		app_message(app, true, "%s", db_error_text(reply->error));
		/* Another desk was faster: show what is free now. */
		app_refresh_all(app);
		return SCREEN_CLOSE;
	}
	rdv_date day = cal_time_date(b->req->slot.start);
	char ddmm[6], hour[6];
	app_message(app, false, "RDV enregistré : %s %s %s, %s, %s.",
		    cal_weekday_abbr_fr(cal_weekday(day)), cal_format_ddmm_fr(day, ddmm),
		    cal_format_hour_fr(cal_time_minute(b->req->slot.start), hour),
		    b->req->agent_name, b->picker.picked_name);
	app_refresh_all(app);
	if (b->req->close_too)
		app_close(app, b->req->close_too);
	return SCREEN_CLOSE;
}

static int
booking_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct booking *b = state;
	enum editor_state was = b->ed.state;
	enum editor_step step = editor_key(&b->ed, action);
	/* Confirmed: check the week first; confirmed with its warnings: book. */
	if (step == EDITOR_SEND && was == EDITOR_CONFIRM)
		book_check(b, app);
	else if (step == EDITOR_SEND)
		book_send(b, app);
	/* Échap on the warnings comes back to the confirmation, on it to the usager. */
	if (step == EDITOR_REDRAW && was == EDITOR_WARNINGS)
		b->ed.state = EDITOR_CONFIRM;
	if (step != EDITOR_UNHANDLED)
		return editor_result(step, false);
	switch (picker_key(&b->picker, app, action, ch, is_code)) {
	case PICKER_PICKED:
		b->ed.state = EDITOR_CONFIRM;
		return SCREEN_REDRAW;
	case PICKER_CANCEL:
		return SCREEN_CLOSE;
	case PICKER_CHANGED:
		return SCREEN_REDRAW;
	default:
		return SCREEN_NONE;
	}
}

/* The agent's week: the warnings of the rdv form, or a refusal if the slot was taken. */
static int
booking_checked(void *state, void *app, struct db_reply *reply)
{
	struct booking *b = state;
	if (reply->error) {
		app_message(app, true, "Vérification : %s", db_error_text(reply->error));
		b->ed.state = EDITOR_CONFIRM;
		return SCREEN_REDRAW;
	}
	struct warnings w = {0};
	agenda_warnings(reply->data, (int)b->req->slot.agent_id, b->req->slot.start,
			b->req->slot.start + b->req->duration_min, 0, app_now(app), &w);
	warnings_for_free_slot(&w);
	const struct warning *refused = warnings_refusal(&w);
	if (refused) {
		int r = book_refused(app, refused);
		warnings_clear(&w);
		return r;
	}
	if (editor_checked(&b->ed, &w))
		book_send(b, app);
	return SCREEN_REDRAW;
}

/* The picker has a text field; a new usager being typed is unsaved (app_key asks). */
static unsigned
booking_input(void *state)
{
	struct booking *b = state;
	if (b->ed.state == EDITOR_WARNINGS)
		return INPUT_ESC_KEEPS;
	if (b->ed.state != EDITOR_EDIT)
		return INPUT_NONE;
	return picker_input(&b->picker) | (b->picker.creating ? INPUT_ESC_KEEPS : 0);
}

const struct screen_ops booking_screen = {
    .input = booking_input,
    .name = "booking",
    .open = booking_open,
    .draw = booking_draw,
    .key = booking_key,
    .arg_free = booking_request_free,
    .close = booking_close,
    .hints = pick_hints,
    .keymap = booking_keymap,
};
