/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/sms.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

struct sms_provider {
	const char *name;
	enum sms_outcome (*send)(const struct notify_sms *sms, const char *to_e164,
	                         const char *text, char **provider_id, char **error);
};

/* A response body, capped. */
struct reply {
	char *s;
	size_t len;
};

static size_t
reply_write(char *data, size_t size, size_t n, void *user)
{
	struct reply *r = user;
	size_t k = size * n;
	if (r->len + k > 65536)
		return k; /* drop the rest */
	r->s = xrealloc(r->s, r->len + k + 1);
	memcpy(r->s + r->len, data, k);
	r->len += k;
	r->s[r->len] = '\0';
	return k;
}

/* A short printable excerpt of a response body for the error text. Caller frees. */
static char *
excerpt(const char *s)
{
	if (s == NULL)
		return xstrdup("");
	json_error_t jerr;
	json_t *j = json_loads(s, 0, &jerr);
	const char *msg = json_string_value(json_object_get(j, "message"));
	const char *code = json_string_value(json_object_get(j, "code"));
	char *out;
	if (msg || code)
		out = xasprintf("%s%s%s", code ? code : "", code && msg ? " : " : "", msg ? msg : "");
	else
		out = xasprintf("%.200s", s);
	json_decref(j);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return out;
}

static enum sms_outcome
brevo_send(const struct notify_sms *sms, const char *to_e164, const char *text,
           char **provider_id, char **error)
{
	const char *base = sms->url && *sms->url ? sms->url : "https://api.brevo.com";
	size_t bl = strlen(base);
	char *url = xasprintf("%.*s/v3/transactionalSMS/sms", (int)(base[bl - 1] == '/' ? bl - 1 : bl),
	                      base);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "sender", sms->sender ? sms->sender : "",
	                         "recipient", to_e164[0] == '+' ? to_e164 + 1 : to_e164, "content",
	                         text, "type", "transactional");
	char *json = json_dumps(body, JSON_COMPACT);
	json_decref(body);

	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		free(url);
		free(json);
		*error = xstrdup("libcurl : initialisation impossible");
		return SMS_RETRY;
	}
	struct curl_slist *headers = NULL;
	char *key = xasprintf("api-key: %s", sms->api_key ? sms->api_key : "");
	headers = curl_slist_append(headers, key);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Accept: application/json");
	struct reply r = {0};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, reply_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, sms->timeout_s > 0 ? sms->timeout_s : 30L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	enum sms_outcome out;
	if (rc != CURLE_OK) {
		*error = xasprintf("SMS : %s (%s)", curl_easy_strerror(rc), errbuf[0] ? errbuf : "-");
		out = SMS_RETRY;
	} else if (status >= 200 && status < 300) {
		json_error_t jerr;
		json_t *j = json_loads(r.s ? r.s : "", 0, &jerr);
		json_t *id = json_object_get(j, "messageId");
		json_t *ref = json_object_get(j, "reference");
		if (json_is_integer(id))
			*provider_id = xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
		else if (json_is_string(id))
			*provider_id = xstrdup(json_string_value(id));
		else if (json_is_string(ref))
			*provider_id = xstrdup(json_string_value(ref));
		json_decref(j);
		out = SMS_SENT;
	} else {
		char *why = excerpt(r.s);
		*error = xasprintf("SMS : réponse %ld du fournisseur%s%s", status, *why ? " : " : "", why);
		free(why);
		/*
		 * 4xx but 408/429: this message (number, content) or our account
		 * is refused; 401/403 (bad key) concern every message: retry.
		 */
		out = status >= 500 || status == 408 || status == 429 || status == 401 || status == 403
		          ? SMS_RETRY
		          : SMS_REFUSED;
	}
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	free(key);
	free(url);
	free(json);
	free(r.s);
	return out;
}

static const struct sms_provider providers[] = {
    {"brevo", brevo_send},
};

bool
notify_sms_provider_known(const char *name)
{
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (name && strcmp(providers[i].name, name) == 0)
			return true;
	return false;
}

bool
notify_sms_sender_ok(const char *sender)
{
	if (sender == NULL || *sender == '\0')
		return false;
	size_t n = strlen(sender);
	bool digits = true, alnum = true;
	for (const char *p = sender; *p; p++) {
		if (!isdigit((unsigned char)*p))
			digits = false;
		if (!isalnum((unsigned char)*p) && *p != ' ')
			alnum = false;
	}
	return (digits && n <= 15) || (alnum && n <= 11);
}

enum sms_outcome
notify_sms_send(const struct notify_sms *sms, const char *to_e164, const char *text,
                char **provider_id, char **error)
{
	*provider_id = NULL;
	*error = NULL;
	if (to_e164 == NULL || to_e164[0] != '+') {
		*error = xstrdup("numéro de mobile absent ou invalide");
		return SMS_REFUSED;
	}
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (sms->provider && strcmp(providers[i].name, sms->provider) == 0)
			return providers[i].send(sms, to_e164, text, provider_id, error);
	*error = xstrdup("aucun fournisseur de SMS configuré");
	return SMS_RETRY;
}
