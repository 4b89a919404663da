/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_USAGERS_H
#define RDV_DB_USAGERS_H

/*
 * The Usagers menu: search as you type, the record with its rdvs, probable
 * duplicates, saving, and merging two usagers. Searches and duplicates go
 * through the SECURITY DEFINER functions of db/migrations/006_usagers.sql
 * (which apply the usagers' visibility rule themselves, so that the trigram
 * indexes can be used); the record is read under row-level security.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"
#include "core/usager.h"
#include "db/db.h"

/* ------------------------------------------------------------ search */

struct db_usager_hit {
	int id;
	char *first_name, *last_name, *birth_name;
	bool have_birth_date;
	rdv_date birth_date;
	char *email, *phone, *city;
	int responsible_id;
	char *matched;  /* "name", "similar", "email", "phone", "birth_date" */
};

struct db_usager_hits {
	struct db_usager_hit *items;
	size_t n;
};

void db_usager_hits_free(struct db_usager_hits *h);

/*
 * The reply's data is a struct db_usager_hits (best first; its
 * taker frees it with db_usager_hits_free()). The one usager search: the
 * Usagers screen, the merge screen and the booking picker (ui/usagers.h).
 */
unsigned long db_send_usager_search(struct db *db, const char *text, int limit);

/* ------------------------------------------------------------ record */

struct db_usager_rdv {
	int rdv_id;
	rdv_time start;       /* the territory's wall clock */
	int duration_min;
	char *motif;
	char *agents;         /* "Julien Bernard, Nadia Haddad", or NULL */
	char *lieu;           /* or NULL */
	char *organisation;
	enum rdv_status status;  /* the usager's participation */
};

struct db_usager_relative {
	int id;
	char *name;           /* "Léo BÉZIER" */
	bool have_birth_date;
	rdv_date birth_date;
};

struct db_usager_record {
	struct usager *usager;
	struct db_usager_relative *relatives;
	size_t nrelatives;
	struct db_usager_rdv *rdvs;  /* by start time */
	size_t nrdvs;
	char *organisations;         /* "MDS Valence, CCAS Romans-sur-Isère" */
};

void db_usager_record_free(struct db_usager_record *r);

/*
 * The reply's data is a struct db_usager_record (freed with
 * db_usager_record_free() by its taker), or an error
 * when the usager is not (or no longer) visible.
 */
unsigned long db_send_usager_load(struct db *db, const struct db_session *s, int usager_id);

/* ------------------------------------------------------------ duplicates */

struct db_usager_dup {
	int id[2];
	char *name[2];
	bool have_birth_date[2];
	rdv_date birth_date[2];
	char *reasons;  /* "même téléphone · noms très proches" */
};

struct db_usager_dups {
	struct db_usager_dup *items;
	size_t n;
};

void db_usager_dups_free(struct db_usager_dups *d);

/*
 * Probable duplicates: of one usager (id[0] is that usager), or every pair
 * the agent sees (for_usager 0). The reply's data is (a struct
 * db_usager_dups, freed with db_usager_dups_free() by its taker).
 */
unsigned long db_send_usager_duplicates(struct db *db, int for_usager, int limit);

/*
 * Usagers the agent sees that u, about to be saved, would duplicate: same
 * names and birth date, same phone or same e-mail (id[1], name[1],
 * birth_date[1] and reasons of each item; u->id itself left out). The
 * reply's data is a struct db_usager_dups.
 */
unsigned long db_send_usager_matches(struct db *db, const struct usager *u, int limit);

/* ------------------------------------------------------------ save and merge */

/*
 * Create (u->id 0, in the session's organisation) or update a usager that
 * usager_validate() accepted. The reply's data is a int * (the
 * id, freed with free() by its taker); on a duplicate e-mail the error (23505) names who already has it.
 */
unsigned long db_send_usager_save(struct db *db, const struct db_session *s, const struct usager *u);

struct db_usager_merged {
	int survivor, removed;
};

/*
 * Merge usagers a and b with rdv.usager_merge() (choices: see
 * merge_plan_choices_json()). The reply's data is a struct
 * db_usager_merged * (freed with free() by its taker).
 */
unsigned long db_send_usager_merge(struct db *db, const struct db_session *s, int a, int b,
				   const char *choices_json);

#endif
