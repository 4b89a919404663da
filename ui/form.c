/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/form.h"

#include <curses.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xmalloc.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/theme.h"

#define DEFAULT_MAXLEN 255

struct form *
form_new(void)
{
	struct form *f = xcalloc(1, sizeof(struct form));
	f->entered = true;
	return f;
}

bool
form_dirty(const struct form *f)
{
	return f != NULL && f->dirty;
}

void
form_mark_clean(struct form *f)
{
	if (f)
		f->dirty = false;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->n; i++) {
		struct form_field *fl = &f->fields[i];
		free(fl->label);
		free(fl->text);
		free(fl->hint);
		for (int c = 0; c < fl->nchoices; c++)
			free(fl->choices[c].label);
		free(fl->choices);
	}
	free(f->fields);
	free(f);
}

static int
form_add(struct form *f, enum field_kind kind, const char *label, const char *text, bool required)
{
	f->fields = xreallocarray(f->fields, (size_t)f->n + 1, sizeof *f->fields);
	struct form_field *fl = &f->fields[f->n];
	memset(fl, 0, sizeof *fl);
	fl->kind = kind;
	fl->label = xstrdup(label);
	fl->text = xstrdup(text ? text : "");
	fl->cursor = strlen(fl->text);
	fl->choice = -1;
	fl->required = required;
	fl->maxlen = DEFAULT_MAXLEN;
	return f->n++;
}

int
form_add_text(struct form *f, const char *label, const char *initial, bool required)
{
	return form_add(f, FIELD_TEXT, label, initial, required);
}

int
form_add_date(struct form *f, const char *label, bool have, rdv_date initial, bool required)
{
	char buf[11] = "";
	if (have)
		cal_format_date_fr(initial, buf);
	int i = form_add(f, FIELD_DATE, label, buf, required);
	form_set_hint(f, i, "JJ/MM/AAAA");
	f->fields[i].maxlen = 10;
	return i;
}

int
form_add_time(struct form *f, const char *label, int minute_of_day, bool required)
{
	char buf[6] = "";
	if (minute_of_day >= 0)
		cal_format_hhmm(minute_of_day, buf);
	int i = form_add(f, FIELD_TIME, label, buf, required);
	form_set_hint(f, i, "HH:MM");
	f->fields[i].maxlen = 5;
	return i;
}

int
form_add_number(struct form *f, const char *label, long initial, bool have, bool required)
{
	char buf[24] = "";
	if (have)
		snprintf(buf, sizeof buf, "%ld", initial);
	int i = form_add(f, FIELD_NUMBER, label, buf, required);
	f->fields[i].maxlen = 9;
	return i;
}

int
form_add_choice(struct form *f, const char *label, bool required)
{
	return form_add(f, FIELD_CHOICE, label, NULL, required);
}

void
form_choice_add(struct form *f, int field, int id, const char *label)
{
	struct form_field *fl = &f->fields[field];
	fl->choices = xreallocarray(fl->choices, (size_t)fl->nchoices + 1, sizeof *fl->choices);
	fl->choices[fl->nchoices].id = id;
	fl->choices[fl->nchoices].label = xstrdup(label);
	fl->nchoices++;
}

void
form_choice_clear(struct form *f, int field)
{
	struct form_field *fl = &f->fields[field];
	for (int c = 0; c < fl->nchoices; c++)
		free(fl->choices[c].label);
	free(fl->choices);
	fl->choices = NULL;
	fl->nchoices = 0;
	fl->choice = -1;
}

void
form_choice_select(struct form *f, int field, int id)
{
	struct form_field *fl = &f->fields[field];
	fl->choice = -1;
	for (int c = 0; c < fl->nchoices; c++)
		if (fl->choices[c].id == id)
			fl->choice = c;
}

int
form_add_check(struct form *f, const char *label, bool checked)
{
	int i = form_add(f, FIELD_CHECK, label, NULL, false);
	f->fields[i].checked = checked;
	return i;
}

void
form_set_hint(struct form *f, int field, const char *hint)
{
	free(f->fields[field].hint);
	f->fields[field].hint = hint ? xstrdup(hint) : NULL;
}

void
form_set_text(struct form *f, int field, const char *text)
{
	struct form_field *fl = &f->fields[field];
	free(fl->text);
	fl->text = xstrdup(text ? text : "");
	fl->cursor = strlen(fl->text);
	fl->typed = false;
}

/*
 * Whether the next character typed replaces the field's content: the focus
 * just came to it and it holds a value the agent did not type here (a free
 * text the agent typed is never thrown away by one key).
 */
static bool
form_selected(const struct form *f, const struct form_field *fl)
{
	return f->entered && fl->text[0] != '\0' && (fl->kind != FIELD_TEXT || !fl->typed);
}

/* Byte offset of the character before / after the cursor. */
static size_t
prev_char(const char *s, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static size_t
next_char(const char *s, size_t at)
{
	if (s[at] == '\0')
		return at;
	at++;
	while (s[at] != '\0' && ((unsigned char)s[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void
text_delete(struct form_field *fl, size_t from, size_t to)
{
	memmove(fl->text + from, fl->text + to, strlen(fl->text + to) + 1);
	fl->cursor = from;
}

/* Which characters a field accepts as typed. */
static bool
accepts(const struct form_field *fl, unsigned cp)
{
	switch (fl->kind) {
	case FIELD_DATE:
		return (cp >= '0' && cp <= '9') || cp == '/';
	case FIELD_TIME:
		return (cp >= '0' && cp <= '9') || cp == ':' || cp == 'h';
	case FIELD_NUMBER:
		return (cp >= '0' && cp <= '9') || cp == '-';
	default:
		return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F);
	}
}

static bool
text_insert(struct form_field *fl, unsigned cp)
{
	char buf[5];
	int n;
	if (cp < 0x80) {
		buf[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		buf[0] = (char)(0xF0 | (cp >> 18));
		buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	size_t len = strlen(fl->text);
	size_t max = fl->maxlen ? fl->maxlen : DEFAULT_MAXLEN;
	if (len + (size_t)n > max) {
		/* A full date or time: overwrite the digit at the cursor, skipping separators. */
		if ((fl->kind != FIELD_DATE && fl->kind != FIELD_TIME) || n != 1)
			return false;
		while (fl->text[fl->cursor] == '/' || fl->text[fl->cursor] == ':')
			fl->cursor++;
		if (fl->text[fl->cursor] == '\0')
			return false;
		fl->text[fl->cursor++] = buf[0];
		return true;
	}
	fl->text = xrealloc(fl->text, len + (size_t)n + 1);
	memmove(fl->text + fl->cursor + n, fl->text + fl->cursor, len - fl->cursor + 1);
	memcpy(fl->text + fl->cursor, buf, (size_t)n);
	fl->cursor += (size_t)n;
	return true;
}

static enum form_result
focus_move(struct form *f, int delta)
{
	if (f->n == 0)
		return FORM_NONE;
	f->focus = (f->focus + delta + f->n) % f->n;
	f->entered = true;
	return FORM_CHANGED;
}

static enum form_result
form_key_field(struct form *f, wint_t ch, bool is_code)
{
	if (f->n == 0)
		return FORM_NONE;
	struct form_field *fl = &f->fields[f->focus];
	bool text = fl->kind != FIELD_CHOICE && fl->kind != FIELD_CHECK;
	if (is_code) {
		switch (ch) {
		case KEY_UP:
		case KEY_BTAB:
			return focus_move(f, -1);
		case KEY_DOWN:
			return focus_move(f, 1);
		case KEY_ENTER:
			return FORM_SUBMIT;
		case KEY_LEFT:
			if (fl->kind == FIELD_CHOICE && fl->nchoices > 0) {
				fl->choice = fl->choice <= 0 ? fl->nchoices - 1 : fl->choice - 1;
				return FORM_CHANGED;
			}
			if (text)
				fl->cursor = prev_char(fl->text, fl->cursor);
			return FORM_CHANGED;
		case KEY_RIGHT:
			if (fl->kind == FIELD_CHOICE && fl->nchoices > 0) {
				fl->choice = (fl->choice + 1) % fl->nchoices;
				return FORM_CHANGED;
			}
			if (text)
				fl->cursor = next_char(fl->text, fl->cursor);
			return FORM_CHANGED;
		case KEY_HOME:
			fl->cursor = 0;
			return FORM_CHANGED;
		case KEY_END:
			fl->cursor = strlen(fl->text);
			return FORM_CHANGED;
		case KEY_BACKSPACE:
			if (text && fl->cursor > 0)
				text_delete(fl, prev_char(fl->text, fl->cursor), fl->cursor);
			return FORM_CHANGED;
		case KEY_DC:
			if (text)
				text_delete(fl, fl->cursor, next_char(fl->text, fl->cursor));
			return FORM_CHANGED;
		default:
			return FORM_NONE;
		}
	}
	switch (ch) {
	case '\t':
		return focus_move(f, 1);
	case '\n':
	case '\r':
		return FORM_SUBMIT;
	case 27:
		return FORM_CANCEL;
	case 127:
	case 8:
		if (text && fl->cursor > 0)
			text_delete(fl, prev_char(fl->text, fl->cursor), fl->cursor);
		return FORM_CHANGED;
	case 1: /* Ctrl+A */
		fl->cursor = 0;
		return FORM_CHANGED;
	case 5: /* Ctrl+E */
		fl->cursor = strlen(fl->text);
		return FORM_CHANGED;
	case 21: /* Ctrl+U: clear before the cursor */
		if (text)
			text_delete(fl, 0, fl->cursor);
		return FORM_CHANGED;
	case 11: /* Ctrl+K: clear after the cursor */
		if (text)
			fl->text[fl->cursor] = '\0';
		return FORM_CHANGED;
	default:
		break;
	}
	if (fl->kind == FIELD_CHECK && ch == ' ') {
		fl->checked = !fl->checked;
		return FORM_CHANGED;
	}
	if (fl->kind == FIELD_CHOICE && fl->nchoices > 0) {
		if (ch == ' ') {
			fl->choice = (fl->choice + 1) % fl->nchoices;
			return FORM_CHANGED;
		}
		/* A letter jumps to the next choice starting with it. */
		if (ch < 0x80 && isalnum((int)ch)) {
			for (int k = 1; k <= fl->nchoices; k++) {
				int c = (fl->choice + k + fl->nchoices) % fl->nchoices;
				if (tolower((unsigned char)fl->choices[c].label[0]) == tolower((int)ch)) {
					fl->choice = c;
					return FORM_CHANGED;
				}
			}
		}
		return FORM_NONE;
	}
	if (text && accepts(fl, (unsigned)ch)) {
		if (!text_insert(fl, (unsigned)ch))
			beep();
		return FORM_CHANGED;
	}
	return FORM_NONE;
}

enum form_result
form_key(struct form *f, wint_t ch, bool is_code)
{
	if (f->n == 0)
		return FORM_NONE;
	struct form_field *fl = &f->fields[f->focus];
	bool text = fl->kind != FIELD_CHOICE && fl->kind != FIELD_CHECK;
	/* The first character typed into a field just entered replaces its content. */
	if (text && form_selected(f, fl) && !is_code && ch >= 0x20 && accepts(fl, (unsigned)ch)) {
		fl->text[0] = '\0';
		fl->cursor = 0;
		f->dirty = true;
	}
	char *before = xstrdup(fl->text);
	int choice = fl->choice;
	bool checked = fl->checked, entered = f->entered;
	/* Any key handled in the field (a cursor move, an edit) means insert from now on;
	 * a move to another field sets it again. */
	f->entered = false;
	enum form_result r = form_key_field(f, ch, is_code);
	if (r == FORM_NONE)
		f->entered = entered;
	if (strcmp(before, fl->text) != 0)
		fl->typed = true;
	if (strcmp(before, fl->text) != 0 || choice != fl->choice || checked != fl->checked)
		f->dirty = true;
	free(before);
	return r;
}

/*
 * The focused field for screen readers: "Motif : Premier accueil, choix 2
 * sur 5, obligatoire", "Date : date JJ/MM/AAAA".
 */
static void
form_focus(const struct form_field *fl, int y, int x)
{
	char value[320];
	switch (fl->kind) {
	case FIELD_CHECK:
		snprintf(value, sizeof value, "case %s", fl->checked ? "cochée" : "non cochée");
		break;
	case FIELD_CHOICE:
		if (fl->choice >= 0)
			snprintf(value, sizeof value, "%s, choix %d sur %d", fl->choices[fl->choice].label,
				 fl->choice + 1, fl->nchoices);
		else
			snprintf(value, sizeof value, "aucun choix, %d possibles", fl->nchoices);
		break;
	default:
		/* Not the value: it is on the cursor's line, and typing must not make news at each key. */
		snprintf(value, sizeof value, "%s%s%s",
			 fl->kind == FIELD_DATE ? "date" : fl->kind == FIELD_TIME ? "heure"
			 : fl->kind == FIELD_NUMBER ? "nombre" : "texte",
			 fl->hint ? " " : "", fl->hint ? fl->hint : "");
		break;
	}
	/* Labels may end with their own colon ("Rechercher :"). */
	size_t n = strlen(fl->label);
	while (n > 0 && (fl->label[n - 1] == ':' || fl->label[n - 1] == ' '))
		n--;
	focus_set(y, x, NULL);
	focus_describe("%.*s : %s%s", (int)n, fl->label, value, fl->required ? ", obligatoire" : "");
}

int
form_draw(const struct form *f, int y, int x, int width, int label_width)
{
	int value_w = width - label_width - 1;
	for (int i = 0; i < f->n; i++) {
		const struct form_field *fl = &f->fields[i];
		bool focused = i == f->focus;
		char *label = xasprintf("%s%s", fl->label, fl->required ? " *" : "");
		draw_text_pad(y + i, x, label_width, focused ? theme_attr(SLOT_HEADER) : theme_attr(SLOT_NORMAL),
			      label);
		free(label);
		int attr = focused ? theme_attr(SLOT_CURSOR) : (int)(theme_attr(SLOT_NORMAL) | A_UNDERLINE);
		int vx = x + label_width + 1;
		if (focused)
			form_focus(fl, y + i, vx);
		switch (fl->kind) {
		case FIELD_CHECK:
			draw_text(y + i, vx, value_w, attr, fl->checked ? "[x]" : "[ ]");
			break;
		case FIELD_CHOICE: {
			const char *v = fl->choice >= 0 ? fl->choices[fl->choice].label : "—";
			char *shown = xasprintf("‹ %s ›", v);
			draw_text_pad(y + i, vx, value_w, attr, shown);
			free(shown);
			break;
		}
		default: {
			/* Scroll long texts so the cursor stays visible. */
			char *before = xstrndup(fl->text, fl->cursor);
			int cw = text_width(before);
			free(before);
			int box = value_w - (fl->hint ? text_width(fl->hint) + 2 : 0);
			if (box < 8)
				box = value_w;
			const char *shown = fl->text;
			while (cw >= box && *shown) {
				size_t step = next_char(shown, 0);
				char *one = xstrndup(shown, step);
				cw -= text_width(one);
				free(one);
				shown += step;
			}
			draw_text_pad(y + i, vx, box, attr, shown);
			/* A field just entered is selected: the text typed next replaces it. Say so. */
			if (focused && form_selected(f, fl))
				draw_text(y + i, vx, box, attr ^ A_REVERSE, shown);
			if (fl->hint && box < value_w)
				draw_text(y + i, vx + box + 1, value_w - box - 1, theme_attr(SLOT_GRID), fl->hint);
			if (focused)
				draw_cursor_at(y + i, vx + cw);
			break;
		}
		}
	}
	return f->n;
}

const char *
form_text(const struct form *f, int field)
{
	return f->fields[field].text;
}

bool
form_empty(const struct form *f, int field)
{
	const char *s = f->fields[field].text;
	if (f->fields[field].kind == FIELD_CHOICE)
		return f->fields[field].choice < 0;
	while (*s == ' ')
		s++;
	return *s == '\0';
}

bool
form_date(const struct form *f, int field, rdv_date *out)
{
	return cal_parse_date_fr(f->fields[field].text, out);
}

bool
form_time(const struct form *f, int field, int *minute_of_day)
{
	char buf[8];
	const char *t = f->fields[field].text;
	/* Accept 9h30 and 9:30 as well as 09:30. */
	if (strlen(t) == 4 && (t[1] == ':' || t[1] == 'h')) {
		snprintf(buf, sizeof buf, "0%c:%s", t[0], t + 2);
		t = buf;
	} else if (strlen(t) == 5 && t[2] == 'h') {
		snprintf(buf, sizeof buf, "%c%c:%s", t[0], t[1], t + 3);
		t = buf;
	}
	return cal_parse_hhmm(t, minute_of_day) && *minute_of_day < CAL_MIN_PER_DAY;
}

bool
form_number(const struct form *f, int field, long *out)
{
	const char *t = f->fields[field].text;
	char *end;
	if (*t == '\0')
		return false;
	long v = strtol(t, &end, 10);
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

int
form_choice_id(const struct form *f, int field)
{
	const struct form_field *fl = &f->fields[field];
	return fl->choice >= 0 ? fl->choices[fl->choice].id : -1;
}

bool
form_checked(const struct form *f, int field)
{
	return f->fields[field].checked;
}

bool
form_validate(struct form *f, char **err)
{
	for (int i = 0; i < f->n; i++) {
		const struct form_field *fl = &f->fields[i];
		const char *problem = NULL;
		bool empty = form_empty(f, i);
		rdv_date d;
		int m;
		long v;
		if (empty) {
			if (fl->required)
				problem = "champ obligatoire";
		} else if (fl->kind == FIELD_DATE && !form_date(f, i, &d)) {
			problem = "date invalide (JJ/MM/AAAA)";
		} else if (fl->kind == FIELD_TIME && !form_time(f, i, &m)) {
			problem = "heure invalide (HH:MM)";
		} else if (fl->kind == FIELD_NUMBER && !form_number(f, i, &v)) {
			problem = "nombre entier attendu";
		}
		if (problem) {
			f->focus = i;
			f->entered = true;
			*err = xasprintf("%s : %s", fl->label, problem);
			return false;
		}
	}
	return true;
}
