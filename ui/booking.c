/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/slots.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/pick.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * Booking a slot found by "Trouver un RDV": pick the usager (search as you
 * type by name, e-mail or phone) or create one inline, confirm, book. The
 * booking is one database function; a slot taken meanwhile by another desk
 * comes back as "Ce créneau vient d'être pris" and the results refresh.
 */

enum mode { MODE_PICK, MODE_CONFIRM, MODE_SENDING };

struct booking {
	struct booking_request *req;
	enum mode mode;
	struct usager_picker picker;
	unsigned long book_ticket;
};

static const enum action pick_hints[] = {ACT_SELECT, ACT_NEW, ACT_CANCEL, ACT_NONE};

static void *
booking_open(struct app *app, void *arg)
{
	(void)app;
	struct booking *b = xcalloc(1, sizeof *b);
	b->req = arg;
	picker_init(&b->picker);
	/* Opened for a usager: straight to the confirmation (Échap picks another). */
	if (b->req->usager_id) {
		b->picker.picked_id = b->req->usager_id;
		b->picker.picked_name = xstrdup(b->req->usager_name ? b->req->usager_name : "?");
		b->mode = MODE_CONFIRM;
	}
	return b;
}

static void
booking_close(void *state)
{
	struct booking *b = state;
	picker_free(&b->picker);
	free(b->req->motif_name);
	free(b->req->agent_name);
	free(b->req->lieu_name);
	free(b->req->usager_name);
	free(b->req);
	free(b);
}

static void
booking_draw(void *state, struct app *app)
{
	struct booking *b = state;
	const struct booking_request *r = b->req;
	(void)app;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE), " Trouver un RDV › Réserver ce créneau");
	char when[CAL_WHEN_FR_SIZE];
	char *line = xasprintf("%s · %d min · %s · avec %s", cal_format_when_fr(r->slot.start, when),
			       r->duration_min, r->motif_name, r->agent_name);
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), line);
	free(line);
	if (r->lieu_name)
		draw_text(3, 2, COLS - 4, theme_attr(SLOT_NORMAL), r->lieu_name);
	int y = 5;
	if (b->mode == MODE_PICK) {
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
	draw_text(y + 2, 2, COLS - 4, theme_attr(SLOT_NORMAL),
		  b->mode == MODE_SENDING ? "enregistrement…"
					  : "Entrée : confirmer · Échap : revenir au choix de l'usager");
}

static void
book_send(struct booking *b, struct app *app)
{
	int agent = (int)b->req->slot.agent_id;
	struct db_booking bk = {
	    .motif_id = b->req->motif_id,
	    .lieu_id = b->req->slot.has_lieu ? (int)b->req->slot.lieu_id : 0,
	    .starts_at = b->req->slot.start,
	    .duration_min = b->req->duration_min,
	    .agent_ids = &agent,
	    .nagents = 1,
	    .usager_ids = &b->picker.picked_id,
	    .nusagers = 1,
	};
	b->book_ticket = db_send_book(app_db(app), &bk);
	b->mode = MODE_SENDING;
}

static int
booking_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct booking *b = state;
	switch (b->mode) {
	case MODE_PICK:
		switch (picker_key(&b->picker, app, action, ch, is_code)) {
		case PICKER_PICKED:
			b->mode = MODE_CONFIRM;
			return SCREEN_REDRAW;
		case PICKER_CANCEL:
			return SCREEN_CLOSE;
		case PICKER_CHANGED:
			return SCREEN_REDRAW;
		default:
			return SCREEN_NONE;
		}
	case MODE_CONFIRM:
		if (action == ACT_SELECT) {
			book_send(b, app);
			return SCREEN_REDRAW;
		}
		if (action == ACT_CANCEL) {
			b->mode = MODE_PICK;
			return SCREEN_REDRAW;
		}
		return SCREEN_NONE;
	case MODE_SENDING:
		return SCREEN_NONE;
	}
	return SCREEN_NONE;
}

static int
booking_data(void *state, struct app *app, struct db_reply *reply)
{
	struct booking *b = state;
	switch (picker_data(&b->picker, app, reply)) {
	case PICKER_PICKED:
		b->mode = MODE_CONFIRM;
		return SCREEN_REDRAW;
	case PICKER_NONE:
		break;
	default:
		return SCREEN_REDRAW;
	}
	if (reply->kind == DB_REPLY_BOOKED && reply->ticket == b->book_ticket) {
		b->book_ticket = 0;
		if (reply->error) {
			app_message(app, true, "%s", db_error_text(reply->error));
			/* Another desk was faster: show what is free now. */
			app_refresh_all(app);
			return SCREEN_CLOSE;
		}
		rdv_date day = cal_time_date(b->req->slot.start);
		int m, d, min = cal_time_minute(b->req->slot.start);
		cal_ymd(day, NULL, &m, &d);
		app_message(app, false, "RDV enregistré : %s %02d/%02d %02dh%02d, %s, %s.",
			    cal_weekday_abbr_fr(cal_weekday(day)), d, m, min / 60, min % 60,
			    b->req->agent_name, b->picker.picked_name);
		app_refresh_all(app);
		return SCREEN_CLOSE;
	}
	return SCREEN_NONE;
}

/* The picker has a text field; a new usager being typed is unsaved (app_key asks). */
static unsigned
booking_input(void *state)
{
	struct booking *b = state;
	if (b->mode != MODE_PICK)
		return INPUT_NONE;
	return picker_input(&b->picker) | (b->picker.creating ? INPUT_ESC_KEEPS : 0);
}

const struct screen_ops booking_screen = {
    .input = booking_input,
    .name = "booking",
    .open = booking_open,
    .draw = booking_draw,
    .key = booking_key,
    .data = booking_data,
    .close = booking_close,
    .hints = pick_hints,
};
