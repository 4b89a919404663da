/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"
#include "db/exports.h"
#include "export/writer.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * "Mon compte": my exports (save one to a path, delete one), my
 * notification and display preferences, my services and organisations.
 *
 * Focus is on the export list; "e" moves it into the preferences form
 * (Entrée saves, Échap leaves), "w" asks where to save the selected export,
 * Suppr/x asks to confirm its deletion. While an export of mine is still
 * being written (by the child of "Liste des RDV"), the list reloads every
 * two seconds until it is done.
 */

#define EXPORT_ROWS 6
#define PENDING_RELOAD_SECONDS 2

/* Reference §6.2: rdv notification levels, then the plage/absence ones. */
static const struct {
	const char *value, *label;
} rdv_levels[] = {
    {"all", "À chaque modification"},
    {"others", "Uniquement les modifications faites par un usager (ou par un autre agent)"},
    {"soon", "Uniquement les modifications de rendez-vous ayant lieu moins de 24 heures à "
             "l'avance"},
    {"none", "Jamais"},
};
static const struct {
	const char *value, *label;
} item_levels[] = {
    {"all", "À chaque modification"},
    {"none", "Jamais"},
};

#define NRDV_LEVELS ((int)(sizeof rdv_levels / sizeof rdv_levels[0]))
#define NITEM_LEVELS ((int)(sizeof item_levels / sizeof item_levels[0]))

enum mode {
	MODE_LIST,
	MODE_PREFS,
	MODE_SAVE,    /* the "save as" prompt */
	MODE_CONFIRM, /* deleting the selected export */
};

struct account {
	struct db_account *account;
	struct db_exports *exports;
	struct list list;
	struct form *prefs;
	int f_rdv, f_plage, f_absence, f_saturdays, f_cancelled, f_theme;
	struct form *save;
	enum mode mode;
	char *save_path; /* where the content being fetched goes */
	unsigned long account_ticket, exports_ticket, content_ticket; /* in flight, 0 when none */
	long long last_exports_load; /* app_now() minutes are too coarse: seconds from time() */
};

static const enum action account_hints[] = {ACT_SAVE,    ACT_DELETE, ACT_EDIT,
                                            ACT_GO_RDVS, ACT_HELP,   ACT_NONE};
static const enum action account_keymap[] = {ACT_SAVE, ACT_DELETE, ACT_EDIT, ACT_SELECT, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int account_loaded(void *state, void *app, struct db_reply *reply);
static int account_exports(void *state, void *app, struct db_reply *reply);
static int account_content(void *state, void *app, struct db_reply *reply);
static int account_deleted(void *state, void *app, struct db_reply *reply);
static int account_saved(void *state, void *app, struct db_reply *reply);

static void
exports_load(struct account *a, struct app *app)
{
	if (a->exports_ticket)
		return;
	a->exports_ticket = db_send_exports(app_db(app), app_session(app)->time_zone);
	app_request(app, a, a->exports_ticket, account_exports);
	a->last_exports_load = (long long)time(NULL);
}

static void
account_load(struct account *a, struct app *app)
{
	if (a->account_ticket)
		return;
	a->account_ticket = db_send_account(app_db(app));
	app_request(app, a, a->account_ticket, account_loaded);
}

static int
level_index(const char *value, bool item)
{
	int n = item ? NITEM_LEVELS : NRDV_LEVELS;
	for (int i = 0; i < n; i++)
		if (strcmp(value, item ? item_levels[i].value : rdv_levels[i].value) == 0)
			return i;
	return 0;
}

/* The preferences form, from what the database says. */
static void
prefs_build(struct account *a)
{
	form_free(a->prefs);
	struct form *f = form_new();
	const struct db_account *ac = a->account;
	a->f_rdv = form_add_choice(f, "Notifications des RDV", true);
	for (int i = 0; i < NRDV_LEVELS; i++)
		form_choice_add(f, a->f_rdv, i, rdv_levels[i].label);
	form_choice_select(f, a->f_rdv, level_index(ac->rdv_level, false));
	a->f_plage = form_add_choice(f, "Plages d'ouverture", true);
	a->f_absence = form_add_choice(f, "Indisponibilités", true);
	for (int i = 0; i < NITEM_LEVELS; i++) {
		form_choice_add(f, a->f_plage, i, item_levels[i].label);
		form_choice_add(f, a->f_absence, i, item_levels[i].label);
	}
	form_choice_select(f, a->f_plage, level_index(ac->plage_level, true));
	form_choice_select(f, a->f_absence, level_index(ac->absence_level, true));
	a->f_saturdays = form_add_check(f, "Afficher les samedis", ac->display_saturdays);
	a->f_cancelled = form_add_check(f, "Afficher les RDV annulés", ac->display_cancelled_rdv);
	a->f_theme = form_add_choice(f, "Thème", true);
	const char *const *names = theme_builtin_names();
	int selected = 0;
	for (int i = 0; names[i]; i++) {
		form_choice_add(f, a->f_theme, i, names[i]);
		if (ac->theme && strcmp(ac->theme, names[i]) == 0)
			selected = i;
		else if (ac->theme == NULL && strcmp(names[i], "default") == 0)
			selected = i;
	}
	form_choice_select(f, a->f_theme, selected);
	a->prefs = f;
}

static void *
account_open(struct app *app, void *arg)
{
	(void)arg;
	struct account *a = xcalloc(1, sizeof *a);
	a->list.selected = -1;
	account_load(a, app);
	exports_load(a, app);
	return a;
}

static void
account_close(void *state)
{
	struct account *a = state;
	db_account_free(a->account);
	db_exports_free(a->exports);
	form_free(a->prefs);
	form_free(a->save);
	free(a->save_path);
	free(a);
}

static const char *
status_fr(const char *status)
{
	if (strcmp(status, "available") == 0)
		return "disponible";
	if (strcmp(status, "pending") == 0)
		return "en cours…";
	if (strcmp(status, "failed") == 0)
		return "échec";
	return "expiré";
}

static void
size_text(long long size, char *buf, size_t n)
{
	if (size < 0)
		snprintf(buf, n, "—");
	else if (size < 1024)
		snprintf(buf, n, "%lld o", size);
	else if (size < 1024 * 1024)
		snprintf(buf, n, "%lld Ko", (size + 512) / 1024);
	else
		snprintf(buf, n, "%.1f Mo", (double)size / (1024.0 * 1024.0));
}

static void
draw_export_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct account *a = ctx;
	const struct db_export *e = &a->exports->items[index];
	int attr = selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	draw_fill(y, x, width, attr, L' ');
	char size[24], rows[24];
	size_text(e->size, size, sizeof size);
	if (e->rows >= 0)
		snprintf(rows, sizeof rows, "%ld", e->rows);
	else
		snprintf(rows, sizeof rows, "—");
	int name_w = width - 58;
	if (name_w < 20)
		name_w = 20;
	int cx = x + 1;
	draw_text(y, cx, name_w, attr, e->file_name);
	cx += name_w + 1;
	draw_text(y, cx, 5, attr, e->format);
	cx += 6;
	draw_text(y, cx, 11, attr, status_fr(e->status));
	cx += 12;
	draw_text_right(y, cx, 7, attr, rows);
	cx += 8;
	draw_text_right(y, cx, 9, attr, size);
	cx += 10;
	draw_text(y, cx, x + width - cx, attr, e->created);
}

static void
account_draw(void *state, struct app *app)
{
	struct account *a = state;
	const struct db_session *s = app_session(app);
	/* An export still being written: look again every few seconds. */
	bool pending = false;
	for (int i = 0; a->exports && i < a->exports->n; i++)
		if (strcmp(a->exports->items[i].status, "pending") == 0)
			pending = true;
	if (pending && (long long)time(NULL) - a->last_exports_load >= PENDING_RELOAD_SECONDS)
		exports_load(a, app);

	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	char title[160];
	snprintf(title, sizeof title, " Mon compte · %s %s%s", s->first_name, s->last_name,
		 db_pooled(app_db(app)) ? " · via le pooler" : "");
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE) | A_BOLD, title);

	int y = 1;
	draw_fill(y, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	char head[96];
	snprintf(head, sizeof head, " Mes exports (%d)", a->exports ? a->exports->n : 0);
	draw_text(y++, 0, COLS, theme_attr(SLOT_HEADER), head);
	int name_w = COLS - 58 < 20 ? 20 : COLS - 58;
	char cols[256];
	snprintf(cols, sizeof cols, " %-*s %-5s %-11s %7s %9s %s", name_w, "Fichier", "Type",
	         "Statut", "Lignes", "Taille", "Créé le");
	draw_text(y++, 0, COLS, theme_attr(SLOT_GRID), cols);
	if (a->exports == NULL) {
		draw_text(y, 1, COLS - 2, theme_attr(SLOT_NORMAL), "chargement…");
	} else if (a->exports->n == 0) {
		draw_text(y, 1, COLS - 2, theme_attr(SLOT_NORMAL),
		          "Aucun export : lancez-en un depuis la Liste des RDV (F5).");
	} else {
		list_set_count(&a->list, a->exports->n);
		struct list shown = a->list;
		if (a->mode == MODE_PREFS)
			shown.selected = -1;
		list_draw(&shown, y, 0, COLS, EXPORT_ROWS, draw_export_row, a);
		a->list.top = shown.top;
		a->list.height = shown.height;
	}
	y += EXPORT_ROWS;

	/* The prompt line under the list: save-as, confirmation, or the selected export's filters.
	 */
	const struct db_export *sel =
	    a->exports && a->list.selected >= 0 && a->list.selected < a->exports->n
	        ? &a->exports->items[a->list.selected]
	        : NULL;
	if (a->mode == MODE_SAVE && a->save) {
		form_draw(a->save, y, 1, COLS - 2, 18);
	} else if (a->mode == MODE_CONFIRM && sel) {
		char *q = xasprintf(" Supprimer l'export « %s » ? o : oui, autre touche : non",
		                    sel->file_name);
		draw_text_pad(y, 0, COLS, theme_attr(SLOT_STATUS_ERROR), q);
		focus_set(y, 1, q + 1);
		free(q);
	} else if (sel) {
		char *info = sel->error
		                 ? xasprintf(" %s · échec : %s", sel->summary, sel->error)
		                 : xasprintf(" %s · expire le %s", sel->summary, sel->expires);
		draw_text(y, 0, COLS, theme_attr(SLOT_GRID), info);
		free(info);
	}
	y += 2;

	draw_fill(y, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	draw_text(y++, 0, COLS, theme_attr(SLOT_HEADER),
	          a->mode == MODE_PREFS
	              ? " Préférences — Entrée : enregistrer · Échap : annuler · ← → : choisir"
	              : " Préférences (e : modifier)");
	if (a->prefs) {
		if (a->mode != MODE_PREFS)
			a->prefs->focus = -1;
		form_draw(a->prefs, y, 1, COLS - 2, 26);
		y += a->prefs->n;
	} else {
		draw_text(y, 1, COLS - 2, theme_attr(SLOT_NORMAL), "chargement…");
		y += 6;
	}
	y++;
	if (a->account && y < LINES - 2) {
		char *services = xstrdup("");
		for (int i = 0; i < a->account->nservices; i++) {
			char *t =
			    xasprintf("%s%s%s", services, i ? ", " : "", a->account->services[i]);
			free(services);
			services = t;
		}
		char *line = xasprintf(" Mes services : %s", *services ? services : "aucun");
		draw_text(y++, 0, COLS, theme_attr(SLOT_NORMAL), line);
		free(line);
		free(services);
		char *orgs = xstrdup("");
		for (int i = 0; i < a->account->norgs; i++) {
			const struct db_account_org *o = &a->account->orgs[i];
			char *t = xasprintf("%s%s%s (%s)", orgs, i ? ", " : "", o->name,
			                    strcmp(o->access_level, "admin") == 0 ? "administrateur"
			                                                          : "agent");
			free(orgs);
			orgs = t;
		}
		if (y < LINES - 1) {
			line = xasprintf(" Mes organisations : %s", orgs);
			draw_text(y++, 0, COLS, theme_attr(SLOT_NORMAL), line);
			free(line);
		}
		free(orgs);
	}
}

static const struct db_export *
selected_export(struct account *a)
{
	if (a->exports == NULL || a->list.selected < 0 || a->list.selected >= a->exports->n)
		return NULL;
	return &a->exports->items[a->list.selected];
}

/* Save the preferences form. */
static void
prefs_save(struct account *a, struct app *app)
{
	struct form *f = a->prefs;
	struct db_account want = {
	    .rdv_level = (char *)rdv_levels[form_choice_id(f, a->f_rdv)].value,
	    .plage_level = (char *)item_levels[form_choice_id(f, a->f_plage)].value,
	    .absence_level = (char *)item_levels[form_choice_id(f, a->f_absence)].value,
	    .display_saturdays = form_checked(f, a->f_saturdays),
	    .display_cancelled_rdv = form_checked(f, a->f_cancelled),
	    .theme = (char *)theme_builtin_names()[form_choice_id(f, a->f_theme)],
	};
	app_request(app, a, db_send_account_save(app_db(app), &want), account_saved);
}

/*
 * The saved display preferences apply at once: the session the other
 * screens read is the application's, allocated by it (never a constant
 * object), so updating its two flags here is sound; the theme is reloaded.
 */
static void
prefs_apply(struct account *a, struct app *app)
{
	struct form *f = a->prefs;
	struct db_session *s = (struct db_session *)app_session(app);
	s->display_saturdays = form_checked(f, a->f_saturdays);
	s->display_cancelled_rdv = form_checked(f, a->f_cancelled);
	const char *theme = theme_builtin_names()[form_choice_id(f, a->f_theme)];
	char *err = NULL;
	if (!theme_load(theme, &err)) {
		app_message(app, true, "%s", err);
		free(err);
	}
}

static int
account_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct account *a = state;
	switch (a->mode) {
	case MODE_PREFS:
		switch (form_key(a->prefs, ch, is_code)) {
		case FORM_SUBMIT:
			prefs_save(a, app);
			return SCREEN_REDRAW;
		case FORM_CANCEL:
			a->mode = MODE_LIST;
			prefs_build(a);
			return SCREEN_REDRAW;
		case FORM_CHANGED:
			return SCREEN_REDRAW;
		case FORM_NONE:
			break;
		}
		/* The main screens' keys and the help never come here (ui/app.c). */
		return SCREEN_REDRAW;
	case MODE_SAVE:
		/* The file is being fetched: keys neither edit the path nor run commands. */
		if (a->content_ticket)
			return SCREEN_NONE;
		switch (form_key(a->save, ch, is_code)) {
		case FORM_SUBMIT: {
			const struct db_export *e = selected_export(a);
			const char *path = form_text(a->save, 0);
			if (e == NULL || form_empty(a->save, 0)) {
				app_message(app, true,
				            "Enregistrer sous : indiquez un chemin de fichier");
				return SCREEN_REDRAW;
			}
			free(a->save_path);
			a->save_path = xstrdup(path);
			/* The prompt stays open until the file is written: a failure keeps it as
			 * typed. */
			a->content_ticket = db_send_export_content(app_db(app), e->id);
			app_request(app, a, a->content_ticket, account_content);
			app_message(app, false, "Enregistrement…");
			return SCREEN_REDRAW;
		}
		case FORM_CANCEL:
			a->mode = MODE_LIST;
			return SCREEN_REDRAW;
		default:
			return SCREEN_REDRAW;
		}
	case MODE_CONFIRM:
		a->mode = MODE_LIST;
		if (!is_code && (ch == L'o' || ch == L'O')) {
			const struct db_export *e = selected_export(a);
			if (e)
				app_request(app, a, db_send_export_delete(app_db(app), e->id), account_deleted);
		} else {
			app_message(app, false, "Suppression annulée.");
		}
		return SCREEN_REDRAW;
	case MODE_LIST:
		break;
	}
	switch (action) {
	case ACT_EDIT:
		if (a->prefs == NULL)
			return SCREEN_NONE;
		a->mode = MODE_PREFS;
		a->prefs->focus = 0;
		return SCREEN_REDRAW;
	case ACT_SAVE: {
		const struct db_export *e = selected_export(a);
		if (e == NULL) {
			app_message(app, true, "Aucun export sélectionné");
			return SCREEN_REDRAW;
		}
		if (strcmp(e->status, "available") != 0) {
			app_message(app, true, "Cet export n'est pas disponible (%s)",
			            status_fr(e->status));
			return SCREEN_REDRAW;
		}
		form_free(a->save);
		a->save = form_new();
		form_add_text(a->save, "Enregistrer sous", e->file_name, true);
		a->save->fields[0].maxlen = 4000;
		a->save->fields[0].cursor = strlen(e->file_name);
		a->mode = MODE_SAVE;
		return SCREEN_REDRAW;
	}
	case ACT_DELETE:
		if (selected_export(a) == NULL)
			return SCREEN_NONE;
		a->mode = MODE_CONFIRM;
		return SCREEN_REDRAW;
	default:
		break;
	}
	if (list_key(&a->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	return SCREEN_NONE;
}

static int
account_loaded(void *state, void *app, struct db_reply *reply)
{
	struct account *a = state;
	a->account_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Mon compte : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	db_account_free(a->account);
	a->account = reply->data;
	reply->data = NULL;
	if (a->mode != MODE_PREFS)
		prefs_build(a);
	return SCREEN_REDRAW;
}

static int
account_exports(void *state, void *app, struct db_reply *reply)
{
	struct account *a = state;
	a->exports_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Mes exports : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	db_exports_free(a->exports);
	a->exports = reply->data;
	reply->data = NULL;
	list_set_count(&a->list, a->exports->n);
	return SCREEN_REDRAW;
}

static int
account_content(void *state, void *app, struct db_reply *reply)
{
	struct account *a = state;
	a->content_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Enregistrement impossible : %s",
		            db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	const struct db_export_content *c = reply->data;
	char *err = NULL;
	if (export_file_write(a->save_path, c->data, c->size, &err)) {
		app_message(app, false, "Export enregistré dans « %s »", a->save_path);
		if (a->mode == MODE_SAVE)
			a->mode = MODE_LIST;
	} else {
		/*
		 * The prompt stays open with the path as typed, to be corrected;
		 * it shows the path, so the status line gives just the reason.
		 */
		const char *why = strstr(err, "» : ");
		app_message(app, true, "Enregistrement impossible : %s",
		            why && a->mode == MODE_SAVE ? why + strlen("» : ") : err);
	}
	free(err);
	return SCREEN_REDRAW;
}

static int
account_deleted(void *state, void *app, struct db_reply *reply)
{
	struct account *a = state;
	if (reply->error)
		app_message(app, true, "Suppression impossible : %s",
		            db_error_text(reply->error));
	else
		app_message(app, false, "Export supprimé.");
	exports_load(a, app);
	return SCREEN_REDRAW;
}

static int
account_saved(void *state, void *app, struct db_reply *reply)
{
	struct account *a = state;
	if (reply->error) {
		/* The form stays as typed, focus where it was. */
		app_message(app, true, "Préférences non enregistrées : %s",
		            db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	prefs_apply(a, app);
	a->mode = MODE_LIST;
	app_message(app, false, "Préférences enregistrées.");
	/* What was being read is older than the save: read again. */
	db_cancel(app_db(app), a->account_ticket);
	a->account_ticket = 0;
	account_load(a, app);
	return SCREEN_REDRAW;
}

static int
account_changed(void *state, struct app *app)
{
	struct account *a = state;
	exports_load(a, app);
	account_load(a, app);
	return SCREEN_NONE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
account_input(void *state)
{
	struct account *a = state;
	switch (a->mode) {
	case MODE_PREFS:
		return INPUT_FORM | (form_dirty(a->prefs) ? INPUT_UNSAVED : 0);
	case MODE_SAVE:
		return INPUT_FORM;
	default:
		return INPUT_NONE;
	}
}

const struct screen_ops account_screen = {
    .input = account_input,
    .name = "account",
    .open = account_open,
    .draw = account_draw,
    .key = account_key,
    .changed = account_changed,
    .close = account_close,
    .hints = account_hints,
    .keymap = account_keymap,
};
