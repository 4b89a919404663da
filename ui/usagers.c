/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/usagers.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/usager.h"
#include "core/xmalloc.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/theme.h"

/*
 * The Usagers menu (F4): search as you type by name, e-mail, phone or birth
 * date; Entrée opens the record; Ctrl+N creates a usager; F10 opens
 * "Fusionner deux usagers"; F9 lists the probable duplicates.
 */

#define SEARCH_LIMIT 50

/* ------------------------------------------------------------ arguments */

struct usager_screen_arg *
usager_screen_arg_new(int id, int other, const char *name)
{
	struct usager_screen_arg *a = xcalloc(1, sizeof *a);
	a->id = id;
	a->other = other;
	a->name = name ? xstrdup(name) : NULL;
	return a;
}

void
usager_screen_arg_free(struct usager_screen_arg *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a);
}

char *
usager_hit_name(const struct db_usager_hit *h)
{
	struct usager tmp = {.first_name = h->first_name, .last_name = h->last_name};
	return usager_display_name(&tmp);
}

/* ------------------------------------------------------------ the finder */

void
usager_finder_init(struct usager_finder *f, const char *label, int limit)
{
	memset(f, 0, sizeof *f);
	f->form = form_new();
	form_add_text(f->form, label, "", false);
	f->limit = limit;
	f->min_len = 1;
	list_set_count(&f->list, 0);
}

void
usager_finder_free(struct usager_finder *f)
{
	form_free(f->form);
	db_usager_hits_free(f->hits);
	free(f->sent);
	free(f->shown);
	memset(f, 0, sizeof *f);
}

const char *
usager_finder_text(const struct usager_finder *f)
{
	return form_text(f->form, 0);
}

bool
usager_finder_too_short(const struct usager_finder *f)
{
	return form_empty(f->form, 0) || strlen(usager_finder_text(f)) < (size_t)f->min_len;
}

bool
usager_finder_searching(const struct usager_finder *f)
{
	return f->ticket != 0;
}

static void
drop_hits(struct usager_finder *f)
{
	db_usager_hits_free(f->hits);
	f->hits = NULL;
	free(f->shown);
	f->shown = NULL;
	list_set_count(&f->list, 0);
}

void
usager_finder_clear(struct usager_finder *f)
{
	form_set_text(f->form, 0, "");
	drop_hits(f);
	f->ticket = 0;
}
static int finder_found(void *arg, void *app, struct db_reply *r);

static void
finder_send(struct usager_finder *f, struct app *app)
{
	const char *text = usager_finder_text(f);
	if (f->ticket != 0)
		return; /* the reply will send the latest text */
	if (usager_finder_too_short(f)) {
		drop_hits(f);
		return;
	}
	free(f->sent);
	f->sent = xstrdup(text);
	f->ticket = db_send_usager_search(app_read_db(app), text, f->limit);
	app_request_arg(app, f->owner, f->ticket, finder_found, f);
}

void
usager_finder_refresh(struct usager_finder *f, struct app *app)
{
	free(f->shown);
	f->shown = NULL;
	finder_send(f, app);
}

void
usager_finder_set_text(struct usager_finder *f, struct app *app, const char *text)
{
	form_set_text(f->form, 0, text ? text : "");
	finder_send(f, app);
}

bool
usager_finder_key(struct usager_finder *f, struct app *app, enum action a, wint_t ch, bool is_code)
{
	if (is_code && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE || ch == KEY_NPAGE)) {
		list_key(&f->list, a, (int)ch, is_code);
		return true;
	}
	/* Printable characters and editing keys go to the text, letters included. */
	bool text_key = is_code ? (ch == KEY_BACKSPACE || ch == KEY_DC || ch == KEY_LEFT ||
				   ch == KEY_RIGHT || ch == KEY_HOME || ch == KEY_END)
				: (ch >= 0x20 || ch == 127 || ch == 8 || ch == 1 || ch == 5 || ch == 21 ||
				   ch == 11);
	if (!text_key || ch == '\t')
		return false;
	return usager_finder_edit(f, app, ch, is_code) != FORM_NONE;
}

enum form_result
usager_finder_edit(struct usager_finder *f, struct app *app, wint_t ch, bool is_code)
{
	char *before = xstrdup(usager_finder_text(f));
	enum form_result r = form_key(f->form, ch, is_code);
	if (r == FORM_CHANGED && strcmp(before, usager_finder_text(f)) != 0)
		finder_send(f, app);
	free(before);
	return r;
}

/* The hits (a finder cleared since it was sent has another ticket, or none). */
static int
finder_found(void *arg, void *app, struct db_reply *r)
{
	struct usager_finder *f = arg;
	if (r->ticket != f->ticket)
		return SCREEN_NONE;
	f->ticket = 0;
	if (r->error) {
		app_message(app, true, "Recherche : %s", db_error_text(r->error));
	} else if (strcmp(f->sent, usager_finder_text(f)) == 0) {
		/* Only the answer to what is typed now is shown. */
		db_usager_hits_free(f->hits);
		f->hits = r->data;
		r->data = NULL;
		free(f->shown);
		f->shown = xstrdup(f->sent);
		f->list.selected = f->hits->n ? 0 : -1;
		f->list.top = 0;
		list_set_count(&f->list, (int)f->hits->n);
	}
	if (strcmp(f->sent, usager_finder_text(f)) != 0)
		finder_send(f, app);
	return SCREEN_REDRAW;
}

const struct db_usager_hit *
usager_finder_selected(const struct usager_finder *f)
{
	if (f->hits == NULL || f->list.selected < 0 || (size_t)f->list.selected >= f->hits->n)
		return NULL;
	return &f->hits->items[f->list.selected];
}

void
usager_finder_draw_field(struct usager_finder *f, int y, int x, int width, bool focused)
{
	if (focused) {
		form_draw(f->form, y, x, width, (int)strlen(f->form->fields[0].label) + 1);
		return;
	}
	char *line = xasprintf("%s %s", f->form->fields[0].label, usager_finder_text(f));
	draw_text_pad(y, x, width, theme_attr(SLOT_NORMAL), line);
	free(line);
}

struct hits_ctx {
	struct usager_finder *f;
	bool focused;
};

static void
hit_row(void *vctx, int index, int y, int x, int width, bool selected)
{
	struct hits_ctx *ctx = vctx;
	const struct db_usager_hit *h = &ctx->f->hits->items[index];
	char *name = usager_hit_name(h);
	char birth[11] = "";
	if (h->have_birth_date)
		cal_format_date_fr(h->birth_date, birth);
	int attr = selected && ctx->focused ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	draw_fill(y, x, width, attr, L' ');
	/* Name, birth date, e-mail, phone, city, in columns that fit 80 columns. */
	int wname = width * 30 / 100, wbirth = 11, wmail = width * 27 / 100, wphone = 15;
	char *label = xasprintf("%s%s%s", name, h->responsible_id ? " (proche)" : "",
				h->matched && strcmp(h->matched, "similar") == 0 ? " ~" : "");
	draw_text(y, x, wname - 1, attr | (selected ? A_BOLD : 0), label);
	int cx = x + wname;
	draw_text(y, cx, wbirth, attr, birth);
	cx += wbirth;
	draw_text(y, cx, wmail - 1, attr, h->email ? h->email : "");
	cx += wmail;
	draw_text(y, cx, wphone, attr, h->phone ? h->phone : "");
	cx += wphone;
	if (cx < x + width)
		draw_text(y, cx, x + width - cx, attr, h->city ? h->city : "");
	/* In words, uncut, for the focus line: "Marie DUPOND, proche, nom voisin, née le …". */
	if (selected)
		focus_describe("%s%s%s%s%s%s%s%s%s%s%s, %zu sur %zu", name, h->responsible_id ? ", proche" : "",
			       h->matched && strcmp(h->matched, "similar") == 0 ? ", nom voisin" : "",
			       birth[0] ? ", né(e) le " : "", birth, h->email ? ", " : "", h->email ? h->email : "",
			       h->phone ? ", " : "", h->phone ? h->phone : "", h->city ? ", " : "",
			       h->city ? h->city : "", (size_t)index + 1, ctx->f->hits->n);
	free(label);
	free(name);
}

int
usager_finder_draw_hits(struct usager_finder *f, int y, int x, int width, int height, bool focused)
{
	if (f->hits == NULL) {
		if (f->ticket && height > 0)
			draw_text(y, x, width, theme_attr(SLOT_GRID), "recherche…");
		return f->ticket ? 1 : 0;
	}
	if (f->hits->n == 0) {
		if (height > 0)
			draw_text(y, x, width, theme_attr(SLOT_GRID), "Aucun usager ne correspond.");
		/* (the Usagers screen names the query in its footer) */
		return 1;
	}
	struct hits_ctx ctx = {f, focused};
	int h = (int)f->hits->n < height ? (int)f->hits->n : height;
	list_draw(&f->list, y, x, width, h, hit_row, &ctx);
	return h;
}

/* ------------------------------------------------------------ Usagers screen */

struct usagers {
	struct usager_finder finder;
};

static const enum action usagers_hints[] = {ACT_SELECT, ACT_NEW, ACT_MERGE, ACT_DUPLICATES,
					    ACT_HELP, ACT_NONE};
static const enum action usagers_keymap[] = {ACT_SELECT, ACT_NEW, ACT_MERGE, ACT_DUPLICATES, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static void *
usagers_open(struct app *app, void *arg)
{
	(void)app;
	(void)arg;
	struct usagers *u = xcalloc(1, sizeof *u);
	usager_finder_init(&u->finder, "Rechercher :", SEARCH_LIMIT);
	u->finder.owner = u;
	return u;
}

static void
usagers_close(void *state)
{
	struct usagers *u = state;
	usager_finder_free(&u->finder);
	free(u);
}

static void
usagers_draw(void *state, struct app *app)
{
	struct usagers *u = state;
	(void)app;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE), " Usagers");
	draw_text_right(0, COLS / 2, COLS - COLS / 2, theme_attr(SLOT_TITLE),
			"Ctrl+N créer · F10 fusionner · F9 doublons ");
	usager_finder_draw_field(&u->finder, 2, 1, COLS - 2, true);
	draw_text(3, 1, COLS - 2, theme_attr(SLOT_GRID),
		  "Nom (accents, tirets et fautes de frappe tolérés), e-mail, téléphone (06… ou +33…) "
		  "ou date de naissance (JJ/MM/AAAA)");
	int wname = (COLS - 2) * 30 / 100, wmail = (COLS - 2) * 27 / 100;
	draw_fill(5, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	draw_text(5, 1, wname, theme_attr(SLOT_HEADER), "Nom");
	draw_text(5, 1 + wname, 11, theme_attr(SLOT_HEADER), "Naissance");
	draw_text(5, 1 + wname + 11, wmail, theme_attr(SLOT_HEADER), "E-mail");
	draw_text(5, 1 + wname + 11 + wmail, 15, theme_attr(SLOT_HEADER), "Téléphone");
	draw_text(5, 1 + wname + 11 + wmail + 15, COLS, theme_attr(SLOT_HEADER), "Ville");
	int rows = LINES - 1 - 7;
	usager_finder_draw_hits(&u->finder, 6, 1, COLS - 2, rows, true);
	if (u->finder.hits && u->finder.hits->n > 0) {
		const char *m = u->finder.hits->items[0].matched ? u->finder.hits->items[0].matched : "";
		const char *by = strcmp(m, "email") == 0	  ? "par e-mail"
				 : strcmp(m, "phone") == 0	  ? "par téléphone"
				 : strcmp(m, "birth_date") == 0 ? "par date de naissance"
								: "par nom (~ : orthographe proche)";
		char *n = xasprintf("%zu usager%s%s pour « %s » · %s", u->finder.hits->n,
				    u->finder.hits->n > 1 ? "s" : "",
				    u->finder.hits->n == SEARCH_LIMIT ? " (les premiers)" : "", u->finder.shown,
				    by);
		draw_text(LINES - 2, 1, COLS - 2, theme_attr(SLOT_GRID), n);
		free(n);
	}
}

static int
usagers_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct usagers *u = state;
	switch (action) {
	case ACT_SELECT: {
		const struct db_usager_hit *h = usager_finder_selected(&u->finder);
		if (h)
			app_push(app, &usager_record_screen, usager_screen_arg_new(h->id, 0, NULL));
		return SCREEN_REDRAW;
	}
	case ACT_NEW: {
		/* The name typed becomes the new usager's, when it is one. */
		const char *t = usager_finder_text(&u->finder);
		bool name = *t && !strpbrk(t, "@0123456789+");
		app_push(app, &usager_record_screen, usager_screen_arg_new(0, 0, name ? t : NULL));
		return SCREEN_REDRAW;
	}
	case ACT_MERGE: {
		const struct db_usager_hit *h = usager_finder_selected(&u->finder);
		app_push(app, &merge_screen, usager_screen_arg_new(h ? h->id : 0, 0, NULL));
		return SCREEN_REDRAW;
	}
	case ACT_DUPLICATES:
		app_push(app, &duplicates_screen, NULL);
		return SCREEN_REDRAW;
	case ACT_CANCEL:
		if (!form_empty(u->finder.form, 0)) {
			usager_finder_set_text(&u->finder, app, "");
			return SCREEN_REDRAW;
		}
		return SCREEN_NONE;
	default:
		break;
	}
	if (usager_finder_key(&u->finder, app, action, ch, is_code))
		return SCREEN_REDRAW;
	return SCREEN_NONE;
}

static int
usagers_changed(void *state, struct app *app)
{
	struct usagers *u = state;
	if (!form_empty(u->finder.form, 0))
		usager_finder_refresh(&u->finder, app);
	return SCREEN_NONE;
}

/* The search field always has the keyboard: letters and digits are text there. */
static unsigned
usagers_input(void *state)
{
	(void)state;
	return INPUT_FORM;
}

const struct screen_ops usagers_screen = {
    .input = usagers_input,
    .name = "usagers",
    .open = usagers_open,
    .draw = usagers_draw,
    .key = usagers_key,
    .changed = usagers_changed,
    .close = usagers_close,
    .hints = usagers_hints,
    .keymap = usagers_keymap,
};

/* ------------------------------------------------------------ Doublons probables */

struct duplicates {
	struct db_usager_dups *dups;
	struct list list;
	unsigned long ticket;
};

static const enum action duplicates_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_NONE};
static const enum action duplicates_keymap[] = {ACT_SELECT, ACT_MERGE, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int duplicates_loaded(void *state, void *app, struct db_reply *reply);

static void
duplicates_load(struct duplicates *d, struct app *app)
{
	if (d->ticket)
		return;
	d->ticket = db_send_usager_duplicates(app_db(app), 0, 200);
	app_request(app, d, d->ticket, duplicates_loaded);
}

static void *
duplicates_open(struct app *app, void *arg)
{
	(void)arg;
	struct duplicates *d = xcalloc(1, sizeof *d);
	list_set_count(&d->list, 0);
	duplicates_load(d, app);
	return d;
}

static void
duplicates_close(void *state)
{
	struct duplicates *d = state;
	db_usager_dups_free(d->dups);
	free(d);
}

static void
dup_side(char *buf, size_t size, const struct db_usager_dup *it, int side)
{
	char birth[11] = "—";
	if (it->have_birth_date[side])
		cal_format_date_fr(it->birth_date[side], birth);
	snprintf(buf, size, "%s (n° %d, %s)", it->name[side], it->id[side], birth);
}

static void
dup_row(void *vctx, int index, int y, int x, int width, bool selected)
{
	struct duplicates *d = vctx;
	const struct db_usager_dup *it = &d->dups->items[index];
	int attr = selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	char a[160], b[160];
	dup_side(a, sizeof a, it, 0);
	dup_side(b, sizeof b, it, 1);
	char *line = xasprintf("%s  ⇄  %s · %s", a, b, it->reasons ? it->reasons : "");
	draw_text_pad(y, x, width, attr, line);
	free(line);
}

static void
duplicates_draw(void *state, struct app *app)
{
	struct duplicates *d = state;
	(void)app;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE),
		  " Doublons probables · Entrée : fusionner les deux fiches");
	if (d->dups == NULL) {
		draw_text_center(LINES / 2, 0, COLS, A_BOLD, " chargement… ");
		return;
	}
	if (d->dups->n == 0) {
		draw_text(2, 1, COLS - 2, theme_attr(SLOT_NORMAL), "Aucun doublon probable.");
		return;
	}
	list_draw(&d->list, 2, 1, COLS - 2, LINES - 4, dup_row, d);
}

static int
duplicates_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct duplicates *d = state;
	if (list_key(&d->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	switch (action) {
	case ACT_SELECT:
	case ACT_MERGE:
		if (d->dups && d->list.selected >= 0 && (size_t)d->list.selected < d->dups->n) {
			const struct db_usager_dup *it = &d->dups->items[d->list.selected];
			app_push(app, &merge_screen, usager_screen_arg_new(it->id[0], it->id[1], NULL));
		}
		return SCREEN_REDRAW;
	case ACT_CANCEL:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

static int
duplicates_loaded(void *state, void *app, struct db_reply *reply)
{
	struct duplicates *d = state;
	d->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Doublons : %s", db_error_text(reply->error));
	} else {
		db_usager_dups_free(d->dups);
		d->dups = reply->data;
		reply->data = NULL;
		list_set_count(&d->list, (int)d->dups->n);
	}
	return SCREEN_REDRAW;
}

/* Something changed (two usagers merged here, or elsewhere): the pairs may have too. */
static int
duplicates_changed(void *state, struct app *app)
{
	duplicates_load(state, app);
	return SCREEN_NONE;
}

const struct screen_ops duplicates_screen = {
    .name = "duplicates",
    .open = duplicates_open,
    .draw = duplicates_draw,
    .key = duplicates_key,
    .changed = duplicates_changed,
    .close = duplicates_close,
    .hints = duplicates_hints,
    .keymap = duplicates_keymap,
};
