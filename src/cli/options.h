/* SPDX-License-Identifier: MIT */
#ifndef RDV_CLI_OPTIONS_H
#define RDV_CLI_OPTIONS_H

#include <stdbool.h>

#include "ui/ui.h"

/* Parse "AAAA-MM-JJTHH:MM" into opt->now. */
bool cli_parse_now(const char *s, struct ui_options *opt);
/* RDV_NOW from the environment, when set; false when set but malformed. */
bool cli_now_from_env(struct ui_options *opt);
/* The reference day: the injected now's date, else today's local date. */
void cli_today_text(const struct ui_options *opt, char buf[11]);

#endif
