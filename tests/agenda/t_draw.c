/* SPDX-License-Identifier: MIT */
/*
 * What the agenda draws, as a property over random agendas (fixed seeds):
 * every cell of every view (week, day, agents side by side) at the grid
 * sizes of 80×24 and 120×40 is owned by the highest-priority item there
 * (rdv > indisponibilité > jour férié > plage > empty), checked against a
 * minute-by-minute painting made independently here; every row shown lies
 * within 00:00–23:59, before and after scrolling to 00:00 and back. Then
 * the reported cases, one by one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/agenda.h"
#include "tests/tap.h"

#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static rdv_date
D(int y, int m, int d)
{
	return cal_date(y, m, d);
}

/* A small deterministic generator (the C library's rand() differs between systems). */
static unsigned long long rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33) % n;
}

#define NAGENTS 2
static const int agent_ids[NAGENTS] = {11, 12};

/* A random week for two agents: plages, absences, holidays, rdvs. */
static struct agenda *
random_agenda(rdv_date monday)
{
	struct agenda *a = agenda_new(monday, 7);
	static const char *const days[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
	int id = 1;
	for (int k = 0; k < NAGENTS; k++) {
		int agent = agent_ids[k];
		/* Plages: weekly on a few days, or once; some start early or end late. */
		int np = 1 + (int)rnd(4);
		for (int p = 0; p < np; p++) {
			int s = (int)rnd(20) * 30 + (rnd(6) == 0 ? 0 : 6 * 60);
			int e = s + 30 + (int)rnd(16) * 30;
			if (e > CAL_MIN_PER_DAY)
				e = CAL_MIN_PER_DAY;
			char rule[64] = "FREQ=WEEKLY;BYDAY=";
			int nd = 1 + (int)rnd(5);
			for (int d = 0; d < nd; d++) {
				strcat(rule, days[rnd(7)]);
				strcat(rule, d + 1 < nd ? "," : "");
			}
			rdv_date first = monday - 7 * (int)rnd(3) + (int)rnd(7);
			char *err = NULL;
			if (!agenda_add_recurring(a, AGENDA_PLAGE, id++, agent, first, s, first, e,
						  rnd(4) == 0 ? NULL : rule, "Plage", "Lieu", &err))
				free(err);
		}
		/* Absences: multi-day, recurring single-day, or once. */
		int na = (int)rnd(4);
		for (int i = 0; i < na; i++) {
			rdv_date first = monday - 3 + (int)rnd(10);
			int s = (int)rnd(48) * 30;
			char *err = NULL;
			switch (rnd(3)) {
			case 0: { /* several days */
				rdv_date last = first + 1 + (int)rnd(4);
				agenda_add_recurring(a, AGENDA_ABSENCE, id++, agent, first, s, last,
						     (int)rnd(48) * 30, NULL, "Congé", NULL, &err);
				break;
			}
			case 1: { /* weekly, one day */
				int e = s + 30 + (int)rnd(8) * 30;
				if (e > CAL_MIN_PER_DAY)
					e = CAL_MIN_PER_DAY;
				agenda_add_recurring(a, AGENDA_ABSENCE, id++, agent, first - 14, s,
						     first - 14, e, "FREQ=WEEKLY", "Réunion", NULL, &err);
				break;
			}
			default: {
				int e = s + 15 + (int)rnd(12) * 15;
				if (e > CAL_MIN_PER_DAY)
					e = CAL_MIN_PER_DAY;
				agenda_add_recurring(a, AGENDA_ABSENCE, id++, agent, first, s, first, e,
						     NULL, "Formation", NULL, &err);
			}
			}
			free(err);
		}
		/* Rdvs: overlapping ones, some crossing midnight, some cancelled. */
		int nr = (int)rnd(12);
		for (int i = 0; i < nr; i++) {
			rdv_date d = monday - 1 + (int)rnd(8);
			int s = (int)rnd(24 * 12) * 5;
			int len = 5 + (int)rnd(24) * 5;
			size_t n = agenda_add_span(a, AGENDA_RDV, id++, agent, cal_time(d, s),
						   cal_time(d, s) + len, "Usager", "Motif", NULL);
			enum rdv_status st = (enum rdv_status)rnd(5);
			for (size_t j = a->n - n; j < a->n; j++)
				a->items[j].status = st;
		}
	}
	/* Holidays, worked or not, for everyone. */
	int nh = (int)rnd(3);
	for (int i = 0; i < nh; i++) {
		struct agenda_item *it = agenda_add(a, AGENDA_HOLIDAY, 0, 0, monday + (int)rnd(7), 0,
						    CAL_MIN_PER_DAY, "Férié", NULL, NULL);
		it->worked = rnd(4) == 0;
	}
	if (rnd(2))
		agenda_sort(a);
	return a;
}

/* Priority painted minute by minute, lowest layer first: what the eye should see. */
static void
paint(const struct agenda *a, int agent, rdv_date day, bool show_cancelled, int layer[CAL_MIN_PER_DAY])
{
	memset(layer, 0, sizeof(int) * CAL_MIN_PER_DAY);
	static const enum agenda_kind order[] = {AGENDA_PLAGE, AGENDA_HOLIDAY, AGENDA_ABSENCE, AGENDA_RDV};
	static const int value[] = {1, 2, 3, 4};
	for (int o = 0; o < 4; o++)
		for (size_t i = 0; i < a->n; i++) {
			const struct agenda_item *it = &a->items[i];
			if (it->kind != order[o] || it->day != day)
				continue;
			if (it->kind == AGENDA_HOLIDAY && it->worked)
				continue;
			if (it->kind != AGENDA_HOLIDAY && it->agent_id != agent)
				continue;
			if (it->kind == AGENDA_RDV && !show_cancelled && rdv_status_is_cancelled(it->status))
				continue;
			for (int m = it->start; m < it->end; m++)
				layer[m] = value[o];
		}
}

static int
layer_of(const struct agenda_item *it)
{
	switch (it->kind) {
	case AGENDA_PLAGE:
		return 1;
	case AGENDA_HOLIDAY:
		return 2;
	case AGENDA_ABSENCE:
		return 3;
	default:
		return 4;
	}
}

struct stats {
	long cells, failures;
	long layout_failures;
	char first_failure[200];
};

static void
fail(struct stats *st, const char *what, unsigned seed, int min)
{
	if (st->failures++ == 0)
		snprintf(st->first_failure, sizeof st->first_failure, "seed %u, minute %d: %s", seed,
			 min, what);
}

/* Check one laid-out view: every column, every row. */
static void
check_view(const struct agenda *a, rdv_date day0, int ndays, int nagents, struct agenda_layout l,
	   bool show_cancelled, unsigned seed, struct stats *st)
{
	static int layer[CAL_MIN_PER_DAY];
	struct agenda_cell cells[64];
	for (int d = 0; d < ndays; d++)
		for (int k = 0; k < nagents; k++) {
			rdv_date day = day0 + d;
			paint(a, agent_ids[k], day, show_cancelled, layer);
			agenda_column(a, agent_ids[k], day, l.first, l.step, l.rows, show_cancelled, cells);
			for (int r = 0; r < l.rows; r++) {
				int t = l.first + r * l.step, want = 0;
				for (int m = t; m < t + l.step && m < CAL_MIN_PER_DAY; m++)
					if (layer[m] > want)
						want = layer[m];
				st->cells++;
				const struct agenda_item *it = cells[r].item;
				if ((int)cells[r].layer != want) {
					fail(st, "the cell's layer is not the highest one there", seed, t);
					continue;
				}
				if (want == 0)
					continue;
				if (it == NULL || layer_of(it) != want || it->day != day ||
				    it->start >= t + l.step || it->end <= t) {
					fail(st, "the cell's owner is not an item of that layer there", seed, t);
					continue;
				}
				/* Stable: the earliest, then longest, then lowest id of the layer. */
				for (size_t i = 0; i < a->n; i++) {
					const struct agenda_item *o = &a->items[i];
					if (o == it || layer_of(o) != want || o->day != day ||
					    o->start >= t + l.step || o->end <= t ||
					    (o->kind == AGENDA_HOLIDAY ? o->worked : o->agent_id != agent_ids[k]) ||
					    (o->kind == AGENDA_RDV && !show_cancelled &&
					     rdv_status_is_cancelled(o->status)))
						continue;
					if (o->start < it->start ||
					    (o->start == it->start && o->end > it->end) ||
					    (o->start == it->start && o->end == it->end && o->id < it->id))
						fail(st, "the owner is not the first in the stable order", seed, t);
				}
				/* An indisponibilité is named on the first row of each run. */
				if (want == 3 && (r == 0 || cells[r - 1].item != it) && !cells[r].label)
					fail(st, "an indisponibilité run has no title", seed, t);
			}
		}
}

/* The layout's promises, for avail rows and the cursor asked. */
static bool
layout_ok(struct agenda_layout l, int avail, int asked, int cursor)
{
	if (avail <= 0)
		return l.rows == 0;
	if (l.first < 0 || l.rows < 1 || l.rows > avail || l.first % l.step != 0 ||
	    l.first + l.rows * l.step > CAL_MIN_PER_DAY)
		return false;
	/* Rows to spare only when the whole day is shown. */
	if (l.rows < avail && !(l.first == 0 && l.rows * l.step == CAL_MIN_PER_DAY))
		return false;
	if (cursor < l.first || cursor >= l.first + l.rows * l.step || (cursor - l.first) % l.step)
		return false;
	return asked >= cursor && asked < cursor + l.step;
}

int
main(void)
{
	/* The cell grids of 80×24 and 120×40: one agent (3 header rows) or two (4). */
	static const struct {
		int cols, lines;
	} sizes[] = {{80, 24}, {120, 40}};
	rdv_date monday = D(2026, 5, 11);
	struct stats st = {0};
	int agendas = 0, layouts = 0;
	for (unsigned seed = 1; seed <= 300; seed++) {
		rng_state = seed;
		struct agenda *a = random_agenda(monday);
		bool show_cancelled = seed % 2;
		agendas++;
		for (size_t s = 0; s < 2; s++)
			for (int nagents = 1; nagents <= NAGENTS; nagents++)
				for (int view = 0; view < 2; view++) {
					int avail = sizes[s].lines - 1 - (nagents > 1 ? 4 : 3);
					rdv_date day0 = view ? monday + (int)rnd(7) : monday;
					int ndays = view ? 1 : 7;
					/* Open at a random time, scroll up to 00:00, then down to 23:xx. */
					int cursor = (int)rnd(CAL_MIN_PER_DAY);
					int asked = cursor;
					struct agenda_layout l = agenda_layout(a, day0, ndays, &cursor, avail);
					layouts++;
					if (!layout_ok(l, avail, asked, cursor) && st.layout_failures++ == 0)
						diag("seed %u: layout first %d step %d rows %d (avail %d, cursor %d)",
						     seed, l.first, l.step, l.rows, avail, asked);
					check_view(a, day0, ndays, nagents, l, show_cancelled, seed, &st);
					for (int dir = -1; dir <= 1; dir += 2)
						for (int k = 0; k < 400; k++) {
							int next = cursor + dir * l.step;
							if (next < 0 || next >= CAL_MIN_PER_DAY)
								break;
							cursor = asked = next;
							l = agenda_layout(a, day0, ndays, &cursor, avail);
							layouts++;
							if (!layout_ok(l, avail, asked, cursor) &&
							    st.layout_failures++ == 0)
								diag("seed %u: after scrolling to %d: first %d step %d "
								     "rows %d",
								     seed, asked, l.first, l.step, l.rows);
							if (k % 8 == 0)
								check_view(a, day0, ndays, nagents, l, show_cancelled,
									   seed, &st);
						}
				}
		agenda_free(a);
	}
	if (st.failures)
		diag("%s", st.first_failure);
	is_int(st.failures, 0, "%d random agendas, %ld cells: each owned by the highest-priority item",
	       agendas, st.cells);
	is_int(st.layout_failures, 0,
	       "%d layouts (80×24, 120×40; week and day; 1 and 2 agents; scrolled to 00:00 and back): "
	       "rows within 00:00–23:59, cursor shown",
	       layouts);

	/* Reported: an indisponibilité over a plage was drawn as the plage. */
	struct agenda *a = agenda_new(monday, 7);
	char *err = NULL;
	agenda_add_recurring(a, AGENDA_ABSENCE, 7, 11, monday + 1, 10 * 60, monday + 1, 11 * 60, NULL,
			     "Réunion", NULL, &err);
	agenda_add_recurring(a, AGENDA_PLAGE, 3, 11, monday, 9 * 60, monday, 12 * 60,
			     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Permanence", "MDS", &err);
	for (int sorted = 0; sorted < 2; sorted++) {
		if (sorted)
			agenda_sort(a);
		struct agenda_cell c = agenda_cell_at(a, 11, monday + 1, 10 * 60 + 30, 30, false);
		ok(c.layer == AGENDA_LAYER_ABSENCE && c.item->id == 7,
		   "absence over plage (%s): the absence owns 10:30", sorted ? "sorted" : "as loaded");
		c = agenda_cell_at(a, 11, monday + 1, 9 * 60, 60, false);
		ok(c.layer == AGENDA_LAYER_PLAGE, "the plage owns 09:00 before it");
		c = agenda_cell_at(a, 11, monday + 1, 10 * 60 + 45, 30, false);
		ok(c.layer == AGENDA_LAYER_ABSENCE, "a row half absent is shown absent");
	}
	struct agenda_cell cells[24];
	agenda_column(a, 11, monday + 1, 8 * 60, 30, 20, false, cells);
	ok(cells[4].layer == AGENDA_LAYER_ABSENCE && cells[4].label && !cells[5].label,
	   "the absence's title is on its first row");
	ok(cells[2].label && cells[6].layer == AGENDA_LAYER_PLAGE && !cells[6].label,
	   "the plage is named where it starts, not again after the absence");
	/* A holiday blocks the plage; an absence and an rdv show over it. */
	agenda_add(a, AGENDA_HOLIDAY, 0, 0, monday + 2, 0, CAL_MIN_PER_DAY, "Férié", NULL, NULL);
	agenda_add_recurring(a, AGENDA_ABSENCE, 8, 11, monday + 2, 11 * 60, monday + 2, 12 * 60, NULL,
			     "Congé", NULL, &err);
	agenda_add_span(a, AGENDA_RDV, 9, 11, cal_time(monday + 2, 11 * 60 + 15),
			cal_time(monday + 2, 11 * 60 + 30), "U", NULL, NULL);
	ok(agenda_cell_at(a, 11, monday + 2, 9 * 60, 30, false).layer == AGENDA_LAYER_HOLIDAY,
	   "holiday over plage");
	ok(agenda_cell_at(a, 11, monday + 2, 11 * 60, 15, false).layer == AGENDA_LAYER_ABSENCE,
	   "absence over holiday");
	ok(agenda_cell_at(a, 11, monday + 2, 11 * 60 + 15, 15, false).layer == AGENDA_LAYER_RDV,
	   "rdv over absence");
	agenda_free(a);

	/* Reported: a multi-day absence disappeared under the next day's plage. */
	a = agenda_new(monday, 7);
	agenda_add_recurring(a, AGENDA_PLAGE, 3, 11, monday, 9 * 60, monday, 17 * 60,
			     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Permanence", "MDS", &err);
	agenda_add_recurring(a, AGENDA_ABSENCE, 5, 11, monday, 14 * 60, monday + 2, 10 * 60, NULL,
			     "Congé", NULL, &err);
	agenda_sort(a);
	int cursor = 9 * 60;
	struct agenda_layout l = agenda_layout(a, monday, 7, &cursor, 20);
	ok(l.first >= 0 && l.first + l.rows * l.step <= CAL_MIN_PER_DAY, "layout within the day");
	agenda_column(a, 11, monday + 1, l.first, l.step, l.rows, false, cells);
	bool all = true;
	for (int r = 0; r < l.rows; r++)
		all = all && cells[r].layer == AGENDA_LAYER_ABSENCE;
	ok(all, "the middle day of the absence is absent on every row, plage hours included");
	ok(cells[0].label, "and named on its first visible row");
	agenda_column(a, 11, monday + 2, l.first, l.step, l.rows, false, cells);
	int r9 = (9 * 60 - l.first) / l.step, r10 = (10 * 60 - l.first) / l.step;
	ok(cells[r9].layer == AGENDA_LAYER_ABSENCE && cells[r10].layer == AGENDA_LAYER_PLAGE,
	   "its last day: absent until 10:00 over the plage, then the plage");
	ok(cells[0].label || cells[0].layer != AGENDA_LAYER_ABSENCE, "named there too");
	is_int(l.first + l.rows * l.step <= 18 * 60 ? 1 : 0, 1,
	       "an absence running on to the next day does not stretch the view to midnight");

	/* Reported: hours past midnight at 80×24, two agents side by side (19 rows). */
	agenda_add_span(a, AGENDA_RDV, 20, 12, cal_time(monday + 3, 6 * 60), cal_time(monday + 3, 23 * 60 + 30),
			"Nuit", NULL, NULL);
	for (int avail = 19; avail <= 36; avail += 17) {
		cursor = 9 * 60;
		l = agenda_layout(a, monday, 7, &cursor, avail);
		char last[6];
		cal_format_hhmm(l.first + (l.rows - 1) * l.step, last);
		ok(l.first + l.rows * l.step <= CAL_MIN_PER_DAY,
		   "%d rows, 06:00–24:00 to show: last row %s, not past 23:59", avail, last);
	}
	/* The old layout drew 36 rows of an hour from 00:00: up to 35:00. */
	agenda_add_span(a, AGENDA_RDV, 21, 12, cal_time(monday + 4, 30), cal_time(monday + 4, 60), "Tôt",
			NULL, NULL);
	cursor = 9 * 60;
	l = agenda_layout(a, monday, 7, &cursor, 36);
	is_int(l.first + l.rows * l.step, CAL_MIN_PER_DAY, "00:00–24:00 at 36 rows ends at 24:00");
	is_int(l.rows, 24, "in 24 rows of an hour, 12 left blank");

	/* Reported: scrolling to 00:00 and back. */
	for (int avail = 19; avail <= 20; avail++) {
		cursor = 9 * 60;
		bool good = true;
		int seen_first = -1, lowest = CAL_MIN_PER_DAY;
		for (int k = 0; k < 200 && cursor > 0; k++) {
			l = agenda_layout(a, monday, 7, &cursor, avail);
			good = good && layout_ok(l, avail, cursor, cursor);
			if (l.first < lowest)
				lowest = l.first;
			cursor -= l.step;
			if (cursor < 0)
				cursor = 0;
		}
		l = agenda_layout(a, monday, 7, &cursor, avail);
		seen_first = l.first;
		for (int k = 0; k < 400 && cursor + l.step < CAL_MIN_PER_DAY; k++) {
			cursor += l.step;
			int asked = cursor;
			l = agenda_layout(a, monday, 7, &cursor, avail);
			good = good && layout_ok(l, avail, asked, cursor);
		}
		ok(good && seen_first == 0 && cursor >= 23 * 60,
		   "%d rows: scrolled to 00:00 and down to %02d:%02d, every row within the day", avail,
		   cursor / 60, cursor % 60);
	}
	agenda_free(a);
	free(err);
	return done_testing();
}
