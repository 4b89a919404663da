/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/choices.h"
#include "db/plages.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/recurrence.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * A plage d'ouverture from the agenda: create at the cursor, edit or delete
 * the one under it. Permanent (weekly on chosen weekdays, or monthly on the
 * n-th weekday of the first day, every 1 to 5 weeks or months, with or
 * without an end) or exceptional (one date); a lieu; at least one of the
 * motifs the agent may use, checked in a pane beside the form. An overlap
 * with another plage of the agent, or a motif longer than the plage, is a
 * warning (reference R-23, §1.10) confirmed on one screen with "Confirmer
 * en ignorant les avertissements". The database saves the plage and its
 * motifs in one statement.
 */

/* The editor's states (ui/editor.h); deleting is EDITOR_CONFIRM then EDITOR_SENDING. */

struct plage_edit {
	struct agenda_target *target;
	struct editor ed;
	struct db_plage_options *options;
	struct db_plage *orig;
	struct form *form;
	int f_title, f_date, f_start, f_end, f_lieu;
	struct recurrence_fields rec;
	bool *checked; /* per options->motifs */
	struct list motifs;
	bool in_motifs; /* the keyboard is in the motif pane */
	bool motifs_changed; /* a motif box ticked or cleared by the agent */
	/* What is being saved, kept for the confirmation. */
	struct db_plage_save save;
	char *title, *rrule;
	int *motif_ids;
};

static const enum action form_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_HELP, ACT_NONE};
static const enum action plage_keymap[] = {ACT_SELECT, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int plage_options(void *state, void *app, struct db_reply *reply);
static int plage_loaded(void *state, void *app, struct db_reply *reply);
static int plage_saved(void *state, void *app, struct db_reply *reply);
static int plage_deleted(void *state, void *app, struct db_reply *reply);

static void *
plage_open(struct app *app, void *arg)
{
	struct plage_edit *e = xcalloc(1, sizeof *e);
	e->target = arg;
	editor_init(&e->ed, e->target->remove ? EDITOR_CONFIRM : EDITOR_LOADING);
	app_request(app, e, db_send_plage_options(app_db(app), app_session(app), e->target->agent_id),
		    plage_options);
	if (e->target->item_id)
		app_request(app, e, db_send_plage_load(app_db(app), e->target->item_id), plage_loaded);
	return e;
}

static void
save_clear(struct plage_edit *e)
{
	free(e->title);
	free(e->rrule);
	free(e->motif_ids);
	e->title = e->rrule = NULL;
	e->motif_ids = NULL;
}

static void
plage_close(void *state)
{
	struct plage_edit *e = state;
	form_free(e->form);
	db_plage_options_free(e->options);
	db_plage_free(e->orig);
	editor_free(&e->ed);
	free(e->checked);
	save_clear(e);
	free(e->target);
	free(e);
}

/* Build the form once the options and (when editing) the plage are in. */
static void
form_build(struct plage_edit *e)
{
	const struct db_plage *o = e->orig;
	const struct db_plage_options *opt = e->options;
	struct form *f = e->form = form_new();
	rdv_date day = o ? o->first_day : e->target->day;
	int start = o ? o->start : e->target->minute;
	int end = o ? o->end : start + 180 < CAL_MIN_PER_DAY ? start + 180 : CAL_MIN_PER_DAY;
	e->f_title = form_add_text(f, "Titre", o ? o->title : "Permanence", true);
	e->f_date = form_add_date(f, "Date", true, day, true);
	form_set_hint(f, e->f_date, "premier jour si répétée");
	e->f_start = form_add_time(f, "Début", start, true);
	e->f_end = form_add_time(f, "Fin", end, true);
	e->f_lieu = form_add_choice(f, "Lieu", false);
	form_choice_add(f, e->f_lieu, 0, "— aucun —");
	for (size_t i = 0; i < opt->nlieux; i++)
		form_choice_add(f, e->f_lieu, opt->lieux[i].id, opt->lieux[i].name);
	form_choice_select(f, e->f_lieu, o ? o->lieu_id : e->target->lieu_id);
	if (form_choice_id(f, e->f_lieu) < 0)
		form_choice_select(f, e->f_lieu, opt->nlieux == 1 && !o ? opt->lieux[0].id : 0);
	recurrence_add(f, &e->rec, o ? o->rrule : NULL, day);
	e->checked = xcalloc(opt->nmotifs + 1, sizeof *e->checked);
	for (size_t i = 0; o && i < opt->nmotifs; i++)
		for (int k = 0; k < o->nmotifs; k++)
			if (o->motif_ids[k] == opt->motifs[i].id)
				e->checked[i] = true;
	list_set_count(&e->motifs, (int)opt->nmotifs);
	e->ed.state = EDITOR_EDIT;
}

static void
motif_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct plage_edit *e = ctx;
	const struct db_plage_motif *m = &e->options->motifs[index];
	bool on_site = strcmp(m->location_type, "public_office") == 0;
	char *line = xasprintf("[%s] %s, %d min%s%s", e->checked[index] ? "x" : " ", m->name,
	                       m->duration_min, on_site ? "" : ", ",
	                       on_site ? "" : db_location_type_label(m->location_type));
	int attr = selected && e->in_motifs ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	draw_text_pad(y, x, width, attr, line);
	free(line);
}

static void
title_draw(struct plage_edit *e)
{
	draw_title_bar(e->target->remove    ? " Agenda › Supprimer la plage d'ouverture"
	               : e->target->item_id ? " Agenda › Modifier la plage d'ouverture"
	                                    : " Agenda › Nouvelle plage d'ouverture",
	               NULL);
}

/* "mercredi 20/05/2026 · 09:00–12:00 · Renfort accueil" */
static char *
plage_summary(const struct db_plage *p)
{
	char date[11], a[6], b[6];
	return xasprintf("%s %s · %s–%s · %s", cal_weekday_name_fr(cal_weekday(p->first_day)),
	                 cal_format_date_fr(p->first_day, date), cal_format_hhmm(p->start, a),
	                 cal_format_hhmm(p->end, b), p->title);
}

static void
plage_draw(void *state, struct app *app)
{
	struct plage_edit *e = state;
	const struct db_session *s = app_session(app);
	title_draw(e);
	if (e->target->remove) {
		if (e->orig == NULL) {
			draw_loading(2);
			return;
		}
		char *sum = plage_summary(e->orig);
		draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), sum);
		free(sum);
		if (e->orig->rrule[0])
			draw_text(3, 2, COLS - 4, theme_attr(SLOT_NORMAL),
			          "Plage répétée : toutes ses occurrences seront supprimées.");
		if (e->ed.state == EDITOR_SENDING)
			draw_busy(5, " suppression… ");
		else
			draw_yes_no(5, "Supprimer cette plage d'ouverture ?");
		return;
	}
	if (e->ed.state == EDITOR_LOADING) {
		editor_draw(&e->ed, 2);
		return;
	}
	char *who = xasprintf("Agent : %s · %s", e->options->agent_name, s->organisation_name);
	draw_text(1, 2, COLS - 4, theme_attr(SLOT_NORMAL), who);
	free(who);
	if (e->ed.state == EDITOR_WARNINGS) {
		int y = 3;
		struct db_plage shown = {
		    .title = e->title,
		    .first_day = e->save.first_day,
		    .start = e->save.start,
		    .end = e->save.end,
		};
		char *sum = plage_summary(&shown);
		draw_text(y++, 2, COLS - 4, theme_attr(SLOT_HEADER), sum);
		free(sum);
		if (e->rrule && recurrence_draw(e->form, &e->rec, e->save.first_day, y, theme_attr(SLOT_NORMAL)))
			y++;
		draw_warnings(y + 1, LINES - 4, &e->ed.warnings);
		return;
	}
	int left = COLS * 11 / 20 > 60 ? 60 : COLS * 11 / 20;
	if (e->in_motifs)
		e->form->focus = -1;
	int rows = form_draw(e->form, 2, 2, left - 2, 13);
	int y = 3 + rows;
	rdv_date first;
	if (form_date(e->form, e->f_date, &first))
		recurrence_draw(e->form, &e->rec, first, y, theme_attr(SLOT_HEADER));
	editor_draw_hint(&e->ed, y + 1,
	                 "Tab : champs ↔ motifs · Espace : cocher · Entrée : enregistrer · Échap : annuler");
	int mx = left + 1, mw = COLS - mx - 1;
	draw_text(2, mx, mw, e->in_motifs ? theme_attr(SLOT_HEADER) : theme_attr(SLOT_NORMAL),
	          "Motifs * (Espace : cocher)");
	if (e->options->nmotifs == 0)
		draw_text(3, mx, mw, theme_attr(SLOT_STATUS_ERROR), "aucun motif utilisable");
	else
		list_draw(&e->motifs, 3, mx, mw, y - 3, motif_row, e);
}

/* Read the form into e->save; false with a French message on bad input. */
static bool
plage_read(struct plage_edit *e, struct app *app)
{
	char *err = NULL;
	bool was_in_motifs = e->in_motifs;
	/* A problem in the form takes the keyboard back there. */
	e->in_motifs = false;
	if (!form_validate(e->form, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	rdv_date day;
	int start, end;
	form_date(e->form, e->f_date, &day);
	form_time(e->form, e->f_start, &start);
	form_time(e->form, e->f_end, &end);
	if (end <= start) {
		e->form->focus = e->f_end;
		app_message(app, true, "Fin : doit être après le début");
		return false;
	}
	char *rrule = NULL;
	if (!recurrence_read(e->form, &e->rec, day, &rrule, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	save_clear(e);
	const struct db_plage_options *opt = e->options;
	e->motif_ids = xcalloc(opt->nmotifs + 1, sizeof *e->motif_ids);
	int n = 0;
	const char *on_site = NULL;
	for (size_t i = 0; i < opt->nmotifs; i++)
		if (e->checked[i]) {
			e->motif_ids[n++] = opt->motifs[i].id;
			if (strcmp(opt->motifs[i].location_type, "public_office") == 0 &&
			    on_site == NULL)
				on_site = opt->motifs[i].name;
		}
	int lieu = form_choice_id(e->form, e->f_lieu);
	if (n == 0) {
		free(rrule);
		e->in_motifs = opt->nmotifs > 0;
		app_message(app, true, "Motifs : cochez au moins un motif (Tab puis Espace)");
		return false;
	}
	if (on_site && lieu <= 0) {
		free(rrule);
		e->form->focus = e->f_lieu;
		app_message(app, true, "Lieu : obligatoire pour le motif sur place « %s »",
		            on_site);
		return false;
	}
	e->in_motifs = was_in_motifs;
	e->title = xstrdup(form_text(e->form, e->f_title));
	e->rrule = rrule;
	e->save = (struct db_plage_save){
	    .plage_id = e->target->item_id,
	    .agent_id = e->orig ? e->orig->agent_id : e->target->agent_id,
	    .lieu_id = lieu > 0 ? lieu : 0,
	    .title = e->title,
	    .first_day = day,
	    .start = start,
	    .end = end,
	    .rrule = e->rrule,
	    .motif_ids = e->motif_ids,
	    .nmotifs = n,
	    .today = cal_time_date(app_now(app)),
	};
	return true;
}

/* Saved at once when the database finds nothing to warn about. */
static void
plage_send(struct plage_edit *e, struct app *app)
{
	e->save.acknowledge = e->ed.acknowledged;
	app_request(app, e, db_send_plage_save(app_db(app), app_session(app), &e->save), plage_saved);
	e->ed.state = EDITOR_SENDING;
}

static void
plage_submit(struct plage_edit *e, struct app *app)
{
	if (!plage_read(e, app))
		return;
	editor_check(&e->ed);
	plage_send(e, app);
}

static int
motifs_key(struct plage_edit *e, struct app *app, enum action action, wint_t ch, bool is_code)
{
	if ((!is_code && ch == '\t') || (is_code && ch == KEY_BTAB) ||
	    (is_code && ch == KEY_UP && e->motifs.selected <= 0)) {
		e->in_motifs = false;
		e->form->focus = !is_code && ch == '\t' ? 0 : e->form->n - 1;
		return SCREEN_REDRAW;
	}
	if (!is_code && ch == ' ' && e->motifs.selected >= 0) {
		e->checked[e->motifs.selected] = !e->checked[e->motifs.selected];
		e->motifs_changed = true;
		return SCREEN_REDRAW;
	}
	if (list_key(&e->motifs, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	if (action == ACT_SELECT) {
		plage_submit(e, app);
		return SCREEN_REDRAW;
	}
	if (action == ACT_CANCEL)
		return SCREEN_CLOSE;
	return SCREEN_NONE;
}

static int
plage_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct plage_edit *e = state;
	/* Nothing to delete before the plage is in. */
	if (e->target->remove && e->orig == NULL)
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	enum editor_step step = editor_key(&e->ed, action);
	if (step == EDITOR_SEND && e->target->remove)
		app_request(app, e, db_send_plage_delete(app_db(app), e->orig->id), plage_deleted);
	else if (step == EDITOR_SEND)
		plage_send(e, app);
	if (step != EDITOR_UNHANDLED)
		return editor_result(step, true);
	if (e->in_motifs)
		return motifs_key(e, app, action, ch, is_code);
	bool last = e->form->focus == e->form->n - 1;
	if (e->options->nmotifs > 0 &&
	    ((!is_code && ch == '\t' && last) || (is_code && ch == KEY_DOWN && last))) {
		e->in_motifs = true;
		if (e->motifs.selected < 0)
			e->motifs.selected = 0;
		return SCREEN_REDRAW;
	}
	switch (form_key(e->form, ch, is_code)) {
	case FORM_CHANGED:
		return SCREEN_REDRAW;
	case FORM_SUBMIT:
		plage_submit(e, app);
		return SCREEN_REDRAW;
	case FORM_CANCEL:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

/* The form is built once both the options and (when editing) the plage are in. */
static int
plage_ready(struct plage_edit *e)
{
	if (e->ed.state == EDITOR_LOADING && e->options && (e->target->item_id == 0 || e->orig))
		form_build(e);
	return SCREEN_REDRAW;
}

static int
plage_options(void *state, void *app, struct db_reply *reply)
{
	struct plage_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Plage : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->options = reply->data;
	reply->data = NULL;
	return plage_ready(e);
}

static int
plage_loaded(void *state, void *app, struct db_reply *reply)
{
	struct plage_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Plage : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->orig = reply->data;
	reply->data = NULL;
	return plage_ready(e);
}

static int
plage_saved(void *state, void *app, struct db_reply *reply)
{
	struct plage_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Plage non enregistrée : %s", db_error_text(reply->error));
		editor_failed(&e->ed);
		return SCREEN_REDRAW;
	}
	struct db_plage_saved *r = reply->data;
	if (r->warnings.n > 0) {
		editor_checked(&e->ed, &r->warnings);
		return SCREEN_REDRAW;
	}
	app_message(app, false,
	            e->target->item_id ? "Plage d'ouverture modifiée." : "Plage d'ouverture enregistrée.");
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

static int
plage_deleted(void *state, void *app, struct db_reply *reply)
{
	(void)state;
	if (reply->error || *(int *)reply->data == 0) {
		app_message(app, true, "Suppression refusée : %s",
		            reply->error ? db_error_text(reply->error)
		                         : "plage introuvable ou non modifiable");
		return SCREEN_CLOSE;
	}
	app_message(app, false, "Plage d'ouverture supprimée.");
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
plage_input(void *state)
{
	struct plage_edit *e = state;
	return editor_input(&e->ed, INPUT_FORM, form_dirty(e->form) || e->motifs_changed);
}

const struct screen_ops plage_screen = {
    .input = plage_input,
    .name = "plage",
    .open = plage_open,
    .draw = plage_draw,
    .key = plage_key,
    .arg_free = free,
    .close = plage_close,
    .hints = form_hints,
    .keymap = plage_keymap,
};
