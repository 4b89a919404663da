/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_MERGE_H
#define RDV_CORE_MERGE_H

/*
 * The plan of a merge of two usagers (reference §4): one row per field,
 * identical or different, the side kept for each, and which record survives.
 * The database function rdv.usager_merge() applies the same rules; this is
 * what the screen shows and what it sends.
 */

#include <stdbool.h>

#include "core/usager.h"

enum merge_field {
	MERGE_EMAIL,
	MERGE_FIRST_NAME,
	MERGE_LAST_NAME,
	MERGE_BIRTH_NAME,
	MERGE_BIRTH_DATE,
	MERGE_PHONE,
	MERGE_ADDRESS,
	MERGE_NOTES,
	MERGE_RESPONSIBLE,
	MERGE_FIELD_COUNT
};

struct merge_row {
	enum merge_field field;
	const char *label;  /* "E-mail" (static) */
	const char *key;    /* "email": the name rdv.usager_merge() knows (static) */
	char *value[2];     /* as shown; NULL when empty */
	bool same;          /* identical, or both empty */
	bool offered;       /* false: the survivor keeps its own (relatives, M-03) */
	int keep;           /* 0 or 1: the side whose value is kept */
};

struct merge_plan {
	struct merge_row rows[MERGE_FIELD_COUNT];
	int nrows;
	bool relatives;      /* either side is a relative (M-03) */
	int forced_survivor; /* -1, or the side the relative rules impose (M-04) */
};

/*
 * Compare two usagers. Each differing row keeps side 0, unless side 0 is
 * empty there and side 1 is not. Caller frees with merge_plan_free().
 */
struct merge_plan *merge_plan_new(const struct usager *a, const struct usager *b);
void merge_plan_free(struct merge_plan *p);

/* Keep this side for a row; false (nothing changes) when the row is identical or not offered. */
bool merge_plan_choose(struct merge_plan *p, int row, int side);

/*
 * The side that survives (M-04): side 0 when side 1 is a relative; side 1
 * when side 0 is a relative and side 1 a responsible; otherwise the side
 * kept on the e-mail row.
 */
int merge_plan_survivor(const struct merge_plan *p);
/* Why, in French: "choix de l'e-mail", "B est un proche"… Borrowed. */
const char *merge_plan_survivor_reason(const struct merge_plan *p);

/* Rows that differ and are offered: the choices the agent makes. */
int merge_plan_ndiff(const struct merge_plan *p);

/*
 * The choices argument of rdv.usager_merge(): {"email":1,"first_name":2,…},
 * sides numbered 1 and 2: the e-mail row and the offered rows that differ.
 * Caller frees.
 */
char *merge_plan_choices_json(const struct merge_plan *p);

#endif
