/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_FORM_H
#define RDV_UI_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "core/caltime.h"

/*
 * Forms: labelled fields edited from the keyboard. What the agent typed is
 * kept as typed until the form is freed: validation never clears a field,
 * it names the field and moves the focus there.
 *
 * Keys inside a form: printable characters insert at the cursor, except
 * right after the focus entered a pre-filled field: then the first one
 * replaces what the field held (as a selected field does in common form
 * toolkits). A date, time or number is always replaced that way; a text is
 * only while it holds what the program put there, never text the agent
 * typed. In a full date or time field they overwrite the character at the
 * cursor; ← → move
 * in a text (or change a choice); Backspace, Suppr, Début/Fin, Ctrl+A/E/U/K
 * edit; ↑ ↓ Tab Maj+Tab move between fields; Espace toggles a box or opens
 * the next choice; Entrée submits; Échap cancels.
 */

enum field_kind {
	FIELD_TEXT,
	FIELD_DATE,   /* JJ/MM/AAAA */
	FIELD_TIME,   /* HH:MM */
	FIELD_NUMBER, /* a whole number */
	FIELD_CHOICE, /* one of a list */
	FIELD_CHECK,  /* a box */
};

struct form_choice {
	int id;
	char *label;
};

struct form_field {
	enum field_kind kind;
	char *label;
	char *text;     /* TEXT, DATE, TIME, NUMBER: the value as typed */
	size_t cursor;  /* byte offset in text */
	struct form_choice *choices;
	int nchoices;
	int choice;     /* index, -1 = none */
	bool checked;
	bool required;
	size_t maxlen;  /* bytes; 0 = 255 */
	char *hint;     /* shown after the field, e.g. "JJ/MM/AAAA" */
	bool typed;     /* the text was edited from the keyboard, not set by the program */
};

struct form {
	struct form_field *fields;
	int n;
	int focus;
	bool entered;  /* the focus just came to this field: typing replaces it */
	bool dirty;    /* a key changed a value since form_new()/form_mark_clean() */
};

enum form_result {
	FORM_NONE,     /* the key was not for the form */
	FORM_CHANGED,  /* a value or the focus changed: redraw */
	FORM_SUBMIT,   /* Entrée */
	FORM_CANCEL,   /* Échap */
};

/* Caller frees with form_free(). */
struct form *form_new(void);
void form_free(struct form *f);

/* Each returns the field's index. Strings are copied. */
int form_add_text(struct form *f, const char *label, const char *initial, bool required);
int form_add_date(struct form *f, const char *label, bool have, rdv_date initial, bool required);
int form_add_time(struct form *f, const char *label, int minute_of_day, bool required);
int form_add_number(struct form *f, const char *label, long initial, bool have, bool required);
int form_add_choice(struct form *f, const char *label, bool required);
void form_choice_add(struct form *f, int field, int id, const char *label);
/* Remove every choice of a field (to offer others). */
void form_choice_clear(struct form *f, int field);
/* Select the choice with this id (or none when absent). */
void form_choice_select(struct form *f, int field, int id);
int form_add_check(struct form *f, const char *label, bool checked);
void form_set_hint(struct form *f, int field, const char *hint);
void form_set_text(struct form *f, int field, const char *text);

/* Whether the agent changed a value with the keyboard (values set by code do not count). */
bool form_dirty(const struct form *f);
/* Forget the changes made so far (after saving them). */
void form_mark_clean(struct form *f);

/* Handle a key (from get_wch: is_code for KEY_* codes). */
enum form_result form_key(struct form *f, wint_t ch, bool is_code);

/*
 * Draw the fields from row y, labels in label_width columns, values in the
 * rest of width; the focused field shows its cursor. Returns rows used.
 */
int form_draw(const struct form *f, int y, int x, int width, int label_width);

/* Values. Borrowed strings are valid until the field changes. */
const char *form_text(const struct form *f, int field);
bool form_date(const struct form *f, int field, rdv_date *out);
bool form_time(const struct form *f, int field, int *minute_of_day);
bool form_number(const struct form *f, int field, long *out);
int form_choice_id(const struct form *f, int field); /* -1 when none */
bool form_checked(const struct form *f, int field);
/* True when the field is empty (after trimming spaces). */
bool form_empty(const struct form *f, int field);

/*
 * Check required fields and formats. On the first problem: focus moves to
 * the field, *err gets a French message naming it (caller frees), false.
 */
bool form_validate(struct form *f, char **err);

#endif
