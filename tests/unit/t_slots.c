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

/* The common head of hand-written scenarios: motif 7 of 60 minutes. */
#define HEAD(now, from, to)                                                                        \
	"{\"now\": \"" now "\", \"motif\": {\"id\": 7, \"duration_min\": 60}, \"from\": \"" from   \
	"\", \"to\": \"" to "\", "
#define PLAGE(id, agent, first_day, start, end, rrule)                                             \
	"{\"id\": " #id ", \"agent\": " #agent ", \"lieu\": 10, \"motifs\": [7], "                 \
	"\"first_day\": \"" first_day "\", \"start\": \"" start "\", \"end\": \"" end              \
	"\", \"rrule\": " rrule ", \"created_at\": \"2026-01-05T10:00\"}"
#define SLOT(s, e, agent, plage)                                                                   \
	"{\"starts_at\": \"" s "\", \"ends_at\": \"" e "\", \"agent\": " #agent                    \
	", \"lieu\": 10, \"plage\": " #plage "}"

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

static void
test_busy_times(void)
{
	/* A multi-day absence over a plage of Monday to Friday, two ranges a day. */
	check_scenario(
	    "multi-day absence across a recurring plage",
	    HEAD("2026-03-01T12:00", "2026-03-03", "2026-03-05") "\"plages\": [" PLAGE(
	        1, 3, "2026-03-02", "09:00", "11:00",
	        "\"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\"") ", " PLAGE(2, 3, "2026-03-02", "14:00",
	                                                           "16:00",
	                                                           "\"FREQ=WEEKLY;BYDAY=MO,TU,WE,"
	                                                           "TH,FR\"") "], \"absences\": "
	                                                                      "[{\"id\": 1, "
	                                                                      "\"agent\": 3, "
	                                                                      "\"first_day\": "
	                                                                      "\"2026-03-03\", "
	                                                                      "\"start\": "
	                                                                      "\"14:30\", "
	                                                                      "\"end_day\": "
	                                                                      "\"2026-03-05\", "
	                                                                      "\"end\": "
	                                                                      "\"10:00\"}]}",
	    false,
	    "{\"slots\": [" SLOT("2026-03-03T09:00", "2026-03-03T10:00", 3, 1) ", " SLOT(
	        "2026-03-03T10:00", "2026-03-03T11:00", 3,
	        1) ", " SLOT("2026-03-05T10:00", "2026-03-05T11:00", 3,
	                     1) ", " SLOT("2026-03-05T14:00", "2026-03-05T15:00", 3,
	                                  2) ", " SLOT("2026-03-05T15:00", "2026-03-05T16:00", 3,
	                                               2) "]}\n");
	/* Back-to-back rdvs leave no gap; rdvs touching the plage's edges do not shorten it. */
	check_scenario("back-to-back rdvs and rdvs touching the plage's edges",
	               HEAD("2026-03-01T12:00", "2026-03-02", "2026-03-02") "\"plages\": [" PLAGE(
	                   1, 3, "2026-03-02", "09:00", "13:00",
	                   "null") "], \"rdvs\": ["
	                           "{\"id\": 1, \"agents\": [3], \"starts_at\": "
	                           "\"2026-03-02T08:00\", \"ends_at\": "
	                           "\"2026-03-02T09:00\", \"status\": \"seen\"}, "
	                           "{\"id\": 2, \"agents\": [3], \"starts_at\": "
	                           "\"2026-03-02T10:00\", \"ends_at\": "
	                           "\"2026-03-02T10:30\", \"status\": \"unknown\"}, "
	                           "{\"id\": 3, \"agents\": [5, 3], \"starts_at\": "
	                           "\"2026-03-02T10:30\", \"ends_at\": "
	                           "\"2026-03-02T11:10\", \"status\": \"unknown\"}, "
	                           "{\"id\": 4, \"agents\": [3], \"starts_at\": "
	                           "\"2026-03-02T13:00\", \"ends_at\": "
	                           "\"2026-03-02T14:00\", \"status\": \"unknown\"}, "
	                           "{\"id\": 5, \"agents\": [3], \"starts_at\": "
	                           "\"2026-03-02T12:10\", \"ends_at\": "
	                           "\"2026-03-02T12:20\", \"status\": \"revoked\"}]}",
	               false,
	               "{\"slots\": [" SLOT("2026-03-02T09:00", "2026-03-02T10:00", 3, 1) ", " SLOT(
	                   "2026-03-02T11:10", "2026-03-02T12:10", 3, 1) "]}\n");
	/* open_on_holidays: nothing blocks; the default blocks Ascension and Whit Monday. */
	check_scenario("open_on_holidays opens Ascension",
	               HEAD("2026-05-01T12:00", "2026-05-14",
	                    "2026-05-14") "\"open_on_holidays\": true, "
	                                  "\"plages\": [" PLAGE(1, 3, "2026-05-14", "09:00",
	                                                        "10:00", "null") "]}",
	               false,
	               "{\"slots\": [" SLOT("2026-05-14T09:00", "2026-05-14T10:00", 3, 1) "]}\n");
	check_scenario("alsace-moselle blocks the Vendredi saint",
	               HEAD("2026-03-01T12:00", "2026-04-03",
	                    "2026-04-03") "\"holiday_zone\": "
	                                  "\"alsace-moselle\", \"plages\": [" PLAGE(
	                                      1, 3, "2026-04-03", "09:00", "10:00", "null") "]}",
	               false, "{\"slots\": []}\n");
	check_scenario("metropole works on the Vendredi saint",
	               HEAD("2026-03-01T12:00", "2026-04-03", "2026-04-03") "\"plages\": [" PLAGE(
	                   1, 3, "2026-04-03", "09:00", "10:00", "null") "]}",
	               false,
	               "{\"slots\": [" SLOT("2026-04-03T09:00", "2026-04-03T10:00", 3, 1) "]}\n");
	check_scenario(
	    "la-reunion blocks 20 December",
	    HEAD("2026-12-01T12:00", "2026-12-18",
	         "2026-12-21") "\"holiday_zone\": \"la-reunion\", "
	                       "\"plages\": [" PLAGE(1, 3, "2026-12-18", "09:00", "10:00",
	                                             "\"FREQ=WEEKLY;BYDAY=FR,SU,MO\"") "]}",
	    false,
	    "{\"slots\": [" SLOT("2026-12-18T09:00", "2026-12-18T10:00", 3,
	                         1) ", " SLOT("2026-12-21T09:00", "2026-12-21T10:00", 3, 1) "]}\n");
	/* An absence of another agent, and a recurring one on other days, change nothing. */
	check_scenario("other agents' absences do not block",
	               HEAD("2026-03-01T12:00", "2026-03-02", "2026-03-02") "\"plages\": [" PLAGE(
	                   1, 3, "2026-03-02", "09:00", "10:00",
	                   "null") "], \"absences\": ["
	                           "{\"id\": 1, \"agent\": 4, \"first_day\": \"2026-03-02\", "
	                           "\"start\": \"00:00\", "
	                           "\"end\": \"23:00\"}, {\"id\": 2, \"agent\": 3, \"first_day\": "
	                           "\"2026-02-03\", "
	                           "\"start\": \"08:00\", \"end\": \"12:00\", \"rrule\": "
	                           "\"FREQ=WEEKLY;BYDAY=TU\"}]}",
	               false,
	               "{\"slots\": [" SLOT("2026-03-02T09:00", "2026-03-02T10:00", 3, 1) "]}\n");
	/* A plage without lieu prints null, and "-" in text. */
	const char *nolieu =
	    "{\"now\": \"2026-03-01T12:00\", \"motif\": {\"id\": 7, \"duration_min\": 30}, "
	    "\"from\": \"2026-03-02\", \"to\": \"2026-03-02\", \"agents\": [3], \"plages\": ["
	    "{\"id\": 4, \"agent\": 3, \"lieu\": null, \"motifs\": [8, 7], \"first_day\": "
	    "\"2026-03-02\", \"start\": \"09:00\", \"end\": \"10:00\", \"created_at\": "
	    "\"2026-01-05T10:00\"}, {\"id\": 5, \"agent\": 9, \"motifs\": [7], \"first_day\": "
	    "\"2026-03-02\", \"start\": \"09:00\", \"end\": \"10:00\", \"created_at\": "
	    "\"2026-01-05T10:00\"}]}";
	check_scenario("no lieu, agent filter", nolieu, false,
	               "{\"slots\": [{\"starts_at\": \"2026-03-02T09:00\", \"ends_at\": "
	               "\"2026-03-02T09:30\", \"agent\": 3, \"lieu\": null, \"plage\": 4}, "
	               "{\"starts_at\": \"2026-03-02T09:30\", \"ends_at\": \"2026-03-02T10:00\", "
	               "\"agent\": 3, \"lieu\": null, \"plage\": 4}]}\n");
	char *text = run_text(nolieu, false);
	is_str(text,
	       "2026-03-02T09:00\t2026-03-02T09:30\t3\t-\t4\n"
	       "2026-03-02T09:30\t2026-03-02T10:00\t3\t-\t4\n",
	       "text output: TAB-separated, - for no lieu");
	free(text);
	text = run_text(nolieu, true);
	is_str(text, "2026-03-02T09:00\t2026-03-02T09:30\t3\t-\t4\n", "text output with --first");
	free(text);
	/* Nothing in 26 weeks. */
	check_scenario("--first with nothing free",
	               HEAD("2026-03-01T12:00", "2026-03-02", "2026-03-02") "\"plages\": []}", true,
	               "{\"first\": null}\n");
	text =
	    run_text(HEAD("2026-03-01T12:00", "2026-03-02", "2026-03-02") "\"plages\": []}", true);
	is_str(text, "", "text --first with nothing: no line");
	free(text);
	/* Without "to", --first looks 181 days ahead and no further. */
	check_scenario(
	    "--first: day 181 is in the window",
	    "{\"now\": \"2026-01-01T00:00\", \"motif\": {\"id\": 7, \"duration_min\": 60}, "
	    "\"from\": \"2026-01-01\", \"plages\": [" PLAGE(1, 3, "2026-07-01", "09:00", "10:00",
	                                                    "null") "]}",
	    true, "{\"first\": " SLOT("2026-07-01T09:00", "2026-07-01T10:00", 3, 1) "}\n");
	check_scenario(
	    "--first: day 182 is not",
	    "{\"now\": \"2026-01-01T00:00\", \"motif\": {\"id\": 7, \"duration_min\": 60}, "
	    "\"from\": \"2026-01-01\", \"plages\": [" PLAGE(1, 3, "2026-07-02", "09:00", "10:00",
	                                                    "null") "]}",
	    true, "{\"first\": null}\n");
	/* Usager side with now late: the window is empty. */
	check_scenario(
	    "usager side: min delay past the window",
	    "{\"now\": \"2026-03-02T23:50\", \"side\": \"usager\", \"motif\": {\"id\": 7, "
	    "\"duration_min\": 60}, \"from\": \"2026-03-02\", \"to\": \"2026-03-02\", \"plages\": "
	    "[" PLAGE(1, 3, "2026-03-02", "09:00", "23:59", "null") "]}",
	    false, "{\"slots\": []}\n");
	/* Agent side ignores the delays: a slot 10 minutes ahead is offered. */
	check_scenario(
	    "agent side: no minimum delay",
	    "{\"now\": \"2026-03-02T08:50\", \"motif\": {\"id\": 7, \"duration_min\": 60, "
	    "\"min_delay_min\": 600}, \"from\": \"2026-03-02\", \"to\": \"2026-03-02\", "
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "09:00", "10:00", "null") "]}",
	    false, "{\"slots\": [" SLOT("2026-03-02T09:00", "2026-03-02T10:00", 3, 1) "]}\n");
	check_scenario(
	    "usager side: the same minimum delay hides it",
	    "{\"now\": \"2026-03-02T08:50\", \"side\": \"usager\", \"motif\": {\"id\": 7, "
	    "\"duration_min\": 60, \"min_delay_min\": 600}, \"from\": \"2026-03-02\", "
	    "\"to\": \"2026-03-02\", \"plages\": [" PLAGE(1, 3, "2026-03-02", "09:00", "10:00",
	                                                  "null") "]}",
	    false, "{\"slots\": []}\n");
}

static void
test_first_across_weeks(void)
{
	/* The earlier plage by date wins even when registered last; ties by created_at then id. */
	check_scenario(
	    "--first: earliest start, then created_at, then id",
	    "{\"now\": \"2026-03-01T12:00\", \"motif\": {\"id\": 7, \"duration_min\": 30}, "
	    "\"from\": \"2026-03-01\", \"plages\": ["
	    "{\"id\": 9, \"agent\": 5, \"lieu\": 10, \"motifs\": [7], \"first_day\": "
	    "\"2026-03-03\", "
	    "\"start\": \"09:00\", \"end\": \"10:00\", \"created_at\": \"2026-01-01T00:00\"}, "
	    "{\"id\": 3, \"agent\": 4, \"lieu\": 10, \"motifs\": [7], \"first_day\": "
	    "\"2026-03-02\", "
	    "\"start\": \"14:00\", \"end\": \"15:00\", \"created_at\": \"2026-02-01T00:00\"}, "
	    "{\"id\": 2, \"agent\": 6, \"lieu\": 10, \"motifs\": [7], \"first_day\": "
	    "\"2026-03-02\", "
	    "\"start\": \"14:00\", \"end\": \"15:00\", \"created_at\": \"2026-02-01T00:00\"}]}",
	    true,
	    "{\"first\": {\"starts_at\": \"2026-03-02T14:00\", \"ends_at\": "
	    "\"2026-03-02T14:30\", \"agent\": 6, \"lieu\": 10, \"plage\": 2}}\n");
}

static void
test_errors(void)
{
	const char *h =
	    "{\"now\": \"2026-03-01T12:00\", \"motif\": {\"id\": 7, \"duration_min\": 30}, "
	    "\"from\": \"2026-03-02\", ";
	char *s;
#define BAD(what, body, want)                                                                      \
	do {                                                                                       \
		s = xasprintf("%s%s", h, body);                                                    \
		check_error(what, s, want);                                                        \
		free(s);                                                                           \
	} while (0)
	BAD("unknown top-level key", "\"plages\": [], \"frm\": \"2026-03-02\"}",
	    "frm: clé inconnue");
	BAD("unknown plage key",
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "09:00", "10:00",
	                          "null") ", {\"id\": 2, "
	                                  "\"agent\": 3, \"motifs\": [7], \"first_day\": "
	                                  "\"2026-03-02\", \"start\": \"09:00\", "
	                                  "\"end\": \"10:00\", \"created_at\": "
	                                  "\"2026-01-05T10:00\", \"colour\": \"red\"}]}",
	    "plages[1].colour: clé inconnue");
	BAD("bad rrule",
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "09:00", "10:00", "null") ", " PLAGE(
	        2, 3, "2026-03-02", "09:00", "10:00",
	        "null") ", " PLAGE(3, 3, "2026-03-02", "09:00", "10:00", "\"FREQ=DAILY\"") "]}",
	    "plages[2].rrule: FREQ=DAILY n'est pas pris en charge (WEEKLY ou MONTHLY)");
	BAD("rrule not matching first_day",
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "09:00", "10:00",
	                          "\"FREQ=WEEKLY;BYDAY=TU\"") "]}",
	    "plages[0].rrule: le premier jour (lundi 02/03/2026) n'est pas une date de la règle");
	BAD("malformed date",
	    "\"plages\": [" PLAGE(1, 3, "2026-02-30", "09:00", "10:00", "null") "]}",
	    "plages[0].first_day: date invalide « 2026-02-30 » (AAAA-MM-JJ attendu)");
	BAD("malformed top-level date", "\"to\": \"02/03/2026\", \"plages\": []}",
	    "to: date invalide « 02/03/2026 » (AAAA-MM-JJ attendu)");
	BAD("malformed time",
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "9:00", "10:00", "null") "]}",
	    "plages[0].start: heure invalide « 9:00 » (HH:MM attendu)");
	BAD("plage end before start",
	    "\"plages\": [" PLAGE(1, 3, "2026-03-02", "10:00", "09:00", "null") "]}",
	    "plages[0].end: la fin (09:00) n'est pas après le début (10:00)");
	BAD("absence end before start",
	    "\"plages\": [], \"absences\": [{\"id\": 1, \"agent\": 3, \"first_day\": "
	    "\"2026-03-04\", \"start\": \"09:00\", \"end_day\": \"2026-03-03\", \"end\": "
	    "\"18:00\"}]}",
	    "absences[0].end_day: la fin est avant le premier jour");
	BAD("recurring multi-day absence",
	    "\"plages\": [], \"absences\": [{\"id\": 1, \"agent\": 3, \"first_day\": "
	    "\"2026-03-04\", \"start\": \"09:00\", \"end_day\": \"2026-03-05\", \"end\": "
	    "\"18:00\", "
	    "\"rrule\": \"FREQ=WEEKLY\"}]}",
	    "absences[0].end_day: une absence récurrente tient sur un seul jour");
	BAD("rdv end before start",
	    "\"plages\": [], \"rdvs\": [{\"id\": 1, \"agents\": [3], \"starts_at\": "
	    "\"2026-03-02T10:00\", \"ends_at\": \"2026-03-02T10:00\", \"status\": \"seen\"}]}",
	    "rdvs[0].ends_at: la fin n'est pas après le début");
	BAD("unknown status",
	    "\"plages\": [], \"rdvs\": [{\"id\": 1, \"agents\": [3], \"starts_at\": "
	    "\"2026-03-02T10:00\", \"ends_at\": \"2026-03-02T11:00\", \"status\": \"cancelled\"}]}",
	    "rdvs[0].status: statut « cancelled » inconnu (unknown, seen, excused, revoked, "
	    "noshow)");
	BAD("unknown side", "\"side\": \"robot\", \"plages\": []}",
	    "side: « robot » inconnu (agent ou usager)");
	BAD("unknown zone", "\"holiday_zone\": \"corse\", \"plages\": []}",
	    "holiday_zone: zone « corse » inconnue (metropole, alsace-moselle, guadeloupe, guyane, "
	    "la-reunion, martinique, mayotte, nouvelle-caledonie, polynesie-francaise, "
	    "saint-barthelemy, saint-martin, saint-pierre-et-miquelon, wallis-et-futuna)");
	BAD("to before from", "\"to\": \"2026-03-01\", \"plages\": []}", "to: avant from");
	BAD("missing plages", "\"to\": \"2026-03-03\"}", "plages: champ obligatoire manquant");
	BAD("wrong type", "\"open_on_holidays\": \"yes\", \"plages\": []}",
	    "open_on_holidays: true ou false attendu");
	BAD("bad id in a list",
	    "\"plages\": [], \"rdvs\": [{\"id\": 1, \"agents\": [3, \"x\"], \"starts_at\": "
	    "\"2026-03-02T10:00\", \"ends_at\": \"2026-03-02T11:00\", \"status\": \"seen\"}]}",
	    "rdvs[0].agents[1]: identifiant entier positif attendu");
	BAD("plage not an object", "\"plages\": [3]}", "plages[0]: objet attendu");
	BAD("duplicate key", "\"plages\": [], \"plages\": []}",
	    "JSON invalide, ligne 1 colonne 112 : duplicate object key near '\"plages\"'");
#undef BAD
	check_error("zero duration",
	            "{\"now\": \"2026-03-01T12:00\", \"motif\": {\"id\": 7, \"duration_min\": 0}, "
	            "\"from\": \"2026-03-02\", \"plages\": []}",
	            "motif.duration_min: 0 hors limites (1 à 1440)");
	check_error("unknown motif key",
	            "{\"now\": \"2026-03-01T12:00\", \"motif\": {\"id\": 7, \"duration\": 30}, "
	            "\"from\": \"2026-03-02\", \"plages\": []}",
	            "motif.duration: clé inconnue");
	check_error("malformed now",
	            "{\"now\": \"2026-03-01 12:00\", \"motif\": {\"id\": 7, \"duration_min\": 30}, "
	            "\"from\": \"2026-03-02\", \"plages\": []}",
	            "now: date et heure invalides « 2026-03-01 12:00 » (AAAA-MM-JJTHH:MM attendu)");
	check_error("invalid JSON", "{\"now\": \"2026-03-01T12:00\",,}",
	            "JSON invalide, ligne 1 colonne 28 : string or '}' expected near ','");
	check_error("not an object", "[1, 2]", "scenario: objet JSON attendu");

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
