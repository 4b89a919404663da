/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

/* Placeholder until the command lands. */
int
cmd_tui(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("« tui » n'est pas encore disponible");
}
