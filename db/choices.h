/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_CHOICES_H
#define RDV_DB_CHOICES_H

/*
 * What the search criteria can offer in the viewed organisation: services,
 * motifs, agents and lieux the agent may read. Row-level security decides:
 * a basic agent gets the motifs and agents of their services, secretariat
 * and admins all of the organisation's.
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_choice_service {
	int id;
	char *name;
};

struct db_choice_motif {
	int id;
	char *name;
	int service_id;
	char *location_type;   /* public_office, home, phone, visio */
	int duration_min;
	bool collectif;
	char *color;
};

struct db_choice_agent {
	int id;
	char *name;            /* "BERNARD Julien", for sorting and picking */
	char *short_name;      /* "J. BERNARD" */
	int *service_ids;
	int nservices;
};

struct db_choice_lieu {
	int id;
	char *name;
	char *address;
};

struct db_choices {
	struct db_choice_service *services;
	struct db_choice_motif *motifs;
	struct db_choice_agent *agents;
	struct db_choice_lieu *lieux;
	size_t nservices, nmotifs, nagents, nlieux;
};

void db_choices_free(struct db_choices *c);
/* "Sur place", "Par téléphone", "À domicile", "Par visioconférence": a static string. */
const char *db_location_type_label(const char *location_type);

/* The reply's data is a struct db_choices (its taker frees it with db_choices_free()). */
unsigned long db_send_choices(struct db *db, const struct db_session *s);

#endif
