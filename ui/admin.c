/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/admin.h"
#include "db/choices.h"
#include "ui/draw.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * Administration (F7): the motifs, lieux and agents of the organisation,
 * for its admins. Create and edit motifs (name, service, duration, location
 * type, colour, booking delays, who may book) and lieux (name, address);
 * create an agent with their login role, set their role in the
 * organisation and their services (giving an agent another service shares
 * that service's agendas with them). The screen is only shown to admins,
 * but the database decides: every save is refused to anyone else.
 */

enum tab { TAB_MOTIFS, TAB_LIEUX, TAB_AGENTS, TAB_COUNT };

static const char *const tab_names[TAB_COUNT] = {"Motifs", "Lieux", "Agents"};

static const char *const location_types[] = {"public_office", "home", "phone", "visio"};
#define NLOCATIONS 4

/* Who may book: the form's label, and the list's short one. */
static const struct {
	const char *value, *label, *short_label;
} bookable[] = {
    {"agents", "agents seulement (pas en ligne)", "agents seulement"},
    {"agents_and_prescripteurs", "agents et prescripteurs", "agents et prescripteurs"},
    {"agents_and_prescripteurs_and_invited_users", "agents, prescripteurs et usagers invités",
     "usagers invités"},
    {"everyone", "tout le monde (réservable en ligne)", "en ligne"},
};
#define NBOOKABLE 4

static const struct {
	const char *value, *label;
} levels[] = {
    {"basic", "agent"},
    {"admin", "administrateur"},
    {"intervenant", "intervenant (sans connexion)"},
};
#define NLEVELS 3

/* Booking delays offered (reference §1.9), in minutes; a month is 30 days. */
static const struct {
	int minutes;
	const char *label;
} delays[] = {
    {30, "30 min"},    {60, "1 h"},          {120, "2 h"},          {180, "3 h"},
    {360, "6 h"},      {720, "12 h"},        {1440, "1 jour"},      {2880, "2 jours"},
    {4320, "3 jours"}, {10080, "1 semaine"}, {20160, "2 semaines"}, {30240, "3 semaines"},
    {43200, "1 mois"}, {86400, "2 mois"},    {129600, "3 mois"},    {259200, "6 mois"},
    {525600, "1 an"},
};
#define NDELAYS (sizeof delays / sizeof delays[0])

static const char *
level_label(const char *value)
{
	for (int i = 0; i < NLEVELS; i++)
		if (strcmp(levels[i].value, value) == 0)
			return levels[i].label;
	return value;
}

static const char *
bookable_label(const char *value)
{
	for (int i = 0; i < NBOOKABLE; i++)
		if (strcmp(bookable[i].value, value) == 0)
			return bookable[i].short_label;
	return value;
}

/* ------------------------------------------------------------ the lists */

struct admin {
	enum tab tab;
	bool allowed; /* the session is admin of its organisation */
	struct db_admin *data;
	unsigned long ticket;
	bool reload;
	struct list list;
};

static const enum action admin_hints[] = {ACT_NEW, ACT_EDIT, ACT_GO_AGENDA, ACT_HELP, ACT_NONE};
static const enum action admin_keymap[] = {ACT_NEW, ACT_EDIT, ACT_SELECT, ACT_CANCEL, ACT_DAY_PREV, ACT_DAY_NEXT, KEYMAP_LIST, ACT_NONE};

static int admin_loaded(void *state, void *app, struct db_reply *reply);

static void
admin_load(struct admin *a, struct app *app)
{
	if (!a->allowed)
		return;
	if (a->ticket) {
		a->reload = true;
		return;
	}
	a->ticket = db_send_admin_load(app_db(app), app_session(app));
	app_request(app, a, a->ticket, admin_loaded);
}

static int
tab_count(const struct admin *a)
{
	if (a->data == NULL)
		return 0;
	switch (a->tab) {
	case TAB_MOTIFS:
		return (int)a->data->nmotifs;
	case TAB_LIEUX:
		return (int)a->data->nlieux;
	default:
		return (int)a->data->nagents;
	}
}

static void *
admin_open(struct app *app, void *arg)
{
	(void)arg;
	struct admin *a = xcalloc(1, sizeof *a);
	a->allowed = strcmp(app_session(app)->access_level, "admin") == 0;
	a->list.selected = -1;
	admin_load(a, app);
	return a;
}

static void
admin_close(void *state)
{
	struct admin *a = state;
	db_admin_free(a->data);
	free(a);
}

/* The short name of a service ("PMI"), for the lists. */
static const char *
service_name(const struct db_admin *d, int id)
{
	for (size_t i = 0; i < d->nservices; i++)
		if (d->services[i].id == id)
			return d->services[i].short_name;
	return "?";
}

static const char *
delay_label(int minutes, char *buf, size_t size)
{
	for (size_t i = 0; i < NDELAYS; i++)
		if (delays[i].minutes == minutes)
			return delays[i].label;
	snprintf(buf, size, "%d min", minutes);
	return buf;
}

static void
admin_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct admin *a = ctx;
	const struct db_admin *d = a->data;
	char *line;
	if (a->tab == TAB_MOTIFS) {
		const struct db_admin_motif *m = &d->motifs[index];
		char b1[16], b2[16];
		line = xasprintf(
		    "%s · %s · %s · %d min · %s · délais %s–%s · %s", m->name,
		    service_name(d, m->service_id), db_location_type_label(m->location_type),
		    m->duration_min, m->color, delay_label(m->min_delay_min, b1, sizeof b1),
		    delay_label(m->max_delay_min, b2, sizeof b2), bookable_label(m->bookable_by));
	} else if (a->tab == TAB_LIEUX) {
		const struct db_admin_lieu *l = &d->lieux[index];
		line = xasprintf("%s · %s%s%s%s", l->name, l->address, l->phone[0] ? " · " : "",
		                 l->phone, l->enabled ? "" : " · (désactivé)");
	} else {
		const struct db_admin_agent *g = &d->agents[index];
		char *services = xstrdup("");
		for (int i = 0; i < g->nservices; i++) {
			char *n = xasprintf("%s%s%s", services, i ? ", " : "",
			                    service_name(d, g->service_ids[i]));
			free(services);
			services = n;
		}
		line = xasprintf("%s %s · %s · %s · %s", g->last_name, g->first_name,
		                 g->login[0] ? g->login : "(sans connexion)",
		                 level_label(g->access_level), services);
		free(services);
	}
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL),
	              line);
	free(line);
}

static void
admin_draw(void *state, struct app *app)
{
	struct admin *a = state;
	char *title = xasprintf(" Administration · %s", app_session(app)->organisation_name);
	draw_title_bar(title, NULL);
	free(title);
	if (!a->allowed) {
		draw_text(2, 2, COLS - 4, theme_attr(SLOT_STATUS_ERROR),
		          "Administration réservée aux administrateurs de l'organisation.");
		draw_text(4, 2, COLS - 4, theme_attr(SLOT_GRID), "F2 : revenir à l'agenda");
		return;
	}
	int x = 2;
	for (int t = 0; t < TAB_COUNT; t++) {
		char *label = xasprintf(" %s ", tab_names[t]);
		int attr = t == (int)a->tab ? (int)(theme_attr(SLOT_CURSOR) | A_BOLD)
		                            : theme_attr(SLOT_HEADER);
		x += draw_text(2, x, COLS - x, attr, label) + 1;
		free(label);
	}
	char *help = xasprintf("←/→ : onglet · %s : créer · %s ou Entrée : modifier",
	                       keys_label(ACT_NEW), keys_label(ACT_EDIT));
	draw_text(3, 2, COLS - 4, theme_attr(SLOT_GRID), help);
	free(help);
	if (a->data == NULL) {
		draw_text(5, 2, COLS - 4, A_BOLD, "chargement…");
		return;
	}
	list_set_count(&a->list, tab_count(a));
	if (a->list.count == 0)
		draw_text(5, 2, COLS - 4, theme_attr(SLOT_NORMAL), "aucun élément");
	else
		list_draw(&a->list, 5, 2, COLS - 4, LINES - 7, admin_row, a);
}

struct admin_form_arg {
	enum tab kind;
	const struct db_admin *data; /* borrowed while the form opens: it copies what it needs */
	int index;                   /* -1: a new one */
};

static const struct screen_ops admin_form_screen;

static int
admin_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct admin *a = state;
	if (!a->allowed)
		return SCREEN_NONE;
	if (action == ACT_DAY_NEXT || action == ACT_DAY_PREV || (!is_code && ch == '\t')) {
		int d = action == ACT_DAY_PREV ? TAB_COUNT - 1 : 1;
		a->tab = (enum tab)(((int)a->tab + d) % TAB_COUNT);
		a->list.selected = -1;
		a->list.top = 0;
		list_set_count(&a->list, tab_count(a));
		return SCREEN_REDRAW;
	}
	if (list_key(&a->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	if (a->data == NULL)
		return SCREEN_NONE;
	if (action == ACT_NEW ||
	    ((action == ACT_EDIT || action == ACT_SELECT) && a->list.selected >= 0)) {
		struct admin_form_arg arg = {
		    .kind = a->tab,
		    .data = a->data,
		    .index = action == ACT_NEW ? -1 : a->list.selected,
		};
		app_push(app, &admin_form_screen, &arg);
		return SCREEN_REDRAW;
	}
	return SCREEN_NONE;
}

static int
admin_loaded(void *state, void *app, struct db_reply *reply)
{
	struct admin *a = state;
	a->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Administration : %s", db_error_text(reply->error));
	} else {
		db_admin_free(a->data);
		a->data = reply->data;
		reply->data = NULL;
		list_set_count(&a->list, tab_count(a));
	}
	if (a->reload) {
		a->reload = false;
		admin_load(a, app);
	}
	return SCREEN_REDRAW;
}

static int
admin_changed(void *state, struct app *app)
{
	admin_load(state, app);
	return SCREEN_NONE;
}

const struct screen_ops admin_screen = {
    .name = "admin",
    .open = admin_open,
    .draw = admin_draw,
    .key = admin_key,
    .changed = admin_changed,
    .close = admin_close,
    .hints = admin_hints,
    .keymap = admin_keymap,
};

/* ------------------------------------------------------------ the forms */

struct admin_form {
	enum tab kind;
	int id;      /* 0: a new one */
	char *login; /* an agent being edited: their login, shown only */
	struct form *form;
	int f_name, f_service, f_duration, f_location, f_color, f_min, f_max, f_bookable;
	int f_address, f_phone, f_enabled;
	int f_first, f_last, f_email, f_login, f_level;
	int *service_fields, *service_ids; /* agents: a box per service */
	int nservices;
	unsigned long ticket;
};

static const enum action admin_form_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};
static const enum action admin_form_keymap[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};

static void
delay_choices(struct form *f, int field, int value)
{
	bool found = false;
	for (size_t i = 0; i < NDELAYS; i++) {
		form_choice_add(f, field, delays[i].minutes, delays[i].label);
		found |= delays[i].minutes == value;
	}
	if (!found) {
		char label[32];
		snprintf(label, sizeof label, "%d min", value);
		form_choice_add(f, field, value, label);
	}
	form_choice_select(f, field, value);
}

static void
motif_form(struct admin_form *e, const struct db_admin *d, const struct db_admin_motif *m)
{
	struct form *f = e->form;
	e->f_name = form_add_text(f, "Nom", m ? m->name : NULL, true);
	e->f_service = form_add_choice(f, "Service", true);
	for (size_t i = 0; i < d->nservices; i++)
		if (strcmp(d->services[i].name, "Secrétariat") != 0)
			form_choice_add(f, e->f_service, d->services[i].id, d->services[i].name);
	form_choice_select(f, e->f_service, m ? m->service_id : -1);
	e->f_duration = form_add_number(f, "Durée (min)", m ? m->duration_min : 30, true, true);
	e->f_location = form_add_choice(f, "Type de lieu", true);
	for (int i = 0; i < NLOCATIONS; i++) {
		form_choice_add(f, e->f_location, i, db_location_type_label(location_types[i]));
		if (m && strcmp(m->location_type, location_types[i]) == 0)
			form_choice_select(f, e->f_location, i);
	}
	if (m == NULL)
		form_choice_select(f, e->f_location, 0);
	e->f_color = form_add_text(f, "Couleur", m ? m->color : "#1F77B4", true);
	form_set_hint(f, e->f_color, "#RRGGBB");
	e->f_min = form_add_choice(f, "Délai minimum", true);
	delay_choices(f, e->f_min, m ? m->min_delay_min : 30);
	e->f_max = form_add_choice(f, "Délai maximum", true);
	delay_choices(f, e->f_max, m ? m->max_delay_min : 129600);
	e->f_bookable = form_add_choice(f, "Réservable par", true);
	for (int i = 0; i < NBOOKABLE; i++) {
		form_choice_add(f, e->f_bookable, i, bookable[i].label);
		if (m && strcmp(m->bookable_by, bookable[i].value) == 0)
			form_choice_select(f, e->f_bookable, i);
	}
	if (m == NULL)
		form_choice_select(f, e->f_bookable, 0);
}

static void
lieu_form(struct admin_form *e, const struct db_admin_lieu *l)
{
	struct form *f = e->form;
	e->f_name = form_add_text(f, "Nom", l ? l->name : NULL, true);
	e->f_address = form_add_text(f, "Adresse", l ? l->address : NULL, true);
	e->f_phone = form_add_text(f, "Téléphone", l ? l->phone : NULL, false);
	e->f_enabled = form_add_check(f, "Actif", l ? l->enabled : true);
}

static void
agent_form(struct admin_form *e, const struct db_admin *d, const struct db_admin_agent *g)
{
	struct form *f = e->form;
	e->f_first = form_add_text(f, "Prénom", g ? g->first_name : NULL, false);
	e->f_last = form_add_text(f, "Nom", g ? g->last_name : NULL, true);
	e->f_email = form_add_text(f, "E-mail", g ? g->email : NULL, false);
	e->f_login = -1;
	if (g == NULL) {
		e->f_login = form_add_text(f, "Identifiant", NULL, false);
		form_set_hint(f, e->f_login, "rôle PostgreSQL, ex. paul.petit");
	}
	e->f_level = form_add_choice(f, "Rôle", true);
	for (int i = 0; i < NLEVELS; i++)
		form_choice_add(f, e->f_level, i, levels[i].label);
	form_choice_select(f, e->f_level, 0);
	for (int i = 0; g && i < NLEVELS; i++)
		if (strcmp(g->access_level, levels[i].value) == 0)
			form_choice_select(f, e->f_level, i);
	e->nservices = (int)d->nservices;
	e->service_fields = xcalloc(d->nservices + 1, sizeof *e->service_fields);
	e->service_ids = xcalloc(d->nservices + 1, sizeof *e->service_ids);
	for (size_t i = 0; i < d->nservices; i++) {
		bool on = false;
		for (int k = 0; g && k < g->nservices; k++)
			on |= g->service_ids[k] == d->services[i].id;
		char *label = xasprintf("Service %s", d->services[i].short_name);
		e->service_fields[i] = form_add_check(f, label, on);
		e->service_ids[i] = d->services[i].id;
		free(label);
	}
}

static void *
admin_form_open(struct app *app, void *arg)
{
	(void)app;
	const struct admin_form_arg *a = arg;
	struct admin_form *e = xcalloc(1, sizeof *e);
	e->kind = a->kind;
	e->form = form_new();
	const struct db_admin *d = a->data;
	if (a->kind == TAB_MOTIFS) {
		const struct db_admin_motif *m = a->index >= 0 ? &d->motifs[a->index] : NULL;
		e->id = m ? m->id : 0;
		motif_form(e, d, m);
	} else if (a->kind == TAB_LIEUX) {
		const struct db_admin_lieu *l = a->index >= 0 ? &d->lieux[a->index] : NULL;
		e->id = l ? l->id : 0;
		lieu_form(e, l);
	} else {
		const struct db_admin_agent *g = a->index >= 0 ? &d->agents[a->index] : NULL;
		e->id = g ? g->id : 0;
		e->login = g ? xstrdup(g->login) : NULL;
		agent_form(e, d, g);
	}
	return e;
}

static void
admin_form_close(void *state)
{
	struct admin_form *e = state;
	form_free(e->form);
	free(e->service_fields);
	free(e->service_ids);
	free(e->login);
	free(e);
}

static void
admin_form_draw(void *state, struct app *app)
{
	struct admin_form *e = state;
	(void)app;
	static const char *const what[TAB_COUNT][2] = {
	    {"Nouveau motif", "Modifier le motif"},
	    {"Nouveau lieu", "Modifier le lieu"},
	    {"Nouvel agent", "Modifier l'agent"},
	};
	char *title = xasprintf(" Administration › %s", what[e->kind][e->id != 0]);
	draw_title_bar(title, NULL);
	free(title);
	int y = 2;
	if (e->kind == TAB_AGENTS && e->id) {
		char *line =
		    xasprintf("Identifiant : %s", e->login[0] ? e->login : "(sans connexion)");
		draw_text(y++, 2, COLS - 4, theme_attr(SLOT_NORMAL), line);
		free(line);
	}
	int rows = form_draw(e->form, y, 2, COLS - 4, 22);
	draw_text(y + rows + 1, 2, COLS - 4, theme_attr(SLOT_GRID),
	          e->ticket ? "enregistrement…" : "Entrée : enregistrer · Échap : annuler");
}

static bool
color_valid(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
login_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63 || strncmp(s, "pg_", 3) == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      strchr("_.-", s[i])))
			return false;
	return true;
}

/* Check the form and send the save; false with a French message on bad input. */
static bool
admin_form_send(struct admin_form *e, struct app *app)
{
	char *err = NULL;
	if (!form_validate(e->form, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	struct form *f = e->form;
	if (e->kind == TAB_MOTIFS) {
		long duration = 0;
		form_number(f, e->f_duration, &duration);
		if (duration <= 0 || duration > 1440) {
			f->focus = e->f_duration;
			app_message(app, true, "Durée (min) : entre 1 et 1440 minutes");
			return false;
		}
		if (!color_valid(form_text(f, e->f_color))) {
			f->focus = e->f_color;
			app_message(app, true, "Couleur : #RRGGBB attendu (ex. #1F77B4)");
			return false;
		}
		int min = form_choice_id(f, e->f_min), max = form_choice_id(f, e->f_max);
		if (max <= min) {
			f->focus = e->f_max;
			app_message(app, true, "Délai maximum : doit dépasser le délai minimum");
			return false;
		}
		struct db_admin_motif m = {
		    .id = e->id,
		    .name = (char *)form_text(f, e->f_name),
		    .service_id = form_choice_id(f, e->f_service),
		    .duration_min = (int)duration,
		    .location_type = (char *)location_types[form_choice_id(f, e->f_location)],
		    .color = (char *)form_text(f, e->f_color),
		    .min_delay_min = min,
		    .max_delay_min = max,
		    .bookable_by = (char *)bookable[form_choice_id(f, e->f_bookable)].value,
		};
		e->ticket = db_send_motif_save(app_db(app), app_session(app), &m);
	} else if (e->kind == TAB_LIEUX) {
		struct db_admin_lieu l = {
		    .id = e->id,
		    .name = (char *)form_text(f, e->f_name),
		    .address = (char *)form_text(f, e->f_address),
		    .phone = (char *)form_text(f, e->f_phone),
		    .enabled = form_checked(f, e->f_enabled),
		};
		e->ticket = db_send_lieu_save(app_db(app), app_session(app), &l);
	} else {
		const char *level = levels[form_choice_id(f, e->f_level)].value;
		bool intervenant = strcmp(level, "intervenant") == 0;
		if (!intervenant && form_empty(f, e->f_first)) {
			f->focus = e->f_first;
			app_message(app, true, "Prénom : obligatoire (sauf pour un intervenant)");
			return false;
		}
		if (e->f_login >= 0 && !intervenant && !login_valid(form_text(f, e->f_login))) {
			f->focus = e->f_login;
			app_message(
			    app, true,
			    "Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - »");
			return false;
		}
		int *ids = xcalloc((size_t)e->nservices + 1, sizeof *ids), n = 0;
		for (int i = 0; i < e->nservices; i++)
			if (form_checked(f, e->service_fields[i]))
				ids[n++] = e->service_ids[i];
		if (n == 0) {
			free(ids);
			if (e->nservices > 0)
				f->focus = e->service_fields[0];
			app_message(app, true, "Services : cochez au moins un service");
			return false;
		}
		struct db_admin_agent g = {
		    .id = e->id,
		    .first_name = (char *)form_text(f, e->f_first),
		    .last_name = (char *)form_text(f, e->f_last),
		    .email = (char *)form_text(f, e->f_email),
		    .login =
		        e->f_login >= 0 && !intervenant ? (char *)form_text(f, e->f_login) : NULL,
		    .access_level = (char *)level,
		    .service_ids = ids,
		    .nservices = n,
		};
		e->ticket = db_send_agent_save(app_db(app), app_session(app), &g);
		free(ids);
	}
	return true;
}

static int admin_form_saved(void *state, void *app, struct db_reply *reply);

static int
admin_form_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct admin_form *e = state;
	(void)action;
	if (e->ticket)
		return SCREEN_NONE;
	switch (form_key(e->form, ch, is_code)) {
	case FORM_CHANGED:
		return SCREEN_REDRAW;
	case FORM_SUBMIT:
		if (admin_form_send(e, app))
			app_request(app, e, e->ticket, admin_form_saved);
		return SCREEN_REDRAW;
	case FORM_CANCEL:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

static int
admin_form_saved(void *state, void *app, struct db_reply *reply)
{
	struct admin_form *e = state;
	e->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Non enregistré : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	static const char *const done[TAB_COUNT][2] = {
	    {"Motif créé.", "Motif modifié."},
	    {"Lieu créé.", "Lieu modifié."},
	    {"Agent créé.", "Agent modifié."},
	};
	if (e->kind == TAB_AGENTS && e->id == 0 && e->f_login >= 0 &&
	    !form_empty(e->form, e->f_login))
		app_message(app, false, "Agent créé : il se connecte avec user=%s.",
		            form_text(e->form, e->f_login));
	else
		app_message(app, false, "%s", done[e->kind][e->id != 0]);
	app_refresh_all(app);
	return SCREEN_CLOSE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
admin_form_input(void *state)
{
	struct admin_form *e = state;
	return INPUT_FORM | (form_dirty(e->form) ? INPUT_UNSAVED : 0);
}

static const struct screen_ops admin_form_screen = {
    .input = admin_form_input,
    .name = "admin-form",
    .open = admin_form_open,
    .draw = admin_form_draw,
    .key = admin_form_key,
    .close = admin_form_close,
    .hints = admin_form_hints,
    .keymap = admin_form_keymap,
};
