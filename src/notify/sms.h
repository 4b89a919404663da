/* SPDX-License-Identifier: MIT */
#ifndef RDV_NOTIFY_SMS_H
#define RDV_NOTIFY_SMS_H

/*
 * SMS to usagers through an HTTP provider (libcurl + jansson). A provider
 * is one entry of a table (name → send function); the only one today is
 * Brevo's transactional SMS API:
 *
 *   POST {url}/v3/transactionalSMS/sms
 *   api-key: {key}
 *   Content-Type: application/json, Accept: application/json
 *   {"sender": "...", "recipient": "33612345678", "content": "...",
 *    "type": "transactional"}
 *   → 201 {"reference": "...", "messageId": 1511882900176220, ...}
 *
 * (recipient: the E.164 number without its "+"). The configuration comes
 * from the config file or the environment, never from the database.
 */

#include <stdbool.h>

/* Borrowed strings. */
struct notify_sms {
	const char *provider; /* "brevo"; NULL: SMS disabled */
	const char *url;      /* base URL, default https://api.brevo.com (tests: loopback) */
	const char *api_key;
	const char *sender; /* ≤ 11 letters/digits, or ≤ 15 digits */
	long timeout_s;
};

enum sms_outcome {
	SMS_SENT,
	SMS_RETRY,     /* provider or network failure: try again later (all messages) */
	SMS_REFUSED,   /* this message refused for good (invalid number, …): do not retry */
};

/* Whether a provider of that name exists. */
bool notify_sms_provider_known(const char *name);

/* Whether the sender name is acceptable: 1–11 letters/digits/spaces, or 1–15 digits. */
bool notify_sms_sender_ok(const char *sender);

/*
 * Send text to an E.164 number. *provider_id: the provider's message id
 * (SMS_SENT; may stay NULL), *error: why not (otherwise). Caller frees both.
 */
enum sms_outcome notify_sms_send(const struct notify_sms *sms, const char *to_e164,
                                 const char *text, char **provider_id, char **error);

#endif
