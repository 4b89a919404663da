/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/slots.h"

#include <stdlib.h>
#include <string.h>

#include "core/holidays.h"
#include "core/rrule.h"
#include "core/xmalloc.h"

/* ------------------------------------------------------------ data */

void
slots_query_init(struct slots_query *q, rdv_time now, rdv_date from)
{
	memset(q, 0, sizeof *q);
	q->now = now;
	q->side = SLOTS_SIDE_AGENT;
	q->motif.min_delay_min = SLOTS_DEFAULT_MIN_DELAY;
	q->motif.max_delay_min = SLOTS_DEFAULT_MAX_DELAY;
	q->from = from;
	q->to = from + SLOTS_DEFAULT_DAYS;
	q->holiday_zone = 0;
}

struct slots_data *
slots_data_new(void)
{
	return xcalloc(1, sizeof(struct slots_data));
}

void
slots_data_free(struct slots_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n_plages; i++)
		free(d->plages[i].rrule);
	for (size_t i = 0; i < d->n_absences; i++)
		free(d->absences[i].rrule);
	free(d->plages);
	free(d->absences);
	free(d->rdvs);
	free(d->ids);
	free(d);
}

/* Grow an array to hold one more element. */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(v, *cap, size);
}

static size_t
slots_data_pool_ids(struct slots_data *d, const int64_t *ids, size_t n)
{
	size_t at = d->n_ids;
	if (d->n_ids + n > d->cap_ids) {
		while (d->n_ids + n > d->cap_ids)
			d->cap_ids = d->cap_ids ? d->cap_ids * 2 : 64;
		d->ids = xreallocarray(d->ids, d->cap_ids, sizeof *d->ids);
	}
	if (n)
		memcpy(d->ids + at, ids, n * sizeof *ids);
	d->n_ids += n;
	return at;
}

struct slots_plage *
slots_data_add_plage(struct slots_data *d, const struct slots_plage *p, const int64_t *motif_ids,
                     size_t n_motifs)
{
	d->plages = grow(d->plages, d->n_plages, &d->cap_plages, sizeof *d->plages);
	struct slots_plage *q = &d->plages[d->n_plages++];
	*q = *p;
	q->rrule = p->rrule && *p->rrule ? xstrdup(p->rrule) : NULL;
	q->motifs_at = slots_data_pool_ids(d, motif_ids, n_motifs);
	q->n_motifs = n_motifs;
	return q;
}

struct slots_absence *
slots_data_add_absence(struct slots_data *d, const struct slots_absence *a)
{
	d->absences = grow(d->absences, d->n_absences, &d->cap_absences, sizeof *d->absences);
	struct slots_absence *q = &d->absences[d->n_absences++];
	*q = *a;
	q->rrule = a->rrule && *a->rrule ? xstrdup(a->rrule) : NULL;
	return q;
}

struct slots_rdv *
slots_data_add_rdv(struct slots_data *d, const struct slots_rdv *r, const int64_t *agent_ids,
                   size_t n_agents)
{
	d->rdvs = grow(d->rdvs, d->n_rdvs, &d->cap_rdvs, sizeof *d->rdvs);
	struct slots_rdv *q = &d->rdvs[d->n_rdvs++];
	*q = *r;
	q->agents_at = slots_data_pool_ids(d, agent_ids, n_agents);
	q->n_agents = n_agents;
	return q;
}

const int64_t *
slots_data_ids(const struct slots_data *d, size_t at)
{
	return d->ids + at;
}

/* ------------------------------------------------------------ search */

struct busy {
	rdv_time start, end;
	size_t agent; /* dense agent index, while collecting */
};

/* A candidate plage with its parsed rule and its agent's dense index. */
struct cand {
	const struct slots_plage *p;
	struct rrule *rule;
	size_t agent;
};

/* A slot while searching: the candidate it comes from orders ties. */
struct found {
	rdv_time start;
	rdv_time created_at; /* the plage's, copied so that qsort needs no context */
	int64_t plage_id;
	size_t cand;
};

/*
 * One search: the window, the candidate plages, and each agent's busy times
 * sorted and merged once, so an occurrence finds what overlaps it by binary
 * search instead of scanning every rdv.
 */
struct search {
	const struct slots_data *d;
	const struct slots_query *q;
	rdv_time wb, we;     /* the window W, [wb, we) */
	rdv_date dfrom, dto; /* days whose occurrences can give a slot */
	bool empty;
	struct cand *cands;
	size_t ncands;
	int64_t *agents; /* sorted unique agent ids of the candidates */
	size_t nagents;
	struct busy *busy; /* per agent, merged: busy[busy_at[a] … busy_at[a + 1]) */
	size_t *busy_at;
	rdv_date *dates; /* scratch for occurrence dates */
	size_t ndates, capdates;
};

static int
compare_id(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

static bool
id_in_sorted(const int64_t *v, size_t n, int64_t id)
{
	return n > 0 && bsearch(&id, v, n, sizeof *v, compare_id) != NULL;
}

static bool
id_in_list(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* The dense index of an agent, or SIZE_MAX when no candidate plage is theirs. */
static size_t
search_agent_index(const struct search *s, int64_t id)
{
	if (s->nagents == 0)
		return SIZE_MAX;
	const int64_t *hit = bsearch(&id, s->agents, s->nagents, sizeof *s->agents, compare_id);
	return hit ? (size_t)(hit - s->agents) : SIZE_MAX;
}

static void
search_free(struct search *s)
{
	for (size_t i = 0; i < s->ncands; i++)
		rrule_free(s->cands[i].rule);
	free(s->cands);
	free(s->agents);
	free(s->busy);
	free(s->busy_at);
	free(s->dates);
}

/* Rule 1: the window, and the days that can hold a slot. */
static bool
search_window(struct search *s, char **err)
{
	const struct slots_query *q = s->q;
	if (q->motif.duration_min <= 0) {
		*err = xasprintf("motif %lld : durée %d invalide (> 0 attendu)",
		                 (long long)q->motif.id, q->motif.duration_min);
		return false;
	}
	if (holiday_zone_id(q->holiday_zone) == NULL) {
		*err = xasprintf("zone de jours fériés %d inconnue", q->holiday_zone);
		return false;
	}
	rdv_date to = q->has_to ? q->to : q->from + SLOTS_DEFAULT_DAYS;
	s->wb = cal_time(q->from, 0);
	s->we = cal_time(to + 1, 0);
	if (q->side == SLOTS_SIDE_USAGER) {
		rdv_time lo = q->now + q->motif.min_delay_min, hi = q->now + q->motif.max_delay_min;
		if (lo > s->wb)
			s->wb = lo;
		if (hi < s->we)
			s->we = hi;
	}
	s->empty = s->wb >= s->we;
	/* An occurrence on day d ends by d + 1 00:00, so days before now's are over. */
	s->dfrom = cal_time_date(s->wb);
	if (cal_time_date(q->now) > s->dfrom)
		s->dfrom = cal_time_date(q->now);
	s->dto = cal_time_date(s->we - 1);
	if (s->dfrom > s->dto)
		s->empty = true;
	return true;
}

/* Rule 2: plages of the motif, agents and lieu asked for. */
static bool
search_candidates(struct search *s, char **err)
{
	const struct slots_data *d = s->d;
	const struct slots_query *q = s->q;
	int64_t *filter = NULL;
	if (q->filter_agents && q->n_agent_ids > 0) {
		filter = xreallocarray(NULL, q->n_agent_ids, sizeof *filter);
		memcpy(filter, q->agent_ids, q->n_agent_ids * sizeof *filter);
		qsort(filter, q->n_agent_ids, sizeof *filter, compare_id);
	}
	s->cands = xreallocarray(NULL, d->n_plages ? d->n_plages : 1, sizeof *s->cands);
	s->agents = xreallocarray(NULL, d->n_plages ? d->n_plages : 1, sizeof *s->agents);
	bool ok = true;
	for (size_t i = 0; i < d->n_plages && ok; i++) {
		const struct slots_plage *p = &d->plages[i];
		if (!id_in_list(d->ids + p->motifs_at, p->n_motifs, q->motif.id))
			continue;
		if (q->filter_agents && !id_in_sorted(filter, q->n_agent_ids, p->agent_id))
			continue;
		if (q->has_lieu && (!p->has_lieu || p->lieu_id != q->lieu_id))
			continue;
		if (p->start < 0 || p->end > CAL_MIN_PER_DAY || p->start >= p->end) {
			*err = xasprintf("plage %lld : la fin n'est pas après le début",
			                 (long long)p->id);
			ok = false;
			break;
		}
		char *rerr = NULL;
		struct rrule *r = rrule_parse(p->rrule, p->first_day, &rerr);
		if (r == NULL) {
			*err = xasprintf("plage %lld : %s", (long long)p->id, rerr);
			free(rerr);
			ok = false;
			break;
		}
		rdv_date until;
		if (p->first_day > s->dto || (rrule_until(r, &until) && until < s->dfrom)) {
			rrule_free(r);
			continue;
		}
		s->cands[s->ncands].p = p;
		s->cands[s->ncands].rule = r;
		s->ncands++;
		s->agents[s->nagents++] = p->agent_id;
	}
	free(filter);
	if (!ok)
		return false;
	qsort(s->agents, s->nagents, sizeof *s->agents, compare_id);
	size_t u = 0;
	for (size_t i = 0; i < s->nagents; i++)
		if (u == 0 || s->agents[u - 1] != s->agents[i])
			s->agents[u++] = s->agents[i];
	s->nagents = u;
	for (size_t i = 0; i < s->ncands; i++)
		s->cands[i].agent = search_agent_index(s, s->cands[i].p->agent_id);
	return true;
}

static void
busy_push(struct busy **v, size_t *n, size_t *cap, size_t agent, rdv_time start, rdv_time end)
{
	*v = grow(*v, *n, cap, sizeof **v);
	(*v)[*n].start = start;
	(*v)[*n].end = end;
	(*v)[*n].agent = agent;
	(*n)++;
}

static int
compare_busy(const void *pa, const void *pb)
{
	const struct busy *a = pa, *b = pb;
	return (a->start > b->start) - (a->start < b->start);
}

/*
 * Rule 4: each agent's busy times over the days searched (holidays,
 * absences, rdvs that are not cancelled), sorted and merged once.
 */
static bool
search_busy(struct search *s, char **err)
{
	const struct slots_data *d = s->d;
	const struct slots_query *q = s->q;
	rdv_time lo = cal_time(s->dfrom, 0), hi = cal_time(s->dto + 1, 0);
	struct busy *v = NULL;
	size_t n = 0, cap = 0;

	if (!q->open_on_holidays) {
		struct holiday *h = NULL;
		size_t nh = holidays_between(q->holiday_zone, s->dfrom, s->dto, &h);
		for (size_t i = 0; i < nh; i++) {
			if (q->open_on_whit_monday && h[i].whit_monday)
				continue;
			for (size_t a = 0; a < s->nagents; a++)
				busy_push(&v, &n, &cap, a, cal_time(h[i].date, 0),
				          cal_time(h[i].date + 1, 0));
		}
		free(h);
	}

	for (size_t i = 0; i < d->n_absences; i++) {
		const struct slots_absence *a = &d->absences[i];
		size_t agent = search_agent_index(s, a->agent_id);
		if (agent == SIZE_MAX)
			continue;
		rdv_time start = cal_time(a->first_day, a->start),
		         end = cal_time(a->end_day, a->end);
		if (end <= start) {
			free(v);
			*err = xasprintf("absence %lld : la fin n'est pas après le début",
			                 (long long)a->id);
			return false;
		}
		if (a->rrule == NULL) {
			if (end > lo && start < hi)
				busy_push(&v, &n, &cap, agent, start, end);
			continue;
		}
		if (a->end_day != a->first_day) {
			free(v);
			*err = xasprintf("absence %lld : une absence récurrente tient sur un jour",
			                 (long long)a->id);
			return false;
		}
		char *rerr = NULL;
		struct rrule *r = rrule_parse(a->rrule, a->first_day, &rerr);
		if (r == NULL) {
			free(v);
			*err = xasprintf("absence %lld : %s", (long long)a->id, rerr);
			free(rerr);
			return false;
		}
		s->ndates = 0;
		rrule_dates_append(r, s->dfrom, s->dto, &s->dates, &s->ndates, &s->capdates);
		for (size_t k = 0; k < s->ndates; k++)
			busy_push(&v, &n, &cap, agent, cal_time(s->dates[k], a->start),
			          cal_time(s->dates[k], a->end));
		rrule_free(r);
	}

	for (size_t i = 0; i < d->n_rdvs; i++) {
		const struct slots_rdv *r = &d->rdvs[i];
		if (rdv_status_is_cancelled(r->status) || r->ends_at <= lo || r->starts_at >= hi)
			continue;
		const int64_t *ids = d->ids + r->agents_at;
		for (size_t k = 0; k < r->n_agents; k++) {
			size_t agent = search_agent_index(s, ids[k]);
			if (agent != SIZE_MAX)
				busy_push(&v, &n, &cap, agent, r->starts_at, r->ends_at);
		}
	}

	/*
	 * Bucket by agent (counting sort), then sort each agent's few
	 * intervals by start and merge those that overlap or touch: cheaper
	 * than one sort of every busy time of the agency.
	 */
	s->busy_at = xcalloc(s->nagents + 1, sizeof *s->busy_at);
	for (size_t i = 0; i < n; i++)
		s->busy_at[v[i].agent + 1]++;
	for (size_t a = 0; a < s->nagents; a++)
		s->busy_at[a + 1] += s->busy_at[a];
	struct busy *w = xreallocarray(NULL, n ? n : 1, sizeof *w);
	size_t *fill = xreallocarray(NULL, s->nagents ? s->nagents : 1, sizeof *fill);
	for (size_t a = 0; a < s->nagents; a++)
		fill[a] = s->busy_at[a];
	for (size_t i = 0; i < n; i++)
		w[fill[v[i].agent]++] = v[i];
	free(fill);
	free(v);
	size_t m = 0;
	for (size_t a = 0; a < s->nagents; a++) {
		size_t begin = s->busy_at[a], end = s->busy_at[a + 1];
		if (end - begin > 1)
			qsort(w + begin, end - begin, sizeof *w, compare_busy);
		s->busy_at[a] = m;
		for (size_t i = begin; i < end; i++) {
			if (m > s->busy_at[a] && w[i].start <= w[m - 1].end) {
				if (w[i].end > w[m - 1].end)
					w[m - 1].end = w[i].end;
				continue;
			}
			w[m++] = w[i];
		}
	}
	s->busy_at[s->nagents] = m;
	v = w;
	s->busy = v;
	return true;
}

/*
 * The first slot start of a free interval [b, e) at or after the window's
 * start (rule 6), or -1 when none: b itself, or the next 5-minute step from
 * b once now has passed it, then whole durations.
 */
static rdv_time
first_start(const struct search *s, rdv_time b, rdv_time e)
{
	const rdv_time now = s->q->now, dur = s->q->motif.duration_min;
	rdv_time t = b;
	if (t < now)
		t = b + (now - b + SLOTS_STEP - 1) / SLOTS_STEP * SLOTS_STEP;
	if (t < s->wb)
		t += (s->wb - t + dur - 1) / dur * dur;
	if (t + dur > e || t >= s->we)
		return -1;
	return t;
}

/*
 * Call emit for each free interval of one occurrence [os, oe) of agent a
 * (rule 5); stop early when emit returns false.
 */
static void
search_free_intervals(const struct search *s, size_t a, rdv_time os, rdv_time oe,
                      bool (*emit)(void *ctx, rdv_time b, rdv_time e), void *ctx)
{
	const struct busy *v = s->busy + s->busy_at[a];
	size_t n = s->busy_at[a + 1] - s->busy_at[a];
	/* Merged intervals are sorted by end too: skip those ending by os. */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].end <= os)
			lo = mid + 1;
		else
			hi = mid;
	}
	rdv_time cur = os;
	for (size_t i = lo; i < n && v[i].start < oe; i++) {
		if (v[i].start > cur && !emit(ctx, cur, v[i].start))
			return;
		if (v[i].end > cur)
			cur = v[i].end;
	}
	if (cur < oe)
		emit(ctx, cur, oe);
}

/* Rule 3: the occurrence dates of a candidate in the days searched. */
static void
search_dates(struct search *s, const struct cand *c, rdv_date to)
{
	s->ndates = 0;
	rrule_dates_append(c->rule, s->dfrom, to, &s->dates, &s->ndates, &s->capdates);
}

static bool
search_setup(struct search *s, const struct slots_data *d, const struct slots_query *q, char **err)
{
	memset(s, 0, sizeof *s);
	s->d = d;
	s->q = q;
	*err = NULL;
	return search_window(s, err) && search_candidates(s, err) && search_busy(s, err);
}

/* ------------------------------------------------------------ all slots */

struct collect {
	const struct search *s;
	size_t cand;
	struct found *v;
	size_t n, cap;
};

static bool
collect_interval(void *ctx, rdv_time b, rdv_time e)
{
	struct collect *c = ctx;
	const struct search *s = c->s;
	const rdv_time dur = s->q->motif.duration_min;
	rdv_time t = first_start(s, b, e);
	if (t < 0)
		return true;
	for (; t + dur <= e && t < s->we; t += dur) {
		c->v = grow(c->v, c->n, &c->cap, sizeof *c->v);
		c->v[c->n].start = t;
		c->v[c->n].created_at = s->cands[c->cand].p->created_at;
		c->v[c->n].plage_id = s->cands[c->cand].p->id;
		c->v[c->n].cand = c->cand;
		c->n++;
	}
	return true;
}

/* Rule 8: start, then the plage registered first, then plage id. */
static int
compare_plages(const struct slots_plage *a, const struct slots_plage *b)
{
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int
compare_found(const void *pa, const void *pb)
{
	const struct found *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	if (a->plage_id != b->plage_id)
		return a->plage_id < b->plage_id ? -1 : 1;
	return (a->cand > b->cand) - (a->cand < b->cand);
}

static struct slot
slot_make(const struct search *s, rdv_time start, size_t cand)
{
	const struct slots_plage *p = s->cands[cand].p;
	struct slot out = {
	    .start = start,
	    .end = start + s->q->motif.duration_min,
	    .agent_id = p->agent_id,
	    .has_lieu = p->has_lieu,
	    .lieu_id = p->has_lieu ? p->lieu_id : 0,
	    .plage_id = p->id,
	};
	return out;
}

bool
slots_search(const struct slots_data *d, const struct slots_query *q, struct slot **out, size_t *n,
             char **err)
{
	struct search s;
	*out = NULL;
	*n = 0;
	if (!search_setup(&s, d, q, err)) {
		search_free(&s);
		return false;
	}
	struct collect c = {.s = &s};
	for (size_t i = 0; i < s.ncands && !s.empty; i++) {
		const struct cand *cand = &s.cands[i];
		c.cand = i;
		search_dates(&s, cand, s.dto);
		for (size_t k = 0; k < s.ndates; k++) {
			rdv_time os = cal_time(s.dates[k], cand->p->start);
			rdv_time oe = cal_time(s.dates[k], cand->p->end);
			if (oe <= q->now || oe <= s.wb || os >= s.we)
				continue;
			search_free_intervals(&s, cand->agent, os, oe, collect_interval, &c);
		}
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof *c.v, compare_found);
	/* Rule 7: one slot per (start, agent), the first in order. */
	rdv_time *last = xreallocarray(NULL, s.nagents ? s.nagents : 1, sizeof *last);
	for (size_t a = 0; a < s.nagents; a++)
		last[a] = -1;
	struct slot *v = c.n ? xreallocarray(NULL, c.n, sizeof *v) : NULL;
	size_t m = 0;
	for (size_t i = 0; i < c.n; i++) {
		size_t a = s.cands[c.v[i].cand].agent;
		if (last[a] == c.v[i].start)
			continue;
		last[a] = c.v[i].start;
		v[m++] = slot_make(&s, c.v[i].start, c.v[i].cand);
	}
	free(last);
	free(c.v);
	search_free(&s);
	*out = v;
	*n = m;
	return true;
}

/* ------------------------------------------------------------ next availability */

struct first {
	const struct search *s;
	rdv_time start; /* of the occurrence being read, then of its first slot */
	bool found;
};

static bool
first_interval(void *ctx, rdv_time b, rdv_time e)
{
	struct first *f = ctx;
	rdv_time t = first_start(f->s, b, e);
	if (t < 0)
		return true;
	f->start = t;
	f->found = true;
	return false; /* the first interval with a slot holds the occurrence's first slot */
}

/*
 * Each candidate is read in date order only until its occurrences start
 * after the best slot found so far, so a week with room ends the scan of
 * every plage early.
 */
bool
slots_first(const struct slots_data *d, const struct slots_query *q, struct slot *out, bool *found,
            char **err)
{
	struct search s;
	*found = false;
	if (!search_setup(&s, d, q, err)) {
		search_free(&s);
		return false;
	}
	rdv_time best = 0;
	size_t best_cand = 0;
	for (size_t i = 0; i < s.ncands && !s.empty; i++) {
		const struct cand *cand = &s.cands[i];
		rdv_date to = *found && cal_time_date(best) < s.dto ? cal_time_date(best) : s.dto;
		search_dates(&s, cand, to);
		for (size_t k = 0; k < s.ndates; k++) {
			rdv_time os = cal_time(s.dates[k], cand->p->start);
			rdv_time oe = cal_time(s.dates[k], cand->p->end);
			if (*found && os > best)
				break;
			if (oe <= q->now || oe <= s.wb || os >= s.we)
				continue;
			struct first f = {.s = &s};
			search_free_intervals(&s, cand->agent, os, oe, first_interval, &f);
			if (!f.found)
				continue;
			if (!*found || f.start < best ||
			    (f.start == best &&
			     compare_plages(cand->p, s.cands[best_cand].p) < 0)) {
				best = f.start;
				best_cand = i;
				*found = true;
			}
			break; /* later occurrences start later */
		}
	}
	if (*found)
		*out = slot_make(&s, best, best_cand);
	search_free(&s);
	return true;
}
