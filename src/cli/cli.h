/* SPDX-License-Identifier: MIT */
#ifndef RDV_CLI_CLI_H
#define RDV_CLI_CLI_H

/*
 * Subcommands. Each returns the process exit status: 0 success, 1 a failure
 * outside the user's control (database unreachable, disk full), 2 bad input
 * (one line on stderr says what and where).
 */
#define EXIT_BAD_INPUT 2

int cmd_tui(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_slots(int argc, char **argv);
int cmd_holidays(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Print "rdv: <message>" on stderr; returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
