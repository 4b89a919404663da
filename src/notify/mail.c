/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/mail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "notify/usager_text.h"

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_add(b, s);
	free(s);
}

/* "Label : value" and the line ending, value sanitised. */
static void
buf_field(struct buf *b, const char *label, const char *value, const char *eol)
{
	char *clean = text_sanitize(value);
	buf_addf(b, "%s : %s%s", label, clean, eol);
	free(clean);
}

struct local_time {
	rdv_date date;
	int minute;
};

/* "YYYYMMDDTHHMMSS" → date and minute of day. */
static bool
local_time_parse(const char *s, struct local_time *t)
{
	int y, mo, d, h, mi;
	if (s == NULL || sscanf(s, "%4d%2d%2dT%2d%2d", &y, &mo, &d, &h, &mi) != 5 ||
	    !cal_date_valid(y, mo, d) || h > 23 || mi > 59)
		return false;
	t->date = cal_date(y, mo, d);
	t->minute = h * 60 + mi;
	return true;
}

/* "jeudi 4 décembre 2026", "lundi 1er juin 2026". Caller frees. */
static char *
day_text(rdv_date d)
{
	int y, m, day;
	cal_ymd(d, &y, &m, &day);
	return xasprintf("%s %d%s %s %d", cal_weekday_name_fr(cal_weekday(d)), day,
	                 day == 1 ? "er" : "", cal_month_name_fr(m), y);
}

char *
notify_mail_when(const char *dtstart, const char *dtend)
{
	struct local_time a, b;
	if (!local_time_parse(dtstart, &a))
		return xstrdup("?");
	char hm_a[6], hm_b[6];
	cal_format_hhmm(a.minute, hm_a);
	char *da = day_text(a.date);
	char *out;
	if (!local_time_parse(dtend, &b)) {
		out = xasprintf("%s à %s", da, hm_a);
	} else if (b.date == a.date) {
		out = xasprintf("%s de %s à %s", da, hm_a, cal_format_hhmm(b.minute, hm_b));
	} else {
		char *db = day_text(b.date);
		out = xasprintf("du %s à %s au %s à %s", da, hm_a, db,
		                cal_format_hhmm(b.minute, hm_b));
		free(db);
	}
	free(da);
	return out;
}

/* "le jeudi 4 décembre 2026 à 19:00". Caller frees. */
static char *
when_short(const char *dtstart)
{
	struct local_time a;
	if (!local_time_parse(dtstart, &a))
		return xstrdup("");
	char hm[6];
	char *d = day_text(a.date);
	char *out = xasprintf("le %s à %s", d, cal_format_hhmm(a.minute, hm));
	free(d);
	return out;
}

static const char *const ical_days[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static int
ical_day_index(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strncmp(s, ical_days[i], 2) == 0)
			return i;
	return -1;
}

/*
 * The recurrence in French: "toutes les semaines, le lundi et le jeudi,
 * jusqu'au 28/12/2026", "tous les 2 mois, le 2e mercredi". The rule is the
 * subset the schema accepts (FREQ WEEKLY or MONTHLY, INTERVAL, BYDAY,
 * UNTIL). Caller frees.
 */
static char *
rrule_text(const char *rule, const char *until, const char *dtstart)
{
	char freq[16] = "", byday[64] = "";
	int interval = 1;
	char *copy = xstrdup(rule);
	for (char *save = NULL, *part = strtok_r(copy, ";", &save); part;
	     part = strtok_r(NULL, ";", &save)) {
		if (strncmp(part, "FREQ=", 5) == 0)
			snprintf(freq, sizeof freq, "%s", part + 5);
		else if (strncmp(part, "INTERVAL=", 9) == 0)
			interval = atoi(part + 9);
		else if (strncmp(part, "BYDAY=", 6) == 0)
			snprintf(byday, sizeof byday, "%s", part + 6);
	}
	free(copy);
	if (interval < 1)
		interval = 1;
	struct buf b = {0};
	if (strcmp(freq, "MONTHLY") == 0) {
		if (interval == 1)
			buf_add(&b, "tous les mois");
		else
			buf_addf(&b, "tous les %d mois", interval);
		int nth = byday[0] >= '1' && byday[0] <= '5' ? byday[0] - '0' : 0;
		int wd = nth ? ical_day_index(byday + 1) : -1;
		if (wd >= 0)
			buf_addf(&b, ", le %d%s %s", nth, nth == 1 ? "er" : "e",
			         cal_weekday_name_fr(wd));
	} else {
		if (interval == 1)
			buf_add(&b, "toutes les semaines");
		else
			buf_addf(&b, "toutes les %d semaines", interval);
		int days[7], n = 0;
		for (const char *p = byday; *p && n < 7;) {
			int wd = ical_day_index(p);
			if (wd >= 0)
				days[n++] = wd;
			p = strchr(p, ',');
			if (p == NULL)
				break;
			p++;
		}
		struct local_time first;
		if (n == 0 && local_time_parse(dtstart, &first))
			days[n++] = cal_weekday(first.date);
		for (int i = 0; i < n; i++)
			buf_addf(&b, "%s%s",
			         i == 0       ? ", le "
			         : i == n - 1 ? " et le "
			                      : ", le ",
			         cal_weekday_name_fr(days[i]));
	}
	rdv_date u;
	char fr[11];
	if (until && cal_parse_date(until, &u))
		buf_addf(&b, ", jusqu'au %s", cal_format_date_fr(u, fr));
	return b.s ? b.s : xstrdup("");
}

static bool
event_is(const struct outbox_item *it, const char *suffix)
{
	size_t n = strlen(it->event), k = strlen(suffix);
	return n >= k && strcmp(it->event + n - k, suffix) == 0;
}

static bool
is_rdv(const struct outbox_item *it)
{
	return strcmp(it->object_type, "rdv") == 0;
}

static bool
is_plage(const struct outbox_item *it)
{
	return strcmp(it->object_type, "plage") == 0;
}

char *
notify_mail_subject(const struct outbox_item *it)
{
	if (it->usager)
		return usager_mail_subject(it);
	char *what = text_sanitize(it->what ? it->what : it->summary);
	char *out;
	if (is_rdv(it)) {
		const char *head = event_is(it, "_created")   ? "Nouveau RDV"
		                   : event_is(it, "_updated") ? "RDV modifié"
		                                              : "RDV annulé";
		/*
		 * The date the rdv now has: an update's subject gives the new one,
		 * its body the old and the new.
		 */
		char *when = when_short(it->dtstart);
		out = xasprintf("%s : %s %s", head, what, when);
		free(when);
	} else {
		const char *kind = is_plage(it) ? "Plage d'ouverture" : "Indisponibilité";
		const char *verb = event_is(it, "_created")   ? "créée"
		                   : event_is(it, "_updated") ? "modifiée"
		                                              : "supprimée";
		out = xasprintf("%s %s : %s", kind, verb, what);
	}
	free(what);
	return out;
}

/* What happened, one sentence. */
static const char *
intro_text(const struct outbox_item *it)
{
	if (is_rdv(it)) {
		if (event_is(it, "_created"))
			return "Un rendez-vous a été ajouté à votre agenda.";
		if (event_is(it, "_updated"))
			return "Un rendez-vous de votre agenda a été modifié.";
		return "Un rendez-vous a été annulé ou retiré de votre agenda.";
	}
	if (is_plage(it)) {
		if (event_is(it, "_created"))
			return "Une plage d'ouverture a été créée dans votre agenda.";
		if (event_is(it, "_updated"))
			return "Une plage d'ouverture de votre agenda a été modifiée.";
		return "Une plage d'ouverture de votre agenda a été supprimée.";
	}
	if (event_is(it, "_created"))
		return "Une indisponibilité a été ajoutée à votre agenda.";
	if (event_is(it, "_updated"))
		return "Une indisponibilité de votre agenda a été modifiée.";
	return "Une indisponibilité de votre agenda a été supprimée.";
}

/* Where, when no lieu: the motif's kind of place. */
static const char *
location_type_text(const char *type)
{
	if (type == NULL)
		return NULL;
	if (strcmp(type, "phone") == 0)
		return "par téléphone";
	if (strcmp(type, "home") == 0)
		return "à domicile";
	if (strcmp(type, "visio") == 0)
		return "en visioconférence";
	return NULL;
}

/* The fields of the body and of DESCRIPTION, each line ended by eol. */
static void
mail_fields(struct buf *b, const struct outbox_item *it, const char *eol)
{
	char *what = xasprintf("%s%s%s%s", it->summary, it->name ? " « " : "",
	                       it->name ? it->name : "", it->name ? " »" : "");
	if (it->organisation) {
		char *t = xasprintf("%s (%s)", what, it->organisation);
		free(what);
		what = t;
	}
	buf_field(b, "Quoi", what, eol);
	free(what);
	char *when = notify_mail_when(it->dtstart, it->dtend);
	buf_field(b, "Quand", when, eol);
	free(when);
	if (it->old_dtstart) {
		char *old = notify_mail_when(it->old_dtstart, it->old_dtend);
		buf_field(b, "Ancien horaire", old, eol);
		free(old);
	}
	if (it->rrule) {
		char *r = rrule_text(it->rrule, it->until, it->dtstart);
		buf_field(b, "Répétition", r, eol);
		free(r);
	}
	const char *where = it->location ? it->location : location_type_text(it->location_type);
	if (where)
		buf_field(b, "Où", where, eol);
	if (it->old_location)
		buf_field(b, "Ancien lieu", *it->old_location ? it->old_location : "aucun", eol);
	if (it->nusagers > 0) {
		struct buf u = {0};
		for (size_t i = 0; i < it->nusagers; i++)
			buf_addf(&u, "%s%s", i ? ", " : "", it->usagers[i]);
		buf_field(b, "Avec", u.s, eol);
		free(u.s);
	}
	if (is_rdv(it) && it->nattendees > 0) {
		struct buf a = {0};
		for (size_t i = 0; i < it->nattendees; i++)
			buf_addf(&a, "%s%s", i ? ", " : "",
			         it->attendees[i].name && *it->attendees[i].name
			             ? it->attendees[i].name
			             : it->attendees[i].email);
		buf_field(b, it->nattendees > 1 ? "Agents" : "Agent", a.s, eol);
		free(a.s);
	}
	buf_field(b, "Modification faite par",
	          it->author ? it->author : "un usager ou un traitement automatique", eol);
}

char *
notify_mail_body(const struct outbox_item *it)
{
	if (it->usager)
		return usager_mail_body(it);
	struct buf b = {0};
	char *name = text_sanitize(it->to_name);
	buf_addf(&b, "Bonjour %s,\r\n\r\n%s\r\n\r\n", name, intro_text(it));
	free(name);
	mail_fields(&b, it, "\r\n");
	buf_add(&b, "\r\n");
	if (event_is(it, "_created") || event_is(it, "_updated"))
		buf_add(&b,
		        "L'invitation jointe (.ics) ajoute ou met à jour l'événement dans votre "
		        "agenda.\r\n");
	else
		buf_add(&b, "L'invitation jointe (.ics) retire l'événement de votre agenda.\r\n");
	buf_add(&b, "\r\n-- \r\nRDV Service Public : message automatique, merci de ne pas y "
	            "répondre.\r\n");
	return b.s;
}

char *
notify_mail_description(const struct outbox_item *it)
{
	if (it->usager)
		return usager_mail_description(it);
	struct buf b = {0};
	mail_fields(&b, it, "\n");
	return b.s;
}

char *
notify_mail_ics_filename(const struct outbox_item *it)
{
	char date[11] = "";
	struct local_time t;
	if (local_time_parse(it->dtstart, &t))
		cal_format_date(t.date, date);
	if (is_rdv(it))
		return xasprintf("rdv-%s-%s.ics", it->uid, date);
	return xasprintf("%s-%d-%s.ics", is_plage(it) ? "plage-ouverture" : "absence",
	                 it->object_id, date);
}
