/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_ADMIN_H
#define RDV_DB_ADMIN_H

/*
 * The administration screens' data: motifs, lieux and agents of the
 * session's organisation, and their saves. The database decides who may:
 * motifs and lieux are written under row-level security, agents through
 * SECURITY DEFINER functions that check the caller is an admin of the
 * organisation (migrations/008_agenda_admin.sql).
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_admin_service {
	int id;
	char *name;
	char *short_name; /* "PMI" */
};

struct db_admin_motif {
	int id; /* 0: a new one */
	char *name;
	int service_id;
	int duration_min;
	char *location_type; /* public_office, home, phone, visio */
	char *color;         /* "#RRGGBB" */
	int min_delay_min, max_delay_min;
	char *bookable_by; /* agents, …, everyone */
};

struct db_admin_lieu {
	int id; /* 0: a new one */
	char *name;
	char *address;
	char *phone; /* "" when none */
	bool enabled;
};

struct db_admin_agent {
	int id;           /* 0: a new one */
	char *first_name; /* "" for some intervenants */
	char *last_name;
	char *email;        /* "" when none */
	char *login;        /* PostgreSQL role; "" for an intervenant */
	char *access_level; /* basic, admin, intervenant */
	int *service_ids;
	int nservices;
};

struct db_admin {
	struct db_admin_service *services;
	struct db_admin_motif *motifs;
	struct db_admin_lieu *lieux;
	struct db_admin_agent *agents;
	size_t nservices, nmotifs, nlieux, nagents;
};

void db_admin_free(struct db_admin *a);
/*
 * The services, and the motifs, lieux (single-use ones left out) and agents
 * of the session's organisation, as the caller may read them. The reply is
 * a struct db_admin (its taker frees it with db_admin_free()).
 */
unsigned long db_send_admin_load(struct db *db, const struct db_session *s);

/*
 * Saves create (id 0) or update; the reply's data is an int * (: the
 * row's id, freed with free() by its taker).
 */
unsigned long db_send_motif_save(struct db *db, const struct db_session *s,
                                 const struct db_admin_motif *m);
unsigned long db_send_lieu_save(struct db *db, const struct db_session *s,
                                const struct db_admin_lieu *l);
/* A new agent's login role is created with them (login ignored when editing). */
unsigned long db_send_agent_save(struct db *db, const struct db_session *s,
                                 const struct db_admin_agent *a);

#endif
