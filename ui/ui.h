/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_UI_H
#define RDV_UI_UI_H

#include <stdbool.h>

#include "core/caltime.h"

/* What the command line hands to the client. */
struct ui_options {
	const char *conninfo;   /* libpq conninfo; NULL = environment */
	const char *pool_conninfo; /* the transaction pooler's conninfo (--pool-db); NULL = config pool_db */
	const char *read_conninfo; /* reads on a replica (--read-db); NULL = config read_db, else none */
	const char *theme;      /* theme name or path; NULL = config, then default */
	int organisation_id;    /* 0 = the agent's first organisation */
	bool have_now;          /* "now" injected (tests, demos) */
	rdv_time now;           /* local wall-clock time when have_now */
	bool accessible;        /* linear reading mode (--accessible); also config "accessible = true" */
};

/*
 * Run the client until the agent quits. Returns the process exit status;
 * on a start-up failure prints one line on stderr.
 */
int ui_main(const struct ui_options *opt);

#endif
