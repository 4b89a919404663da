/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_SCENARIO_H
#define RDV_CORE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/slots.h"

/*
 * The scenario file of spec/slots.md §5 (a search and its data in one JSON
 * document), and the output formats of `rdv slots`, shared by the scenario
 * and the database paths so that both print the same bytes.
 */
struct scenario {
	struct slots_query query; /* query.agent_ids points into agent_ids */
	struct slots_data *data;
	int64_t *agent_ids;
	size_t n_agent_ids;
};

/*
 * Parse a scenario from JSON text. On error returns NULL and sets *err
 * (caller frees) to one line naming the field, e.g.
 * "plages[2].rrule: FREQ=DAILY n'est pas pris en charge (WEEKLY ou MONTHLY)".
 * Unknown keys are errors. Caller frees with scenario_free().
 */
struct scenario *scenario_parse(const char *json, char **err);
void scenario_free(struct scenario *s);

/* {"slots": [{"starts_at": …, "ends_at": …, "agent": …, "lieu": …, "plage": …}, …]}\n. Caller
 * frees. */
char *scenario_format_slots_json(const struct slot *v, size_t n);
/* {"first": {…}}\n, or {"first": null}\n when s is NULL. Caller frees. */
char *scenario_format_first_json(const struct slot *s);
/* One line per slot: start TAB end TAB agent TAB lieu (or -) TAB plage. Caller frees. */
char *scenario_format_slots_text(const struct slot *v, size_t n);

#endif
