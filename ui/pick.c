/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/pick.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/usager.h"
#include "core/xmalloc.h"
#include "db/usagers.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/theme.h"

/* Hits shown by the picker. */
#define PICK_LIMIT 20

void
picker_init(struct usager_picker *p)
{
	memset(p, 0, sizeof *p);
	usager_finder_init(&p->finder, "Usager", PICK_LIMIT);
	p->finder.min_len = 2;
	form_set_hint(p->finder.form, 0, "nom, e-mail ou téléphone");
	p->create = form_new();
	p->c_first = form_add_text(p->create, "Prénom", NULL, true);
	p->c_last = form_add_text(p->create, "Nom", NULL, true);
	p->c_birth_name = form_add_text(p->create, "Nom de naissance", NULL, false);
	p->c_birth = form_add_date(p->create, "Date de naissance", false, 0, false);
	p->c_email = form_add_text(p->create, "E-mail", NULL, false);
	p->c_phone = form_add_text(p->create, "Téléphone", NULL, false);
}

void
picker_free(struct usager_picker *p)
{
	usager_finder_free(&p->finder);
	form_free(p->create);
	db_usager_dups_free(p->matches);
	free(p->picked_name);
	memset(p, 0, sizeof *p);
}

void
picker_reset(struct usager_picker *p)
{
	usager_finder_clear(&p->finder);
	p->creating = false;
	db_usager_dups_free(p->matches);
	p->matches = NULL;
	p->match_ticket = 0;
}

static void
usager_row(void *ctx, int index, int y, int x, int width, bool selected)
{
	struct usager_picker *p = ctx;
	const struct db_usager_hit *u = &p->finder.hits->items[index];
	char *name = usager_hit_name(u);
	char birth[11] = "";
	if (u->have_birth_date)
		cal_format_date_fr(u->birth_date, birth);
	char *line = xasprintf("%s  %s  %s  %s", name, birth, u->email ? u->email : "",
			       u->phone ? u->phone : "");
	draw_text_pad(y, x, width, selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), line);
	free(line);
	free(name);
}

int
picker_draw(struct usager_picker *p, int y, int x, int width, int height)
{
	if (p->creating) {
		draw_text(y, x, width, A_BOLD, "Nouvel usager (Entrée : créer, Échap : revenir)");
		form_draw(p->create, y + 2, x, width, 18);
		int used = p->create->n + 2;
		int room = height - used - 1;
		if (p->matches && room >= 2)
			used += usager_matches_draw(p->matches, y + used + 1, x, width, y + used + room) + 1;
		return used;
	}
	struct usager_finder *f = &p->finder;
	form_draw(f->form, y, x, width, 18);
	int ly = y + 2;
	bool too_short = usager_finder_too_short(f);
	bool searching = !too_short && usager_finder_searching(f);
	if (too_short || f->hits == NULL || searching) {
		draw_text(ly, x + 2, width - 2, theme_attr(SLOT_GRID),
			  searching ? "recherche…" : "Tapez au moins deux lettres d'un nom, un e-mail ou un téléphone.");
	} else if (f->hits->n == 0) {
		char *t = xasprintf("Aucun usager trouvé. %s : créer un usager.", keys_label(ACT_NEW));
		draw_text(ly, x + 2, width - 2, A_BOLD, t);
		free(t);
	} else {
		list_draw(&f->list, ly, x + 2, width - 2, height - 2, usager_row, p);
	}
	return height;
}

/*
 * The warning before creating a usager who looks like known ones (the
 * usager record and the picker): who, and why, from row y; the matches stop
 * at row last_row. Returns the rows used.
 */
int
usager_matches_draw(const struct db_usager_dups *m, int y, int x, int width, int last_row)
{
	int y0 = y;
	char *head = xasprintf("Attention : %s peut-être déjà enregistré%s :",
			       m->n > 1 ? "ces usagers sont" : "cet usager est", m->n > 1 ? "s" : "");
	draw_text(y++, x, width, theme_attr(SLOT_STATUS_ERROR) | A_BOLD, head);
	free(head);
	for (size_t i = 0; i < m->n && y < last_row; i++) {
		const struct db_usager_dup *d = &m->items[i];
		char birth[11] = "";
		if (d->have_birth_date[1])
			cal_format_date_fr(d->birth_date[1], birth);
		char *line = xasprintf("  %s%s%s (fiche n° %d) · %s", d->name[1], *birth ? ", né(e) le " : "",
				       birth, d->id[1], d->reasons ? d->reasons : "");
		draw_text(y++, x, width, theme_attr(SLOT_MERGE_DIFF), line);
		free(line);
	}
	draw_text(y++, x, width, A_BOLD, "Entrée : créer quand même · Échap : revenir au formulaire");
	return y - y0;
}

static int picker_matched(void *arg, void *app, struct db_reply *reply);
static int picker_created(void *arg, void *app, struct db_reply *reply);

static bool
create_validate(struct usager_picker *p, struct app *app)
{
	char *err = NULL;
	if (!form_validate(p->create, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	/* The same checks as the usager record (src/core/usager.c). */
	rdv_date birth, today = cal_time_date(app_now(app));
	const char *problem;
	if (!form_empty(p->create, p->c_birth) && form_date(p->create, p->c_birth, &birth) &&
	    (problem = usager_birth_date_problem(birth, today)) != NULL) {
		p->create->focus = p->c_birth;
		app_message(app, true, "Usager : %s", problem);
		return false;
	}
	if (!form_empty(p->create, p->c_email) && !usager_email_valid(form_text(p->create, p->c_email))) {
		p->create->focus = p->c_email;
		app_message(app, true, "E-mail : adresse invalide (exemple : nom@domaine.fr)");
		return false;
	}
	char e164[20];
	if (!form_empty(p->create, p->c_phone) && !usager_phone_e164(form_text(p->create, p->c_phone), e164)) {
		p->create->focus = p->c_phone;
		app_message(app, true, "Téléphone : numéro français ou d'outre-mer attendu (06…, +33…)");
		return false;
	}
	return true;
}

static void
create_send(struct usager_picker *p, struct app *app)
{
	char iso[11] = "";
	rdv_date birth;
	if (form_date(p->create, p->c_birth, &birth))
		cal_format_date(birth, iso);
#define OPT(field) (form_empty(p->create, field) ? NULL : form_text(p->create, field))
	struct db_usager_new u = {
	    .first_name = form_text(p->create, p->c_first),
	    .last_name = form_text(p->create, p->c_last),
	    .birth_name = OPT(p->c_birth_name),
	    .birth_date = iso[0] ? iso : NULL,
	    .email = OPT(p->c_email),
	    .phone = OPT(p->c_phone),
	};
#undef OPT
	p->create_ticket = db_send_usager_create(app_db(app), app_session(app), &u);
	app_request_arg(app, p->owner, p->create_ticket, picker_created, p);
}

/* Before creating: look for the same person among the usagers I see. */
static void
matches_send(struct usager_picker *p, struct app *app)
{
	struct usager *u = usager_new();
	u->first_name = xstrdup(form_text(p->create, p->c_first));
	u->last_name = xstrdup(form_text(p->create, p->c_last));
	u->have_birth_date = form_date(p->create, p->c_birth, &u->birth_date);
	if (!form_empty(p->create, p->c_email))
		u->email = xstrdup(form_text(p->create, p->c_email));
	if (!form_empty(p->create, p->c_phone))
		u->phone = xstrdup(form_text(p->create, p->c_phone));
	p->match_ticket = db_send_usager_matches(app_db(app), u, 5);
	app_request_arg(app, p->owner, p->match_ticket, picker_matched, p);
	usager_free(u);
}

static void
picked(struct usager_picker *p, int id, const char *name)
{
	p->picked_id = id;
	free(p->picked_name);
	p->picked_name = xstrdup(name);
}

unsigned
picker_input(const struct usager_picker *p)
{
	/* On the duplicate warning, Échap goes back to the form as typed. */
	return INPUT_FORM | (p->creating && form_dirty(p->create) ? INPUT_UNSAVED : 0) |
	       (p->matches ? INPUT_ESC_KEEPS : 0);
}

enum picker_result
picker_key(struct usager_picker *p, struct app *app, enum action action, wint_t ch, bool is_code)
{
	p->finder.owner = p->owner; /* the embedding screen owns the search's requests */
	if (p->creating) {
		if (p->create_ticket || p->match_ticket)
			return PICKER_NONE;
		if (p->matches) {
			/* The duplicate warning: create anyway, or back to the form as typed. */
			if (action == ACT_SELECT || action == ACT_CANCEL) {
				db_usager_dups_free(p->matches);
				p->matches = NULL;
				if (action == ACT_SELECT)
					create_send(p, app);
			}
			return PICKER_CHANGED;
		}
		switch (form_key(p->create, ch, is_code)) {
		case FORM_SUBMIT:
			if (create_validate(p, app))
				matches_send(p, app);
			return PICKER_CHANGED;
		case FORM_CANCEL:
			p->creating = false;
			return PICKER_CHANGED;
		case FORM_CHANGED:
			return PICKER_CHANGED;
		default:
			return PICKER_NONE;
		}
	}
	if (action == ACT_NEW) {
		p->creating = true;
		/* Start the new record from what was typed as a name. */
		const char *typed = usager_finder_text(&p->finder);
		if (form_empty(p->create, p->c_last) && !strchr(typed, '@') && !strpbrk(typed, "0123456789"))
			form_set_text(p->create, p->c_last, typed);
		p->create->focus = form_empty(p->create, p->c_last) ? p->c_last : p->c_first;
		return PICKER_CHANGED;
	}
	if (is_code && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_NPAGE || ch == KEY_PPAGE)) {
		list_key(&p->finder.list, action, (int)ch, is_code);
		return PICKER_CHANGED;
	}
	switch (usager_finder_edit(&p->finder, app, ch, is_code)) {
	case FORM_CHANGED:
		return PICKER_CHANGED;
	case FORM_SUBMIT: {
		const struct db_usager_hit *h = usager_finder_selected(&p->finder);
		if (h == NULL || usager_finder_searching(&p->finder) || usager_finder_too_short(&p->finder)) {
			app_message(app, true, "Choisissez un usager dans la liste, ou %s pour en créer un.",
				    keys_label(ACT_NEW));
			return PICKER_CHANGED;
		}
		char *name = usager_hit_name(h);
		picked(p, h->id, name);
		free(name);
		return PICKER_PICKED;
	}
	case FORM_CANCEL:
		return PICKER_CANCEL;
	default:
		return PICKER_NONE;
	}
}

static int
picker_matched(void *arg, void *app, struct db_reply *reply)
{
	struct usager_picker *p = arg;
	if (reply->ticket != p->match_ticket)
		return SCREEN_NONE;
	p->match_ticket = 0;
	struct db_usager_dups *m = reply->error ? NULL : reply->data;
	if (m && m->n > 0) {
		reply->data = NULL;
		p->matches = m;
		app_message(app, true, "Usager peut-être déjà enregistré");
		return SCREEN_REDRAW;
	}
	/* No match (or the check failed: the database still refuses a duplicate e-mail). */
	create_send(p, app);
	return SCREEN_REDRAW;
}

static int
picker_created(void *arg, void *app, struct db_reply *reply)
{
	struct usager_picker *p = arg;
	p->create_ticket = 0;
	if (reply->error) {
		/* The form keeps what was typed; the database says which rule failed. */
		if (strstr(reply->error->constraint, "email"))
			p->create->focus = p->c_email;
		app_message(app, true, "Usager non créé : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	char *name = xasprintf("%s %s", form_text(p->create, p->c_first),
			       form_text(p->create, p->c_last));
	picked(p, *(int *)reply->data, name);
	free(name);
	p->creating = false;
	return SCREEN_REDRAW | (p->on_picked ? p->on_picked(p->owner, app) : SCREEN_NONE);
}
