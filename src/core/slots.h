/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_SLOTS_H
#define RDV_CORE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/caltime.h"
#include "core/status.h"

/*
 * Free slots ("créneaux") and next availability, exactly as spec/slots.md §3
 * says. Every time here is a local wall-clock time of the organisation's
 * territory (rdv instants are converted from UTC with tz.h before they are
 * added). The data is loaded once into a struct slots_data, by the
 * data-access layer or by the scenario parser, and may serve any number of
 * searches: the database path and the scenario path go through the same
 * structs and the same code.
 */

enum slots_side {
	SLOTS_SIDE_AGENT,  /* "Trouver un RDV" by an agent: no booking delays */
	SLOTS_SIDE_USAGER, /* self-service: min and max booking delays apply */
};

#define SLOTS_DEFAULT_MIN_DELAY 30     /* minutes */
#define SLOTS_DEFAULT_MAX_DELAY 129600 /* minutes: 90 days */
#define SLOTS_DEFAULT_DAYS 181         /* to = from + 181 days (26 weeks) */
#define SLOTS_STEP 5                   /* rounding of an in-progress interval */

struct slots_motif {
	int64_t id;
	int duration_min;  /* > 0 */
	int min_delay_min; /* usager side only */
	int max_delay_min; /* usager side only */
};

/* What is searched for. Pointers are borrowed for the duration of a call. */
struct slots_query {
	rdv_time now; /* local; never read from the clock by the core */
	enum slots_side side;
	struct slots_motif motif;
	rdv_date from, to; /* inclusive local dates */
	bool has_to;       /* false: to = from + SLOTS_DEFAULT_DAYS */
	bool has_lieu;     /* filter: only plages at lieu_id */
	int64_t lieu_id;
	bool filter_agents; /* filter: only plages of agent_ids */
	const int64_t *agent_ids;
	size_t n_agent_ids;
	int holiday_zone; /* holidays.h zone index (0 = metropole) */
	bool open_on_whit_monday, open_on_holidays;
};

/* Defaults of spec/slots.md §2: agent side, metropole, no filter. */
void slots_query_init(struct slots_query *q, rdv_time now, rdv_date from);

/* A plage d'ouverture; motif ids live in slots_data.ids[motifs_at …]. */
struct slots_plage {
	int64_t id, agent_id;
	bool has_lieu;
	int64_t lieu_id;
	size_t motifs_at, n_motifs;
	rdv_date first_day;
	int start, end;      /* minutes of the day, start < end ≤ 1440 */
	char *rrule;         /* owned by slots_data; NULL = first_day only */
	rdv_time created_at; /* orders plages that give the same start */
};

struct slots_absence {
	int64_t id, agent_id;
	rdv_date first_day, end_day; /* a recurring absence has end_day == first_day */
	int start, end;
	char *rrule; /* owned by slots_data; NULL = once */
};

/* An rdv; agent ids live in slots_data.ids[agents_at …]. */
struct slots_rdv {
	int64_t id;
	size_t agents_at, n_agents;
	rdv_time starts_at, ends_at; /* local */
	enum rdv_status status;
};

/* Everything a search reads, loaded once. Fill it with slots_data_add_*(). */
struct slots_data {
	struct slots_plage *plages;
	size_t n_plages, cap_plages;
	struct slots_absence *absences;
	size_t n_absences, cap_absences;
	struct slots_rdv *rdvs;
	size_t n_rdvs, cap_rdvs;
	int64_t *ids; /* motif ids of plages and agent ids of rdvs, pooled */
	size_t n_ids, cap_ids;
};

/* Caller frees with slots_data_free(). */
struct slots_data *slots_data_new(void);
void slots_data_free(struct slots_data *d);

/*
 * Append a copy of *p (its rrule string is copied; motifs_at and n_motifs
 * are set from motif_ids). Returns the stored plage: borrowed, valid until
 * the next add.
 */
struct slots_plage *slots_data_add_plage(struct slots_data *d, const struct slots_plage *p,
                                         const int64_t *motif_ids, size_t n_motifs);
struct slots_absence *slots_data_add_absence(struct slots_data *d, const struct slots_absence *a);
struct slots_rdv *slots_data_add_rdv(struct slots_data *d, const struct slots_rdv *r,
                                     const int64_t *agent_ids, size_t n_agents);
/* The pooled ids starting at `at`. Borrowed; valid until the next add. */
const int64_t *slots_data_ids(const struct slots_data *d, size_t at);

struct slot {
	rdv_time start, end;
	int64_t agent_id;
	bool has_lieu;
	int64_t lieu_id;
	int64_t plage_id;
};

/*
 * Every free slot of the window, one per (start, agent), ordered by start,
 * then plage created_at, then plage id. On success *out (caller frees; NULL
 * when none) holds *n slots. Returns false with *err (caller frees) when the
 * data is invalid: a bad rrule, an end before a start, an unknown zone.
 */
bool slots_search(const struct slots_data *d, const struct slots_query *q, struct slot **out,
                  size_t *n, char **err);

/*
 * Next availability: the first slot of the whole window in the same order,
 * in one pass. *found tells whether there is one. Returns false with *err
 * (caller frees) when the data is invalid.
 */
bool slots_first(const struct slots_data *d, const struct slots_query *q, struct slot *out,
                 bool *found, char **err);

#endif
