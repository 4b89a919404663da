/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "db/choices.h"
#include "db/rdvs.h"
#include "db/slots.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/pick.h"
#include "ui/screen.h"
#include "ui/rdv_notif.h"
#include "ui/theme.h"

/*
 * An rdv from the agenda: create at the cursor, edit, move (time or agent).
 * Agents are never blocked (reference R-07): overlaps, indisponibilités,
 * holidays, times outside any plage or in the past are warnings, listed on
 * one screen and confirmed with "Confirmer en ignorant les avertissements",
 * which also records the overlap acknowledgement.
 */

#define MAX_USAGERS 8

/* The editor's states (ui/editor.h), and picking a usager over EDITOR_EDIT. */

/* The form shows two agents; further agents of an rdv are kept as they are. */
#define RDV_FORM_AGENTS 16

struct rdv_edit {
	struct agenda_target *target;
	struct editor ed;
	bool picking;                     /* the usager picker has the keyboard */
	struct db_rdv *orig;              /* when editing */
	struct db_choices *choices;
	struct form *form;
	int f_motif, f_date, f_time, f_duration, f_lieu, f_agent, f_agent2, f_context;
	int motif_shown;                  /* the motif whose duration is in the form */
	int usager_ids[MAX_USAGERS];
	char *usager_names[MAX_USAGERS];
	int nusagers;
	struct usager_picker picker;
	/* What is being saved, kept for a retry after the overlap warning. */
	rdv_time start;
	int duration;
	int agents[RDV_FORM_AGENTS];
	int nagents;
	bool usagers_changed; /* a usager added or removed by the agent */
};

static const enum action form_hints[] = {ACT_SELECT, ACT_NEW, ACT_UNLINK, ACT_CANCEL, ACT_NONE};
static const enum action rdv_keymap[] = {ACT_SELECT, ACT_NEW, ACT_UNLINK, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static const struct db_choice_motif *
motif_find(const struct rdv_edit *e, int id)
{
	for (size_t i = 0; e->choices && i < e->choices->nmotifs; i++)
		if (e->choices->motifs[i].id == id)
			return &e->choices->motifs[i];
	return NULL;
}

static void
usagers_clear(struct rdv_edit *e)
{
	for (int i = 0; i < e->nusagers; i++)
		free(e->usager_names[i]);
	e->nusagers = 0;
}

static void
usager_add(struct rdv_edit *e, int id, const char *name)
{
	for (int i = 0; i < e->nusagers; i++)
		if (e->usager_ids[i] == id)
			return;
	if (e->nusagers == MAX_USAGERS)
		return;
	e->usager_ids[e->nusagers] = id;
	e->usager_names[e->nusagers++] = xstrdup(name);
}

static int rdv_choices(void *state, void *app, struct db_reply *reply);
static int rdv_loaded(void *state, void *app, struct db_reply *reply);
static int rdv_checked(void *state, void *app, struct db_reply *reply);
static int rdv_saved(void *state, void *app, struct db_reply *reply);
static int rdv_picked(void *state, struct app *app);

static void *
rdv_open(struct app *app, void *arg)
{
	struct rdv_edit *e = xcalloc(1, sizeof *e);
	e->target = arg;
	editor_init(&e->ed, EDITOR_LOADING);
	picker_init(&e->picker);
	e->picker.owner = e;
	e->picker.on_picked = rdv_picked;
	app_request(app, e, db_send_choices(app_db(app), app_session(app)), rdv_choices);
	if (e->target->item_id)
		app_request(app, e, db_send_rdv_load(app_db(app), app_session(app), e->target->item_id),
			    rdv_loaded);
	return e;
}

static void
rdv_close(void *state)
{
	struct rdv_edit *e = state;
	form_free(e->form);
	db_rdv_free(e->orig);
	db_choices_free(e->choices);
	picker_free(&e->picker);
	usagers_clear(e);
	editor_free(&e->ed);
	free(e->target);
	free(e);
}

/* Build the form once both the choices and (when editing) the rdv are in. */
static void
form_build(struct rdv_edit *e, struct app *app)
{
	const struct db_rdv *o = e->orig;
	struct form *f = e->form = form_new();
	e->f_motif = form_add_choice(f, "Motif", true);
	for (size_t i = 0; i < e->choices->nmotifs; i++) {
		const struct db_choice_motif *m = &e->choices->motifs[i];
		char *label = xasprintf("%s (%s)", m->name, db_location_type_label(m->location_type));
		form_choice_add(f, e->f_motif, m->id, label);
		free(label);
	}
	rdv_date day = o ? cal_time_date(o->starts_at) : e->target->day;
	int minute = o ? cal_time_minute(o->starts_at) : e->target->minute;
	e->f_date = form_add_date(f, "Date", true, day, true);
	e->f_time = form_add_time(f, "Heure", minute, true);
	e->f_duration = form_add_number(f, "Durée (min)", o ? o->duration_min : 0, o != NULL, true);
	e->f_lieu = form_add_choice(f, "Lieu", false);
	form_choice_add(f, e->f_lieu, 0, "— aucun —");
	for (size_t i = 0; i < e->choices->nlieux; i++)
		form_choice_add(f, e->f_lieu, e->choices->lieux[i].id, e->choices->lieux[i].name);
	e->f_agent = form_add_choice(f, "Agent", true);
	e->f_agent2 = form_add_choice(f, "Deuxième agent", false);
	form_choice_add(f, e->f_agent2, 0, "— aucun —");
	for (size_t i = 0; i < e->choices->nagents; i++) {
		form_choice_add(f, e->f_agent, e->choices->agents[i].id, e->choices->agents[i].name);
		form_choice_add(f, e->f_agent2, e->choices->agents[i].id, e->choices->agents[i].name);
	}
	/*
	 * An agent of the rdv whom I may not list (a secretary on a basic
	 * agent's rdv) stays on it: offer them as a choice, or saving would
	 * silently take them off.
	 */
	for (int k = 0; o && k < 2 && k < o->nagents; k++) {
		bool listed = false;
		for (size_t i = 0; i < e->choices->nagents && !listed; i++)
			listed = e->choices->agents[i].id == o->agent_ids[k];
		if (!listed)
			form_choice_add(f, k == 0 ? e->f_agent : e->f_agent2, o->agent_ids[k],
					"collègue non listé (conservé)");
	}
	e->f_context = form_add_text(f, "Contexte", o ? o->context : NULL, false);
	if (o) {
		form_choice_select(f, e->f_motif, o->motif_id);
		form_choice_select(f, e->f_lieu, o->lieu_id);
		form_choice_select(f, e->f_agent, o->nagents > 0 ? o->agent_ids[0] : 0);
		form_choice_select(f, e->f_agent2, o->nagents > 1 ? o->agent_ids[1] : 0);
		for (int i = 0; i < o->nusagers; i++)
			usager_add(e, o->usager_ids[i], o->usager_names[i]);
		e->motif_shown = o->motif_id;
		f->focus = e->f_date;
	} else {
		form_choice_select(f, e->f_agent, e->target->agent_id);
		form_choice_select(f, e->f_agent2, 0);
		form_choice_select(f, e->f_lieu, e->target->lieu_id);
		if (form_choice_id(f, e->f_lieu) < 0)
			form_choice_select(f, e->f_lieu, 0);
		f->focus = e->f_motif;
	}
	(void)app;
	e->ed.state = EDITOR_EDIT;
}

/* A new motif brings its duration, unless the agent typed one. */
static void
motif_changed(struct rdv_edit *e)
{
	int id = form_choice_id(e->form, e->f_motif);
	if (id == e->motif_shown)
		return;
	const struct db_choice_motif *m = motif_find(e, id);
	const struct db_choice_motif *old = motif_find(e, e->motif_shown);
	long typed = 0;
	bool keep = form_number(e->form, e->f_duration, &typed) && old && typed != old->duration_min;
	if (m && !keep) {
		char buf[16];
		snprintf(buf, sizeof buf, "%d", m->duration_min);
		form_set_text(e->form, e->f_duration, buf);
	}
	e->motif_shown = id;
}

static void
rdv_draw(void *state, struct app *app)
{
	struct rdv_edit *e = state;
	(void)app;
	draw_title_bar(e->target->item_id ? " Agenda › Modifier le rendez-vous" : " Agenda › Nouveau rendez-vous",
		   NULL);
	if (e->ed.state == EDITOR_LOADING) {
		editor_draw(&e->ed, 2);
		return;
	}
	if (e->picking) {
		draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), "Ajouter un usager au rendez-vous");
		picker_draw(&e->picker, 4, 2, COLS - 4, LINES - 6);
		return;
	}
	int y = 2 + form_draw(e->form, 2, 2, COLS - 4, 18);
	char *names = xstrdup("");
	for (int i = 0; i < e->nusagers; i++) {
		char *next = xasprintf("%s%s%s", names, i ? ", " : "", e->usager_names[i]);
		free(names);
		names = next;
	}
	char *line = xasprintf("Usagers *          %s", e->nusagers ? names : "— aucun —");
	draw_text(y, 2, COLS - 4, theme_attr(SLOT_NORMAL), line);
	free(line);
	free(names);
	char *help = xasprintf("%s : ajouter un usager · %s : retirer le dernier · Entrée : enregistrer",
			       keys_label(ACT_NEW), keys_label(ACT_UNLINK));
	/* At 80 columns the keys matter more than "Entrée", which the status line shows too. */
	if (text_width(help) > COLS - 4) {
		free(help);
		help = xasprintf("%s : ajouter un usager · %s : retirer le dernier", keys_label(ACT_NEW),
				 keys_label(ACT_UNLINK));
	}
	draw_text(y + 1, 2, COLS - 4, theme_attr(SLOT_GRID), help);
	free(help);
	editor_draw(&e->ed, y + 3);
}

/* Read the form into what will be saved; false with a message on bad input. */
static bool
rdv_read(struct rdv_edit *e, struct app *app)
{
	char *err = NULL;
	if (!form_validate(e->form, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	rdv_date day;
	int minute;
	long duration;
	form_date(e->form, e->f_date, &day);
	form_time(e->form, e->f_time, &minute);
	form_number(e->form, e->f_duration, &duration);
	if (duration <= 0 || duration > 1440) {
		e->form->focus = e->f_duration;
		app_message(app, true, "Durée (min) : entre 1 et 1440 minutes");
		return false;
	}
	const struct db_choice_motif *m = motif_find(e, form_choice_id(e->form, e->f_motif));
	if (e->nusagers == 0 && !(m && m->collectif)) {
		app_message(app, true, "Usagers : au moins un usager est requis (%s : ajouter)",
			    keys_label(ACT_NEW));
		return false;
	}
	if (m && strcmp(m->location_type, "public_office") == 0 &&
	    form_choice_id(e->form, e->f_lieu) <= 0) {
		e->form->focus = e->f_lieu;
		app_message(app, true, "Lieu : requis pour un motif sur place");
		return false;
	}
	e->start = cal_time(day, minute);
	e->duration = (int)duration;
	e->nagents = 0;
	e->agents[e->nagents++] = form_choice_id(e->form, e->f_agent);
	int second = form_choice_id(e->form, e->f_agent2);
	if (second > 0 && second != e->agents[0])
		e->agents[e->nagents++] = second;
	/* Agents beyond the two the form shows stay on the rdv. */
	for (int k = 2; e->orig && k < e->orig->nagents && e->nagents < RDV_FORM_AGENTS; k++)
		if (e->orig->agent_ids[k] != e->agents[0] && (e->nagents < 2 || e->orig->agent_ids[k] != e->agents[1]))
			e->agents[e->nagents++] = e->orig->agent_ids[k];
	return true;
}

static void
rdv_save(struct rdv_edit *e, struct app *app)
{
	int lieu = form_choice_id(e->form, e->f_lieu);
	struct db_rdv_save s = {
	    .rdv_id = e->target->item_id,
	    .motif_id = form_choice_id(e->form, e->f_motif),
	    .lieu_id = lieu > 0 ? lieu : 0,
	    .starts_at = e->start,
	    .duration_min = e->duration,
	    .agent_ids = e->agents,
	    .nagents = e->nagents,
	    .usager_ids = e->usager_ids,
	    .nusagers = e->nusagers,
	    .acknowledge_overlap = e->ed.acknowledged,
	    .context = form_empty(e->form, e->f_context) ? NULL : form_text(e->form, e->f_context),
	};
	app_request(app, e, db_send_rdv_save(app_db(app), app_session(app), &s), rdv_saved);
	e->ed.state = EDITOR_SENDING;
}

static void
picked(struct rdv_edit *e)
{
	usager_add(e, e->picker.picked_id, e->picker.picked_name);
	e->usagers_changed = true;
	picker_reset(&e->picker);
	e->picking = false;
}

static int
rdv_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct rdv_edit *e = state;
	if (e->picking) {
		switch (picker_key(&e->picker, app, action, ch, is_code)) {
		case PICKER_PICKED:
			picked(e);
			return SCREEN_REDRAW;
		case PICKER_CANCEL:
			e->picking = false;
			return SCREEN_REDRAW;
		case PICKER_CHANGED:
			return SCREEN_REDRAW;
		default:
			return SCREEN_NONE;
		}
	}
	enum editor_step step = editor_key(&e->ed, action);
	if (step == EDITOR_SEND)
		rdv_save(e, app);
	if (step != EDITOR_UNHANDLED)
		return editor_result(step, false);
	if (action == ACT_NEW) {
		e->picking = true;
		return SCREEN_REDRAW;
	}
	if (action == ACT_UNLINK) {
		if (e->nusagers > 0) {
			free(e->usager_names[--e->nusagers]);
			e->usagers_changed = true;
		}
		return SCREEN_REDRAW;
	}
	switch (form_key(e->form, ch, is_code)) {
	case FORM_CHANGED:
		motif_changed(e);
		return SCREEN_REDRAW;
	case FORM_SUBMIT: {
		if (!rdv_read(e, app))
			return SCREEN_REDRAW;
		/* The agents' week, to list what the agent should know. */
		rdv_date day = cal_time_date(e->start);
		editor_check(&e->ed);
		app_request(app, e,
			    db_send_agenda(app_db(app), app_session(app), e->agents, e->nagents,
					   cal_week_start(day), 7, cal_time_date(app_now(app))),
			    rdv_checked);
		return SCREEN_REDRAW;
	}
	case FORM_CANCEL:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

/* A usager created in the picker joins the rdv. */
static int
rdv_picked(void *state, struct app *app)
{
	struct rdv_edit *e = state;
	(void)app;
	if (!e->picking)
		return SCREEN_NONE;
	picked(e);
	return SCREEN_REDRAW;
}

/* The form is built once both the choices and (when editing) the rdv are in. */
static int
rdv_ready(struct rdv_edit *e, struct app *app)
{
	if (e->ed.state == EDITOR_LOADING && e->choices && (e->target->item_id == 0 || e->orig))
		form_build(e, app);
	return SCREEN_REDRAW;
}

static int
rdv_choices(void *state, void *app, struct db_reply *reply)
{
	struct rdv_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Rendez-vous : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->choices = reply->data;
	reply->data = NULL;
	return rdv_ready(e, app);
}

static int
rdv_loaded(void *state, void *app, struct db_reply *reply)
{
	struct rdv_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Rendez-vous : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	e->orig = reply->data;
	reply->data = NULL;
	return rdv_ready(e, app);
}

/* The agents' week: what the agent should know before saving. */
static int
rdv_checked(void *state, void *app, struct db_reply *reply)
{
	struct rdv_edit *e = state;
	if (reply->error) {
		app_message(app, true, "Vérification : %s", db_error_text(reply->error));
		editor_failed(&e->ed);
		return SCREEN_REDRAW;
	}
	/* With two agents, a holiday or the time of day warns once, not twice. */
	struct warnings w = {0};
	for (int k = 0; k < e->nagents; k++)
		agenda_warnings(reply->data, e->agents[k], e->start, e->start + e->duration,
				e->target->item_id, app_now(app), &w);
	if (editor_checked(&e->ed, &w))
		rdv_save(e, app);
	return SCREEN_REDRAW;
}

static int
rdv_saved(void *state, void *app, struct db_reply *reply)
{
	struct rdv_edit *e = state;
	/* An rdv this agent cannot see (another organisation) or just booked. */
	if (reply->error && strcmp(reply->error->sqlstate, "23P01") == 0 && editor_slot_taken(&e->ed))
		return SCREEN_REDRAW;
	if (reply->error) {
		app_message(app, true, "Rendez-vous non enregistré : %s", db_error_text(reply->error));
		editor_failed(&e->ed);
		return SCREEN_REDRAW;
	}
	app_message(app, false, e->target->item_id ? "Rendez-vous modifié." : "Rendez-vous enregistré.");
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
rdv_input(void *state)
{
	struct rdv_edit *e = state;
	bool unsaved = form_dirty(e->form) || e->usagers_changed;
	/* Échap closes the picker and comes back to the form. */
	if (e->picking)
		return picker_input(&e->picker) | (unsaved ? INPUT_UNSAVED : 0) | INPUT_ESC_KEEPS;
	return editor_input(&e->ed, INPUT_FORM, unsaved);
}

const struct screen_ops rdv_screen = {
    .input = rdv_input,
    .name = "rdv",
    .open = rdv_open,
    .draw = rdv_draw,
    .key = rdv_key,
    .arg_free = free,
    .close = rdv_close,
    .hints = form_hints,
    .keymap = rdv_keymap,
};

/* ------------------------------------------------------------ status */

/*
 * The status of an rdv (reference R-03): only what is allowed now is
 * offered; admins may also delete it for good.
 */
struct rdv_status_menu {
	struct agenda_target *target;
	struct db_rdv *rdv;
	unsigned long save_ticket; /* a save in flight, 0 when none */
	struct list list;
	int choices[RDV_STATUS_COUNT + 1]; /* statuses, then -1 for "delete" */
	int nchoices;
	bool confirm_delete;
};

static const enum action status_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};
static const enum action status_keymap[] = {ACT_SELECT, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int status_loaded(void *state, void *app, struct db_reply *reply);
static int status_saved(void *state, void *app, struct db_reply *reply);

static void *
status_open(struct app *app, void *arg)
{
	struct rdv_status_menu *m = xcalloc(1, sizeof *m);
	m->target = arg;
	app_request(app, m, db_send_rdv_load(app_db(app), app_session(app), m->target->item_id),
		    status_loaded);
	return m;
}

static void
status_close(void *state)
{
	struct rdv_status_menu *m = state;
	db_rdv_free(m->rdv);
	free(m->target);
	free(m);
}

static const char *
status_choice_label(enum rdv_status st)
{
	switch (st) {
	case RDV_SEEN:
		return "Rendez-vous honoré";
	case RDV_NOSHOW:
		return "Absence non excusée";
	case RDV_EXCUSED:
		return "Annulé (excusé)";
	case RDV_REVOKED:
		return "Annulé (par le service)";
	default:
		return "Réinitialiser le statut";
	}
}

static void
status_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct rdv_status_menu *m = ctx;
	int c = m->choices[index];
	const char *label = c < 0 ? "Supprimer définitivement (administrateurs)"
				  : status_choice_label((enum rdv_status)c);
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), label);
}

static void
status_draw(void *state, struct app *app)
{
	struct rdv_status_menu *m = state;
	draw_title_bar(" Agenda › Statut du rendez-vous", NULL);
	if (m->rdv == NULL) {
		draw_loading(2);
		return;
	}
	rdv_date day = cal_time_date(m->rdv->starts_at);
	char date[11], hour[6];
	char *who = xstrdup("");
	for (int i = 0; i < m->rdv->nusagers; i++) {
		char *n = xasprintf("%s%s%s", who, i ? ", " : "", m->rdv->usager_names[i]);
		free(who);
		who = n;
	}
	char *line = xasprintf("%s %s à %s · %s · %s", cal_weekday_name_fr(cal_weekday(day)),
			       cal_format_date_fr(day, date),
			       cal_format_hour_fr(cal_time_minute(m->rdv->starts_at), hour), m->rdv->motif_name, who);
	draw_text(2, 2, COLS - 4, theme_attr(SLOT_HEADER), line);
	free(line);
	free(who);
	char *now = xasprintf("Statut actuel : %s",
			      rdv_status_label_fr(m->rdv->status, day, cal_time_date(app_now(app))));
	draw_text(3, 2, COLS - 4, theme_attr(SLOT_NORMAL), now);
	free(now);
	if (m->confirm_delete) {
		draw_yes_no(5, "Supprimer définitivement ce rendez-vous ?");
		return;
	}
	list_draw(&m->list, 5, 4, COLS - 8, LINES - 7, status_row, m);
}

static int
status_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct rdv_status_menu *m = state;
	if (m->rdv == NULL || m->save_ticket)
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	if (m->confirm_delete) {
		if (action == ACT_SELECT) {
			m->save_ticket = db_send_rdv_delete(app_db(app), m->rdv->id);
			app_request(app, m, m->save_ticket, status_saved);
			return SCREEN_REDRAW;
		}
		if (action == ACT_CANCEL) {
			m->confirm_delete = false;
			return SCREEN_REDRAW;
		}
		return SCREEN_NONE;
	}
	if (!is_code && ch == L'N') {
		/* Notifications to the usagers of this rdv (ui/rdv_notif.c). */
		struct agenda_target *t = xcalloc(1, sizeof *t);
		*t = *m->target;
		app_push(app, &rdv_notif_screen, t);
		return SCREEN_REDRAW;
	}
	if (list_key(&m->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	if (action == ACT_CANCEL)
		return SCREEN_CLOSE;
	if (action == ACT_SELECT && m->list.selected >= 0) {
		int c = m->choices[m->list.selected];
		if (c < 0) {
			m->confirm_delete = true;
			return SCREEN_REDRAW;
		}
		m->save_ticket = db_send_rdv_status(app_db(app), m->rdv->id, (enum rdv_status)c);
		app_request(app, m, m->save_ticket, status_saved);
		return SCREEN_REDRAW;
	}
	return SCREEN_NONE;
}

static int
status_loaded(void *state, void *app, struct db_reply *reply)
{
	struct rdv_status_menu *m = state;
	if (reply->error) {
		app_message(app, true, "Statut : %s", db_error_text(reply->error));
		return SCREEN_CLOSE;
	}
	m->rdv = reply->data;
	reply->data = NULL;
	for (int i = 0; i < m->rdv->nallowed; i++)
		m->choices[m->nchoices++] = (int)m->rdv->allowed[i];
	if (strcmp(app_session(app)->access_level, "admin") == 0)
		m->choices[m->nchoices++] = -1;
	list_set_count(&m->list, m->nchoices);
	/* Opened with the delete key: go straight to the confirmation. */
	if (m->target->remove) {
		if (m->choices[m->nchoices - 1] == -1) {
			m->confirm_delete = true;
		} else {
			app_message(app, true, "Suppression réservée aux administrateurs.");
			return SCREEN_CLOSE;
		}
	}
	return SCREEN_REDRAW;
}

static int
status_saved(void *state, void *app, struct db_reply *reply)
{
	struct rdv_status_menu *m = state;
	m->save_ticket = 0;
	if (reply->error) {
		app_message(app, true, "%s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	if (m->confirm_delete && *(int *)reply->data == 0) {
		app_message(app, true, "Suppression refusée : réservée aux administrateurs de l'organisation.");
		return SCREEN_CLOSE;
	}
	app_message(app, false, m->confirm_delete ? "Rendez-vous supprimé." : "Statut enregistré.");
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

const struct screen_ops rdv_status_screen = {
    .name = "rdv-status",
    .open = status_open,
    .draw = status_draw,
    .key = status_key,
    .arg_free = free,
    .close = status_close,
    .hints = status_hints,
    .keymap = status_keymap,
};
