/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_STATUS_H
#define RDV_CORE_STATUS_H

#include <stdbool.h>

#include "core/caltime.h"

/* Rdv statuses (reference ). */
enum rdv_status {
	RDV_UNKNOWN,
	RDV_SEEN,
	RDV_EXCUSED,
	RDV_REVOKED,
	RDV_NOSHOW,
	RDV_STATUS_COUNT
};

/* -1 when s is not a status name. */
int rdv_status_parse(const char *s);
const char *rdv_status_name(enum rdv_status st); /* "unknown", … */
/* Excused and revoked free the time; noshow does not. */
bool rdv_status_is_cancelled(enum rdv_status st);
/*
 * The French label an agent reads; "unknown" is temporal, computed on the
 * rdv's local date against today: "À renseigner", "Rendez-vous aujourd'hui",
 * "Rendez-vous à venir".
 */
const char *rdv_status_label_fr(enum rdv_status st, rdv_date day, rdv_date today);

#endif
