/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_USAGER_H
#define RDV_CORE_USAGER_H

/*
 * Usagers: the record as the core sees it, the checks a form makes before
 * saving (e-mail, phone, birth date; reference §1.14, §9.1 item 12) and the
 * statistics of a usager's rdvs. Pure: "today" is a parameter.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"

struct usager {
	int id;
	char *first_name, *last_name;
	char *birth_name;        /* or NULL */
	bool have_birth_date;
	rdv_date birth_date;
	char *email;             /* or NULL */
	char *phone;             /* as typed, or NULL */
	char *phone_e164;        /* +33612345678, or NULL */
	char *address;           /* or NULL */
	char *post_code, *city_name;
	char *notes;
	int responsible_id;      /* 0: not a relative */
	char *responsible_name;  /* "Marie DUPONT", or NULL */
	int nrelatives;          /* usagers whose responsible this one is */
};

/* Caller frees with usager_free(). */
struct usager *usager_new(void);
void usager_free(struct usager *u);
/* "Marie DUPONT". Caller frees. */
char *usager_display_name(const struct usager *u);

/*
 * E.164 form of a French or overseas phone number written any usual way
 * ("06 12 34 56 78", "+33 (0)6…", "0033…", "0690 12 34 56" →
 * "+590690123456"). A national number is French unless it starts with an
 * overseas range: Guadeloupe 0590/0690/0691, Guyane 0594/0694, Martinique
 * 0596/0696/0697, La Réunion 0262/0263/0692/0693, Mayotte 0269/0639 (what
 * "try FR, then GP, GF, MQ, RE, YT" gives). False when not recognised.
 * Same rules as rdv.phone_e164() in db/migrations/006_usagers.sql.
 */
bool usager_phone_e164(const char *phone, char out[20]);

/*
 * The e-mail as stored: trimmed, common typos fixed (".@" → "@", ".." →
 * "."), NULL when blank (reference §1.14). Caller frees.
 */
char *usager_email_normalise(const char *email);
/* One "@", no space, a dot in the domain. */
bool usager_email_valid(const char *email);

/* NULL when fine, else why, in French: future, or more than 130 years ago. */
const char *usager_birth_date_problem(rdv_date birth, rdv_date today);

/* Fields of the usager form, for naming the one at fault. */
enum usager_field {
	USAGER_FIRST_NAME,
	USAGER_LAST_NAME,
	USAGER_BIRTH_NAME,
	USAGER_BIRTH_DATE,
	USAGER_EMAIL,
	USAGER_PHONE,
	USAGER_ADDRESS,
	USAGER_POST_CODE,
	USAGER_CITY,
	USAGER_NOTES,
	USAGER_FIELD_COUNT
};

/*
 * Check a usager before saving and normalise it in place (trimmed names,
 * e-mail, phone_e164). On a problem: false, *field names it, *err says it
 * in French (caller frees).
 */
bool usager_validate(struct usager *u, rdv_date today, enum usager_field *field, char **err);

/* ------------------------------------------------------------ statistics */

struct usager_motif_count {
	char *motif;
	int total;
	int seen;
};

/*
 * What a record shows: every rdv counted once by its participation status;
 * by motif in order of first appearance.
 */
struct usager_stats {
	int total;
	int by_status[RDV_STATUS_COUNT];
	int upcoming;  /* starting from now on, not cancelled */
	struct usager_motif_count *motifs;
	size_t nmotifs;
};

void usager_stats_init(struct usager_stats *s);
void usager_stats_add(struct usager_stats *s, const char *motif, enum rdv_status status,
		      bool upcoming);
/* Sort motifs by count, most first, then by name. */
void usager_stats_sort(struct usager_stats *s);
void usager_stats_clear(struct usager_stats *s);

#endif
