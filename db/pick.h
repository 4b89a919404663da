/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_PICK_H
#define RDV_DB_PICK_H

/*
 * Creating the usager of a booking inline (the usager picker, ui/pick.c; its
 * search is db_send_usager_search() of db/usagers.h).
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_usager_new {
	const char *first_name, *last_name, *birth_name; /* birth_name may be NULL */
	const char *birth_date;  /* AAAA-MM-JJ or NULL */
	const char *email, *phone; /* NULL when empty */
};

/*
 * Create a usager in the session's organisation; the reply is
 * an int * (the new id, freed with free() by its
 * taker), or an error whose
 * db_error_text() says which rule was broken.
 */
unsigned long db_send_usager_create(struct db *db, const struct db_session *s,
				    const struct db_usager_new *u);

#endif
