/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_KEYS_H
#define RDV_UI_KEYS_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

/*
 * Actions are data: one table gives each its configuration name, default
 * keys, French help text and group. The help screen, the status-line hints,
 * the configuration parser and the man page all come from it.
 *
 * Every action bound to a function key also has a key that every terminal
 * sends (TERM=vt100 has no F5 to F12): a digit mirrors each screen's
 * function key, a control key the others. A unit test holds this.
 */
#define ACTIONS(X)                                                                          \
	X(HELP, "help", "? F1", "Aide : liste des touches", "Général")                      \
	X(QUIT, "quit", "q", "Quitter", "Général")                                           \
	X(REFRESH, "refresh", "C-l", "Recharger et redessiner", "Général")                   \
	X(CANCEL, "cancel", "Escape", "Fermer, annuler", "Général")                          \
	X(SELECT, "select", "Enter", "Valider, ouvrir", "Général")                           \
	X(GO_AGENDA, "go-agenda", "F2 2", "Aller à l'agenda", "Navigation")                    \
	X(GO_SEARCH, "go-search", "F3 3", "Trouver un RDV", "Navigation")                      \
	X(GO_ADMIN, "go-admin", "F7 7", "Administration (motifs, lieux, agents)", "Navigation")  \
	X(GO_RDVS, "go-rdvs", "F5 5", "Liste des RDV", "Navigation")                       \
	X(GO_ACCOUNT, "go-account", "F6 6", "Mon compte", "Navigation")                     \
	X(GO_USAGERS, "go-usagers", "F4 4", "Usagers : recherche, fiches, doublons", "Navigation") \
	X(DAY_PREV, "day-prev", "Left h", "Jour précédent", "Agenda")                        \
	X(DAY_NEXT, "day-next", "Right l", "Jour suivant", "Agenda")                         \
	X(SLOT_PREV, "slot-prev", "Up k", "Créneau précédent", "Agenda")                     \
	X(SLOT_NEXT, "slot-next", "Down j", "Créneau suivant", "Agenda")                     \
	X(WEEK_PREV, "week-prev", "p PageUp", "Semaine précédente", "Agenda")                \
	X(WEEK_NEXT, "week-next", "n PageDown", "Semaine suivante", "Agenda")                \
	X(TODAY, "today", "t", "Aujourd'hui", "Agenda")                                      \
	X(VIEW, "view", "v", "Vue jour / vue semaine", "Agenda")                               \
	X(AGENTS, "agents", "a", "Agendas affichés (plusieurs agents côte à côte)", "Agenda")  \
	X(TO_FILL, "to-fill", "u", "Rendez-vous passés à renseigner", "Agenda")               \
	X(NEW_RDV, "new-rdv", "r", "Nouveau rendez-vous au curseur", "Agenda")                 \
	X(NEW_PLAGE, "new-plage", "o", "Nouvelle plage d'ouverture au curseur", "Agenda")      \
	X(NEW_ABSENCE, "new-absence", "i", "Nouvelle indisponibilité au curseur", "Agenda")    \
	X(EDIT, "edit", "e", "Modifier l'élément sous le curseur", "Agenda")                   \
	X(DELETE, "delete", "Delete x", "Supprimer l'élément sous le curseur", "Agenda")       \
	X(STATUS, "status", "s", "Statut du rendez-vous sous le curseur", "Agenda")           \
	X(FILTER, "filter", "f /", "Filtrer la liste des RDV", "Liste des RDV")              \
	X(EXPORT_XLSX, "export-xlsx", "X", "Exporter la liste en .xlsx", "Liste des RDV")   \
	X(EXPORT_PDF, "export-pdf", "P", "Exporter la liste en .pdf", "Liste des RDV")      \
	X(SAVE, "save", "w", "Enregistrer l'export sous…", "Mon compte")                   \
	X(JUMP_NEXT, "jump-next", "d", "Aller à la prochaine disponibilité", "Trouver un RDV") \
	X(NEW, "new", "C-n Insert", "Nouvel usager, nouvel élément", "Trouver un RDV")       \
	X(UNLINK, "unlink", "F8 C-r", "Retirer le dernier usager du rendez-vous", "Trouver un RDV") \
	X(EDIT_USAGER, "edit-usager", "m", "Modifier la fiche de l'usager", "Usagers") \
	X(MERGE, "merge", "F10 C-f", "Fusionner deux usagers", "Usagers")                \
	X(DUPLICATES, "duplicates", "F9 C-d", "Doublons probables", "Usagers")

enum action {
	ACT_NONE,
#define X(id, name, keys, help, group) ACT_##id,
	ACTIONS(X)
#undef X
	ACT_COUNT
};

struct action_info {
	const char *name;
	const char *keys;   /* default keys, space-separated names */
	const char *help;
	const char *group;
};

/* Borrowed; index by enum action. */
const struct action_info *keys_action(enum action a);

/*
 * Build the binding table from the defaults; a default that does not parse
 * is a programming error and aborts.
 */
void keys_init(void);
/*
 * Rebind an action from a user setting ("bind.week-next = N PageDown").
 * False with *err (caller frees) when the action or a key name is unknown.
 */
bool keys_bind(const char *action_name, const char *keys, char **err);

/* The action for a key from get_wch() (is_code: KEY_CODE_YES). */
enum action keys_lookup(wint_t ch, bool is_code);

/*
 * The keys bound to an action now, at most max: ch[i] from get_wch(),
 * is_code[i] for KEY_* codes. Returns how many.
 */
int keys_of(enum action a, wint_t *ch, bool *is_code, int max);

/*
 * The keymap of a focused text field (ui/form.c reads these keys raw, not
 * through the action table): what each does, for the help screen. A
 * printable key there is text, never an action (ui/app.c). *n gets the count.
 */
struct key_help {
	const char *keys, *help;
};
#define KEYS_FIELD_HELP_MAX 16
const struct key_help *keys_field_help(int *n);

/* How the keys of an action read in help text, e.g. "←/h". Borrowed. */
const char *keys_label(enum action a);

/*
 * Print the key table: plain text, or roff for the man page (the man page's
 * KEYS section is generated from this, so it cannot drift from the code).
 */
void keys_print(FILE *out, bool roff);

#endif
