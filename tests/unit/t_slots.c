/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/scenario.h"
#include "core/slots.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "tests/tap.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "tests/unit/scenarios"
#endif
#ifndef SLOTS_SCENARIO_DIR
#define SLOTS_SCENARIO_DIR "tests/slots/scenarios"
#endif

static char *
read_text(const char *name)
{
	char *path = xasprintf("%s/%s", SCENARIO_DIR, name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (f == NULL)
		return NULL;
	size_t n = 0, cap = 1 << 16;
	char *s = xmalloc(cap);
	n = fread(s, 1, cap - 1, f);
	fclose(f);
	s[n] = '\0';
	return s;
}

static rdv_time
at(const char *s)
{
	rdv_time t = 0;
	if (!cal_parse_datetime(s, &t))
		printf("# bad datetime in test: %s\n", s);
	return t;
}

static rdv_date
day(const char *s)
{
	rdv_date d = 0;
	if (!cal_parse_date(s, &d))
		printf("# bad date in test: %s\n", s);
	return d;
}

/* Run a scenario text: the --json output, or "ERR: message". */
static char *
run_json(const char *json, bool first)
{
	char *err = NULL, *out;
	struct scenario *sc = scenario_parse(json, &err);
	if (sc == NULL) {
		out = xasprintf("ERR: %s", err);
		free(err);
		return out;
	}
	if (first) {
		struct slot s;
		bool found;
		if (slots_first(sc->data, &sc->query, &s, &found, &err))
			out = scenario_format_first_json(found ? &s : NULL);
		else
			out = xasprintf("ERR: %s", err);
	} else {
		struct slot *v;
		size_t n;
		if (slots_search(sc->data, &sc->query, &v, &n, &err)) {
			out = scenario_format_slots_json(v, n);
			free(v);
		} else {
			out = xasprintf("ERR: %s", err);
		}
	}
	free(err);
	scenario_free(sc);
	return out;
}

/* Text output of a scenario (listing or --first). */
static char *
run_text(const char *json, bool first)
{
	char *err = NULL, *out = NULL;
	struct scenario *sc = scenario_parse(json, &err);
	if (sc == NULL) {
		out = xasprintf("ERR: %s", err);
		free(err);
		return out;
	}
	struct slot *v = NULL, s;
	size_t n = 0;
	bool found = false;
	if (first ? slots_first(sc->data, &sc->query, &s, &found, &err)
	          : slots_search(sc->data, &sc->query, &v, &n, &err))
		out = first ? scenario_format_slots_text(&s, found)
		            : scenario_format_slots_text(v, n);
	else
		out = xasprintf("ERR: %s", err);
	free(v);
	free(err);
	scenario_free(sc);
	return out;
}

/* The first slot of the listing and slots_first() must be the same slot. */
static void
check_first_matches_listing(const char *name, const char *json)
{
	char *err = NULL;
	struct scenario *sc = scenario_parse(json, &err);
	if (sc == NULL) {
		ok(0, "%s parses: %s", name, err);
		free(err);
		return;
	}
	struct slot *v = NULL, s;
	size_t n = 0;
	bool found = false;
	bool a = slots_search(sc->data, &sc->query, &v, &n, &err);
	bool b = slots_first(sc->data, &sc->query, &s, &found, &err);
	ok(a && b && found == (n > 0) &&
	       (!found || (s.start == v[0].start && s.plage_id == v[0].plage_id &&
	                   s.agent_id == v[0].agent_id)),
	   "%s: --first is the first slot of the listing", name);
	free(v);
	free(err);
	scenario_free(sc);
}

static void
check_example(int k)
{
	char name[32], out[32];
	snprintf(name, sizeof name, "ex%d.json", k);
	char *json = read_text(name);
	ok(json != NULL, "%s is readable", name);
	if (json == NULL)
		return;
	bool first = false;
	snprintf(out, sizeof out, "ex%d.out", k);
	char *want = read_text(out);
	if (want == NULL) {
		first = true;
		snprintf(out, sizeof out, "ex%d.first.out", k);
		want = read_text(out);
	}
	char *got = run_json(json, first);
	is_str(got, want, "slots-examples.md example %d (%s)", k, first ? "--first" : "listing");
	check_first_matches_listing(name, json);
	free(got);
	free(want);
	free(json);
}

static void
check_scenario(const char *what, const char *json, bool first, const char *want)
{
	char *got = run_json(json, first);
	is_str(got, want, "%s", what);
	free(got);
}

static void
check_error(const char *what, const char *json, const char *want)
{
	char *err = NULL;
	struct scenario *sc = scenario_parse(json, &err);
	ok(sc == NULL, "%s: rejected", what);
	is_str(err, want, "%s: message", what);
	scenario_free(sc);
	free(err);
}

static void
test_dst(void)
{
	/*
	 * A 09:00 plage every Monday stays at 09:00 local across both changes
	 * of 2026; rdvs stored in UTC reach the core as local times, so an
	 * rdv at 07:00 UTC takes the 09:00 slot in summer and the 08:00 hour
	 * (outside the plage) in winter.
	 */
	struct tz *paris = tz_open("Europe/Paris");
	ok(paris != NULL, "Europe/Paris");
	if (paris == NULL)
		return;
	struct slots_data *d = slots_data_new();
	int64_t motifs[] = {7}, agents[] = {3};
	struct slots_plage p = {.id = 1,
	                        .agent_id = 3,
	                        .has_lieu = true,
	                        .lieu_id = 10,
	                        .first_day = day("2026-03-23"),
	                        .start = 9 * 60,
	                        .end = 10 * 60,
	                        .rrule = "FREQ=WEEKLY;BYDAY=MO",
	                        .created_at = at("2026-01-01T00:00")};
	slots_data_add_plage(d, &p, motifs, 1);
	static const char *const utc_rdvs[] = {"2026-03-23T07:00", "2026-03-30T07:00",
	                                       "2026-10-19T07:00", "2026-10-26T07:00"};
	for (int i = 0; i < 4; i++) {
		struct slots_rdv r = {.id = i + 1, .status = RDV_UNKNOWN};
		r.starts_at = tz_utc_to_local(paris, at(utc_rdvs[i]));
		r.ends_at = r.starts_at + 30;
		slots_data_add_rdv(d, &r, agents, 1);
	}
	struct slots_query q;
	slots_query_init(&q, at("2026-03-01T00:00"), day("2026-03-23"));
	q.motif.id = 7;
	q.motif.duration_min = 30;
	q.to = day("2026-11-02");
	q.has_to = true;
	struct slot *v = NULL;
	size_t n = 0;
	char *err = NULL;
	ok(slots_search(d, &q, &v, &n, &err), "DST search runs");
	/* 33 Mondays (minus Easter and Whit Monday: holidays), 2 slots each, minus 2 taken. */
	char buf[17];
	int found_0323_0900 = 0, found_0330_0900 = 0, found_0330_0930 = 0, found_1019_0900 = 0,
	    found_1026_0900 = 0, not_0900_or_0930 = 0;
	for (size_t i = 0; i < n; i++) {
		cal_format_datetime(v[i].start, buf);
		found_0323_0900 += strcmp(buf, "2026-03-23T09:00") == 0;
		found_0330_0900 += strcmp(buf, "2026-03-30T09:00") == 0;
		found_0330_0930 += strcmp(buf, "2026-03-30T09:30") == 0;
		found_1019_0900 += strcmp(buf, "2026-10-19T09:00") == 0;
		found_1026_0900 += strcmp(buf, "2026-10-26T09:00") == 0;
		not_0900_or_0930 +=
		    strcmp(buf + 11, "09:00") != 0 && strcmp(buf + 11, "09:30") != 0;
	}
	is_int(found_0323_0900, 1, "winter: 07:00 UTC is 08:00 local, the 09:00 slot is free");
	is_int(found_0330_0900, 0, "summer: 07:00 UTC is 09:00 local, the 09:00 slot is taken");
	is_int(found_0330_0930, 1, "summer: 09:30 stays free");
	is_int(found_1019_0900, 0, "before the October change: 07:00 UTC takes 09:00");
	is_int(found_1026_0900, 1, "after the October change: 07:00 UTC is 08:00, 09:00 is free");
	is_int(not_0900_or_0930, 0, "every slot starts at 09:00 or 09:30 local, all year");
	/* Mondays 23 Mar … 2 Nov: 33, minus 6 Apr and 25 May; 2 slots each; 2 taken. */
	is_int(n, (33 - 2) * 2 - 2, "slot count over the year");
	free(v);
	slots_data_free(d);
	tz_free(paris);
}

/*
 * Hand-written scenarios, one file each in tests/slots/scenarios/ (the
 * directory SLOTS_SCENARIO_DIR): NAME.json and NAME.out (the --json
 * listing), NAME.first.out (--first --json), NAME.txt / NAME.first.txt (the
 * text outputs) or NAME.err (the parser's message, one line).
 */
static char *
read_scenario_file(const char *name, const char *ext)
{
	char *path = xasprintf("%s/%s%s", SLOTS_SCENARIO_DIR, name, ext);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		printf("# cannot read %s\n", path);
	free(path);
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16;
	char *s = xmalloc(cap);
	size_t n = fread(s, 1, cap - 1, f);
	fclose(f);
	s[n] = '\0';
	return s;
}

/* The scenario NAME gives its .out (or .first.out) file's output. */
static void
check_scenario_file(const char *what, const char *name, bool first)
{
	char *json = read_scenario_file(name, ".json");
	char *want = read_scenario_file(name, first ? ".first.out" : ".out");
	if (json && want) {
		check_scenario(what, json, first, want);
	} else {
		ok(false, "%s", what);
	}
	free(json);
	free(want);
}

/* The text output of scenario NAME is its .txt (or .first.txt) file. */
static void
check_text_file(const char *what, const char *name, bool first)
{
	char *json = read_scenario_file(name, ".json");
	char *want = read_scenario_file(name, first ? ".first.txt" : ".txt");
	char *got = json ? run_text(json, first) : NULL;
	if (got && want)
		is_str(got, want, "%s", what);
	else
		ok(false, "%s", what);
	free(got);
	free(json);
	free(want);
}

/* The parser refuses scenario NAME with the message of its .err file. */
static void
check_error_file(const char *what, const char *name)
{
	char *json = read_scenario_file(name, ".json");
	char *want = read_scenario_file(name, ".err");
	if (json && want) {
		want[strcspn(want, "\n")] = '\0';
		check_error(what, json, want);
	} else {
		ok(false, "%s: rejected", what);
		ok(false, "%s: message", what);
	}
	free(json);
	free(want);
}

static void
test_busy_times(void)
{
	check_scenario_file("multi-day absence across a recurring plage", "multi-day-absence-across-a-recurring-plage", false);
	check_scenario_file("back-to-back rdvs and rdvs touching the plage's edges", "back-to-back-rdvs-and-rdvs-touching-the-plage-s-edges", false);
	check_scenario_file("open_on_holidays opens Ascension", "open-on-holidays-opens-ascension", false);
	check_scenario_file("alsace-moselle blocks the Vendredi saint", "alsace-moselle-blocks-the-vendredi-saint", false);
	check_scenario_file("metropole works on the Vendredi saint", "metropole-works-on-the-vendredi-saint", false);
	check_scenario_file("la-reunion blocks 20 December", "la-reunion-blocks-20-december", false);
	check_scenario_file("other agents' absences do not block", "other-agents-absences-do-not-block", false);
	check_scenario_file("no lieu, agent filter", "no-lieu-agent-filter", false);
	check_text_file("text output: TAB-separated, - for no lieu", "no-lieu-agent-filter", false);
	check_text_file("text output with --first", "no-lieu-agent-filter", true);
	check_scenario_file("--first with nothing free", "first-with-nothing-free", true);
	check_text_file("text --first with nothing: no line", "first-with-nothing-free", true);
	check_scenario_file("--first: day 181 is in the window", "first-day-181-is-in-the-window", true);
	check_scenario_file("--first: day 182 is not", "first-day-182-is-not", true);
	check_scenario_file("usager side: min delay past the window", "usager-side-min-delay-past-the-window", false);
	check_scenario_file("agent side: no minimum delay", "agent-side-no-minimum-delay", false);
	check_scenario_file("usager side: the same minimum delay hides it", "usager-side-the-same-minimum-delay-hides-it", false);
}

static void
test_first_across_weeks(void)
{
	check_scenario_file("--first: earliest start, then created_at, then id", "first-earliest-start-then-created-at-then-id", true);
}

static void
test_errors(void)
{
	static const char *const bad[][2] = {
	    {"unknown top-level key", "unknown-top-level-key"},
	    {"unknown plage key", "unknown-plage-key"},
	    {"bad rrule", "bad-rrule"},
	    {"rrule not matching first_day", "rrule-not-matching-first-day"},
	    {"malformed date", "malformed-date"},
	    {"malformed top-level date", "malformed-top-level-date"},
	    {"malformed time", "malformed-time"},
	    {"plage end before start", "plage-end-before-start"},
	    {"absence end before start", "absence-end-before-start"},
	    {"recurring multi-day absence", "recurring-multi-day-absence"},
	    {"rdv end before start", "rdv-end-before-start"},
	    {"unknown status", "unknown-status"},
	    {"unknown side", "unknown-side"},
	    {"unknown zone", "unknown-zone"},
	    {"to before from", "to-before-from"},
	    {"missing plages", "missing-plages"},
	    {"wrong type", "wrong-type"},
	    {"bad id in a list", "bad-id-in-a-list"},
	    {"plage not an object", "plage-not-an-object"},
	    {"duplicate key", "duplicate-key"},
	    {"zero duration", "zero-duration"},
	    {"unknown motif key", "unknown-motif-key"},
	    {"malformed now", "malformed-now"},
	    {"invalid JSON", "invalid-json"},
	    {"not an object", "not-an-object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_error_file(bad[i][0], bad[i][1]);

	/* Data from the database path is checked by the search itself. */
	struct slots_data *d = slots_data_new();
	int64_t motifs[] = {7};
	struct slots_plage p = {.id = 42,
	                        .agent_id = 3,
	                        .first_day = day("2026-03-02"),
	                        .start = 540,
	                        .end = 600,
	                        .rrule = "FREQ=WEEKLY;INTERVAL=9"};
	slots_data_add_plage(d, &p, motifs, 1);
	struct slots_query q;
	slots_query_init(&q, at("2026-03-01T00:00"), day("2026-03-02"));
	q.motif.id = 7;
	q.motif.duration_min = 30;
	struct slot *v = NULL;
	size_t n = 0;
	char *err = NULL;
	ok(!slots_search(d, &q, &v, &n, &err), "a bad rrule in the data fails the search");
	is_str(err, "plage 42 : INTERVAL=9 hors limites (1 à 5)", "and names the plage");
	free(err);
	err = NULL;
	q.motif.duration_min = 0;
	ok(!slots_search(d, &q, &v, &n, &err), "a zero duration fails the search");
	free(err);
	slots_data_free(d);
}

static int
next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)(*seed >> 8);
}

/*
 * A generated agency (many agents, weekly plages, rdvs and absences): the
 * listing is sorted in the order of rule 8, has one slot per (start,
 * agent), every slot avoids every busy time, and --first is its first slot.
 */
static void
test_generated(void)
{
	struct slots_data *d = slots_data_new();
	unsigned seed = 42;
#define RAND() next_rand(&seed)
	static const char *const rules[] = {"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
	                                    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", NULL};
	rdv_date monday = day("2026-03-02");
	for (int i = 0; i < 200; i++) {
		int64_t motifs[] = {7, 8};
		struct slots_plage p = {.id = i + 1, .first_day = monday, .has_lieu = true};
		p.agent_id = 1 + RAND() % 40;
		p.lieu_id = 10 + RAND() % 3;
		p.start = 8 * 60 + RAND() % 6 * 15;
		p.end = p.start + 60 + RAND() % 5 * 45;
		p.rrule = (char *)rules[RAND() % 3];
		p.created_at = at("2026-01-01T00:00") + RAND() % 50;
		int which = RAND() % 2;
		slots_data_add_plage(d, &p, motifs + which, 1);
	}
	for (int i = 0; i < 3000; i++) {
		int64_t agents[2];
		agents[0] = 1 + RAND() % 40;
		agents[1] = 1 + RAND() % 40;
		struct slots_rdv r = {.id = i + 1};
		r.status = (enum rdv_status)(RAND() % 5);
		r.starts_at = cal_time(monday + RAND() % 28, 7 * 60 + RAND() % 600);
		r.ends_at = r.starts_at + 5 + RAND() % 90;
		size_t count = 1 + (size_t)(RAND() % 2);
		slots_data_add_rdv(d, &r, agents, count);
	}
	for (int i = 0; i < 60; i++) {
		struct slots_absence a = {.id = i + 1};
		a.agent_id = 1 + RAND() % 40;
		a.first_day = monday + RAND() % 28;
		a.end_day = a.first_day + (i % 3 == 0 ? RAND() % 3 : 0);
		a.start = 8 * 60 + RAND() % 300;
		a.end = a.end_day > a.first_day ? RAND() % 1440 : a.start + 1 + RAND() % 200;
		a.rrule = i % 5 == 1 && a.end_day == a.first_day ? "FREQ=WEEKLY" : NULL;
		slots_data_add_absence(d, &a);
	}
	struct slots_query q;
	slots_query_init(&q, at("2026-03-03T10:07"), monday);
	q.motif.id = 7;
	q.motif.duration_min = 25;
	q.to = monday + 27;
	q.has_to = true;
	struct slot *v = NULL;
	size_t n = 0;
	char *err = NULL;
	ok(slots_search(d, &q, &v, &n, &err), "generated agency: search runs");
	ok(n > 100, "generated agency: %zu slots", n);
	int unordered = 0, duplicates = 0, busy_hits = 0, before_now = 0, wrong_motif = 0;
	for (size_t i = 0; i < n; i++) {
		const struct slots_plage *pi = NULL;
		for (size_t k = 0; k < d->n_plages; k++)
			if (d->plages[k].id == v[i].plage_id)
				pi = &d->plages[k];
		wrong_motif += slots_data_ids(d, pi->motifs_at)[0] != 7;
		before_now += v[i].start < q.now;
		if (i > 0) {
			const struct slots_plage *pp = NULL;
			for (size_t k = 0; k < d->n_plages; k++)
				if (d->plages[k].id == v[i - 1].plage_id)
					pp = &d->plages[k];
			if (v[i - 1].start > v[i].start ||
			    (v[i - 1].start == v[i].start &&
			     (pp->created_at > pi->created_at ||
			      (pp->created_at == pi->created_at && pp->id > pi->id))))
				unordered++;
		}
		for (size_t k = i + 1; k < n && v[k].start == v[i].start; k++)
			duplicates += v[k].agent_id == v[i].agent_id;
		for (size_t k = 0; k < d->n_rdvs; k++) {
			const struct slots_rdv *r = &d->rdvs[k];
			if (rdv_status_is_cancelled(r->status) || r->starts_at >= v[i].end ||
			    r->ends_at <= v[i].start)
				continue;
			for (size_t j = 0; j < r->n_agents; j++)
				busy_hits += slots_data_ids(d, r->agents_at)[j] == v[i].agent_id;
		}
		for (size_t k = 0; k < d->n_absences; k++) {
			const struct slots_absence *a = &d->absences[k];
			if (a->agent_id != v[i].agent_id)
				continue;
			for (int w = 0; w < (a->rrule ? 5 : 1); w++) {
				rdv_time s = cal_time(a->first_day + 7 * w, a->start);
				rdv_time e = cal_time(a->end_day + 7 * w, a->end);
				busy_hits += s < v[i].end && e > v[i].start;
			}
		}
	}
	is_int(unordered, 0, "generated agency: order start, created_at, id");
	is_int(duplicates, 0, "generated agency: one slot per (start, agent)");
	is_int(busy_hits, 0, "generated agency: no slot overlaps a busy time");
	is_int(before_now, 0, "generated agency: no slot before now");
	is_int(wrong_motif, 0, "generated agency: only plages of the motif");
	struct slot f;
	bool found = false;
	ok(slots_first(d, &q, &f, &found, &err) && found && n > 0 && f.start == v[0].start &&
	       f.plage_id == v[0].plage_id,
	   "generated agency: --first is the first listed slot");
	/* Filters. */
	int64_t only[] = {5, 7};
	q.filter_agents = true;
	q.agent_ids = only;
	q.n_agent_ids = 2;
	q.has_lieu = true;
	q.lieu_id = 11;
	struct slot *w = NULL;
	size_t m = 0;
	ok(slots_search(d, &q, &w, &m, &err), "filtered search runs");
	int outside = 0, missing = 0;
	for (size_t i = 0; i < m; i++)
		outside += (w[i].agent_id != 5 && w[i].agent_id != 7) || w[i].lieu_id != 11;
	/*
	 * Every unfiltered slot that passes the filters is kept (the filtered
	 * listing may have more: a slot another lieu's plage won under rule 7).
	 */
	for (size_t i = 0; i < n; i++) {
		if ((v[i].agent_id != 5 && v[i].agent_id != 7) || v[i].lieu_id != 11)
			continue;
		bool there = false;
		for (size_t k = 0; k < m && !there; k++)
			there = w[k].start == v[i].start && w[k].plage_id == v[i].plage_id;
		missing += !there;
	}
	is_int(outside, 0, "filters keep agents 5 and 7 at lieu 11");
	is_int(missing, 0, "filters remove nothing else");
	ok(m > 0, "the filtered listing is not empty (%zu)", m);
	free(w);
	free(v);
	slots_data_free(d);
#undef RAND
}

int
main(void)
{
	for (int k = 1; k <= 10; k++)
		check_example(k);
	test_dst();
	test_busy_times();
	test_first_across_weeks();
	test_errors();
	test_generated();
	return done_testing();
}
