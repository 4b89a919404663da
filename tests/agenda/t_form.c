/* SPDX-License-Identifier: MIT */
/* The form widget's editing and validation, without a terminal. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "ui/form.h"

static void
type(struct form *f, const char *utf8)
{
	/* Feed the code points of a UTF-8 string as get_wch() would. */
	const unsigned char *s = (const unsigned char *)utf8;
	while (*s) {
		unsigned cp = *s;
		int len = 1;
		if (cp >= 0xF0) {
			cp &= 0x07;
			len = 4;
		} else if (cp >= 0xE0) {
			cp &= 0x0F;
			len = 3;
		} else if (cp >= 0xC0) {
			cp &= 0x1F;
			len = 2;
		}
		for (int i = 1; i < len; i++)
			cp = (cp << 6) | (s[i] & 0x3F);
		form_key(f, (wint_t)cp, false);
		s += len;
	}
}

int
main(void)
{
	struct form *f = form_new();
	int name = form_add_text(f, "Nom", NULL, true);
	int birth = form_add_date(f, "Date de naissance", false, 0, false);
	int at = form_add_time(f, "Heure", -1, true);
	int kind = form_add_choice(f, "Motif", true);
	form_choice_add(f, kind, 7, "Premier accueil");
	form_choice_add(f, kind, 8, "Suivi social");
	int box = form_add_check(f, "Samedis", false);

	type(f, "Hélène");
	is_str(form_text(f, name), "Hélène", "typed text, accents included");
	form_key(f, KEY_BACKSPACE, true);
	is_str(form_text(f, name), "Hélèn", "Backspace removes one character");
	form_key(f, KEY_LEFT, true);
	form_key(f, KEY_BACKSPACE, true);
	is_str(form_text(f, name), "Héln", "Backspace after ← removes the è (two bytes)");
	form_key(f, 1, false); /* Ctrl+A */
	type(f, "X");
	is_str(form_text(f, name), "XHéln", "Ctrl+A goes to the start");
	form_key(f, 11, false); /* Ctrl+K */
	is_str(form_text(f, name), "X", "Ctrl+K clears after the cursor");
	type(f, "q");
	is_str(form_text(f, name), "Xq", "q is a letter in a text field, not quit");

	is_int(form_key(f, '\t', false), FORM_CHANGED, "Tab moves on");
	is_int(f->focus, birth, "to the next field");
	type(f, "3a1/02/2026");
	is_str(form_text(f, birth), "31/02/2026", "a date field keeps digits and slashes only");

	char *err = NULL;
	ok(!form_validate(f, &err), "an impossible date does not validate");
	is_str(err, "Date de naissance : date invalide (JJ/MM/AAAA)", "the message names the field");
	free(err);
	err = NULL;
	is_int(f->focus, birth, "the focus moves to the field at fault");
	is_str(form_text(f, birth), "31/02/2026", "what was typed is kept");

	form_key(f, 21, false); /* Ctrl+U */
	is_str(form_text(f, birth), "", "Ctrl+U clears before the cursor");
	type(f, "28/02/2026");
	rdv_date d;
	ok(form_date(f, birth, &d) && d == cal_date(2026, 2, 28), "a valid date parses");

	ok(!form_validate(f, &err), "a required empty field does not validate");
	is_str(err, "Heure : champ obligatoire", "the message says it is required");
	free(err);
	err = NULL;
	is_int(f->focus, at, "the focus is on the missing field");
	type(f, "9h30");
	int m = 0;
	ok(form_time(f, at, &m) && m == 570, "9h30 reads as 09:30");

	form_key(f, KEY_DOWN, true);
	is_int(form_choice_id(f, kind), -1, "no choice yet");
	form_key(f, KEY_RIGHT, true);
	is_int(form_choice_id(f, kind), 7, "→ picks the first choice");
	form_key(f, KEY_RIGHT, true);
	is_int(form_choice_id(f, kind), 8, "→ again the next");
	form_key(f, 'p', false);
	is_int(form_choice_id(f, kind), 7, "a letter jumps to the choice starting with it");

	form_key(f, KEY_DOWN, true);
	form_key(f, ' ', false);
	ok(form_checked(f, box), "Space ticks a box");
	ok(form_validate(f, &err), "the form now validates");
	is_int(form_key(f, '\n', false), FORM_SUBMIT, "Entrée submits");
	is_int(form_key(f, 27, false), FORM_CANCEL, "Échap cancels");
	form_key(f, KEY_DOWN, true);
	is_int(f->focus, name, "↓ from the last field wraps to the first");
	form_free(f);
	form_free(NULL);

	/* Pre-filled fields (an rdv's times, a usager's birth date), as the agent finds them. */
	f = form_new();
	int start = form_add_time(f, "Début", 9 * 60, true);
	int end = form_add_time(f, "Fin", 10 * 60 + 30, true);
	int born = form_add_date(f, "Date de naissance", true, cal_date(1980, 3, 14), false);
	int note = form_add_text(f, "Note", "à rappeler", false);
	int motif = form_add_choice(f, "Motif", true);
	form_choice_add(f, motif, 7, "Premier accueil");
	form_choice_add(f, motif, 8, "Suivi social");
	ok(!form_dirty(f), "a form just filled by the program has no changes");
	type(f, "14:15");
	is_str(form_text(f, start), "14:15", "typing into the field just entered replaces 09:00");
	ok(form_dirty(f), "and the form now has changes");
	form_mark_clean(f);
	ok(!form_dirty(f), "form_mark_clean forgets them");
	form_key(f, '\t', false);
	is_int(f->focus, end, "Tab goes to the end time");
	form_key(f, KEY_HOME, true);
	type(f, "11");
	is_str(form_text(f, end), "11:30", "after a cursor move, a full time field is overwritten digit by digit");
	form_key(f, '\t', false);
	is_int(f->focus, born, "Tab goes to the birth date");
	type(f, "q");
	is_str(form_text(f, born), "14/03/1980", "q is not a date character: the birth date is kept");
	type(f, "02/01/1979");
	is_str(form_text(f, born), "02/01/1979", "a new date replaces the old one when typed on entry");
	form_key(f, '\t', false);
	form_key(f, KEY_END, true);
	type(f, " vite");
	is_str(form_text(f, note), "à rappeler vite", "after End, typing inserts");
	form_key(f, KEY_BTAB, true);
	form_key(f, '\t', false);
	type(f, " demain");
	is_str(form_text(f, note), "à rappeler vite demain",
	       "a text the agent typed is never replaced: coming back to it inserts");
	form_set_text(f, note, "note du dossier");
	form_key(f, KEY_BTAB, true);
	form_key(f, '\t', false);
	type(f, "Rappeler");
	is_str(form_text(f, note), "Rappeler", "a text set by the program is selected again on entry");
	form_key(f, KEY_BTAB, true);
	type(f, "03/04/1985");
	is_str(form_text(f, born), "03/04/1985", "a date, even typed before, is replaced on entry");
	form_key(f, '\t', false);
	form_key(f, '\t', false);
	form_mark_clean(f);
	form_key(f, KEY_RIGHT, true);
	ok(form_dirty(f), "changing a choice is a change");
	form_mark_clean(f);
	form_key(f, KEY_DOWN, true);
	form_key(f, KEY_UP, true);
	ok(!form_dirty(f), "moving between fields is not");
	(void)motif;
	form_free(f);
	return done_testing();
}
