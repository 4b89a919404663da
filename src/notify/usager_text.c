/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/usager_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "notify/gsm7.h"
#include "notify/mail.h"

static bool
is_event(const struct outbox_item *it, const char *e)
{
	return it->event && strcmp(it->event, e) == 0;
}

static bool
is_phone(const struct outbox_item *it)
{
	return it->location_type && strcmp(it->location_type, "phone") == 0;
}

/* "confirmé", "modifié", … the state the subject and the SMS announce. */
static const char *
event_word(const struct outbox_item *it)
{
	if (is_event(it, "rdv_created"))
		return "confirmé";
	if (is_event(it, "rdv_updated"))
		return "modifié";
	if (is_event(it, "rdv_cancelled"))
		return "annulé";
	if (is_event(it, "rdv_restored"))
		return "rétabli";
	return "à venir";
}

/* "Léo Martin et Emma Martin", sanitised. Caller frees. */
static char *
relatives_text(const struct outbox_item *it)
{
	size_t cap = 1;
	for (size_t i = 0; i < it->nrelatives; i++)
		cap += strlen(it->relatives[i]) + 5;
	char *out = xcalloc(1, cap);
	for (size_t i = 0; i < it->nrelatives; i++) {
		if (i > 0)
			strcat(out, i + 1 == it->nrelatives ? " et " : ", ");
		strcat(out, it->relatives[i]);
	}
	char *clean = text_sanitize(out);
	free(out);
	return clean;
}

/* The whose-rdv part of a sentence: "Votre rendez-vous", "Le rendez-vous de Léo Martin", … */
static char *
whose_text(const struct outbox_item *it)
{
	if (it->nrelatives == 0)
		return xstrdup("Votre rendez-vous");
	char *r = relatives_text(it);
	char *out = it->self ? xasprintf("Votre rendez-vous et celui de %s", r)
	                     : xasprintf("Le rendez-vous de %s", r);
	free(r);
	return out;
}

static const char *
verb_text(const struct outbox_item *it, bool plural)
{
	if (is_event(it, "rdv_created"))
		return plural ? "sont confirmés" : "est confirmé";
	if (is_event(it, "rdv_updated"))
		return plural ? "ont changé" : "a changé";
	if (is_event(it, "rdv_cancelled"))
		return plural ? "sont annulés" : "est annulé";
	if (is_event(it, "rdv_restored"))
		return plural ? "sont rétablis (ils avaient été annulés)"
		              : "est rétabli (il avait été annulé)";
	return plural ? "approchent" : "approche";
}

/* "le jeudi 4 décembre 2026 à 19:00" from "YYYYMMDDTHHMMSS". Caller frees. */
static char *
when_long(const char *dt)
{
	int y, mo, d, h, mi;
	if (dt == NULL || sscanf(dt, "%4d%2d%2dT%2d%2d", &y, &mo, &d, &h, &mi) != 5 ||
	    !cal_date_valid(y, mo, d))
		return xstrdup("");
	rdv_date day = cal_date(y, mo, d);
	return xasprintf("le %s %d%s %s %d à %02d:%02d", cal_weekday_name_fr(cal_weekday(day)), d,
	                 d == 1 ? "er" : "", cal_month_name_fr(mo), y, h, mi);
}

char *
usager_mail_subject(const struct outbox_item *it)
{
	char *what = text_sanitize(it->what ? it->what : "rendez-vous");
	char *when = when_long(it->dtstart);
	char *out = is_event(it, "rdv_reminder")
	                ? xasprintf("Rappel : RDV %s %s", what, when)
	                : xasprintf("RDV %s : %s %s", event_word(it), what, when);
	free(what);
	free(when);
	return out;
}

static void
add_field(char **b, const char *label, const char *value, const char *eol)
{
	char *clean = text_sanitize(value);
	char *n = xasprintf("%s%s : %s%s", *b, label, clean, eol);
	free(clean);
	free(*b);
	*b = n;
}

static void
add_text(char **b, const char *s)
{
	char *n = xasprintf("%s%s", *b, s);
	free(*b);
	*b = n;
}

/* The fields of the body and of DESCRIPTION. */
static char *
usager_fields(const struct outbox_item *it, const char *eol)
{
	char *b = xstrdup("");
	char *what = xasprintf("%s%s%s%s", it->what ? it->what : "rendez-vous",
	                       it->name ? " « " : "", it->name ? it->name : "", it->name ? " »" : "");
	add_field(&b, "Motif", what, eol);
	free(what);
	if (it->nrelatives > 0) {
		char *r = relatives_text(it);
		add_field(&b, "Pour", r, eol);
		free(r);
	}
	char *when = notify_mail_when(it->dtstart, it->dtend);
	add_field(&b, "Quand", when, eol);
	free(when);
	if (it->old_dtstart) {
		char *old = notify_mail_when(it->old_dtstart, it->old_dtend);
		add_field(&b, "Ancien horaire", old, eol);
		free(old);
	}
	if (is_phone(it))
		add_field(&b, "Où", "RDV téléphonique : un agent vous appellera au numéro que vous "
		                   "avez donné", eol);
	else if (it->location)
		add_field(&b, "Où", it->location, eol);
	else if (it->location_type && strcmp(it->location_type, "home") == 0)
		add_field(&b, "Où", "à votre domicile", eol);
	else if (it->location_type && strcmp(it->location_type, "visio") == 0)
		add_field(&b, "Où", "en visioconférence", eol);
	if (it->old_location)
		add_field(&b, "Ancien lieu", *it->old_location ? it->old_location : "aucun", eol);
	if (it->organisation)
		add_field(&b, "Service", it->organisation, eol);
	if (it->organisation_phone)
		add_field(&b, is_event(it, "rdv_cancelled") ? "Pour reprendre rendez-vous, appelez le"
		                                          : "Pour le modifier ou l'annuler, appelez le",
		          it->organisation_phone, eol);
	return b;
}

char *
usager_mail_body(const struct outbox_item *it)
{
	char *name = text_sanitize(it->to_name ? it->to_name : "");
	char *whose = whose_text(it);
	char *b = xasprintf("Bonjour %s,\r\n\r\n%s %s.\r\n\r\n", name, whose,
	                    verb_text(it, it->nrelatives > 0 && it->self));
	free(name);
	free(whose);
	char *f = usager_fields(it, "\r\n");
	add_text(&b, f);
	free(f);
	add_text(&b, "\r\n");
	if (is_event(it, "rdv_cancelled"))
		add_text(&b, "L'invitation jointe (.ics) retire le rendez-vous de votre agenda.\r\n");
	else
		add_text(&b, "L'invitation jointe (.ics) ajoute ou met à jour le rendez-vous dans votre "
		             "agenda.\r\n");
	add_text(&b, "\r\n-- \r\nRDV Service Public : message automatique, merci de ne pas y "
	             "répondre.\r\n");
	return b;
}

char *
usager_mail_description(const struct outbox_item *it)
{
	return usager_fields(it, "\n");
}

/* ------------------------------------------------------------------ SMS */

/* "jeu. 04/12 à 19h00" */
static char *
when_sms(const char *dt)
{
	int y, mo, d, h, mi;
	if (dt == NULL || sscanf(dt, "%4d%2d%2dT%2d%2d", &y, &mo, &d, &h, &mi) != 5 ||
	    !cal_date_valid(y, mo, d))
		return xstrdup("?");
	const char *wd = cal_weekday_name_fr(cal_weekday(cal_date(y, mo, d)));
	return xasprintf("%.3s. %02d/%02d à %02dh%02d", wd, d, mo, h, mi);
}

/* The SMS for given parts; where_mode 0: full address, 1: lieu name, 2: none; what_max: 0 = whole. */
static char *
sms_compose(const struct outbox_item *it, int where_mode, size_t what_max)
{
	char *what = text_sanitize(it->what ? it->what : "rendez-vous");
	if (what_max > 0 && strlen(what) > what_max) {
		/* Cut on a UTF-8 boundary, then mark it. */
		size_t k = what_max;
		while (k > 0 && ((unsigned char)what[k] & 0xC0) == 0x80)
			k--;
		what[k] = '\0';
		char *t = xasprintf("%s.", what);
		free(what);
		what = t;
	}
	char *pour = NULL;
	if (it->nrelatives > 0) {
		char *r = relatives_text(it);
		pour = xasprintf(" pour %s%s", it->self ? "vous et " : "", r);
		free(r);
	} else {
		pour = xstrdup("");
	}
	char *when = when_sms(it->dtstart);
	char *where;
	if (is_phone(it))
		where = xstrdup(", RDV téléphonique");
	else if (it->location && where_mode == 0)
		where = xasprintf(", %s", it->location);
	else if (it->location && where_mode == 1) {
		char *name = xstrdup(it->location);
		char *comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		where = xasprintf(", %s", name);
		free(name);
	} else
		where = xstrdup("");
	char *head = is_event(it, "rdv_reminder")
	                 ? xstrdup("Rappel RDV")
	                 : xasprintf("RDV %s", event_word(it));
	char *tail;
	if (it->organisation_phone)
		tail = xasprintf(". %s : %s", is_event(it, "rdv_cancelled") ? "Nouveau RDV" : "Modif/annul.",
		                 it->organisation_phone);
	else
		tail = xstrdup("");
	char *raw = xasprintf("%s : %s%s %s%s%s", head, what, pour, when,
	                      is_event(it, "rdv_cancelled") ? "" : where, tail);
	char *clean = text_sanitize(raw);
	char *out = gsm7_transliterate(clean);
	free(what);
	free(pour);
	free(when);
	free(where);
	free(head);
	free(tail);
	free(raw);
	free(clean);
	return out;
}

char *
usager_sms_text(const struct outbox_item *it)
{
	/* From the fullest text down, the first that fits in one SMS. */
	static const struct { int where; size_t what; } tries[] = {
	    {0, 0}, {1, 0}, {1, 30}, {2, 30}, {2, 16},
	};
	char *out = NULL;
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		free(out);
		out = sms_compose(it, tries[i].where, tries[i].what);
		if (gsm7_septets(out) <= GSM7_SMS_SEPTETS)
			return out;
	}
	return out; /* still long (long relatives' names): sent as a multi-part SMS */
}
