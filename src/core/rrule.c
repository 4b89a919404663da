/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/rrule.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/*
 * The rule text is checked here, field by field, so that an agent reads
 * which part of it is wrong (libical only sets icalerrno). Occurrences are
 * libical's: a weekly rule repeats exactly every INTERVAL weeks, so its
 * occurrences over one period (taken from libical's iterator once per shape
 * of rule) give every later date by adding whole periods; a monthly rule runs
 * libical's iterator, started at the last aligned month before the range
 * asked for rather than at first_day, so a rule started years ago costs no
 * more than a new one.
 */

enum rrule_freq { RRULE_ONCE, RRULE_WEEKLY, RRULE_MONTHLY };

#define RRULE_INTERVAL_MAX 5
#define RRULE_PATTERN_MAX (7 * RRULE_INTERVAL_MAX)

struct rrule {
	enum rrule_freq freq;
	rdv_date first_day;
	int interval;
	unsigned days;    /* weekly: bit w set for weekday w (0 = Monday) */
	int nth, weekday; /* monthly: the nth such weekday (1 … 5) */
	bool has_until;
	rdv_date until;
	/* Weekly: day offsets of one period, from the Monday of first_day's week. */
	int pattern[RRULE_PATTERN_MAX];
	int npattern;
	struct icalrecurrencetype ical; /* monthly (weekly: only while computing a shape) */
};

static const char *const day_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static int
day_code_find(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strcmp(s, day_codes[i]) == 0)
			return i;
	return -1;
}

static bool
parse_small_int(const char *s, int *out)
{
	if (*s == '\0' || strlen(s) > 3)
		return false;
	int v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static struct icaltimetype
ical_from_date(rdv_date d)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, dd;
	cal_ymd(d, &y, &m, &dd);
	t.year = y;
	t.month = m;
	t.day = dd;
	/*
	 * A DATE start makes libical 3.0 mis-order weekly rules with an
	 * interval (it yields 2 Mar, 9 Mar, 4 Mar … for INTERVAL=2;BYDAY=MO,WE):
	 * a floating midnight DATE-TIME does not.
	 */
	t.is_date = 0;
	return t;
}

static rdv_date
date_from_ical(struct icaltimetype t)
{
	return cal_date(t.year, t.month, t.day);
}

/* The nth given weekday of a month, or false when the month has none. */
static bool
nth_weekday_of_month(int year, int month, int nth, int weekday, rdv_date *out)
{
	rdv_date first = cal_date(year, month, 1);
	int shift = (weekday - cal_weekday(first) + 7) % 7;
	int day = 1 + shift + 7 * (nth - 1);
	if (day > cal_days_in_month(year, month))
		return false;
	*out = first + shift + 7 * (nth - 1);
	return true;
}

/* Parse BYDAY for the given frequency into r; *err on failure. */
static bool
parse_byday(struct rrule *r, const char *value, char **err)
{
	if (*value == '\0') {
		*err = xstrdup("BYDAY est vide");
		return false;
	}
	char *copy = xstrdup(value), *save = NULL;
	bool ok = true;
	int items = 0;
	for (char *item = strtok_r(copy, ",", &save); item && ok;
	     item = strtok_r(NULL, ",", &save)) {
		items++;
		const char *code = item;
		int nth = 0;
		if ((*item >= '0' && *item <= '9') || *item == '-' || *item == '+') {
			if (r->freq != RRULE_MONTHLY) {
				*err = xasprintf("BYDAY=%s : une position (« %s ») n'est possible "
				                 "qu'avec FREQ=MONTHLY",
				                 value, item);
				ok = false;
				break;
			}
			if (*item < '1' || *item > '5' || strlen(item) != 3) {
				*err = xasprintf("BYDAY=%s : position non prise en charge "
				                 "(1 à 5 suivi d'un jour, ex. 2WE)",
				                 value);
				ok = false;
				break;
			}
			nth = *item - '0';
			code = item + 1;
		}
		int w = day_code_find(code);
		if (w < 0) {
			*err =
			    xasprintf("BYDAY=%s : jour « %s » inconnu (MO, TU, WE, TH, FR, SA, SU)",
			              value, code);
			ok = false;
			break;
		}
		if (r->freq == RRULE_MONTHLY) {
			if (nth == 0) {
				*err = xasprintf("BYDAY=%s : FREQ=MONTHLY demande une position, "
				                 "ex. BYDAY=2%s",
				                 value, code);
				ok = false;
				break;
			}
			r->nth = nth;
			r->weekday = w;
		} else {
			r->days |= 1u << w;
		}
	}
	if (ok && items == 0) {
		*err = xasprintf("BYDAY=%s : aucun jour", value);
		ok = false;
	}
	if (ok && r->freq == RRULE_MONTHLY && items > 1) {
		*err = xasprintf("BYDAY=%s : FREQ=MONTHLY ne prend qu'un jour (ex. 2WE)", value);
		ok = false;
	}
	free(copy);
	return ok;
}

/*
 * A weekly rule's occurrences over one period depend only on its INTERVAL
 * and BYDAY days, not on first_day (which the rule must match); libical's
 * expansion of each shape is kept per thread, so a search over thousands of
 * plages asks libical once per shape instead of once per plage.
 */
struct weekly_shape {
	signed char n; /* 0: not computed yet */
	signed char offsets[RRULE_PATTERN_MAX];
};
static _Thread_local struct weekly_shape weekly_shapes[RRULE_INTERVAL_MAX][128];

/* libical's rule for r, as text. */
static void
rrule_ical_text(const struct rrule *r, char *buf, size_t size)
{
	if (r->freq == RRULE_WEEKLY) {
		size_t len = (size_t)snprintf(
		    buf, size, "FREQ=WEEKLY;INTERVAL=%d;WKST=MO;BYDAY=", r->interval);
		for (int w = 0; w < 7; w++)
			if (r->days & (1u << w))
				len +=
				    (size_t)snprintf(buf + len, size - len, "%s%s",
				                     buf[len - 1] == '=' ? "" : ",", day_codes[w]);
	} else {
		snprintf(buf, size, "FREQ=MONTHLY;INTERVAL=%d;WKST=MO;BYDAY=%d%s", r->interval,
		         r->nth, day_codes[r->weekday]);
	}
}

/*
 * One full period of a weekly shape from libical: the second period after
 * a Monday, started on its first matching day.
 */
static bool
weekly_shape_compute(struct rrule *r, struct weekly_shape *shape, char **err)
{
	const rdv_date monday = cal_date(2001, 1, 1); /* any Monday */
	int first = 0;
	while (!(r->days & (1u << first)))
		first++;
	int period = 7 * r->interval;
	rdv_date lo = monday + period, hi = monday + 2 * period;
	icalrecur_iterator *it = icalrecur_iterator_new(r->ical, ical_from_date(monday + first));
	if (it == NULL)
		return false;
	shape->n = 0;
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		rdv_date d = date_from_ical(t);
		if (d >= hi)
			break;
		if (d >= lo && shape->n < RRULE_PATTERN_MAX)
			shape->offsets[shape->n++] = (signed char)(d - lo);
	}
	icalrecur_iterator_free(it);
	if (shape->n == 0) {
		char buf[128];
		rrule_ical_text(r, buf, sizeof buf);
		*err = xasprintf("libical ne donne aucune date pour %s", buf);
		return false;
	}
	return true;
}

/* Build libical's rule and, for a weekly rule, its pattern. */
static bool
rrule_prepare_ical(struct rrule *r, char **err)
{
	struct weekly_shape *shape = NULL;
	if (r->freq == RRULE_WEEKLY) {
		shape = &weekly_shapes[r->interval - 1][r->days & 0x7f];
		if (shape->n > 0)
			goto copy;
	}
	char buf[128];
	rrule_ical_text(r, buf, sizeof buf);
	icalerror_clear_errno();
	r->ical = icalrecurrencetype_from_string(buf);
	if (r->ical.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
		*err = xasprintf("règle refusée par libical : %s", buf);
		return false;
	}
	if (shape == NULL)
		return true;
	if (!weekly_shape_compute(r, shape, err))
		return false;
copy:
	r->npattern = shape->n;
	for (int i = 0; i < shape->n; i++)
		r->pattern[i] = shape->offsets[i];
	return true;
}

/* Parse one NAME=VALUE element into r. */
static bool
parse_element(struct rrule *r, char *elem, unsigned *seen, char **err)
{
	static const char *const unsupported[] = {"COUNT",    "BYMONTHDAY", "BYMONTH", "BYYEARDAY",
	                                          "BYWEEKNO", "BYSETPOS",   "BYHOUR",  "BYMINUTE",
	                                          "BYSECOND", "WKST",       "RSCALE",  "SKIP"};
	static const char *const known[] = {"FREQ", "INTERVAL", "BYDAY", "UNTIL"};
	char *eq = strchr(elem, '=');
	if (*elem == '\0') {
		*err = xstrdup("élément vide (« ;; » ou « ; » final)");
		return false;
	}
	if (eq == NULL) {
		*err = xasprintf("« %s » : NOM=VALEUR attendu", elem);
		return false;
	}
	*eq = '\0';
	const char *name = elem, *value = eq + 1;
	int k = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(name, known[i]) == 0)
			k = i;
	if (k < 0) {
		for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
			if (strcmp(name, unsupported[i]) == 0) {
				*err = xasprintf("%s n'est pas pris en charge", name);
				return false;
			}
		*err = xasprintf("élément « %s » inconnu", name);
		return false;
	}
	if (*seen & (1u << k)) {
		*err = xasprintf("%s est répété", name);
		return false;
	}
	*seen |= 1u << k;
	switch (k) {
	case 0:
		if (strcmp(value, "WEEKLY") == 0) {
			r->freq = RRULE_WEEKLY;
		} else if (strcmp(value, "MONTHLY") == 0) {
			r->freq = RRULE_MONTHLY;
		} else {
			*err = xasprintf("FREQ=%s n'est pas pris en charge (WEEKLY ou MONTHLY)",
			                 value);
			return false;
		}
		return true;
	case 1:
		if (!parse_small_int(value, &r->interval) || r->interval < 1 ||
		    r->interval > RRULE_INTERVAL_MAX) {
			*err = xasprintf("INTERVAL=%s hors limites (1 à %d)", value,
			                 RRULE_INTERVAL_MAX);
			return false;
		}
		return true;
	case 2:
		return true; /* BYDAY needs FREQ, read after all elements */
	default:
		if (!cal_parse_until(value, &r->until)) {
			*err = xasprintf("UNTIL=%s : date invalide (AAAAMMJJ attendu)", value);
			return false;
		}
		r->has_until = true;
		return true;
	}
}

struct rrule *
rrule_parse(const char *rule, rdv_date first_day, char **err)
{
	struct rrule *r = xcalloc(1, sizeof *r);
	r->first_day = first_day;
	r->interval = 1;
	r->freq = RRULE_ONCE;
	*err = NULL;
	if (rule == NULL || *rule == '\0')
		return r;

	char *copy = xstrdup(rule), *byday = NULL;
	unsigned seen = 0;
	bool ok = true;
	char *p = copy;
	for (;;) {
		char *semi = strchr(p, ';');
		if (semi)
			*semi = '\0';
		if (strncmp(p, "BYDAY=", 6) == 0 && byday == NULL)
			byday = p + 6;
		ok = parse_element(r, p, &seen, err);
		if (!ok || semi == NULL)
			break;
		p = semi + 1;
	}
	if (ok && r->freq == RRULE_ONCE) {
		*err = xstrdup("FREQ manque (FREQ=WEEKLY ou FREQ=MONTHLY)");
		ok = false;
	}
	if (ok && byday != NULL)
		ok = parse_byday(r, byday, err);
	if (ok && byday == NULL) {
		if (r->freq == RRULE_WEEKLY) {
			r->days = 1u << cal_weekday(first_day);
		} else {
			*err = xstrdup("FREQ=MONTHLY demande BYDAY=nJJ (ex. BYDAY=2WE)");
			ok = false;
		}
	}
	if (ok && r->has_until && r->until < first_day) {
		char a[11], b[11];
		*err = xasprintf("UNTIL (%s) est avant le premier jour (%s)",
		                 cal_format_date(r->until, a), cal_format_date(first_day, b));
		ok = false;
	}
	if (ok) {
		bool matches;
		if (r->freq == RRULE_WEEKLY) {
			matches = r->days & (1u << cal_weekday(first_day));
		} else {
			int day;
			cal_ymd(first_day, NULL, NULL, &day);
			matches =
			    cal_weekday(first_day) == r->weekday && (day - 1) / 7 + 1 == r->nth;
		}
		if (!matches) {
			char a[11];
			*err = xasprintf("le premier jour (%s %s) n'est pas une date de la règle",
			                 cal_weekday_name_fr(cal_weekday(first_day)),
			                 cal_format_date_fr(first_day, a));
			ok = false;
		}
	}
	if (ok)
		ok = rrule_prepare_ical(r, err);
	free(copy);
	if (!ok) {
		free(r);
		return NULL;
	}
	return r;
}

void
rrule_free(struct rrule *r)
{
	free(r);
}

bool
rrule_until(const struct rrule *r, rdv_date *until)
{
	if (r->freq == RRULE_ONCE) {
		*until = r->first_day;
		return true;
	}
	if (r->has_until)
		*until = r->until;
	return r->has_until;
}

bool
rrule_is_recurring(const struct rrule *r)
{
	return r->freq != RRULE_ONCE;
}

static void
push_date(rdv_date **buf, size_t *n, size_t *cap, rdv_date d)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*buf = xreallocarray(*buf, *cap, sizeof **buf);
	}
	(*buf)[(*n)++] = d;
}

static size_t
weekly_dates(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **buf, size_t *n,
             size_t *cap)
{
	size_t before = *n;
	rdv_date ws = cal_week_start(r->first_day);
	int period = 7 * r->interval;
	rdv_date base = ws + (from - ws) / period * period; /* from >= ws */
	for (; base <= to; base += period)
		for (int i = 0; i < r->npattern; i++) {
			rdv_date d = base + r->pattern[i];
			if (d > to)
				break;
			if (d >= from)
				push_date(buf, n, cap, d);
		}
	return *n - before;
}

static size_t
monthly_dates(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **buf, size_t *n,
              size_t *cap)
{
	size_t before = *n;
	int y0, m0, yf, mf;
	cal_ymd(r->first_day, &y0, &m0, NULL);
	cal_ymd(from, &yf, &mf, NULL);
	long first_month = (long)y0 * 12 + (m0 - 1), month = (long)yf * 12 + (mf - 1);
	month = first_month + (month - first_month) / r->interval * r->interval;
	/* Start libical at an occurrence: the last aligned month that has one. */
	rdv_date start = r->first_day;
	for (; month > first_month; month -= r->interval)
		if (nth_weekday_of_month((int)(month / 12), (int)(month % 12) + 1, r->nth,
		                         r->weekday, &start))
			break;
	if (month <= first_month)
		start = r->first_day;
	icalrecur_iterator *it = icalrecur_iterator_new(r->ical, ical_from_date(start));
	if (it == NULL)
		return 0;
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		rdv_date d = date_from_ical(t);
		if (d > to)
			break;
		if (d >= from)
			push_date(buf, n, cap, d);
	}
	icalrecur_iterator_free(it);
	return *n - before;
}

size_t
rrule_dates_append(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **buf, size_t *n,
                   size_t *cap)
{
	if (from < r->first_day)
		from = r->first_day;
	rdv_date last;
	if (rrule_until(r, &last) && to > last)
		to = last;
	if (from > to)
		return 0;
	switch (r->freq) {
	case RRULE_ONCE:
		push_date(buf, n, cap, r->first_day);
		return 1;
	case RRULE_WEEKLY:
		return weekly_dates(r, from, to, buf, n, cap);
	default:
		return monthly_dates(r, from, to, buf, n, cap);
	}
}

size_t
rrule_dates(const struct rrule *r, rdv_date from, rdv_date to, rdv_date **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	rrule_dates_append(r, from, to, out, &n, &cap);
	if (n == 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

bool
rrule_has_date(const struct rrule *r, rdv_date d)
{
	rdv_date *v = NULL;
	size_t n = rrule_dates(r, d, d, &v);
	free(v);
	return n > 0;
}

static const char *const ordinal_fr[] = {"", "1er", "2e", "3e", "4e", "5e"};

char *
rrule_describe_fr(const struct rrule *r)
{
	char date[11];
	char *s;
	if (r->freq == RRULE_ONCE)
		return xasprintf("le %s %s", cal_weekday_name_fr(cal_weekday(r->first_day)),
		                 cal_format_date_fr(r->first_day, date));
	if (r->freq == RRULE_WEEKLY) {
		int count = 0, seen = 0;
		for (int w = 0; w < 7; w++)
			count += (r->days >> w) & 1;
		s = r->interval == 1 ? xstrdup("toutes les semaines")
		                     : xasprintf("toutes les %d semaines", r->interval);
		for (int w = 0; w < 7; w++) {
			if (!(r->days & (1u << w)))
				continue;
			seen++;
			const char *sep = seen == 1 ? " le " : seen == count ? " et le " : ", le ";
			char *t = xasprintf("%s%s%s", s, sep, cal_weekday_name_fr(w));
			free(s);
			s = t;
		}
	} else if (r->interval == 1) {
		s = xasprintf("le %s %s de chaque mois", ordinal_fr[r->nth],
		              cal_weekday_name_fr(r->weekday));
	} else {
		s = xasprintf("le %s %s, tous les %d mois", ordinal_fr[r->nth],
		              cal_weekday_name_fr(r->weekday), r->interval);
	}
	if (r->has_until) {
		char *t = xasprintf("%s, jusqu'au %s", s, cal_format_date_fr(r->until, date));
		free(s);
		s = t;
	}
	return s;
}

bool
rrule_validate(const char *rule, rdv_date first_day, char **err)
{
	struct rrule *r = rrule_parse(rule, first_day, err);
	bool ok = r != NULL;
	rrule_free(r);
	return ok;
}
