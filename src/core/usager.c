/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/usager.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

struct usager *
usager_new(void)
{
	return xcalloc(1, sizeof(struct usager));
}

void
usager_free(struct usager *u)
{
	if (u == NULL)
		return;
	free(u->first_name);
	free(u->last_name);
	free(u->birth_name);
	free(u->email);
	free(u->phone);
	free(u->phone_e164);
	free(u->address);
	free(u->post_code);
	free(u->city_name);
	free(u->notes);
	free(u->responsible_name);
	free(u);
}

/* Upper case for display: ASCII and the Latin-1 letters ("Lefèvre" → "LEFÈVRE"). Caller frees. */
static char *
upper_utf8(const char *s)
{
	char *r = xstrdup(s ? s : "");
	for (unsigned char *p = (unsigned char *)r; *p; p++) {
		if (*p < 0x80) {
			*p = (unsigned char)toupper(*p);
		} else if (p[0] == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7) {
			/* Latin-1 lower-case letters à…þ (not ÷): U+00E0…U+00FE → U+00C0…U+00DE. */
			p[1] = (unsigned char)(p[1] - 0x20);
			p++;
		}
	}
	return r;
}

char *
usager_display_name(const struct usager *u)
{
	char *last = upper_utf8(u->last_name);
	char *r = xasprintf("%s %s", u->first_name ? u->first_name : "", last);
	free(last);
	return r;
}

/* ------------------------------------------------------------ phones */

/* Country code of a 9-digit national number (no leading 0); NULL when none. */
static const char *
phone_country_code(const char *nat)
{
	if (strlen(nat) != 9 || nat[0] < '1' || nat[0] > '9')
		return NULL;
	for (int i = 0; i < 9; i++)
		if (!isdigit((unsigned char)nat[i]))
			return NULL;
	static const struct {
		const char *prefix, *cc;
	} overseas[] = {
	    {"590", "590"}, {"690", "590"}, {"691", "590"},                  /* Guadeloupe */
	    {"594", "594"}, {"694", "594"},                                  /* Guyane */
	    {"596", "596"}, {"696", "596"}, {"697", "596"},                  /* Martinique */
	    {"262", "262"}, {"263", "262"}, {"692", "262"}, {"693", "262"},  /* La Réunion */
	    {"269", "262"}, {"639", "262"},                                  /* Mayotte */
	};
	for (size_t i = 0; i < sizeof overseas / sizeof overseas[0]; i++)
		if (strncmp(nat, overseas[i].prefix, 3) == 0)
			return overseas[i].cc;
	return "33";
}

bool
usager_phone_e164(const char *phone, char out[20])
{
	out[0] = '\0';
	if (phone == NULL)
		return false;
	while (*phone == ' ' || *phone == '\t')
		phone++;
	bool plus = *phone == '+';
	char d[32];
	size_t n = 0;
	for (const char *p = phone + plus; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof d)
				return false;
			d[n++] = *p;
		} else if (!strchr(" .()/-\t", *p)) {
			return false;
		}
	}
	d[n] = '\0';
	if (n == 0)
		return false;
	const char *digits = d;
	if (plus || strncmp(d, "00", 2) == 0) {
		if (!plus)
			digits += 2;
		static const char *const codes[] = {"33", "590", "594", "596", "262"};
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
			size_t cl = strlen(codes[i]);
			if (strncmp(digits, codes[i], cl) != 0)
				continue;
			const char *nat = digits + cl;
			/* "+33 (0)6 12 …": the trunk 0 written after the country code. */
			if (strlen(nat) == 10 && nat[0] == '0')
				nat++;
			const char *cc = phone_country_code(nat);
			if (cc == NULL || (strcmp(codes[i], "33") != 0 && strcmp(cc, codes[i]) != 0))
				return false;
			snprintf(out, 20, "+%.3s%.9s", cc, nat);
			return true;
		}
		return false;
	}
	if (n != 10 || d[0] != '0')
		return false;
	const char *cc = phone_country_code(d + 1);
	if (cc == NULL)
		return false;
	snprintf(out, 20, "+%.3s%.9s", cc, d + 1);
	return true;
}

/* ------------------------------------------------------------ e-mail */

static char *
trimmed(const char *s)
{
	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

char *
usager_email_normalise(const char *email)
{
	char *e = trimmed(email);
	if (e == NULL)
		return NULL;
	char *w = e;
	for (const char *r = e; *r; r++) {
		if (r[0] == '.' && (r[1] == '@' || r[1] == '.'))
			continue;
		*w++ = *r;
	}
	*w = '\0';
	return e;
}

bool
usager_email_valid(const char *email)
{
	if (email == NULL)
		return false;
	const char *at = strchr(email, '@');
	if (at == NULL || at == email || strchr(at + 1, '@'))
		return false;
	for (const char *p = email; *p; p++)
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20)
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

/* ------------------------------------------------------------ dates */

const char *
usager_birth_date_problem(rdv_date birth, rdv_date today)
{
	if (birth > today)
		return "la date de naissance est dans le futur";
	int y, m, d;
	cal_ymd(today, &y, &m, &d);
	/* 29 February 130 years before a non-leap year: the 28th. */
	int limit_day = d > cal_days_in_month(y - 130, m) ? cal_days_in_month(y - 130, m) : d;
	if (birth < cal_date(y - 130, m, limit_day))
		return "la date de naissance est il y a plus de 130 ans";
	return NULL;
}

/* ------------------------------------------------------------ validation */

static void
replace_str(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

bool
usager_validate(struct usager *u, rdv_date today, enum usager_field *field, char **err)
{
	replace_str(&u->first_name, trimmed(u->first_name));
	replace_str(&u->last_name, trimmed(u->last_name));
	replace_str(&u->birth_name, trimmed(u->birth_name));
	replace_str(&u->phone, trimmed(u->phone));
	replace_str(&u->email, usager_email_normalise(u->email));
	replace_str(&u->phone_e164, NULL);
	if (u->first_name == NULL) {
		*field = USAGER_FIRST_NAME;
		*err = xstrdup("Prénom : champ obligatoire");
		return false;
	}
	if (u->last_name == NULL) {
		*field = USAGER_LAST_NAME;
		*err = xstrdup("Nom : champ obligatoire");
		return false;
	}
	if (u->have_birth_date) {
		const char *why = usager_birth_date_problem(u->birth_date, today);
		if (why) {
			*field = USAGER_BIRTH_DATE;
			*err = xasprintf("Date de naissance : %s", why);
			return false;
		}
	}
	if (u->email && !usager_email_valid(u->email)) {
		*field = USAGER_EMAIL;
		*err = xasprintf("E-mail : « %s » n'est pas une adresse valide (nom@domaine.fr)",
				 u->email);
		return false;
	}
	if (u->phone) {
		char e164[20];
		if (!usager_phone_e164(u->phone, e164)) {
			*field = USAGER_PHONE;
			*err = xasprintf("Téléphone : « %s » n'est pas un numéro français ou d'outre-mer "
					 "(ex. 06 12 34 56 78, +33 6 12 34 56 78, 0690 12 34 56)",
					 u->phone);
			return false;
		}
		u->phone_e164 = xstrdup(e164);
	}
	return true;
}

/* ------------------------------------------------------------ statistics */

void
usager_stats_init(struct usager_stats *s)
{
	memset(s, 0, sizeof *s);
}

void
usager_stats_add(struct usager_stats *s, const char *motif, enum rdv_status status, bool upcoming)
{
	s->total++;
	if ((unsigned)status < RDV_STATUS_COUNT)
		s->by_status[status]++;
	if (upcoming && !rdv_status_is_cancelled(status))
		s->upcoming++;
	const char *name = motif ? motif : "";
	for (size_t i = 0; i < s->nmotifs; i++)
		if (strcmp(s->motifs[i].motif, name) == 0) {
			s->motifs[i].total++;
			s->motifs[i].seen += status == RDV_SEEN;
			return;
		}
	s->motifs = xreallocarray(s->motifs, s->nmotifs + 1, sizeof *s->motifs);
	s->motifs[s->nmotifs].motif = xstrdup(name);
	s->motifs[s->nmotifs].total = 1;
	s->motifs[s->nmotifs].seen = status == RDV_SEEN;
	s->nmotifs++;
}

static int
motif_cmp(const void *pa, const void *pb)
{
	const struct usager_motif_count *a = pa, *b = pb;
	if (a->total != b->total)
		return b->total - a->total;
	return strcmp(a->motif, b->motif);
}

void
usager_stats_sort(struct usager_stats *s)
{
	if (s->nmotifs > 1)
		qsort(s->motifs, s->nmotifs, sizeof *s->motifs, motif_cmp);
}

void
usager_stats_clear(struct usager_stats *s)
{
	for (size_t i = 0; i < s->nmotifs; i++)
		free(s->motifs[i].motif);
	free(s->motifs);
	usager_stats_init(s);
}
