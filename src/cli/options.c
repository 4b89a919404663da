/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"

bool
cli_parse_now(const char *s, struct ui_options *opt)
{
	rdv_time t;
	if (!cal_parse_datetime(s, &t))
		return false;
	opt->have_now = true;
	opt->now = t;
	return true;
}

bool
cli_now_from_env(struct ui_options *opt)
{
	const char *env = getenv("RDV_NOW");
	if (env == NULL || *env == '\0')
		return true;
	return cli_parse_now(env, opt);
}

void
cli_today_text(const struct ui_options *opt, char buf[11])
{
	if (opt->have_now) {
		cal_format_date(cal_time_date(opt->now), buf);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}
