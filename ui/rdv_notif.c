/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/rdv_notif.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/notif.h"
#include "ui/draw.h"
#include "ui/list.h"
#include "ui/theme.h"

/*
 * Keys: ↑↓ choose a participation; Espace flips "confirmations et
 * changements", r flips "rappel 48 h avant", R sends a reminder now to every
 * participant (the database refuses it for a started or cancelled rdv, and
 * for an rdv the agent may not read); Échap closes.
 */

struct rdv_notif {
	struct agenda_target *target;
	struct db_notifications *n;
	unsigned long load_ticket;
	unsigned long save_ticket;
	bool reminder_sent; /* the pending save is "rappel maintenant" */
	struct list list;
};

static const enum action notif_hints[] = {ACT_CANCEL, ACT_NONE};
static const enum action notif_keymap[] = {ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int notif_loaded(void *state, void *app, struct db_reply *reply);
static int notif_saved(void *state, void *app, struct db_reply *reply);

static void
notif_load(struct rdv_notif *s, struct app *app)
{
	if (s->load_ticket)
		db_cancel(app_db(app), s->load_ticket);
	s->load_ticket = db_send_rdv_notifications(app_db(app), app_session(app), s->target->item_id);
	app_request(app, s, s->load_ticket, notif_loaded);
}

static void *
notif_open(struct app *app, void *arg)
{
	struct rdv_notif *s = xcalloc(1, sizeof *s);
	s->target = arg;
	list_set_count(&s->list, 0);
	notif_load(s, app);
	return s;
}

static void
notif_close(void *state)
{
	struct rdv_notif *s = state;
	db_notifications_free(s->n);
	free(s->target);
	free(s);
}

static void
part_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct rdv_notif *s = ctx;
	const struct db_notif_part *p = &s->n->parts[index];
	char *line = xasprintf("%s %-28.28s  Confirmations et changements : %s   Rappel 48 h avant : %s",
	                       selected ? "▸" : " ", p->name ? p->name : "?",
	                       p->lifecycle ? "oui" : "non", p->reminder ? "oui" : "non");
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), line);
	free(line);
}

static void
notif_draw(void *state, struct app *app)
{
	(void)app;
	struct rdv_notif *s = state;
	draw_title_bar(" Rendez-vous › Notifications aux usagers", NULL);
	if (s->n == NULL) {
		draw_loading(2);
		return;
	}
	int y = 2;
	draw_text(y++, 1, COLS - 2, theme_attr(SLOT_HEADER), "Participants");
	int h = s->n->nparts ? (int)s->n->nparts : 1;
	if (h > LINES / 3)
		h = LINES / 3;
	if (s->n->nparts == 0)
		draw_text(y, 2, COLS - 4, theme_attr(SLOT_NORMAL), "Aucun usager dans ce rendez-vous.");
	else
		list_draw(&s->list, y, 1, COLS - 2, h, part_row, s);
	y += h + 1;
	draw_text(y++, 1, COLS - 2, theme_attr(SLOT_GRID),
	          "Espace : confirmations et changements · r : rappel 48 h avant · "
	          "R : envoyer un rappel maintenant · Échap : fermer");
	y++;
	char *head = xasprintf("Envois (%zu)", s->n->nreceipts);
	draw_text(y++, 1, COLS - 2, theme_attr(SLOT_HEADER), head);
	free(head);
	if (s->n->nreceipts == 0)
		draw_text(y++, 2, COLS - 4, theme_attr(SLOT_NORMAL), "Aucun envoi pour ce rendez-vous.");
	for (size_t i = 0; i < s->n->nreceipts && y < LINES - 1; i++) {
		const struct db_notif_receipt *r = &s->n->receipts[i];
		char *line = xasprintf("%s  %-14s %-6s %-28s %s%s%s%s", r->when, r->event, r->channel,
		                       r->recipient, r->result, r->detail ? " (" : "",
		                       r->detail ? r->detail : "", r->detail ? ")" : "");
		draw_text(y++, 2, COLS - 4, theme_attr(SLOT_NORMAL), line);
		free(line);
	}
}

static int
notif_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct rdv_notif *s = state;
	if (action == ACT_CANCEL)
		return SCREEN_CLOSE;
	if (s->n == NULL || s->save_ticket)
		return SCREEN_NONE;
	const struct db_notif_part *p =
	    s->list.selected >= 0 && (size_t)s->list.selected < s->n->nparts
	        ? &s->n->parts[s->list.selected]
	        : NULL;
	if (!is_code && (ch == L' ' || ch == L'r')) {
		if (p == NULL) {
			app_message(app, true, "Aucun participant sélectionné");
			return SCREEN_REDRAW;
		}
		s->reminder_sent = false;
		s->save_ticket = db_send_participation_flag_toggle(app_db(app), p->id, ch == L'r');
		app_request(app, s, s->save_ticket, notif_saved);
		return SCREEN_REDRAW;
	}
	if (!is_code && ch == L'R') {
		s->reminder_sent = true;
		s->save_ticket = db_send_reminder_now(app_db(app), s->target->item_id);
		app_request(app, s, s->save_ticket, notif_saved);
		return SCREEN_REDRAW;
	}
	if (list_key(&s->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	return SCREEN_NONE;
}

static int
notif_loaded(void *state, void *app, struct db_reply *reply)
{
	struct rdv_notif *s = state;
	s->load_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Notifications : %s", db_error_text(reply->error));
		return s->n ? SCREEN_REDRAW : SCREEN_CLOSE;
	}
	db_notifications_free(s->n);
	s->n = reply->data;
	reply->data = NULL;
	int sel = s->list.selected;
	list_set_count(&s->list, (int)s->n->nparts);
	if (sel >= 0 && sel < (int)s->n->nparts)
		s->list.selected = sel;
	return SCREEN_REDRAW;
}

static int
notif_saved(void *state, void *app, struct db_reply *reply)
{
	struct rdv_notif *s = state;
	s->save_ticket = 0;
	if (reply->error) {
		app_message(app, true, "%s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	int n = *(int *)reply->data;
	if (s->reminder_sent)
		app_message(app, n > 0 ? false : true,
		            n > 0 ? "Rappel mis en file d'envoi (%d message%s)."
		                  : "Aucun rappel envoyé : aucun usager joignable (%d).",
		            n, n > 1 ? "s" : "");
	else if (n == 0)
		app_message(app, true, "Modification refusée.");
	else
		app_message(app, false, "Préférence enregistrée.");
	notif_load(s, app);
	return SCREEN_REDRAW;
}

static int
notif_changed(void *state, struct app *app)
{
	notif_load(state, app);
	return SCREEN_NONE;
}

const struct screen_ops rdv_notif_screen = {
    .name = "rdv-notifications",
    .open = notif_open,
    .draw = notif_draw,
    .key = notif_key,
    .arg_free = free,
    .changed = notif_changed,
    .close = notif_close,
    .hints = notif_hints,
    .keymap = notif_keymap,
};
