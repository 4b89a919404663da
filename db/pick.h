/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_PICK_H
#define RDV_DB_PICK_H

/*
 * Picking the usager of a booking: a short lookup by name, e-mail or phone
 * among the usagers the agent may see, and inline creation.
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_usager_brief {
	int id;
	char *name;        /* "Élodie BÉZIER" */
	char *birth_date;  /* JJ/MM/AAAA or NULL */
	char *email;       /* or NULL */
	char *phone;       /* or NULL */
};

struct db_usager_list {
	struct db_usager_brief *items;
	size_t n;
};

void db_usager_list_free(struct db_usager_list *l);

/* The reply is DB_REPLY_USAGERS with a struct db_usager_list (at most 20). */
unsigned long db_send_usager_find(struct db *db, const char *text);

struct db_usager_new {
	const char *first_name, *last_name, *birth_name; /* birth_name may be NULL */
	const char *birth_date;  /* AAAA-MM-JJ or NULL */
	const char *email, *phone; /* NULL when empty */
};

/*
 * Create a usager in the session's organisation; the reply is
 * DB_REPLY_CREATED with an int * (the new id), or an error whose
 * db_error_text() says which rule was broken.
 */
unsigned long db_send_usager_create(struct db *db, const struct db_session *s,
				    const struct db_usager_new *u);

#endif
