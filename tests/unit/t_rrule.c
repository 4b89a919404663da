/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/rrule.h"
#include "core/xmalloc.h"
#include "tests/tap.h"

static rdv_date
day(const char *s)
{
	rdv_date d = 0;
	if (!cal_parse_date(s, &d))
		printf("# bad date in test: %s\n", s);
	return d;
}

/* The dates of a rule in [from, to] as "YYYY-MM-DD …", or "ERR: message". */
static char *
dates_of(const char *rule, const char *first, const char *from, const char *to)
{
	char *err = NULL;
	struct rrule *r = rrule_parse(rule, day(first), &err);
	if (r == NULL) {
		char *s = xasprintf("ERR: %s", err);
		free(err);
		return s;
	}
	rdv_date *v = NULL;
	size_t n = rrule_dates(r, day(from), day(to), &v);
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char d[11];
		char *t = xasprintf("%s%s%s", s, i ? " " : "", cal_format_date(v[i], d));
		free(s);
		s = t;
	}
	free(v);
	rrule_free(r);
	return s;
}

static void
check_dates(const char *rule, const char *first, const char *from, const char *to, const char *want)
{
	char *got = dates_of(rule, first, from, to);
	is_str(got, want, "%s from %s, [%s, %s]", rule ? rule : "(none)", first, from, to);
	free(got);
}

static void
check_error(const char *rule, const char *first, const char *want)
{
	char *got = dates_of(rule, first, first, first);
	char *w = xasprintf("ERR: %s", want);
	is_str(got, w, "rejected: %s", rule);
	free(w);
	free(got);
}

static void
check_describe(const char *rule, const char *first, const char *want)
{
	char *err = NULL;
	struct rrule *r = rrule_parse(rule, day(first), &err);
	char *got = r ? rrule_describe_fr(r) : err;
	is_str(got, want, "description of %s", rule ? rule : "(none)");
	free(got);
	rrule_free(r);
}

/*
 * The RFC 5545 meaning of the supported rules, written out day by day: the
 * oracle libical's expansion (and its fast paths) must agree with.
 */
struct oracle {
	rdv_date first;
	bool weekly;
	int interval;
	unsigned days;
	int nth, weekday;
	rdv_date until; /* INT32_MAX when none */
};

static bool
oracle_has(const struct oracle *o, rdv_date d)
{
	if (d < o->first || d > o->until)
		return false;
	if (o->weekly) {
		int weeks = (cal_week_start(d) - cal_week_start(o->first)) / 7;
		return (o->days >> cal_weekday(d) & 1) && weeks % o->interval == 0;
	}
	int y, m, dd, y0, m0;
	cal_ymd(d, &y, &m, &dd);
	cal_ymd(o->first, &y0, &m0, NULL);
	int months = (y - y0) * 12 + (m - m0);
	return cal_weekday(d) == o->weekday && (dd - 1) / 7 + 1 == o->nth &&
	       months % o->interval == 0;
}

static const char *const codes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

int
main(void)
{
	/* Weeks start on Monday: with INTERVAL=2 a Sunday belongs to the week before. */
	check_dates("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20260325", "2026-03-02", "2026-03-01",
	            "2026-04-30", "2026-03-02 2026-03-04 2026-03-16 2026-03-18");
	check_dates("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO", "2026-03-01", "2026-03-01", "2026-03-31",
	            "2026-03-01 2026-03-09 2026-03-15 2026-03-23 2026-03-29");
	check_dates("FREQ=WEEKLY;BYDAY=MO,TH", "2026-05-11", "2026-05-11", "2026-05-25",
	            "2026-05-11 2026-05-14 2026-05-18 2026-05-21 2026-05-25");
	check_dates("FREQ=WEEKLY", "2026-03-04", "2026-03-01", "2026-03-31",
	            "2026-03-04 2026-03-11 2026-03-18 2026-03-25");
	check_dates(NULL, "2026-03-04", "2026-03-01", "2026-03-31", "2026-03-04");
	check_dates("", "2026-03-04", "2026-03-05", "2026-03-31", "");
	check_dates("FREQ=WEEKLY;BYDAY=WE;UNTIL=20260304", "2026-03-04", "2026-03-01", "2026-12-31",
	            "2026-03-04");
	check_dates("FREQ=MONTHLY;BYDAY=2WE", "2026-03-11", "2026-03-01", "2026-08-31",
	            "2026-03-11 2026-04-08 2026-05-13 2026-06-10 2026-07-08 2026-08-12");
	/* A month without a fifth Monday has none. */
	check_dates("FREQ=MONTHLY;BYDAY=5MO", "2026-03-30", "2026-01-01", "2026-12-31",
	            "2026-03-30 2026-06-29 2026-08-31 2026-11-30");
	check_dates("FREQ=MONTHLY;INTERVAL=3;BYDAY=1FR;UNTIL=20270101", "2026-01-02", "2026-02-01",
	            "2030-01-01", "2026-04-03 2026-07-03 2026-10-02 2027-01-01");
	/* Far from first_day: the expansion starts near `from`. */
	check_dates("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR", "2001-01-02", "2026-03-01", "2026-03-31",
	            "2026-03-10 2026-03-13 2026-03-31");
	check_dates("FREQ=MONTHLY;INTERVAL=5;BYDAY=5FR", "2000-03-31", "2026-01-01", "2027-12-31",
	            "2026-01-30 2027-04-30");

	check_error("FREQ=DAILY", "2026-03-02",
	            "FREQ=DAILY n'est pas pris en charge (WEEKLY ou MONTHLY)");
	check_error("FREQ=WEEKLY;INTERVAL=6", "2026-03-02", "INTERVAL=6 hors limites (1 à 5)");
	check_error("FREQ=WEEKLY;INTERVAL=0", "2026-03-02", "INTERVAL=0 hors limites (1 à 5)");
	check_error("FREQ=WEEKLY;INTERVAL=x", "2026-03-02", "INTERVAL=x hors limites (1 à 5)");
	check_error("FREQ=WEEKLY;BYDAY=MO,XX", "2026-03-02",
	            "BYDAY=MO,XX : jour « XX » inconnu (MO, TU, WE, TH, FR, SA, SU)");
	check_error("FREQ=WEEKLY;BYDAY=2MO", "2026-03-02",
	            "BYDAY=2MO : une position (« 2MO ») n'est possible qu'avec FREQ=MONTHLY");
	check_error("FREQ=MONTHLY;BYDAY=WE", "2026-03-11",
	            "BYDAY=WE : FREQ=MONTHLY demande une position, ex. BYDAY=2WE");
	check_error("FREQ=MONTHLY;BYDAY=-1WE", "2026-03-25",
	            "BYDAY=-1WE : position non prise en charge (1 à 5 suivi d'un jour, ex. 2WE)");
	check_error("FREQ=MONTHLY;BYDAY=2WE,3WE", "2026-03-11",
	            "BYDAY=2WE,3WE : FREQ=MONTHLY ne prend qu'un jour (ex. 2WE)");
	check_error("FREQ=MONTHLY", "2026-03-11", "FREQ=MONTHLY demande BYDAY=nJJ (ex. BYDAY=2WE)");
	check_error("FREQ=WEEKLY;UNTIL=2026-06-30", "2026-03-02",
	            "UNTIL=2026-06-30 : date invalide (AAAAMMJJ attendu)");
	check_error("FREQ=WEEKLY;UNTIL=20260230", "2026-03-02",
	            "UNTIL=20260230 : date invalide (AAAAMMJJ attendu)");
	check_error("FREQ=WEEKLY;UNTIL=20260301", "2026-03-02",
	            "UNTIL (2026-03-01) est avant le premier jour (2026-03-02)");
	check_error("FREQ=WEEKLY;COUNT=3", "2026-03-02", "COUNT n'est pas pris en charge");
	check_error("FREQ=WEEKLY;BYMONTHDAY=3", "2026-03-02",
	            "BYMONTHDAY n'est pas pris en charge");
	check_error("FREQ=WEEKLY;FOO=1", "2026-03-02", "élément « FOO » inconnu");
	check_error("FREQ=WEEKLY;FREQ=WEEKLY", "2026-03-02", "FREQ est répété");
	check_error("FREQ=WEEKLY;", "2026-03-02", "élément vide (« ;; » ou « ; » final)");
	check_error("WEEKLY", "2026-03-02", "« WEEKLY » : NOM=VALEUR attendu");
	check_error("BYDAY=MO", "2026-03-02", "FREQ manque (FREQ=WEEKLY ou FREQ=MONTHLY)");
	check_error("FREQ=WEEKLY;BYDAY=TU", "2026-03-02",
	            "le premier jour (lundi 02/03/2026) n'est pas une date de la règle");
	check_error("FREQ=MONTHLY;BYDAY=2WE", "2026-03-04",
	            "le premier jour (mercredi 04/03/2026) n'est pas une date de la règle");
	char *err = NULL;
	ok(rrule_validate("FREQ=WEEKLY;BYDAY=MO", day("2026-03-02"), &err) && err == NULL,
	   "rrule_validate accepts");
	ok(!rrule_validate("FREQ=YEARLY", day("2026-03-02"), &err) && err != NULL,
	   "rrule_validate rejects with a message");
	free(err);

	check_describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20260630", "2026-03-02",
	               "toutes les 2 semaines le lundi et le mercredi, jusqu'au 30/06/2026");
	check_describe("FREQ=WEEKLY;BYDAY=MO,TU,FR", "2026-03-02",
	               "toutes les semaines le lundi, le mardi et le vendredi");
	check_describe("FREQ=MONTHLY;BYDAY=2WE", "2026-03-11", "le 2e mercredi de chaque mois");
	check_describe("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "2026-03-02",
	               "le 1er lundi, tous les 3 mois");
	check_describe(NULL, "2026-03-02", "le lundi 02/03/2026");

	char *e2 = NULL;
	struct rrule *r = rrule_parse("FREQ=WEEKLY;UNTIL=20260630", day("2026-03-02"), &e2);
	rdv_date until = 0;
	ok(r && rrule_is_recurring(r) && rrule_until(r, &until) && until == day("2026-06-30"),
	   "rrule_until gives UNTIL");
	ok(r && rrule_has_date(r, day("2026-06-29")) && !rrule_has_date(r, day("2026-07-06")) &&
	       !rrule_has_date(r, day("2026-03-03")),
	   "rrule_has_date");
	rrule_free(r);
	r = rrule_parse("FREQ=WEEKLY", day("2026-03-02"), &e2);
	ok(r && !rrule_until(r, &until), "no UNTIL: repeats forever");
	rrule_free(r);
	r = rrule_parse(NULL, day("2026-03-02"), &e2);
	ok(r && !rrule_is_recurring(r), "no rule: not recurring");
	rrule_free(r);

	/*
	 * Every supported shape against the oracle, over windows that start
	 * before, on and long after first_day: libical's dates, period
	 * replication and the skip ahead must all agree with RFC 5545.
	 */
	int mismatches = 0, rules = 0;
	unsigned seed = 12345;
	for (int k = 0; k < 400; k++) {
		seed = seed * 1103515245u + 12345u;
		struct oracle o = {0};
		o.first = day("2024-01-01") + (int)(seed >> 8) % 900;
		o.weekly = k % 3 != 0;
		o.interval = 1 + k % 5;
		o.until = INT32_MAX;
		char rule[96];
		size_t len;
		if (o.weekly) {
			o.days = ((seed >> 4) & 0x7f) | (1u << cal_weekday(o.first));
			len = (size_t)snprintf(rule, sizeof rule,
			                       "FREQ=WEEKLY;INTERVAL=%d;BYDAY=", o.interval);
			for (int w = 0; w < 7; w++)
				if (o.days >> w & 1)
					len += (size_t)snprintf(
					    rule + len, sizeof rule - len, "%s%s",
					    rule[len - 1] == '=' ? "" : ",", codes[w]);
		} else {
			int dd;
			cal_ymd(o.first, NULL, NULL, &dd);
			o.nth = (dd - 1) / 7 + 1;
			o.weekday = cal_weekday(o.first);
			len = (size_t)snprintf(rule, sizeof rule,
			                       "FREQ=MONTHLY;INTERVAL=%d;BYDAY=%d%s", o.interval,
			                       o.nth, codes[o.weekday]);
		}
		if (k % 4 == 1) {
			o.until = o.first + (int)(seed >> 3) % 700;
			char u[11];
			cal_format_date(o.until, u);
			snprintf(rule + len, sizeof rule - len, ";UNTIL=%.4s%.2s%.2s", u, u + 5,
			         u + 8);
		}
		char *e = NULL;
		struct rrule *rr = rrule_parse(rule, o.first, &e);
		if (rr == NULL) {
			printf("# %s: %s\n", rule, e);
			free(e);
			mismatches++;
			continue;
		}
		rules++;
		rdv_date from = o.first - 20 + (int)(seed >> 5) % 1200;
		rdv_date to = from + (int)(seed >> 9) % 200;
		rdv_date *v = NULL;
		size_t n = rrule_dates(rr, from, to, &v), j = 0;
		for (rdv_date d = from; d <= to; d++) {
			if (!oracle_has(&o, d))
				continue;
			if (j >= n || v[j] != d) {
				mismatches++;
				printf("# %s first %d: missing or wrong at %d\n", rule, o.first, d);
				break;
			}
			j++;
		}
		if (j != n) {
			mismatches++;
			printf("# %s: %zu dates, oracle %zu\n", rule, n, j);
		}
		free(v);
		rrule_free(rr);
	}
	is_int(rules, 400, "400 generated rules parse");
	is_int(mismatches, 0, "generated rules agree with the RFC 5545 oracle");
	return done_testing();
}
