/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_TZ_H
#define RDV_CORE_TZ_H

#include <stdbool.h>

#include "core/caltime.h"

/*
 * IANA time zones (Europe/Paris, America/Cayenne, …). Rdv instants are
 * stored in UTC; every rule speaks of the territory's wall clock.
 */
struct tz;

/* NULL when the zone is unknown. Caller frees with tz_free(). */
struct tz *tz_open(const char *iana_name);
void tz_free(struct tz *tz);
const char *tz_name(const struct tz *tz); /* borrowed */

/* UTC minutes → local wall-clock minutes. */
rdv_time tz_utc_to_local(const struct tz *tz, rdv_time utc);
/*
 * Local wall-clock minutes → UTC. A time in a spring-forward gap is moved
 * forward by the gap; an ambiguous autumn time takes the first (summer) one.
 */
rdv_time tz_local_to_utc(const struct tz *tz, rdv_time local);
/* Offset from UTC in minutes at a UTC instant (+60 for Paris in winter). */
int tz_offset_at(const struct tz *tz, rdv_time utc);

#endif
