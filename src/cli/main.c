/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"
#include "core/text.h"
#include "core/xmalloc.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"tui", cmd_tui, "le client plein écran (par défaut)"},
	{"demo", cmd_demo, "base de démonstration privée, puis le client"},
	{"db", cmd_db, "migrate | status | seed : schéma et données"},
	{"slots", cmd_slots, "créneaux libres et prochaine disponibilité"},
	{"holidays", cmd_holidays, "jours fériés d'une zone et d'une année"},
	{"keys", cmd_keys, "touches et emplacements de couleur"},
	{"notify", cmd_notify, "envoi des notifications par e-mail (file d'attente → SMTP)"},
	{"export", cmd_export, "rdvs | list | get : exports .xlsx et .pdf de la liste des RDV"},
};

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("rdv: ", stderr);
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	text_fputs(line, stderr);
	free(line);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage : rdv [commande] [options]\n\ncommandes :\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nVoir rdv(1) pour le détail des options.\n");
}

/*
 * Text handling needs a UTF-8 LC_CTYPE (wcwidth, ncursesw); everything else
 * stays in the C locale so numbers and dates never take a locale's format.
 */
static void
setup_locale(void)
{
	const char *ctype = setlocale(LC_CTYPE, "");
	if (ctype == NULL || (strstr(ctype, "UTF-8") == NULL && strstr(ctype, "utf8") == NULL &&
			      strstr(ctype, "UTF8") == NULL && strstr(ctype, "utf-8") == NULL))
		setlocale(LC_CTYPE, "C.UTF-8");
}

int
main(int argc, char **argv)
{
	setup_locale();
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("rdv %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		return cmd_tui(argc, argv); /* options only: the client */
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_usage_error("commande inconnue « %s » (rdv --help)", argv[1]);
	return EXIT_BAD_INPUT;
}
