/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/merge.h"
#include "core/xmalloc.h"
#include "db/usagers.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/screen.h"
#include "ui/theme.h"
#include "ui/usagers.h"

/*
 * "Fusionner deux usagers": two columns, A and B. In each, type a name and
 * pick the usager (Entrée). Then one row per field: identical values in
 * merge.same (green) with "=", different ones in merge.diff (orange) with
 * "≠", so a monochrome terminal reads it too. ← → choose the side kept for
 * the row under the cursor (● kept, ○ dropped); the e-mail row decides which
 * record survives, unless a relative meets a responsible. Entrée twice
 * merges, in one database call; the surviving record opens.
 */

enum { FOCUS_A, FOCUS_B, FOCUS_TABLE };

struct side {
	void *owner; /* the merge screen */
	char name;   /* 'A' or 'B' */
	struct usager_finder finder;
	int id;
	struct db_usager_record *rec;
	unsigned long load_ticket; /* the latest load (an older one's reply is dropped) */
};

struct merge {
	struct side side[2];
	int focus;
	struct merge_plan *plan;
	int row;
	bool confirm;
	unsigned long merge_ticket; /* in flight, 0 when none */
};

static const enum action merge_hints[] = {ACT_SELECT, ACT_CANCEL, ACT_HELP, ACT_NONE};
static const enum action merge_keymap[] = {ACT_SELECT, ACT_CANCEL, ACT_DAY_PREV, ACT_DAY_NEXT, KEYMAP_LIST, ACT_NONE};

static int side_loaded(void *arg, void *app, struct db_reply *reply);

static void
side_load(struct side *s, struct app *app, int id)
{
	s->id = id;
	db_usager_record_free(s->rec);
	s->rec = NULL;
	s->load_ticket = id ? db_send_usager_load(app_db(app), app_session(app), id) : 0;
	if (s->load_ticket)
		app_request_arg(app, s->owner, s->load_ticket, side_loaded, s);
}

static void
merge_replan(struct merge *m, struct app *app)
{
	merge_plan_free(m->plan);
	m->plan = NULL;
	m->confirm = false;
	if (m->side[0].rec == NULL || m->side[1].rec == NULL)
		return;
	if (m->side[0].id == m->side[1].id) {
		app_message(app, true, "Choisissez deux usagers différents.");
		return;
	}
	m->plan = merge_plan_new(m->side[0].rec->usager, m->side[1].rec->usager);
	m->row = 0;
	/* Start on the first row with a choice. */
	for (int i = 0; i < m->plan->nrows; i++)
		if (!m->plan->rows[i].same && m->plan->rows[i].offered) {
			m->row = i;
			break;
		}
}

static void
merge_sides_init(struct merge *m)
{
	for (int i = 0; i < 2; i++) {
		struct side *s = &m->side[i];
		s->owner = m;
		s->name = i ? 'B' : 'A';
		usager_finder_init(&s->finder, i ? "Usager B :" : "Usager A :", 10);
		s->finder.owner = m;
	}
}

static void *
merge_open(struct app *app, void *arg)
{
	struct usager_screen_arg *a = arg;
	struct merge *m = xcalloc(1, sizeof *m);
	merge_sides_init(m);
	if (a && a->id)
		side_load(&m->side[0], app, a->id);
	if (a && a->other)
		side_load(&m->side[1], app, a->other);
	m->focus = a && a->id ? (a->other ? FOCUS_TABLE : FOCUS_B) : FOCUS_A;
	usager_screen_arg_free(a);
	return m;
}

static void
merge_reset(struct merge *m)
{
	for (int i = 0; i < 2; i++) {
		usager_finder_free(&m->side[i].finder);
		db_usager_record_free(m->side[i].rec);
		m->side[i].rec = NULL;
		m->side[i].id = 0;
		m->side[i].load_ticket = 0;
	}
	merge_plan_free(m->plan);
	m->plan = NULL;
	m->confirm = false;
}

static void
merge_close(void *state)
{
	struct merge *m = state;
	merge_reset(m);
	free(m);
}

/* "12 RDV · 2 à venir · 1 proche". */
static void
side_context(const struct side *s, struct app *app, char *buf, size_t size)
{
	if (s->rec == NULL) {
		snprintf(buf, size, "%s", s->id ? "chargement…" : "");
		return;
	}
	rdv_time now = app_now(app);
	int upcoming = 0;
	for (size_t i = 0; i < s->rec->nrdvs; i++)
		upcoming += s->rec->rdvs[i].start >= now && !rdv_status_is_cancelled(s->rec->rdvs[i].status);
	int rel = s->rec->usager->nrelatives;
	snprintf(buf, size, "n° %d · %zu RDV · %d à venir · %d proche%s%s", s->id, s->rec->nrdvs,
		 upcoming, rel, rel > 1 ? "s" : "", s->rec->usager->responsible_id ? " · est un proche" : "");
}

static void
merge_draw(void *state, struct app *app)
{
	struct merge *m = state;
	int half = COLS / 2;
	draw_title_bar(" Fusionner deux usagers", NULL);
	for (int i = 0; i < 2; i++) {
		struct side *s = &m->side[i];
		int x = i == 0 ? 1 : half + 1, w = half - 2;
		if (s->rec && m->focus != i) {
			char *name = usager_display_name(s->rec->usager);
			char *line = xasprintf("%s %s", i == 0 ? "Usager A :" : "Usager B :", name);
			draw_text_pad(2, x, w, theme_attr(SLOT_HEADER), line);
			free(line);
			free(name);
		} else {
			usager_finder_draw_field(&s->finder, 2, x, w, m->focus == i);
		}
		char ctx[160];
		side_context(s, app, ctx, sizeof ctx);
		draw_text(3, x, w, theme_attr(SLOT_GRID), ctx);
	}
	int y = 5;
	if (m->focus == FOCUS_A || m->focus == FOCUS_B) {
		struct side *s = &m->side[m->focus];
		int x = m->focus == FOCUS_A ? 1 : half + 1;
		int used = usager_finder_draw_hits(&s->finder, y, x, COLS - x - 1, 10, true);
		if (used > 0) {
			draw_text(y + used, x, COLS - x - 1, theme_attr(SLOT_GRID),
				  "Entrée : choisir cet usager · Tab : colonne suivante");
			return;
		}
	}
	if (m->plan == NULL) {
		draw_text(y, 1, COLS - 2, theme_attr(SLOT_GRID),
			  "Tapez un nom dans chaque colonne et choisissez l'usager avec Entrée.");
		return;
	}
	/* The table: gutter, label, value A, value B. */
	int lw = 19, gx = 1, lx = 3, vw = (COLS - lx - lw - 2) / 2;
	int ax = lx + lw + 1, bx = ax + vw + 1;
	draw_fill(y, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	draw_text(y, lx, lw, theme_attr(SLOT_HEADER), "Champ");
	draw_text(y, ax + 2, vw - 2, theme_attr(SLOT_HEADER), "Usager A");
	draw_text(y, bx + 2, vw - 2, theme_attr(SLOT_HEADER), "Usager B");
	y++;
	int survivor = merge_plan_survivor(m->plan);
	for (int i = 0; i < m->plan->nrows && y < LINES - 4; i++, y++) {
		const struct merge_row *r = &m->plan->rows[i];
		int attr = theme_attr(r->same ? SLOT_MERGE_SAME : SLOT_MERGE_DIFF);
		bool cursor = m->focus == FOCUS_TABLE && i == m->row;
		draw_fill(y, 0, COLS, attr, L' ');
		draw_text(y, gx, 1, attr | A_BOLD, r->same ? "=" : "≠");
		draw_text(y, lx, lw, cursor ? theme_attr(SLOT_CURSOR) : (int)(attr | A_BOLD), r->label);
		for (int side = 0; side < 2; side++) {
			int x = side == 0 ? ax : bx;
			/* ● the value kept, ○ the one dropped; a row not offered keeps the survivor's. */
			int kept = r->offered ? r->keep : survivor;
			const char *mark = r->same ? " " : kept == side ? "●" : "○";
			char *cell = xasprintf("%s %s", mark, r->value[side] ? r->value[side] : "—");
			draw_text(y, x, vw, (int)(attr | (!r->same && kept == side ? A_BOLD : 0)), cell);
			free(cell);
		}
		if (cursor) {
			/* In words what the colours and the ● ○ marks say. */
			int kept = r->offered ? r->keep : survivor;
			const char *a = r->value[0] ? r->value[0] : "vide", *b = r->value[1] ? r->value[1] : "vide";
			focus_set(y, lx, NULL);
			if (r->same)
				focus_describe("%s : identique, %s", r->label, a);
			else
				focus_describe("%s : différent, A : %s%s, B : %s%s%s", r->label, a,
					       kept == 0 ? " (conservé)" : " (écarté)", b,
					       kept == 1 ? " (conservé)" : " (écarté)",
					       r->offered ? "" : ", non modifiable : la fiche conservée garde le sien");
		}
	}
	y++;
	char line[256];
	snprintf(line, sizeof line, "Fiche conservée : %s (n° %d) — %s", survivor ? "B" : "A",
		 m->side[survivor].id, merge_plan_survivor_reason(m->plan));
	draw_text(y++, 1, COLS - 2, theme_attr(SLOT_NORMAL) | A_BOLD, line);
	if (m->plan->relatives)
		draw_text(y++, 1, COLS - 2, theme_attr(SLOT_GRID),
			  "Avec un proche, seuls les noms, la date de naissance et le responsable sont fusionnés.");
	if (y < LINES - 1)
		draw_text(y, 1, COLS - 2, theme_attr(SLOT_GRID),
			  m->confirm ? "Entrée : confirmer la fusion · Échap : annuler"
				     : "↑↓ champ · ←→ côté conservé · Entrée : fusionner · Tab : changer d'usager");
	/* The question is the focus while it waits. */
	if (m->confirm && y < LINES - 1)
		focus_set(y, 1, "Confirmer la fusion ? Entrée : confirmer · Échap : annuler");
}

static int
merge_pick(struct merge *m, struct app *app)
{
	struct side *s = &m->side[m->focus];
	const struct db_usager_hit *h = usager_finder_selected(&s->finder);
	if (h == NULL)
		return SCREEN_NONE;
	side_load(s, app, h->id);
	merge_replan(m, app);
	m->focus = m->focus == FOCUS_A && m->side[1].id == 0 ? FOCUS_B : FOCUS_TABLE;
	return SCREEN_REDRAW;
}

static int merge_done(void *state, void *app, struct db_reply *reply);

static int
merge_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct merge *m = state;
	if (!is_code && ch == '\t') {
		m->focus = (m->focus + 1) % 3;
		m->confirm = false;
		return SCREEN_REDRAW;
	}
	if (is_code && ch == KEY_BTAB) {
		m->focus = (m->focus + 2) % 3;
		m->confirm = false;
		return SCREEN_REDRAW;
	}
	if (m->focus != FOCUS_TABLE) {
		if (action == ACT_SELECT)
			return merge_pick(m, app);
		if (action == ACT_CANCEL)
			return SCREEN_CLOSE;
		if (usager_finder_key(&m->side[m->focus].finder, app, action, ch, is_code))
			return SCREEN_REDRAW;
		return SCREEN_NONE;
	}
	if (m->plan == NULL)
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	switch (action) {
	case ACT_SLOT_PREV:
		m->row = m->row > 0 ? m->row - 1 : 0;
		m->confirm = false;
		return SCREEN_REDRAW;
	case ACT_SLOT_NEXT:
		m->row = m->row + 1 < m->plan->nrows ? m->row + 1 : m->row;
		m->confirm = false;
		return SCREEN_REDRAW;
	case ACT_DAY_PREV:
	case ACT_DAY_NEXT: {
		const struct merge_row *r = &m->plan->rows[m->row];
		if (!merge_plan_choose(m->plan, m->row, action == ACT_DAY_PREV ? 0 : 1))
			app_message(app, false, "%s : %s", r->label,
				    r->same ? "valeurs identiques, rien à choisir"
					    : "non fusionné (proche) : la fiche conservée garde la sienne");
		m->confirm = false;
		return SCREEN_REDRAW;
	}
	case ACT_SELECT: {
		if (m->merge_ticket)
			return SCREEN_NONE;
		int survivor = merge_plan_survivor(m->plan);
		if (!m->confirm) {
			m->confirm = true;
			app_message(app, false, "Fusionner n° %d dans n° %d ? Entrée pour confirmer, Échap pour annuler.",
				    m->side[!survivor].id, m->side[survivor].id);
			return SCREEN_REDRAW;
		}
		char *choices = merge_plan_choices_json(m->plan);
		m->merge_ticket = db_send_usager_merge(app_db(app), app_session(app), m->side[0].id,
						       m->side[1].id, choices);
		app_request(app, m, m->merge_ticket, merge_done);
		free(choices);
		m->confirm = false;
		return SCREEN_REDRAW;
	}
	case ACT_CANCEL:
		if (m->confirm) {
			m->confirm = false;
			return SCREEN_REDRAW;
		}
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

/* One side's record (only the latest load's: the side may have changed since). */
static int
side_loaded(void *arg, void *app, struct db_reply *reply)
{
	struct side *s = arg;
	if (reply->ticket != s->load_ticket)
		return SCREEN_NONE;
	s->load_ticket = 0;
	if (reply->error) {
		app_message(app, true, "Usager %c : %s", s->name, db_error_text(reply->error));
		s->id = 0;
	} else {
		s->rec = reply->data;
		reply->data = NULL;
		merge_replan(s->owner, app);
	}
	return SCREEN_REDRAW;
}

static int
merge_done(void *state, void *app, struct db_reply *reply)
{
	struct merge *m = state;
	m->merge_ticket = 0;
	if (reply->error) {
		/* Nothing happened: the function runs in one transaction. */
		app_message(app, true, "Fusion impossible : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	const struct db_usager_merged *res = reply->data;
	int survivor = res->survivor;
	/* The screens below follow: a record of the removed usager shows the survivor. */
	app_refresh_after(app, &(struct app_change){.usager_removed = res->removed,
						    .usager_survivor = res->survivor});
	/* Ready for the next pair underneath; the surviving record on top. */
	merge_reset(m);
	merge_sides_init(m);
	m->focus = FOCUS_A;
	app_push(app, &usager_record_screen, usager_screen_arg_new(survivor, 0, NULL));
	app_message(app, false, "Les usagers ont été fusionnés : voici la fiche conservée (n° %d).",
		    survivor);
	return SCREEN_REDRAW;
}

/* A search field has the keyboard: letters are not commands there. */
static unsigned
merge_input(void *state)
{
	struct merge *m = state;
	return m->focus != FOCUS_TABLE ? INPUT_FORM : INPUT_NONE;
}

const struct screen_ops merge_screen = {
    .input = merge_input,
    .name = "merge",
    .open = merge_open,
    .draw = merge_draw,
    .key = merge_key,
    .arg_free = (void (*)(void *))usager_screen_arg_free,
    .close = merge_close,
    .hints = merge_hints,
    .keymap = merge_keymap,
};
