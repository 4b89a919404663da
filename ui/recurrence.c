/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/recurrence.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rrule.h"
#include "core/xmalloc.h"
#include "ui/draw.h"

static const char *const byday[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
static const char *const day_labels[6] = {"  lundi", "  mardi",    "  mercredi",
                                          "  jeudi", "  vendredi", "  samedi"};

/* The value of KEY= in a rule, copied into buf ("" when absent). */
static void
rule_part(const char *rule, const char *key, char *buf, size_t size)
{
	buf[0] = '\0';
	size_t klen = strlen(key);
	for (const char *p = rule; p && *p;) {
		size_t len = strcspn(p, ";");
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t vlen = len - klen - 1;
			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return;
		}
		p += len + (p[len] == ';');
	}
}

void
recurrence_add(struct form *f, struct recurrence_fields *r, const char *rrule, rdv_date first_day)
{
	char freq[16], interval[8], days[32], until[16];
	rule_part(rrule, "FREQ", freq, sizeof freq);
	rule_part(rrule, "INTERVAL", interval, sizeof interval);
	rule_part(rrule, "BYDAY", days, sizeof days);
	rule_part(rrule, "UNTIL", until, sizeof until);
	int kind = strcmp(freq, "WEEKLY") == 0    ? RECUR_WEEKLY
	           : strcmp(freq, "MONTHLY") == 0 ? RECUR_MONTHLY
	                                          : RECUR_NONE;
	r->repeat = form_add_choice(f, "Répétition", true);
	form_choice_add(f, r->repeat, RECUR_NONE, "aucune (une seule date)");
	form_choice_add(f, r->repeat, RECUR_WEEKLY, "chaque semaine");
	form_choice_add(f, r->repeat, RECUR_MONTHLY, "chaque mois (n-ième jour)");
	form_choice_select(f, r->repeat, kind);
	r->interval =
	    form_add_number(f, "Toutes les", interval[0] ? atol(interval) : 1, true, false);
	form_set_hint(f, r->interval, "semaines ou mois (1 à 5)");
	int wd = cal_weekday(first_day);
	for (int d = 0; d < 6; d++) {
		bool on =
		    kind == RECUR_WEEKLY && days[0] ? strstr(days, byday[d]) != NULL : d == wd;
		r->days[d] = form_add_check(f, day_labels[d], on);
	}
	rdv_date u = 0;
	bool have = until[0] && cal_parse_until(until, &u);
	r->until = form_add_date(f, "Jusqu'au", have, u, false);
	form_set_hint(f, r->until, "vide : sans fin");
}

bool
recurrence_read(struct form *f, const struct recurrence_fields *r, rdv_date first_day, char **rrule,
                char **err)
{
	*rrule = NULL;
	int kind = form_choice_id(f, r->repeat);
	if (kind == RECUR_NONE)
		return true;
	long interval = 1;
	if (!form_empty(f, r->interval) &&
	    (!form_number(f, r->interval, &interval) || interval < 1 || interval > 5)) {
		f->focus = r->interval;
		*err = xstrdup("Toutes les : un nombre de 1 à 5");
		return false;
	}
	rdv_date until = 0;
	bool has_until = !form_empty(f, r->until);
	if (has_until && !form_date(f, r->until, &until)) {
		f->focus = r->until;
		*err = xstrdup("Jusqu'au : date JJ/MM/AAAA attendue");
		return false;
	}
	if (has_until && until <= first_day) {
		f->focus = r->until;
		*err = xstrdup("Jusqu'au : doit être après le premier jour");
		return false;
	}
	char rule[128];
	int len =
	    snprintf(rule, sizeof rule, "FREQ=%s", kind == RECUR_WEEKLY ? "WEEKLY" : "MONTHLY");
	if (interval > 1)
		len += snprintf(rule + len, sizeof rule - (size_t)len, ";INTERVAL=%ld", interval);
	int wd = cal_weekday(first_day);
	if (kind == RECUR_WEEKLY) {
		char days[32] = "";
		bool first_in = wd == 6;
		for (int d = 0; d < 6; d++) {
			if (!form_checked(f, r->days[d]))
				continue;
			size_t dl = strlen(days);
			snprintf(days + dl, sizeof days - dl, "%s%s", dl ? "," : "", byday[d]);
			first_in |= d == wd;
		}
		if (days[0] && !first_in) {
			f->focus = r->days[wd];
			*err = xasprintf("Jours : cochez aussi le %s, jour du premier jour",
			                 cal_weekday_name_fr(wd));
			return false;
		}
		if (days[0] && wd != 6)
			len += snprintf(rule + len, sizeof rule - (size_t)len, ";BYDAY=%s", days);
	} else {
		int y, m, d;
		cal_ymd(first_day, &y, &m, &d);
		len += snprintf(rule + len, sizeof rule - (size_t)len, ";BYDAY=%d%s",
		                (d - 1) / 7 + 1, byday[wd]);
	}
	if (has_until) {
		int y, m, d;
		cal_ymd(until, &y, &m, &d);
		snprintf(rule + len, sizeof rule - (size_t)len, ";UNTIL=%04d%02d%02d", y, m, d);
	}
	char *rule_err = NULL;
	if (!rrule_validate(rule, first_day, &rule_err)) {
		f->focus = r->repeat;
		*err = xasprintf("Répétition : %s", rule_err);
		free(rule_err);
		return false;
	}
	*rrule = xstrdup(rule);
	return true;
}

char *
recurrence_describe(struct form *f, const struct recurrence_fields *r, rdv_date first_day)
{
	char *rule = NULL, *err = NULL;
	int focus = f->focus;
	bool ok = recurrence_read(f, r, first_day, &rule, &err);
	f->focus = focus;
	free(err);
	if (!ok)
		return NULL;
	struct rrule *parsed = rrule_parse(rule, first_day, &err);
	free(rule);
	free(err);
	if (parsed == NULL)
		return NULL;
	char *text = rrule_describe_fr(parsed);
	rrule_free(parsed);
	return text;
}

bool
recurrence_draw(struct form *f, const struct recurrence_fields *r, rdv_date first_day, int y, int attr)
{
	char *desc = recurrence_describe(f, r, first_day);
	if (desc == NULL)
		return false;
	char *line = xasprintf("→ %s", desc);
	draw_text(y, 2, COLS - 4, attr, line);
	free(line);
	free(desc);
	return true;
}
