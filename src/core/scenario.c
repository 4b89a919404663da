/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/scenario.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/holidays.h"
#include "core/rrule.h"
#include "core/status.h"
#include "core/xmalloc.h"

/*
 * The parser checks every field itself and names it in its message with
 * its path ("plages[2].rrule"), so that a typo in a scenario is a clear
 * error rather than a silently different result.
 */

struct parser {
	char *err;
	char path[96];
};

static bool __attribute__((format(printf, 3, 4)))
fail(struct parser *ps, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (*ps->path && field)
		ps->err = xasprintf("%s.%s: %s", ps->path, field, msg);
	else
		ps->err = xasprintf("%s: %s", field ? field : ps->path, msg);
	free(msg);
	return false;
}

/* Reject a key outside `known` (NULL-terminated). */
static bool
check_keys(struct parser *ps, json_t *obj, const char *const *known)
{
	const char *key;
	json_t *value;
	json_object_foreach(obj, key, value)
	{
		bool ok = false;
		for (const char *const *k = known; *k; k++)
			if (strcmp(key, *k) == 0)
				ok = true;
		if (!ok)
			return fail(ps, key, "clé inconnue");
	}
	return true;
}

/* A member, or NULL when absent or null (every optional key may be null). */
static json_t *
member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return v && !json_is_null(v) ? v : NULL;
}

static bool
need(struct parser *ps, json_t *obj, const char *key, json_t **out)
{
	*out = member(obj, key);
	if (*out == NULL)
		return fail(ps, key, "champ obligatoire manquant");
	return true;
}

static bool
get_int(struct parser *ps, json_t *obj, const char *key, bool required, int64_t min, int64_t max,
        int64_t *out)
{
	json_t *v = member(obj, key);
	if (v == NULL)
		return required ? fail(ps, key, "champ obligatoire manquant") : true;
	if (!json_is_integer(v))
		return fail(ps, key, "nombre entier attendu");
	json_int_t i = json_integer_value(v);
	if (i < min || i > max)
		return fail(ps, key, "%lld hors limites (%lld à %lld)", (long long)i,
		            (long long)min, (long long)max);
	*out = i;
	return true;
}

static bool
get_string(struct parser *ps, json_t *obj, const char *key, bool required, const char **out)
{
	json_t *v = member(obj, key);
	*out = NULL;
	if (v == NULL)
		return required ? fail(ps, key, "champ obligatoire manquant") : true;
	if (!json_is_string(v))
		return fail(ps, key, "chaîne attendue");
	*out = json_string_value(v);
	return true;
}

static bool
get_bool(struct parser *ps, json_t *obj, const char *key, bool *out)
{
	json_t *v = member(obj, key);
	if (v == NULL)
		return true;
	if (!json_is_boolean(v))
		return fail(ps, key, "true ou false attendu");
	*out = json_is_true(v);
	return true;
}

static bool
get_date(struct parser *ps, json_t *obj, const char *key, bool required, rdv_date *out,
         bool *present)
{
	const char *s;
	if (present)
		*present = false;
	if (!get_string(ps, obj, key, required, &s))
		return false;
	if (s == NULL)
		return true;
	if (!cal_parse_date(s, out))
		return fail(ps, key, "date invalide « %s » (AAAA-MM-JJ attendu)", s);
	if (present)
		*present = true;
	return true;
}

static bool
get_datetime(struct parser *ps, json_t *obj, const char *key, rdv_time *out)
{
	const char *s;
	if (!get_string(ps, obj, key, true, &s))
		return false;
	if (!cal_parse_datetime(s, out))
		return fail(ps, key, "date et heure invalides « %s » (AAAA-MM-JJTHH:MM attendu)",
		            s);
	return true;
}

static bool
get_hhmm(struct parser *ps, json_t *obj, const char *key, int *out)
{
	const char *s;
	if (!get_string(ps, obj, key, true, &s))
		return false;
	if (!cal_parse_hhmm(s, out))
		return fail(ps, key, "heure invalide « %s » (HH:MM attendu)", s);
	return true;
}

/* An array of positive ids into a new array (caller frees). */
static bool
get_ids(struct parser *ps, json_t *obj, const char *key, bool required, int64_t **out, size_t *n,
        bool *present)
{
	json_t *v = member(obj, key);
	*out = NULL;
	*n = 0;
	if (present)
		*present = v != NULL;
	if (v == NULL)
		return required ? fail(ps, key, "champ obligatoire manquant") : true;
	if (!json_is_array(v))
		return fail(ps, key, "tableau d'identifiants attendu");
	size_t count = json_array_size(v);
	int64_t *ids = xreallocarray(NULL, count ? count : 1, sizeof *ids);
	for (size_t i = 0; i < count; i++) {
		json_t *e = json_array_get(v, i);
		if (!json_is_integer(e) || json_integer_value(e) <= 0) {
			free(ids);
			char field[64];
			snprintf(field, sizeof field, "%s[%zu]", key, i);
			return fail(ps, field, "identifiant entier positif attendu");
		}
		ids[i] = json_integer_value(e);
	}
	*out = ids;
	*n = count;
	return true;
}

/* The array under key (absent or null: none) and its size. */
static bool
get_array(struct parser *ps, json_t *root, const char *key, bool required, json_t **out)
{
	*out = member(root, key);
	if (*out == NULL)
		return required ? fail(ps, key, "champ obligatoire manquant") : true;
	if (!json_is_array(*out))
		return fail(ps, key, "tableau attendu");
	return true;
}

static bool
enter(struct parser *ps, const char *key, size_t i, json_t *e)
{
	snprintf(ps->path, sizeof ps->path, "%s[%zu]", key, i);
	if (!json_is_object(e)) {
		char *path = xstrdup(ps->path);
		ps->path[0] = '\0';
		bool r = fail(ps, path, "objet attendu");
		free(path);
		return r;
	}
	return true;
}

static bool
parse_motif(struct parser *ps, json_t *root, struct slots_query *q)
{
	static const char *const keys[] = {"id", "duration_min", "min_delay_min", "max_delay_min",
	                                   NULL};
	json_t *m;
	if (!need(ps, root, "motif", &m))
		return false;
	if (!json_is_object(m))
		return fail(ps, "motif", "objet attendu");
	snprintf(ps->path, sizeof ps->path, "motif");
	int64_t id = 0, dur = 0, lo = q->motif.min_delay_min, hi = q->motif.max_delay_min;
	if (!check_keys(ps, m, keys) || !get_int(ps, m, "id", true, 1, INT64_MAX, &id) ||
	    !get_int(ps, m, "duration_min", true, 1, 24 * 60, &dur) ||
	    !get_int(ps, m, "min_delay_min", false, 0, 10 * 366 * 1440, &lo) ||
	    !get_int(ps, m, "max_delay_min", false, 0, 10 * 366 * 1440, &hi))
		return false;
	ps->path[0] = '\0';
	q->motif.id = id;
	q->motif.duration_min = (int)dur;
	q->motif.min_delay_min = (int)lo;
	q->motif.max_delay_min = (int)hi;
	return true;
}

static bool
check_rrule(struct parser *ps, const char *rule, rdv_date first_day)
{
	char *err = NULL;
	if (rrule_validate(rule, first_day, &err))
		return true;
	fail(ps, "rrule", "%s", err);
	free(err);
	return false;
}

static bool
parse_plages(struct parser *ps, json_t *root, struct slots_data *d)
{
	static const char *const keys[] = {"id",    "agent", "lieu",  "motifs",     "first_day",
	                                   "start", "end",   "rrule", "created_at", NULL};
	json_t *arr;
	if (!get_array(ps, root, "plages", true, &arr))
		return false;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		if (!enter(ps, "plages", i, e) || !check_keys(ps, e, keys))
			return false;
		struct slots_plage p = {0};
		int64_t lieu = 0, *motifs = NULL;
		size_t nmotifs = 0;
		const char *rule = NULL;
		if (!get_int(ps, e, "id", true, 1, INT64_MAX, &p.id) ||
		    !get_int(ps, e, "agent", true, 1, INT64_MAX, &p.agent_id) ||
		    !get_int(ps, e, "lieu", false, 1, INT64_MAX, &lieu) ||
		    !get_date(ps, e, "first_day", true, &p.first_day, NULL) ||
		    !get_hhmm(ps, e, "start", &p.start) || !get_hhmm(ps, e, "end", &p.end) ||
		    !get_datetime(ps, e, "created_at", &p.created_at) ||
		    !get_string(ps, e, "rrule", false, &rule) ||
		    !get_ids(ps, e, "motifs", true, &motifs, &nmotifs, NULL))
			return false;
		if (p.end <= p.start) {
			char a[6], b[6];
			free(motifs);
			return fail(ps, "end", "la fin (%s) n'est pas après le début (%s)",
			            cal_format_hhmm(p.end, a), cal_format_hhmm(p.start, b));
		}
		if (!check_rrule(ps, rule, p.first_day)) {
			free(motifs);
			return false;
		}
		p.has_lieu = member(e, "lieu") != NULL;
		p.lieu_id = lieu;
		p.rrule = (char *)rule; /* copied by slots_data_add_plage */
		slots_data_add_plage(d, &p, motifs, nmotifs);
		free(motifs);
	}
	ps->path[0] = '\0';
	return true;
}

static bool
parse_absences(struct parser *ps, json_t *root, struct slots_data *d)
{
	static const char *const keys[] = {"id",      "agent", "first_day", "start",
	                                   "end_day", "end",   "rrule",     NULL};
	json_t *arr;
	if (!get_array(ps, root, "absences", false, &arr))
		return false;
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		if (!enter(ps, "absences", i, e) || !check_keys(ps, e, keys))
			return false;
		struct slots_absence a = {0};
		bool has_end_day;
		const char *rule = NULL;
		if (!get_int(ps, e, "id", true, 1, INT64_MAX, &a.id) ||
		    !get_int(ps, e, "agent", true, 1, INT64_MAX, &a.agent_id) ||
		    !get_date(ps, e, "first_day", true, &a.first_day, NULL) ||
		    !get_hhmm(ps, e, "start", &a.start) ||
		    !get_date(ps, e, "end_day", false, &a.end_day, &has_end_day) ||
		    !get_hhmm(ps, e, "end", &a.end) || !get_string(ps, e, "rrule", false, &rule))
			return false;
		if (!has_end_day)
			a.end_day = a.first_day;
		if (a.end_day < a.first_day)
			return fail(ps, "end_day", "la fin est avant le premier jour");
		if (cal_time(a.end_day, a.end) <= cal_time(a.first_day, a.start)) {
			char x[6], y[6];
			return fail(ps, "end", "la fin (%s) n'est pas après le début (%s)",
			            cal_format_hhmm(a.end, x), cal_format_hhmm(a.start, y));
		}
		if (rule && *rule && a.end_day != a.first_day)
			return fail(ps, "end_day", "une absence récurrente tient sur un seul jour");
		if (!check_rrule(ps, rule, a.first_day))
			return false;
		a.rrule = (char *)rule; /* copied by slots_data_add_absence */
		slots_data_add_absence(d, &a);
	}
	ps->path[0] = '\0';
	return true;
}

static bool
parse_rdvs(struct parser *ps, json_t *root, struct slots_data *d)
{
	static const char *const keys[] = {"id", "agents", "starts_at", "ends_at", "status", NULL};
	json_t *arr;
	if (!get_array(ps, root, "rdvs", false, &arr))
		return false;
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		if (!enter(ps, "rdvs", i, e) || !check_keys(ps, e, keys))
			return false;
		struct slots_rdv r = {0};
		int64_t *agents = NULL;
		size_t nagents = 0;
		const char *status;
		if (!get_int(ps, e, "id", true, 1, INT64_MAX, &r.id) ||
		    !get_datetime(ps, e, "starts_at", &r.starts_at) ||
		    !get_datetime(ps, e, "ends_at", &r.ends_at) ||
		    !get_string(ps, e, "status", true, &status))
			return false;
		int st = rdv_status_parse(status);
		if (st < 0)
			return fail(
			    ps, "status",
			    "statut « %s » inconnu (unknown, seen, excused, revoked, noshow)",
			    status);
		r.status = (enum rdv_status)st;
		if (r.ends_at <= r.starts_at)
			return fail(ps, "ends_at", "la fin n'est pas après le début");
		if (!get_ids(ps, e, "agents", true, &agents, &nagents, NULL))
			return false;
		slots_data_add_rdv(d, &r, agents, nagents);
		free(agents);
	}
	ps->path[0] = '\0';
	return true;
}

static bool
parse_root(struct parser *ps, json_t *root, struct scenario *sc)
{
	static const char *const keys[] = {"now",
	                                   "side",
	                                   "holiday_zone",
	                                   "open_on_whit_monday",
	                                   "open_on_holidays",
	                                   "motif",
	                                   "from",
	                                   "to",
	                                   "lieu",
	                                   "agents",
	                                   "plages",
	                                   "absences",
	                                   "rdvs",
	                                   NULL};
	struct slots_query *q = &sc->query;
	if (!json_is_object(root))
		return fail(ps, "scenario", "objet JSON attendu");
	if (!check_keys(ps, root, keys))
		return false;
	rdv_time now;
	rdv_date from;
	if (!get_datetime(ps, root, "now", &now) || !get_date(ps, root, "from", true, &from, NULL))
		return false;
	slots_query_init(q, now, from);
	const char *side, *zone;
	if (!get_string(ps, root, "side", false, &side) ||
	    !get_string(ps, root, "holiday_zone", false, &zone))
		return false;
	if (side && strcmp(side, "usager") == 0)
		q->side = SLOTS_SIDE_USAGER;
	else if (side && strcmp(side, "agent") != 0)
		return fail(ps, "side", "« %s » inconnu (agent ou usager)", side);
	if (zone) {
		q->holiday_zone = holiday_zone_find(zone);
		if (q->holiday_zone < 0) {
			char *list = xstrdup("");
			for (int i = 0; i < holiday_zone_count(); i++) {
				char *t =
				    xasprintf("%s%s%s", list, i ? ", " : "", holiday_zone_id(i));
				free(list);
				list = t;
			}
			bool r = fail(ps, "holiday_zone", "zone « %s » inconnue (%s)", zone, list);
			free(list);
			return r;
		}
	}
	if (!get_bool(ps, root, "open_on_whit_monday", &q->open_on_whit_monday) ||
	    !get_bool(ps, root, "open_on_holidays", &q->open_on_holidays) ||
	    !get_date(ps, root, "to", false, &q->to, &q->has_to) || !parse_motif(ps, root, q))
		return false;
	if (q->has_to && q->to < q->from)
		return fail(ps, "to", "avant from");
	if (!get_int(ps, root, "lieu", false, 1, INT64_MAX, &q->lieu_id))
		return false;
	q->has_lieu = member(root, "lieu") != NULL;
	if (!get_ids(ps, root, "agents", false, &sc->agent_ids, &sc->n_agent_ids,
	             &q->filter_agents))
		return false;
	q->agent_ids = sc->agent_ids;
	q->n_agent_ids = sc->n_agent_ids;
	return parse_plages(ps, root, sc->data) && parse_absences(ps, root, sc->data) &&
	       parse_rdvs(ps, root, sc->data);
}

struct scenario *
scenario_parse(const char *json, char **err)
{
	json_error_t jerr;
	*err = NULL;
	json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*err = xasprintf("JSON invalide, ligne %d colonne %d : %s", jerr.line, jerr.column,
		                 jerr.text);
		return NULL;
	}
	struct scenario *sc = xcalloc(1, sizeof *sc);
	sc->data = slots_data_new();
	struct parser ps = {0};
	bool ok = parse_root(&ps, root, sc);
	json_decref(root);
	if (!ok) {
		*err = ps.err;
		scenario_free(sc);
		return NULL;
	}
	return sc;
}

void
scenario_free(struct scenario *s)
{
	if (s == NULL)
		return;
	slots_data_free(s->data);
	free(s->agent_ids);
	free(s);
}

/* ------------------------------------------------------------ output */

struct buf {
	char *s;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3))) buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *t = xvasprintf(fmt, ap);
	va_end(ap);
	size_t len = strlen(t);
	if (b->n + len + 1 > b->cap) {
		while (b->n + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, t, len + 1);
	b->n += len;
	free(t);
}

static void
buf_slot_json(struct buf *b, const struct slot *s)
{
	char start[17], end[17], lieu[24];
	if (s->has_lieu)
		snprintf(lieu, sizeof lieu, "%lld", (long long)s->lieu_id);
	else
		strcpy(lieu, "null");
	buf_printf(b,
	           "{\"starts_at\": \"%s\", \"ends_at\": \"%s\", \"agent\": %lld, \"lieu\": %s, "
	           "\"plage\": %lld}",
	           cal_format_datetime(s->start, start), cal_format_datetime(s->end, end),
	           (long long)s->agent_id, lieu, (long long)s->plage_id);
}

char *
scenario_format_slots_json(const struct slot *v, size_t n)
{
	struct buf b = {0};
	buf_printf(&b, "{\"slots\": [");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_printf(&b, ", ");
		buf_slot_json(&b, &v[i]);
	}
	buf_printf(&b, "]}\n");
	return b.s;
}

char *
scenario_format_first_json(const struct slot *s)
{
	struct buf b = {0};
	buf_printf(&b, "{\"first\": ");
	if (s)
		buf_slot_json(&b, s);
	else
		buf_printf(&b, "null");
	buf_printf(&b, "}\n");
	return b.s;
}

char *
scenario_format_slots_text(const struct slot *v, size_t n)
{
	struct buf b = {0};
	buf_printf(&b, "%s", "");
	for (size_t i = 0; i < n; i++) {
		char start[17], end[17], lieu[24];
		if (v[i].has_lieu)
			snprintf(lieu, sizeof lieu, "%lld", (long long)v[i].lieu_id);
		else
			strcpy(lieu, "-");
		buf_printf(&b, "%s\t%s\t%lld\t%s\t%lld\n", cal_format_datetime(v[i].start, start),
		           cal_format_datetime(v[i].end, end), (long long)v[i].agent_id, lieu,
		           (long long)v[i].plage_id);
	}
	return b.s;
}
