/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/plages.h"
#include "db/rdvs.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/recurrence.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * An indisponibilité from the agenda: one-off (possibly over several days)
 * or recurring (a single day, weekly or monthly). New ones open at the
 * cursor, or tomorrow 09:00–18:00 without one (reference §9.1 item 15).
 * Once saved, the rdvs it falls on are listed and the agent may cancel them
 * one by one; nothing is cancelled automatically (seed: "ceux-ci ne seront
 * pas annulés automatiquement").
 */

/*
 * The editor's states (ui/editor.h): deleting is EDITOR_CONFIRM then
 * EDITOR_SENDING; once saved (EDITOR_DONE), the rdvs it falls on.
 */
enum after {
	AFTER_CHECKING, /* looking for the rdvs it falls on */
	AFTER_CONFLICTS,
	AFTER_CANCEL, /* "cancel this rdv?" */
	AFTER_CANCELLING,
};

struct absence_edit {
	struct agenda_target *target; /* NULL fields: opened without a cursor */
	struct editor ed;
	enum after after; /* EDITOR_DONE */
	struct db_plage_options *options; /* for the agent's name */
	struct db_absence *orig;
	unsigned long conflicts_ticket; /* the list of rdvs in flight, 0 when none */
	struct form *form;
	int f_title, f_first, f_start, f_last, f_end;
	struct recurrence_fields rec;
	int absence_id; /* once saved */
	struct db_absence_conflicts *conflicts;
	struct list list;
};

static const enum action form_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_HELP, ACT_NONE};
static const enum action absence_keymap[] = {ACT_SELECT, ACT_CANCEL, ACT_DELETE, KEYMAP_LIST, ACT_NONE};

static int absence_options(void *state, void *app, struct db_reply *reply);
static int absence_loaded(void *state, void *app, struct db_reply *reply);
static int absence_saved(void *state, void *app, struct db_reply *reply);
static int absence_deleted(void *state, void *app, struct db_reply *reply);
static int absence_conflicts(void *state, void *app, struct db_reply *reply);
static int absence_rdv_cancelled(void *state, void *app, struct db_reply *reply);

static void *
absence_open(struct app *app, void *arg)
{
	struct absence_edit *e = xcalloc(1, sizeof *e);
	e->target = arg ? arg : xcalloc(1, sizeof *e->target);
	if (e->target->agent_id == 0)
		e->target->agent_id = app_session(app)->agent_id;
	editor_init(&e->ed, e->target->remove ? EDITOR_CONFIRM : EDITOR_LOADING);
	app_request(app, e, db_send_plage_options(app_db(app), app_session(app), e->target->agent_id),
		    absence_options);
	if (e->target->item_id)
		app_request(app, e, db_send_absence_load(app_db(app), e->target->item_id), absence_loaded);
	return e;
}

static void
absence_close(void *state)
{
	struct absence_edit *e = state;
	form_free(e->form);
	db_plage_options_free(e->options);
	db_absence_free(e->orig);
	db_absence_conflicts_free(e->conflicts);
	editor_free(&e->ed);
	free(e->target);
	free(e);
}

static void
form_build(struct absence_edit *e, struct app *app)
{
	const struct db_absence *o = e->orig;
	struct form *f = e->form = form_new();
	rdv_date first, last;
	int start, end;
	if (o) {
		first = o->first_day;
		last = o->end_day;
		start = o->start;
		end = o->end;
	} else if (e->target->day == 0) {
		first = last = cal_time_date(app_now(app)) + 1;
		start = 9 * 60;
		end = 18 * 60;
	} else {
		first = last = e->target->day;
		start = e->target->minute;
		end = start < 18 * 60                ? 18 * 60
		      : start + 60 < CAL_MIN_PER_DAY ? start + 60
		                                     : CAL_MIN_PER_DAY;
	}
	e->f_title = form_add_text(f, "Titre", o ? o->title : "Indisponibilité", true);
	e->f_first = form_add_date(f, "Du", true, first, true);
	e->f_start = form_add_time(f, "Début", start, true);
	e->f_last = form_add_date(f, "Au", true, last, true);
	form_set_hint(f, e->f_last, "même jour si répétée");
	e->f_end = form_add_time(f, "Fin", end, true);
	recurrence_add(f, &e->rec, o ? o->rrule : NULL, first);
	e->ed.state = EDITOR_EDIT;
}

static void
conflict_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct absence_edit *e = ctx;
	const struct db_rdv_brief *b = &e->conflicts->items[index];
	rdv_date day = cal_time_date(b->starts_at);
	char date[11], hm[6];
	char *line =
	    xasprintf("%s %s %s · %s · %s", cal_weekday_abbr_fr(cal_weekday(day)),
	              cal_format_date_fr(day, date),
	              cal_format_hhmm(cal_time_minute(b->starts_at), hm), b->motif, b->usagers);
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL),
	              line);
	free(line);
}

static void
absence_draw(void *state, struct app *app)
{
	struct absence_edit *e = state;
	(void)app;
	draw_title_bar(e->target->remove    ? " Agenda › Supprimer l'indisponibilité"
	               : e->target->item_id ? " Agenda › Modifier l'indisponibilité"
	                                    : " Agenda › Nouvelle indisponibilité",
	               NULL);
	if (e->target->remove) {
		if (e->orig == NULL) {
			draw_loading(2);
			return;
		}
		char d1[11], d2[11], a[6], b[6];
		char *sum = xasprintf(
		    "%s · du %s %s au %s %s%s", e->orig->title,
		    cal_format_date_fr(e->orig->first_day, d1), cal_format_hhmm(e->orig->start, a),
		    cal_format_date_fr(e->orig->end_day, d2), cal_format_hhmm(e->orig->end, b),
		    e->orig->rrule[0] ? " (répétée : toutes ses occurrences)" : "");
		draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), sum);
		free(sum);
		if (e->ed.state == EDITOR_SENDING)
			draw_busy(4, " suppression… ");
		else
			draw_yes_no(4, "Supprimer cette indisponibilité ?");
		return;
	}
	if (e->ed.state == EDITOR_LOADING) {
		editor_draw(&e->ed, 2);
		return;
	}
	char *who = xasprintf("Agent : %s", e->options->agent_name);
	draw_text(1, 2, COLS - 4, theme_attr(SLOT_NORMAL), who);
	free(who);
	if (e->ed.state == EDITOR_EDIT || e->ed.state == EDITOR_SENDING) {
		int y = 3 + form_draw(e->form, 2, 2, COLS - 4, 13);
		rdv_date first;
		if (form_date(e->form, e->f_first, &first))
			recurrence_draw(e->form, &e->rec, first, y, theme_attr(SLOT_HEADER));
		editor_draw_hint(&e->ed, y + 1, "Entrée : enregistrer · Échap : annuler");
		return;
	}
	/* The rdvs the saved absence falls on. */
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), form_text(e->form, e->f_title));
	if (e->conflicts == NULL) {
		draw_text(4, 2, COLS - 4, A_BOLD, "recherche des rendez-vous concernés…");
		return;
	}
	if (e->conflicts->hidden > 0) {
		/* Rdvs of another organisation: counted, not shown (row-level security). */
		char *other =
		    xasprintf("Et %d rendez-vous dans une autre organisation, que vous ne "
		              "voyez pas : prévenez-la.",
		              e->conflicts->hidden);
		draw_text(5, 2, COLS - 4, theme_attr(SLOT_STATUS_ERROR), other);
		free(other);
	}
	if (e->conflicts->n == 0) {
		draw_text(3, 2, COLS - 4, theme_attr(SLOT_NORMAL),
		          "Aucun rendez-vous à annuler ici pendant cette indisponibilité.");
		draw_text(7, 2, COLS - 4, theme_attr(SLOT_GRID), "Échap : terminer");
		return;
	}
	char *head = xasprintf("%zu rendez-vous pendant cette indisponibilité.", e->conflicts->n);
	draw_text(3, 2, COLS - 4, theme_attr(SLOT_STATUS_ERROR), head);
	free(head);
	draw_text(4, 2, COLS - 4, theme_attr(SLOT_NORMAL),
	          "Ils ne sont pas annulés automatiquement : annulez-les un par un.");
	int h = LINES - 11;
	list_draw(&e->list, 7, 4, COLS - 8, h, conflict_row, e);
	int y = 8 + (int)(e->conflicts->n < (size_t)h ? e->conflicts->n : (size_t)h);
	if (e->after == AFTER_CANCEL && e->list.selected >= 0) {
		draw_yes_no(y, "Annuler ce rendez-vous (par le service) ?");
	} else {
		draw_text(y, 2, COLS - 4, theme_attr(SLOT_GRID),
		          e->after == AFTER_CANCELLING
		              ? "annulation…"
		              : "Entrée : annuler le rendez-vous choisi · Échap : terminer");
	}
}

static bool
absence_read(struct absence_edit *e, struct app *app, struct db_absence *out)
{
	char *err = NULL;
	if (!form_validate(e->form, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	form_date(e->form, e->f_first, &out->first_day);
	form_date(e->form, e->f_last, &out->end_day);
	form_time(e->form, e->f_start, &out->start);
	form_time(e->form, e->f_end, &out->end);
	if (cal_time(out->end_day, out->end) <= cal_time(out->first_day, out->start)) {
		e->form->focus = out->end_day < out->first_day ? e->f_last : e->f_end;
		app_message(app, true, "Au : la fin doit être après le début");
		return false;
	}
	if (form_choice_id(e->form, e->rec.repeat) != RECUR_NONE &&
	    out->end_day != out->first_day) {
		e->form->focus = e->rec.repeat;
		app_message(
		    app, true,
		    "Répétition : une indisponibilité sur plusieurs jours ne peut pas se répéter");
		return false;
	}
	if (!recurrence_read(e->form, &e->rec, out->first_day, &out->rrule, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	out->id = e->absence_id ? e->absence_id : e->target->item_id;
	out->agent_id = e->orig ? e->orig->agent_id : e->target->agent_id;
	out->title = (char *)form_text(e->form, e->f_title);
	return true;
}

/* Once saved: the rdvs it falls on, cancelled one by one. */
static int
after_key(struct absence_edit *e, struct app *app, enum action action, wint_t ch, bool is_code)
{
	switch (e->after) {
	case AFTER_CONFLICTS:
		if (list_key(&e->list, action, (int)ch, is_code))
			return SCREEN_REDRAW;
		if ((action == ACT_SELECT || action == ACT_DELETE) && e->list.selected >= 0) {
			e->after = AFTER_CANCEL;
			return SCREEN_REDRAW;
		}
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	case AFTER_CANCEL:
		if (action == ACT_SELECT) {
			int id = e->conflicts->items[e->list.selected].id;
			app_request(app, e, db_send_rdv_status(app_db(app), id, RDV_REVOKED), absence_rdv_cancelled);
			e->after = AFTER_CANCELLING;
			return SCREEN_REDRAW;
		}
		if (action == ACT_CANCEL) {
			e->after = AFTER_CONFLICTS;
			return SCREEN_REDRAW;
		}
		return SCREEN_NONE;
	case AFTER_CHECKING:
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	default:
		return SCREEN_NONE;
	}
}

static int
absence_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct absence_edit *e = state;
	/* Nothing to delete before it is in; Échap while deleting closes. */
	if (e->target->remove && (e->orig == NULL || e->ed.state == EDITOR_SENDING))
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	enum editor_step step = editor_key(&e->ed, action);
	if (step == EDITOR_SEND)
		app_request(app, e, db_send_absence_delete(app_db(app), e->orig->id), absence_deleted);
	if (step != EDITOR_UNHANDLED)
		return editor_result(step, true);
	if (e->ed.state == EDITOR_DONE)
		return after_key(e, app, action, ch, is_code);
	switch (form_key(e->form, ch, is_code)) {
	case FORM_CHANGED:
		return SCREEN_REDRAW;
	case FORM_SUBMIT: {
		struct db_absence a = {0};
		if (absence_read(e, app, &a)) {
			app_request(app, e, db_send_absence_save(app_db(app), &a), absence_saved);
			e->ed.state = EDITOR_SENDING;
		}
		free(a.rrule);
		return SCREEN_REDRAW;
	}
	case FORM_CANCEL:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

static void
conflicts_load(struct absence_edit *e, struct app *app)
{
	e->conflicts_ticket =
	    db_send_absence_conflicts(app_db(app), app_session(app), e->absence_id);
	app_request(app, e, e->conflicts_ticket, absence_conflicts);
}

/* The form is built once both the options and (when editing) the absence are in. */
static int
absence_ready(struct absence_edit *e, struct app *app)
{
	if (e->ed.state == EDITOR_LOADING && e->options && (e->target->item_id == 0 || e->orig))
		form_build(e, app);
	return SCREEN_REDRAW;
}

static int
absence_options(void *state, void *app, struct db_reply *reply)
{
	struct absence_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Indisponibilité : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->options = reply->data;
	reply->data = NULL;
	return absence_ready(e, app);
}

static int
absence_loaded(void *state, void *app, struct db_reply *reply)
{
	struct absence_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Indisponibilité : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->orig = reply->data;
	reply->data = NULL;
	return absence_ready(e, app);
}

static int
absence_saved(void *state, void *app, struct db_reply *reply)
{
	struct absence_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Indisponibilité non enregistrée : %s",
		            db_error_text(reply->error));
		editor_failed(&e->ed);
		return SCREEN_REDRAW;
	}
	e->absence_id = *(int *)reply->data;
	app_refresh_all(app);
	conflicts_load(e, app);
	e->ed.state = EDITOR_DONE;
	e->after = AFTER_CHECKING;
	return SCREEN_REDRAW;
}

static int
absence_conflicts(void *state, void *app, struct db_reply *reply)
{
	struct absence_edit *e = state;
	e->conflicts_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Indisponibilité enregistrée ; rendez-vous concernés : %s",
		            db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	bool first = e->after == AFTER_CHECKING;
	db_absence_conflicts_free(e->conflicts);
	e->conflicts = reply->data;
	reply->data = NULL;
	list_set_count(&e->list, (int)e->conflicts->n);
	size_t all = e->conflicts->n + (size_t)e->conflicts->hidden;
	if (first && all == 0) {
		app_message(app, false,
		            e->target->item_id ? "Indisponibilité modifiée." : "Indisponibilité enregistrée.");
		return SCREEN_CLOSE;
	}
	if (first)
		app_message(app, false, "Indisponibilité enregistrée : %zu rendez-vous concerné%s.", all,
		            all > 1 ? "s" : "");
	if (e->after != AFTER_CANCEL && e->after != AFTER_CANCELLING)
		e->after = AFTER_CONFLICTS;
	return SCREEN_REDRAW;
}

static int
absence_deleted(void *state, void *app, struct db_reply *reply)
{
	(void)state;
	if (reply->error || *(int *)reply->data == 0) {
		app_message(app, true, "Suppression refusée : %s",
		            reply->error ? db_error_text(reply->error)
		                         : "indisponibilité introuvable ou non modifiable");
		return SCREEN_CLOSE;
	}
	app_message(app, false, "Indisponibilité supprimée.");
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

/* An rdv of the list cancelled (par le service). */
static int
absence_rdv_cancelled(void *state, void *app, struct db_reply *reply)
{
	struct absence_edit *e = state;
	e->after = AFTER_CONFLICTS;
	if (reply->error) {
		app_message(app, true, "Rendez-vous non annulé : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	app_message(app, false, "Rendez-vous annulé (par le service).");
	/* The agenda and this list both reload (this screen's changed()). */
	app_refresh_all(app);
	return SCREEN_REDRAW;
}

/* Another desk (or this one) changed something: the list of rdvs may differ. */
static int
absence_changed(void *state, struct app *app)
{
	struct absence_edit *e = state;
	if (e->absence_id && (e->after == AFTER_CONFLICTS || e->after == AFTER_CANCELLING) &&
	    e->conflicts_ticket == 0)
		conflicts_load(e, app);
	return SCREEN_NONE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
absence_input(void *state)
{
	struct absence_edit *e = state;
	return editor_input(&e->ed, INPUT_FORM, form_dirty(e->form));
}

const struct screen_ops absence_screen = {
    .input = absence_input,
    .name = "absence",
    .open = absence_open,
    .draw = absence_draw,
    .key = absence_key,
    .arg_free = free,
    .changed = absence_changed,
    .close = absence_close,
    .hints = form_hints,
    .keymap = absence_keymap,
};
