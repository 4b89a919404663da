/* SPDX-License-Identifier: MIT */
/* The action table and theme files, parsed without a terminal. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "ui/embedded.h"
#include "ui/keys.h"
#include "ui/theme.h"

int
main(void)
{
	keys_init();
	is_int(keys_lookup('n', false), ACT_WEEK_NEXT, "n: next week");
	is_int(keys_lookup(KEY_NPAGE, true), ACT_WEEK_NEXT, "PageDown: next week");
	is_int(keys_lookup(KEY_LEFT, true), ACT_DAY_PREV, "←: previous day");
	is_int(keys_lookup('h', false), ACT_DAY_PREV, "h: previous day");
	is_int(keys_lookup('?', false), ACT_HELP, "?: help");
	is_int(keys_lookup(12, false), ACT_REFRESH, "Ctrl+L: refresh");
	is_int(keys_lookup('Z', false), ACT_NONE, "an unbound key does nothing");
	is_str(keys_label(ACT_WEEK_NEXT), "n/PgSuiv", "labels for help come from the table");

	/*
	 * TERM=vt100 sends no F5 to F12 (and no PageDown, Insert, Delete): every
	 * action bound to a function key must also have a plain key, a
	 * character or a control key, which every terminal sends.
	 */
	int with_fkey = 0, missing = 0;
	for (int a = 1; a < ACT_COUNT; a++) {
		wint_t ch[16];
		bool code[16];
		int n = keys_of((enum action)a, ch, code, 16);
		bool fkey = false, plain = false;
		for (int i = 0; i < n; i++) {
			if (code[i] && ch[i] >= KEY_F0 && ch[i] <= KEY_F(63))
				fkey = true;
			if (!code[i])
				plain = true;
		}
		if (fkey) {
			with_fkey++;
			if (!plain) {
				printf("# %s (%s) has no key but a function key\n", keys_action((enum action)a)->name,
				       keys_label((enum action)a));
				missing++;
			}
		}
	}
	ok(with_fkey >= 10, "the table binds function keys (%d actions)", with_fkey);
	is_int(missing, 0, "every action with a function key has a key every terminal sends");
	is_int(keys_lookup('5', false), ACT_GO_RDVS, "5 opens the Liste des RDV, as F5");
	is_int(keys_lookup('6', false), ACT_GO_ACCOUNT, "6 opens Mon compte, as F6");
	is_int(keys_lookup('7', false), ACT_GO_ADMIN, "7 opens the administration, as F7");
	is_int(keys_lookup(6, false), ACT_MERGE, "Ctrl+F opens the merge screen, as F10");
	is_str(keys_label(ACT_GO_RDVS), "F5/5", "the help shows both keys");

	char *err = NULL;
	ok(keys_bind("week-next", "N F5", &err), "a user binding replaces the defaults");
	is_int(keys_lookup('N', false), ACT_WEEK_NEXT, "N is now next week");
	is_int(keys_lookup('n', false), ACT_NONE, "n no longer is");
	is_str(keys_label(ACT_WEEK_NEXT), "N/F5", "and the help follows");
	ok(!keys_bind("week-next", "Hyper-X", &err), "an unknown key name is refused");
	is_str(err, "touche inconnue « Hyper-X » pour week-next", "with a message naming it");
	free(err);
	err = NULL;
	ok(!keys_bind("fly", "x", &err), "an unknown action is refused");
	is_str(err, "action inconnue « fly »", "with a message naming it");
	free(err);
	err = NULL;

	int parsed = 0, total = 0;
	for (const struct embedded_file *f = embedded_themes; f->name; f++, total++)
		if (theme_parse(f->text, f->name, &err))
			parsed++;
		else {
			printf("# %s\n", err);
			free(err);
			err = NULL;
		}
	is_int(total, 4, "four themes are built in");
	is_int(parsed, total, "every built-in theme parses");
	ok(!theme_parse("normal default default\nagenda.plage #00ff00\n", "t.theme", &err),
	   "a line without a background is refused");
	is_str(err, "t.theme:2 : couleurs de texte et de fond attendues (« agenda.plage »)",
	       "the message names the file and line");
	free(err);
	err = NULL;
	ok(!theme_parse("# comment\nbogus red blue\n", "u.theme", &err), "an unknown slot is refused");
	is_str(err, "u.theme:2 : emplacement inconnu (« bogus »)", "the message names the slot");
	free(err);
	err = NULL;
	ok(!theme_parse("cursor #12345g default\n", "v.theme", &err), "a bad RGB colour is refused");
	free(err);
	err = NULL;
	ok(!theme_parse("cursor 256 default\n", "w.theme", &err), "a colour past 255 is refused");
	free(err);
	err = NULL;
	ok(theme_parse("cursor colour208 #FFAF00 bold underline # trailing comment\n", "x.theme", &err),
	   "numbers, RGB, attributes and a trailing comment parse");
	ok(!theme_parse("cursor red blue sparkly\n", "y.theme", &err), "an unknown attribute is refused");
	is_str(err, "y.theme:1 : attribut inconnu (« cursor »)", "the message names the line");
	free(err);
	return done_testing();
}
