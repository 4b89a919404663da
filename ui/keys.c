/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xmalloc.h"

static const struct action_info actions[ACT_COUNT] = {
    [ACT_NONE] = {"none", "", "", ""},
#define X(id, name, keys, help, group) [ACT_##id] = {name, keys, help, group},
    ACTIONS(X)
#undef X
};

struct binding {
	bool is_code;
	wint_t ch;
	enum action action;
};

#define MAX_BINDINGS 128
static struct binding bindings[MAX_BINDINGS];
static int nbindings;
static char labels[ACT_COUNT][48];

static const struct {
	const char *name;
	int code;
	const char *label;
} named_keys[] = {
    {"Left", KEY_LEFT, "←"},        {"Right", KEY_RIGHT, "→"},   {"Up", KEY_UP, "↑"},
    {"Down", KEY_DOWN, "↓"},        {"PageUp", KEY_PPAGE, "PgPréc"},
    {"PageDown", KEY_NPAGE, "PgSuiv"}, {"Home", KEY_HOME, "Début"}, {"End", KEY_END, "Fin"},
    {"BTab", KEY_BTAB, "Maj+Tab"},  {"Delete", KEY_DC, "Suppr"}, {"Insert", KEY_IC, "Inser"},
    {"F1", KEY_F(1), "F1"},         {"F2", KEY_F(2), "F2"},      {"F3", KEY_F(3), "F3"},
    {"F4", KEY_F(4), "F4"},         {"F5", KEY_F(5), "F5"},      {"F6", KEY_F(6), "F6"},
    {"F7", KEY_F(7), "F7"},         {"F8", KEY_F(8), "F8"},      {"F9", KEY_F(9), "F9"},
    {"F10", KEY_F(10), "F10"},      {"F11", KEY_F(11), "F11"},   {"F12", KEY_F(12), "F12"},
};

static const struct key_help field_keys[] = {
    {"lettres, chiffres", "du texte, jamais des commandes (q ne quitte pas)"},
    {"en arrivant", "la frappe remplace une valeur pré-remplie (surlignée)"},
    {"Tab/↓, Maj+Tab/↑", "champ suivant, précédent"},
    {"←/→, Espace", "déplacer le curseur ; changer un choix, cocher"},
    {"Ctrl+A/E, Ctrl+U/K", "début/fin ; effacer avant/après le curseur"},
    {"Entrée", "enregistrer"},
    {"Échap", "fermer ; si modifié, demande confirmation (o/n)"},
};

_Static_assert(sizeof field_keys / sizeof field_keys[0] <= KEYS_FIELD_HELP_MAX, "KEYS_FIELD_HELP_MAX");

const struct key_help *
keys_field_help(int *n)
{
	*n = (int)(sizeof field_keys / sizeof field_keys[0]);
	return field_keys;
}

const struct action_info *
keys_action(enum action a)
{
	return (unsigned)a < ACT_COUNT ? &actions[a] : &actions[ACT_NONE];
}

/* Parse one key name; fills is_code/ch and a label for help. */
static bool
key_parse(const char *name, bool *is_code, wint_t *ch, char *label, size_t labelsz)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcmp(name, named_keys[i].name) == 0) {
			*is_code = true;
			*ch = (wint_t)named_keys[i].code;
			snprintf(label, labelsz, "%s", named_keys[i].label);
			return true;
		}
	*is_code = false;
	if (strcmp(name, "Enter") == 0) {
		*ch = '\n';
		snprintf(label, labelsz, "Entrée");
		return true;
	}
	if (strcmp(name, "Escape") == 0) {
		*ch = 27;
		snprintf(label, labelsz, "Échap");
		return true;
	}
	if (strcmp(name, "Tab") == 0) {
		*ch = '\t';
		snprintf(label, labelsz, "Tab");
		return true;
	}
	if (strcmp(name, "Space") == 0) {
		*ch = ' ';
		snprintf(label, labelsz, "Espace");
		return true;
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && name[3] == '\0') {
		*ch = (wint_t)(name[2] - 'a' + 1);
		snprintf(label, labelsz, "Ctrl+%c", name[2] - 'a' + 'A');
		return true;
	}
	unsigned cp;
	int n = text_decode(name, &cp);
	if (n > 0 && name[n] == '\0' && cp >= 0x20) {
		*ch = (wint_t)cp;
		snprintf(label, labelsz, "%s", name);
		return true;
	}
	return false;
}

/* Replace the bindings of one action with the keys listed in text. */
static bool
bind_action(enum action a, const char *text, char **err)
{
	char *copy = xstrdup(text), *save = NULL;
	struct binding fresh[16];
	int n = 0;
	char label[48] = "";
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char one[16];
		if (n == 16 || !key_parse(w, &fresh[n].is_code, &fresh[n].ch, one, sizeof one)) {
			if (err)
				*err = xasprintf("touche inconnue « %s » pour %s", w, actions[a].name);
			free(copy);
			return false;
		}
		fresh[n++].action = a;
		if (strlen(label) + strlen(one) + 2 < sizeof label)
			snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s",
				 label[0] ? "/" : "", one);
	}
	free(copy);
	/* Drop the old bindings of this action, and any other action's on these keys. */
	int k = 0;
	for (int i = 0; i < nbindings; i++) {
		bool keep = bindings[i].action != a;
		for (int j = 0; keep && j < n; j++)
			if (bindings[i].is_code == fresh[j].is_code && bindings[i].ch == fresh[j].ch)
				keep = false;
		if (keep)
			bindings[k++] = bindings[i];
	}
	nbindings = k;
	for (int j = 0; j < n && nbindings < MAX_BINDINGS; j++)
		bindings[nbindings++] = fresh[j];
	snprintf(labels[a], sizeof labels[a], "%s", label);
	return true;
}

void
keys_init(void)
{
	nbindings = 0;
	for (int a = 1; a < ACT_COUNT; a++) {
		char *err = NULL;
		if (!bind_action((enum action)a, actions[a].keys, &err)) {
			fprintf(stderr, "rdv: touche par défaut invalide : %s\n", err);
			abort();
		}
	}
}

bool
keys_bind(const char *action_name, const char *keys, char **err)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (strcmp(actions[a].name, action_name) == 0)
			return bind_action((enum action)a, keys, err);
	*err = xasprintf("action inconnue « %s »", action_name);
	return false;
}

enum action
keys_lookup(wint_t ch, bool is_code)
{
	for (int i = 0; i < nbindings; i++)
		if (bindings[i].is_code == is_code && bindings[i].ch == ch)
			return bindings[i].action;
	return ACT_NONE;
}

int
keys_of(enum action a, wint_t *ch, bool *is_code, int max)
{
	int n = 0;
	for (int i = 0; i < nbindings && n < max; i++)
		if (bindings[i].action == a) {
			ch[n] = bindings[i].ch;
			is_code[n++] = bindings[i].is_code;
		}
	return n;
}

const char *
keys_label(enum action a)
{
	return (unsigned)a < ACT_COUNT ? labels[a] : "";
}

/* roff needs a backslash before a leading dot or quote, and before backslashes and hyphens. */
static void
roff_put(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '-')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void
keys_print(FILE *out, bool roff)
{
	const char *group = NULL;
	for (int a = 1; a < ACT_COUNT; a++) {
		const struct action_info *info = &actions[a];
		if (group == NULL || strcmp(group, info->group) != 0) {
			group = info->group;
			if (roff) {
				fputs(".SS ", out);
				roff_put(out, group);
				fputc('\n', out);
			} else {
				fprintf(out, "%s%s\n", a > 1 ? "\n" : "", group);
			}
		}
		if (roff) {
			fputs(".TP\n.B ", out);
			roff_put(out, labels[a]);
			fputc('\n', out);
			roff_put(out, info->help);
			fputs(" (", out);
			roff_put(out, info->name);
			fputs(")\n", out);
		} else {
			/* Pad by display width: labels hold arrows and accents. */
			fprintf(out, "  %s%*s %s%*s %s\n", labels[a], 16 - text_width(labels[a]), "",
				info->help, 40 - text_width(info->help), "", info->name);
		}
	}
}
