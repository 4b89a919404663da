/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/choices.h"
#include "db/feed.h"
#include "db/slots.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/form.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * "Trouver un RDV": criteria (service, motif, agent, lieu, "à partir du"),
 * then seven days of free slots grouped by lieu then day, lieux ordered by
 * their next availability (reference R-63). An empty week offers the next
 * availability one key away. Entrée on a slot opens the booking.
 */

#define FORM_ROW 2
#define LABEL_W 16
#define CELL_W 19 /* "10:30 J. BERNARD  " */

enum focus { FOCUS_FORM, FOCUS_RESULTS };

struct search;
struct lieu_first {
	struct search *search; /* the search it belongs to */
	int lieu_id;
	unsigned long ticket;
	bool done, found;
	rdv_time start;
};

/* One line of results: a lieu header, or a day with some of its slots. */
struct line {
	bool header;
	int64_t lieu_id;       /* header: the lieu it names */
	rdv_date day;
	size_t first, count;   /* slots of the line, indices into order[] */
};

struct search {
	struct form *form;
	int f_service, f_motif, f_agent, f_lieu, f_from;
	struct db_choices *choices;
	enum focus focus;
	/* The search shown. */
	bool searched;
	int motif_id, lieu_id, agent_id;
	rdv_date from;
	bool motif_has_lieu;
	unsigned long week_ticket, first_ticket;
	struct db_slots_result *week, *first;
	struct lieu_first *firsts; /* one per lieu of the choices, or none */
	int nfirsts;
	/*
	 * Display order of the week's slots (norder == week->n once laid out),
	 * and the lines they make; lines grow only through lines_append().
	 */
	size_t *order;
	size_t norder;
	struct line *lines;
	size_t nlines, lines_cap;
	size_t selected;  /* index into order[] */
	int scroll;       /* first line shown */
	int per_line;     /* slots per line at the last layout */
	struct search_request *request; /* the usager booked for, or NULL */
	bool change_pending; /* a change touched the search while it loaded */
};

static const enum action search_hints[] = {ACT_SELECT, ACT_WEEK_NEXT, ACT_JUMP_NEXT, ACT_CANCEL,
					   ACT_NONE};
static const enum action search_keymap[] = {ACT_SELECT, ACT_JUMP_NEXT, ACT_CANCEL, ACT_DAY_PREV, ACT_DAY_NEXT, KEYMAP_LIST, ACT_NONE};

static rdv_date
today(struct app *app)
{
	return cal_time_date(app_now(app));
}

static const struct db_choice_motif *
find_motif(const struct search *s, int id)
{
	for (size_t i = 0; s->choices && i < s->choices->nmotifs; i++)
		if (s->choices->motifs[i].id == id)
			return &s->choices->motifs[i];
	return NULL;
}

static const struct db_choice_lieu *
find_lieu(const struct search *s, int64_t id)
{
	for (size_t i = 0; s->choices && i < s->choices->nlieux; i++)
		if (s->choices->lieux[i].id == id)
			return &s->choices->lieux[i];
	return NULL;
}

/* Offer the motifs of the chosen service (all when none), keeping the choice. */
static void
fill_motifs(struct search *s)
{
	int keep = form_choice_id(s->form, s->f_motif);
	int service = form_choice_id(s->form, s->f_service);
	form_choice_clear(s->form, s->f_motif);
	for (size_t i = 0; s->choices && i < s->choices->nmotifs; i++) {
		const struct db_choice_motif *m = &s->choices->motifs[i];
		if (service > 0 && m->service_id != service)
			continue;
		char *label = xasprintf("%s (%s, %d min)", m->name,
					db_location_type_label(m->location_type), m->duration_min);
		form_choice_add(s->form, s->f_motif, m->id, label);
		free(label);
	}
	form_choice_select(s->form, s->f_motif, keep);
}

/* Offer the agents of the chosen service (all when none). */
static void
fill_agents(struct search *s)
{
	int keep = form_choice_id(s->form, s->f_agent);
	int service = form_choice_id(s->form, s->f_service);
	form_choice_clear(s->form, s->f_agent);
	form_choice_add(s->form, s->f_agent, 0, "Tous les agents");
	for (size_t i = 0; s->choices && i < s->choices->nagents; i++) {
		const struct db_choice_agent *a = &s->choices->agents[i];
		bool in_service = service <= 0;
		for (int k = 0; k < a->nservices; k++)
			if (a->service_ids[k] == service)
				in_service = true;
		if (in_service)
			form_choice_add(s->form, s->f_agent, a->id, a->name);
	}
	form_choice_select(s->form, s->f_agent, keep > 0 ? keep : 0);
	if (form_choice_id(s->form, s->f_agent) < 0)
		form_choice_select(s->form, s->f_agent, 0);
}

static void
fill_choices(struct search *s)
{
	form_choice_clear(s->form, s->f_service);
	form_choice_add(s->form, s->f_service, 0, "Tous les services");
	for (size_t i = 0; i < s->choices->nservices; i++)
		form_choice_add(s->form, s->f_service, s->choices->services[i].id,
				s->choices->services[i].name);
	/* "Préselectionné quand un seul service est disponible". */
	form_choice_select(s->form, s->f_service,
			   s->choices->nservices == 1 ? s->choices->services[0].id : 0);
	form_choice_clear(s->form, s->f_lieu);
	form_choice_add(s->form, s->f_lieu, 0, "Tous les lieux");
	for (size_t i = 0; i < s->choices->nlieux; i++)
		form_choice_add(s->form, s->f_lieu, s->choices->lieux[i].id, s->choices->lieux[i].name);
	form_choice_select(s->form, s->f_lieu, 0);
	fill_motifs(s);
	fill_agents(s);
}

static int search_choices(void *state, void *app, struct db_reply *reply);
static int search_week(void *state, void *app, struct db_reply *reply);
static int search_first(void *state, void *app, struct db_reply *reply);
static int search_lieu_first(void *arg, void *app, struct db_reply *reply);

static void *
search_open(struct app *app, void *arg)
{
	struct search *s = xcalloc(1, sizeof *s);
	s->request = arg;
	s->form = form_new();
	s->f_service = form_add_choice(s->form, "Service", false);
	s->f_motif = form_add_choice(s->form, "Motif", true);
	s->f_agent = form_add_choice(s->form, "Agent", false);
	s->f_lieu = form_add_choice(s->form, "Lieu", false);
	s->f_from = form_add_date(s->form, "À partir du", true, today(app), true);
	s->form->focus = s->f_motif;
	app_request(app, s, db_send_choices(app_db(app), app_session(app)), search_choices);
	return s;
}

static void
results_clear(struct search *s)
{
	db_slots_result_free(s->week);
	db_slots_result_free(s->first);
	s->week = s->first = NULL;
	free(s->order);
	free(s->lines);
	free(s->firsts);
	s->order = NULL;
	s->lines = NULL;
	s->firsts = NULL;
	s->norder = s->nlines = s->lines_cap = 0;
	s->selected = 0;
	s->scroll = 0;
	s->nfirsts = 0;
	s->per_line = 0;
}

/* Frees a struct search_request (the arg of app_push()). */
static void
search_request_free(void *arg)
{
	struct search_request *r = arg;
	if (r)
		free(r->usager_name);
	free(r);
}

static void
search_close(void *state)
{
	struct search *s = state;
	search_request_free(s->request);
	results_clear(s);
	form_free(s->form);
	db_choices_free(s->choices);
	free(s);
}

static void
request_init(struct db_slots_request *r, const struct search *s, struct app *app, int lieu)
{
	memset(r, 0, sizeof *r);
	r->motif_id = s->motif_id;
	r->lieu_id = lieu;
	r->agent_ids = s->agent_id > 0 ? &s->agent_id : NULL;
	r->nagents = s->agent_id > 0 ? 1 : 0;
	r->from = s->from;
	r->to = s->from + 6;
	r->has_now = true;
	r->now = app_now(app);
	r->side = SLOTS_SIDE_AGENT;
}

/*
 * Send the week, and the next availability: per lieu for a motif with a
 * lieu (to order the lieux), else once.
 */
static void
search_send(struct search *s, struct app *app)
{
	/* A new search: the answers to the one before are not wanted any more. */
	app_cancel(app, s->week_ticket);
	app_cancel(app, s->first_ticket);
	for (int i = 0; i < s->nfirsts; i++)
		if (!s->firsts[i].done)
			app_cancel(app, s->firsts[i].ticket);
	s->week_ticket = s->first_ticket = 0;
	results_clear(s);
	s->searched = true;
	s->change_pending = false;
	struct db_slots_request r;
	request_init(&r, s, app, s->lieu_id);
	/* Busy times in other organisations change the free slots too: the feed
	 * watches the agent searched for, or the choices' agents (up to 16). */
	int watch[16], nwatch = 0;
	if (s->agent_id > 0)
		watch[nwatch++] = s->agent_id;
	else if (s->choices && s->choices->nagents <= 16)
		for (size_t k = 0; k < s->choices->nagents; k++)
			watch[nwatch++] = s->choices->agents[k].id;
	app_feed_busy(app, s, watch, nwatch, s->from, INT_MAX);
	s->week_ticket = db_send_slots(app_read_db(app), &r);
	app_request(app, s, s->week_ticket, search_week);
	/* Next availability: over the default 26 weeks, not this week only. */
	r.first = true;
	r.to = 0;
	if (s->motif_has_lieu && s->lieu_id == 0) {
		s->first_ticket = 0;
		s->firsts = xcalloc(s->choices->nlieux + 1, sizeof *s->firsts);
		for (size_t i = 0; i < s->choices->nlieux; i++) {
			struct lieu_first *lf = &s->firsts[s->nfirsts++];
			lf->search = s;
			lf->lieu_id = s->choices->lieux[i].id;
			r.lieu_id = lf->lieu_id;
			lf->ticket = db_send_slots(app_read_db(app), &r);
			app_request_arg(app, s, lf->ticket, search_lieu_first, lf);
		}
	} else {
		s->first_ticket = db_send_slots(app_read_db(app), &r);
		app_request(app, s, s->first_ticket, search_first);
	}
}

/* Read the criteria from the form; false with a status-line message on bad input. */
static bool
criteria_read(struct search *s, struct app *app)
{
	char *err = NULL;
	if (!form_validate(s->form, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	s->motif_id = form_choice_id(s->form, s->f_motif);
	s->agent_id = form_choice_id(s->form, s->f_agent);
	s->lieu_id = form_choice_id(s->form, s->f_lieu);
	form_date(s->form, s->f_from, &s->from);
	const struct db_choice_motif *m = find_motif(s, s->motif_id);
	s->motif_has_lieu = m && strcmp(m->location_type, "public_office") == 0;
	if (!s->motif_has_lieu)
		s->lieu_id = 0;
	return true;
}

static bool
loading(const struct search *s)
{
	if (s->week_ticket || s->first_ticket)
		return true;
	for (int i = 0; i < s->nfirsts; i++)
		if (!s->firsts[i].done)
			return true;
	return false;
}

/*
 * Position of a lieu in display order: by next availability. A lieu without
 * one (not among the choices, or its search failed) still shows its slots,
 * after the others: the week's slots are all listed, never dropped.
 */
static int
lieu_rank(const struct search *s, int64_t lieu_id)
{
	if (!s->motif_has_lieu || s->lieu_id != 0)
		return 0;
	const struct lieu_first *me = NULL;
	int nfound = 0;
	for (int i = 0; i < s->nfirsts; i++) {
		if (s->firsts[i].lieu_id == lieu_id)
			me = &s->firsts[i];
		if (s->firsts[i].found)
			nfound++;
	}
	if (me == NULL || !me->found)
		return nfound;
	int rank = 0;
	for (int i = 0; i < s->nfirsts; i++) {
		const struct lieu_first *o = &s->firsts[i];
		if (o->found && (o->start < me->start || (o->start == me->start && o->lieu_id < me->lieu_id)))
			rank++;
	}
	return rank;
}

/* Sort key of one slot of the week. */
struct order_key {
	int rank;
	int64_t lieu_id;
	size_t index; /* into week->slots: the core's order within a lieu */
};

static int
order_cmp(const void *pa, const void *pb)
{
	const struct order_key *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->lieu_id != b->lieu_id)
		return a->lieu_id < b->lieu_id ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Append one line, growing the array as needed; returns its index. */
static size_t
lines_append(struct search *s, struct line ln)
{
	if (s->nlines == s->lines_cap) {
		s->lines_cap = s->lines_cap ? s->lines_cap * 2 : 16;
		s->lines = xreallocarray(s->lines, s->lines_cap, sizeof *s->lines);
	}
	s->lines[s->nlines] = ln;
	return s->nlines++;
}

/*
 * Group the week's slots by lieu then day, in lines of per_line slots. Every
 * write goes through lines_append() or within order[week->n]: no size is
 * guessed in advance.
 */
static void
results_layout(struct search *s, int per_line)
{
	free(s->order);
	free(s->lines);
	s->order = NULL;
	s->lines = NULL;
	s->norder = s->nlines = s->lines_cap = 0;
	s->per_line = per_line;
	if (s->week == NULL || loading(s))
		return;
	size_t n = s->week->n;
	struct order_key *keys = xcalloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct order_key){.rank = lieu_rank(s, s->week->slots[i].lieu_id),
					     .lieu_id = s->week->slots[i].lieu_id,
					     .index = i};
	qsort(keys, n, sizeof *keys, order_cmp);
	s->order = xcalloc(n + 1, sizeof *s->order);
	for (size_t i = 0; i < n; i++)
		s->order[i] = keys[i].index;
	s->norder = n;
	free(keys);
	size_t cur = 0; /* index of the line being filled */
	for (size_t k = 0; k < s->norder; k++) {
		const struct slot *sl = &s->week->slots[s->order[k]];
		rdv_date day = cal_time_date(sl->start);
		if (k == 0 || sl->lieu_id != s->week->slots[s->order[k - 1]].lieu_id) {
			lines_append(s, (struct line){.header = true, .lieu_id = sl->lieu_id});
			cur = lines_append(s, (struct line){.day = day, .first = k});
		} else if (s->lines[cur].day != day || s->lines[cur].count >= (size_t)s->per_line) {
			cur = lines_append(s, (struct line){.day = day, .first = k});
		}
		s->lines[cur].count++;
	}
	if (s->selected >= s->norder)
		s->selected = s->norder ? s->norder - 1 : 0;
}

static size_t
line_of(const struct search *s, size_t k)
{
	for (size_t i = 0; i < s->nlines; i++)
		if (!s->lines[i].header && k >= s->lines[i].first && k < s->lines[i].first + s->lines[i].count)
			return i;
	return 0;
}

/* Earliest next availability over the lieux, or the single one. */
static bool
next_availability(const struct search *s, rdv_time *when)
{
	bool found = false;
	if (s->first && s->first->n > 0) {
		*when = s->first->slots[0].start;
		found = true;
	}
	for (int i = 0; i < s->nfirsts; i++)
		if (s->firsts[i].found && (!found || s->firsts[i].start < *when)) {
			*when = s->firsts[i].start;
			found = true;
		}
	return found;
}

/* "mer. 13/05 à 10h45" */
static char *
format_short(rdv_time t)
{
	rdv_date day = cal_time_date(t);
	char ddmm[6], hour[6];
	return xasprintf("%s %s à %s", cal_weekday_abbr_fr(cal_weekday(day)), cal_format_ddmm_fr(day, ddmm),
			 cal_format_hour_fr(cal_time_minute(t), hour));
}

/* Width left of w columns from x once clipped to the window (0 when outside). */
static int
clip_w(int x, int w)
{
	if (x < 0 || x >= COLS)
		return 0;
	return w < COLS - x ? w : COLS - x;
}

/* The header of one lieu: name, address, next availability. */
static char *
lieu_header_text(const struct search *s, const struct db_choice_motif *m, int64_t lieu_id)
{
	if (!s->motif_has_lieu)
		return xstrdup(m ? db_location_type_label(m->location_type) : "");
	const struct db_choice_lieu *l = find_lieu(s, lieu_id);
	const struct db_slots_name *named = l ? NULL : db_slots_lieu(s->week, lieu_id);
	const char *name = l ? l->name : named ? named->name : "Lieu";
	const char *address = l ? l->address : named && named->detail ? named->detail : "";
	rdv_time first = 0;
	bool found = false;
	for (int i = 0; i < s->nfirsts; i++)
		if (s->firsts[i].lieu_id == lieu_id && s->firsts[i].found) {
			first = s->firsts[i].start;
			found = true;
		}
	char *w = found ? format_short(first) : xstrdup("");
	char *text = xasprintf("%s%s%s%s%s", name, address[0] ? " — " : "", address,
			       found ? " · prochaine disponibilité le " : "", w);
	free(w);
	return text;
}

/*
 * The results below the criteria, in rows lines from top. Every text is
 * clipped to the window: nothing wraps onto the next line.
 */
static void
draw_results(struct search *s, int top, int rows)
{
	int per_line = (COLS - 18) / CELL_W;
	/* The linear reading mode: one slot per line. */
	if (per_line < 1 || theme_accessible())
		per_line = 1;
	if (s->searched && !loading(s) && (per_line != s->per_line || s->lines == NULL))
		results_layout(s, per_line);
	if (rows <= 0)
		return;
	if (!s->searched) {
		draw_text(top, 2, clip_w(2, COLS - 4), theme_attr(SLOT_GRID),
			  "Choisissez un motif puis Entrée pour afficher les créneaux.");
		return;
	}
	if (loading(s)) {
		draw_text(top, 2, clip_w(2, COLS - 4), A_BOLD, "chargement…");
		return;
	}
	const struct db_choice_motif *m = find_motif(s, s->motif_id);
	char from[6], to[11];
	cal_format_ddmm_fr(s->from, from);
	cal_format_date_fr(s->from + 6, to);
	char *summary = xasprintf("%s · du %s %s au %s %s · %zu créneau%s", m ? m->name : "?",
				  cal_weekday_abbr_fr(cal_weekday(s->from)), from,
				  cal_weekday_abbr_fr(cal_weekday(s->from + 6)), to, s->norder,
				  s->norder > 1 ? "x" : "");
	draw_text(top, 1, clip_w(1, COLS - 2), theme_attr(SLOT_HEADER), summary);
	free(summary);
	top += 2;
	rows -= 2;
	if (rows <= 0)
		return;
	if (s->norder == 0) {
		char *text = xasprintf("Aucune disponibilité du %s au %s.", from, to);
		draw_text(top, 2, clip_w(2, COLS - 4), A_BOLD, text);
		if (s->focus == FOCUS_RESULTS)
			focus_set(top, 2, text);
		free(text);
		if (rows < 3)
			return;
		rdv_time when;
		if (next_availability(s, &when)) {
			char w[CAL_WHEN_FR_SIZE];
			text = xasprintf("Prochaine disponibilité le %s — touche %s pour y aller.",
					 cal_format_when_fr(when, w), keys_label(ACT_JUMP_NEXT));
			draw_text(top + 2, 2, clip_w(2, COLS - 4), theme_attr(SLOT_PLAGE), text);
			free(text);
		} else {
			draw_text(top + 2, 2, clip_w(2, COLS - 4), A_NORMAL,
				  "Aucune disponibilité dans les 6 prochains mois pour ces critères.");
		}
		return;
	}
	/* Keep the selected slot's line in view, with its lieu's header when it fits. */
	int sel_line = (int)line_of(s, s->selected);
	if (sel_line < s->scroll + 1)
		s->scroll = sel_line > 0 ? sel_line - 1 : 0;
	if (sel_line >= s->scroll + rows)
		s->scroll = sel_line - rows + 1;
	if (s->scroll < 0)
		s->scroll = 0;
	for (int r = 0; r < rows && s->scroll + r < (int)s->nlines; r++) {
		size_t li = (size_t)s->scroll + (size_t)r;
		const struct line *ln = &s->lines[li];
		int y = top + r;
		if (ln->header) {
			char *text = lieu_header_text(s, m, ln->lieu_id);
			draw_text_pad(y, 1, clip_w(1, COLS - 2), theme_attr(SLOT_TITLE), text);
			free(text);
			continue;
		}
		char ddmm[6];
		bool first_of_day = li == 0 || s->lines[li - 1].header || s->lines[li - 1].day != ln->day;
		char *head = first_of_day ? xasprintf("  %s %s", cal_weekday_abbr_fr(cal_weekday(ln->day)), cal_format_ddmm_fr(ln->day, ddmm))
					  : xstrdup("");
		draw_text(y, 0, clip_w(0, 16), theme_attr(SLOT_HEADER), head);
		free(head);
		for (size_t k = 0; k < ln->count && ln->first + k < s->norder; k++) {
			size_t idx = ln->first + k;
			int x = 16 + (int)k * CELL_W;
			const struct slot *sl = &s->week->slots[s->order[idx]];
			char hhmm[6];
			cal_format_hhmm(cal_time_minute(sl->start), hhmm);
			char *cell = xasprintf("%s %s", hhmm, db_slots_agent_name(s->week, sl->agent_id));
			bool sel = s->focus == FOCUS_RESULTS && idx == s->selected;
			int attr = sel ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_PLAGE);
			draw_text_pad(y, x, clip_w(x, CELL_W - 2), attr, cell);
			free(cell);
			if (sel) {
				/* "mercredi 13 mai, 14:00–14:30, Julien BERNARD, MDS Valence Centre, créneau 3 sur 12". */
				char t_from[6], t_to[6];
				int dd, mm;
				cal_ymd(cal_time_date(sl->start), NULL, &mm, &dd);
				cal_format_hhmm(cal_time_minute(sl->start), t_from);
				cal_format_hhmm(cal_time_minute(sl->end), t_to);
				/* Where, as the lieu's header says it (a lieu, or "Par téléphone"). */
				const struct db_choice_lieu *l =
				    s->motif_has_lieu && sl->has_lieu ? find_lieu(s, sl->lieu_id) : NULL;
				const char *where = l ? l->name
						    : !s->motif_has_lieu && m ? db_location_type_label(m->location_type)
									      : NULL;
				focus_set(y, x, NULL);
				focus_describe("%s %d %s, %s–%s, %s%s%s, créneau %zu sur %zu",
					       cal_weekday_name_fr(cal_weekday(cal_time_date(sl->start))), dd,
					       cal_month_name_fr(mm), t_from, t_to,
					       db_slots_agent_name(s->week, sl->agent_id), where ? ", " : "",
					       where ? where : "", idx + 1, s->norder);
			}
		}
	}
}

static void
search_draw(void *state, struct app *app)
{
	struct search *s = state;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	char *title = s->request ? xasprintf(" Trouver un RDV pour %s", s->request->usager_name)
				 : xstrdup(" Trouver un RDV");
	draw_text(0, 0, COLS / 2, theme_attr(SLOT_TITLE), title);
	free(title);
	draw_text_right(0, COLS / 2, COLS - COLS / 2 - 1, theme_attr(SLOT_TITLE),
			app_session(app)->organisation_name);
	if (s->choices == NULL) {
		draw_text(FORM_ROW, 2, clip_w(2, COLS - 4), A_BOLD, "chargement…");
		return;
	}
	if (s->focus == FOCUS_FORM) {
		form_draw(s->form, FORM_ROW, 2, COLS - 4, LABEL_W);
	} else {
		/* Criteria read-only while browsing the results. */
		struct form *f = s->form;
		int keep = f->focus;
		f->focus = -1;
		form_draw(f, FORM_ROW, 2, COLS - 4, LABEL_W);
		f->focus = keep;
	}
	int sep = FORM_ROW + s->form->n + 1;
	draw_fill(sep, 0, COLS, theme_attr(SLOT_GRID), L'─');
	draw_results(s, sep + 1, LINES - 1 - (sep + 1));
}

/* Move the selection to the first slot of the previous or next line. */
static void
select_line(struct search *s, int delta)
{
	if (s->norder == 0)
		return;
	int i = (int)line_of(s, s->selected) + delta;
	while (i >= 0 && i < (int)s->nlines && s->lines[i].header)
		i += delta;
	if (i >= 0 && i < (int)s->nlines)
		s->selected = s->lines[i].first;
}

static int
search_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct search *s = state;
	if (s->choices == NULL)
		return action == ACT_CANCEL ? SCREEN_CLOSE : SCREEN_NONE;
	if (s->focus == FOCUS_FORM) {
		int service = form_choice_id(s->form, s->f_service);
		enum form_result r = form_key(s->form, ch, is_code);
		if (r == FORM_CHANGED) {
			if (form_choice_id(s->form, s->f_service) != service) {
				fill_motifs(s);
				fill_agents(s);
			}
			return SCREEN_REDRAW;
		}
		if (r == FORM_SUBMIT) {
			if (!criteria_read(s, app))
				return SCREEN_REDRAW;
			s->focus = FOCUS_RESULTS;
			search_send(s, app);
			return SCREEN_REDRAW;
		}
		if (r == FORM_CANCEL)
			return s->searched ? (s->focus = FOCUS_RESULTS, SCREEN_REDRAW) : SCREEN_NONE;
		/* Letters belong to the form: app_key never makes them commands (search_input). */
		return SCREEN_NONE;
	}
	switch (action) {
	case ACT_CANCEL:
		s->focus = FOCUS_FORM;
		return SCREEN_REDRAW;
	case ACT_DAY_PREV:
		if (s->selected > 0)
			s->selected--;
		return SCREEN_REDRAW;
	case ACT_DAY_NEXT:
		if (s->selected + 1 < s->norder)
			s->selected++;
		return SCREEN_REDRAW;
	case ACT_SLOT_PREV:
		select_line(s, -1);
		return SCREEN_REDRAW;
	case ACT_SLOT_NEXT:
		select_line(s, 1);
		return SCREEN_REDRAW;
	case ACT_WEEK_NEXT:
	case ACT_WEEK_PREV: {
		rdv_date from = s->from + (action == ACT_WEEK_NEXT ? 7 : -7);
		if (from < today(app)) {
			app_message(app, false, "Pas de créneau avant aujourd'hui.");
			return SCREEN_REDRAW;
		}
		s->from = from;
		char buf[11];
		form_set_text(s->form, s->f_from, cal_format_date_fr(from, buf));
		search_send(s, app);
		return SCREEN_REDRAW;
	}
	case ACT_JUMP_NEXT: {
		rdv_time when;
		if (loading(s) || s->norder > 0 || !next_availability(s, &when))
			return SCREEN_NONE;
		s->from = cal_time_date(when);
		char buf[11];
		form_set_text(s->form, s->f_from, cal_format_date_fr(s->from, buf));
		search_send(s, app);
		return SCREEN_REDRAW;
	}
	case ACT_SELECT: {
		if (loading(s) || s->order == NULL || s->selected >= s->norder)
			return SCREEN_NONE;
		const struct slot *sl = &s->week->slots[s->order[s->selected]];
		const struct db_choice_motif *m = find_motif(s, s->motif_id);
		struct booking_request *b = xcalloc(1, sizeof *b);
		b->slot = *sl;
		b->motif_id = s->motif_id;
		b->motif_name = xstrdup(m ? m->name : "?");
		b->duration_min = s->week->duration_min;
		b->agent_name = xstrdup(db_slots_agent_name(s->week, sl->agent_id));
		const struct db_choice_lieu *l = sl->has_lieu ? find_lieu(s, (int)sl->lieu_id) : NULL;
		b->lieu_name = l ? xasprintf("%s (%s)", l->name, l->address) : NULL;
		if (s->request) {
			b->usager_id = s->request->usager_id;
			b->usager_name = xstrdup(s->request->usager_name);
			/* Opened for a usager: once booked, back to where it was opened (the record). */
			b->close_too = s;
		}
		app_push(app, &booking_screen, b);
		return SCREEN_REDRAW;
	}
	default:
		return SCREEN_NONE;
	}
}

static int
search_choices(void *state, void *app, struct db_reply *reply)
{
	struct search *s = state;
	if (reply->error) {
		app_message(app, true, "Critères : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	s->choices = reply->data;
	reply->data = NULL;
	fill_choices(s);
	return SCREEN_REDRAW;
}

/* The week's slots, or the next availability: the results are laid out again. */
static int
search_slots(struct search *s, struct app *app, struct db_reply *reply, struct db_slots_result **into)
{
	if (reply->error)
		app_message(app, true, "Créneaux : %s", db_error_text(reply->error));
	*into = reply->error ? NULL : reply->data;
	reply->data = NULL;
	s->per_line = 0;
	return SCREEN_REDRAW;
}

/* The last answer of a search that a change touched meanwhile: search again. */
static int
search_settle(struct search *s, struct app *app, int result)
{
	if (s->change_pending && !loading(s)) {
		size_t keep = s->selected;
		search_send(s, app);
		s->selected = keep;
	}
	return result;
}

static int
search_week(void *state, void *app, struct db_reply *reply)
{
	struct search *s = state;
	s->week_ticket = 0;
	return search_settle(s, app, search_slots(s, app, reply, &s->week));
}

static int
search_first(void *state, void *app, struct db_reply *reply)
{
	struct search *s = state;
	s->first_ticket = 0;
	return search_settle(s, app, search_slots(s, app, reply, &s->first));
}

/* The next availability at one lieu (to order the lieux). */
static int
search_lieu_first(void *arg, void *app, struct db_reply *reply)
{
	struct lieu_first *lf = arg;
	const struct db_slots_result *res = reply->error ? NULL : reply->data;
	lf->done = true;
	lf->found = res && res->n > 0;
	if (lf->found)
		lf->start = res->slots[0].start;
	/* Last use of lf: searching again frees it. */
	return search_settle(lf->search, app, SCREEN_REDRAW);
}

/*
 * Whether other desks' changes may touch the results: an rdv, plage or
 * absence on a day from the first one searched on (the next availability
 * looks months ahead), of the agent searched for when there is one; or the
 * busy times of the agents watched (rdv.feed_busy, any organisation).
 */
static bool
search_touched(const struct search *s, const struct db_feed *f)
{
	for (int i = 0; i < f->nchanges; i++) {
		const struct db_feed_change *c = &f->changes[i];
		if (c->table == DB_FEED_OTHER)
			return true;
		if (s->agent_id > 0 ? db_feed_change_touches(c, &s->agent_id, 1, s->from, INT_MAX)
				    : db_feed_change_days(c, s->from, INT_MAX))
			return true;
	}
	if (s->agent_id > 0)
		return db_feed_busy_touches(f, &s->agent_id, 1);
	for (size_t k = 0; s->choices && k < s->choices->nagents; k++)
		if (db_feed_busy_touches(f, &s->choices->agents[k].id, 1))
			return true;
	return false;
}

/* Someone booked or cancelled: what is free may have changed. */
static int
search_changed(void *state, struct app *app)
{
	struct search *s = state;
	const struct app_change *c = app_change(app);
	if (c && c->feed && !search_touched(s, c->feed))
		return SCREEN_NONE;
	/* Loading: the answers may predate the change; search again once they are in. */
	if (s->searched && loading(s))
		s->change_pending = true;
	if (s->searched && !loading(s)) {
		size_t keep = s->selected;
		search_send(s, app);
		s->selected = keep;
	}
	return SCREEN_REDRAW;
}

static int
search_resize(void *state, struct app *app)
{
	struct search *s = state;
	(void)app;
	s->per_line = 0;
	return SCREEN_REDRAW;
}

/* The criteria form has the keyboard: letters are not commands there. */
static unsigned
search_input(void *state)
{
	struct search *s = state;
	return s->choices && s->focus == FOCUS_FORM ? INPUT_FORM : INPUT_NONE;
}

const struct screen_ops search_screen = {
    .input = search_input,
    .name = "search",
    .open = search_open,
    .draw = search_draw,
    .key = search_key,
    .resize = search_resize,
    .arg_free = search_request_free,
    .changed = search_changed,
    .close = search_close,
    .hints = search_hints,
    .keymap = search_keymap,
};
