/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_GSM7_H
#define RDV_NOTIFY_GSM7_H

/*
 * The GSM 03.38 7-bit alphabet of SMS texts. A message of up to 160
 * septets goes as one SMS; a character outside the alphabet would switch
 * the whole message to UCS-2 (70 characters an SMS), so French accents the
 * alphabet lacks (â ê î ô û ç ë ï À È Ê …) are transliterated.
 */

#include <stddef.h>
#include <stdbool.h>

/* One SMS in the default alphabet. */
#define GSM7_SMS_SEPTETS 160

/*
 * The text with every character GSM-7 lacks replaced: accented letters by
 * their base letter (ç → c, ê → e, œ → oe), typographic quotes, dashes,
 * ellipsis and non-breaking spaces by their ASCII forms, anything else by
 * '?'. Control characters become spaces. Caller frees.
 */
char *gsm7_transliterate(const char *utf8);

/*
 * The septets the UTF-8 text takes in GSM-7 (the extension characters
 * ^ { } \ [ ] ~ | € take two), or (size_t)-1 when a character is not in the
 * alphabet.
 */
size_t gsm7_septets(const char *utf8);

#endif
