/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/notify.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "core/xmalloc.h"
#include "notify/ics.h"
#include "notify/mail.h"

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes. Caller frees. */
static char *
base64(const unsigned char *s, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		*o++ = b64_chars[(v >> 18) & 63];
		*o++ = b64_chars[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64_chars[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? b64_chars[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static bool
is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/*
 * A header value for any text, folded (RFC 5322 §2.2.3, RFC 2047 §2):
 * plain ASCII as is, folded at spaces so that no line passes 78
 * characters; any other text as RFC 2047 encoded words ("=?UTF-8?B?…?=",
 * at most 75 characters each, cut between characters), one per line, so
 * that no line passes 76. used: what the line already holds ("Subject: ").
 * Caller frees.
 */
static char *
header_text(const char *raw, size_t used)
{
	char *s = text_sanitize(raw);
	size_t n = strlen(s), len = 0, cap = n * 3 + 64;
	char *out = xmalloc(cap);
	out[0] = '\0';
	if (is_ascii_printable(s)) {
		/* Fold before a space when the word after it would pass the line. */
		size_t line = used;
		for (size_t i = 0; i < n;) {
			size_t j = i + 1;
			while (j < n && s[j] != ' ')
				j++;
			if (i > 0 && line + (j - i) > 78) {
				len += (size_t)sprintf(out + len, "\r\n");
				line = 0;
			}
			memcpy(out + len, s + i, j - i);
			len += j - i;
			out[len] = '\0';
			line += j - i;
			i = j;
		}
		free(s);
		return out;
	}
	for (size_t i = 0; i < n;) {
		/* 76 per line: "=?UTF-8?B?" and "?=" take 12, base64 the rest (4 per 3 bytes). */
		size_t room = (i == 0 ? 76 - used : 76 - 1) - 12;
		size_t max_bytes = room / 4 * 3;
		if (max_bytes > 45)
			max_bytes = 45; /* an encoded word is at most 75 characters */
		size_t j = i;
		while (j < n) {
			size_t k = j + 1;
			while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			if (k - i > max_bytes)
				break;
			j = k;
		}
		if (j == i)
			j = i + 1;
		char *enc = base64((const unsigned char *)s + i, j - i);
		size_t need = len + strlen(enc) + 16;
		if (need > cap) {
			cap = need * 2;
			out = xrealloc(out, cap);
		}
		len += (size_t)sprintf(out + len, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", enc);
		free(enc);
		i = j;
	}
	free(s);
	return out;
}

/* "Name <address>" for To:, the name quoted or encoded. Caller frees. */
static char *
header_address(const char *name, const char *email)
{
	if (name == NULL || *name == '\0')
		return xasprintf("<%s>", email);
	char *clean = text_sanitize(name);
	char *out;
	if (is_ascii_printable(clean) && strpbrk(clean, "\"\\") == NULL) {
		out = xasprintf("\"%s\" <%s>", clean, email);
	} else {
		char *enc = header_text(clean, 6);
		out = xasprintf("%s <%s>", enc, email);
		free(enc);
	}
	free(clean);
	return out;
}

/* An address fit for the SMTP envelope and headers: no brackets, spaces or controls. */
static bool
address_ok(const char *a)
{
	if (a == NULL || strchr(a, '@') == NULL)
		return false;
	for (; *a; a++)
		if ((unsigned char)*a <= 0x20 || *a == '<' || *a == '>' || *a == ',' || *a == 0x7f)
			return false;
	return true;
}

bool
notify_parse_from(const char *text, char **name, char **address)
{
	*name = *address = NULL;
	const char *lt = strchr(text, '<');
	if (lt == NULL) {
		if (!address_ok(text))
			return false;
		*address = xstrdup(text);
		return true;
	}
	const char *gt = strchr(lt, '>');
	if (gt == NULL || gt[1] != '\0' || strchr(lt + 1, '<') != NULL)
		return false;
	char *addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	if (!address_ok(addr)) {
		free(addr);
		return false;
	}
	/* The name: what precedes "<", trimmed, unquoted. */
	const char *a = text, *b = lt;
	while (a < b && (*a == ' ' || *a == '\t'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	if (b - a >= 2 && *a == '"' && b[-1] == '"') {
		a++;
		b--;
	}
	if (memchr(a, '"', (size_t)(b - a)) != NULL) {
		free(addr);
		return false;
	}
	*name = b > a ? xstrndup(a, (size_t)(b - a)) : NULL;
	*address = addr;
	return true;
}

static struct curl_slist *slist_addf(struct curl_slist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct curl_slist *
slist_addf(struct curl_slist *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	struct curl_slist *r = curl_slist_append(l, s);
	free(s);
	if (r == NULL)
		abort(); /* out of memory, as xmalloc does */
	return r;
}

/* Failures that say nothing about this message: try again later, all of them. */
static bool
curl_server_down(CURLcode rc, long response)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_LOGIN_DENIED:
		return true;
	default:
		return response == 421;
	}
}

bool
notify_smtp_send(const struct notify_smtp *smtp, const struct outbox_item *it, char **error,
                 bool *server_down)
{
	*error = NULL;
	*server_down = false;
	if (!address_ok(it->to_email)) {
		*error = xasprintf("adresse e-mail du destinataire invalide ou absente");
		return false;
	}
	if (!address_ok(smtp->from)) {
		*error =
		    xasprintf("adresse d'expédition invalide : %s", smtp->from ? smtp->from : "");
		*server_down = true;
		return false;
	}
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		*error = xstrdup("libcurl : initialisation impossible");
		*server_down = true;
		return false;
	}

	char *subject = notify_mail_subject(it);
	char *body = notify_mail_body(it);
	char *description = notify_mail_description(it);
	char *ics = notify_ics_build(it, smtp->from, smtp->from_name, description);
	char *filename = notify_mail_ics_filename(it);
	const char *method = notify_is_cancel(it) ? "CANCEL" : "REQUEST";

	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *domain = strchr(smtp->from, '@') + 1;
	char *to = header_address(it->to_name, it->to_email);
	char *subject_h = header_text(subject, strlen("Subject: "));
	char *from_h =
	    header_address(smtp->from_name ? smtp->from_name : "RDV Service Public", smtp->from);

	struct curl_slist *headers = NULL;
	headers = slist_addf(headers, "Date: %s", date);
	headers = slist_addf(headers, "From: %s", from_h);
	headers = slist_addf(headers, "To: %s", to);
	headers = slist_addf(headers, "Subject: %s", subject_h);
	/* One Message-ID per outbox row: a resent mail is recognisably the same. */
	headers = slist_addf(headers, "Message-ID: <%snotification-%lld@%s>",
	                     it->usager ? "usager-" : "", it->id, domain);
	headers = slist_addf(headers, "X-RDV-Notification: %s%lld %s", it->usager ? "u" : "",
	                     it->id, it->event);
	headers = slist_addf(headers, "Auto-Submitted: auto-generated");

	/*
	 * multipart/mixed
	 *   multipart/alternative: text/plain, text/calendar; method=…
	 *   application/ics attachment (the same calendar)
	 * as Google Calendar sends it; Outlook applies the text/calendar part.
	 */
	curl_mime *mime = curl_mime_init(curl);
	curl_mime *alt = curl_mime_init(curl);
	curl_mimepart *part = curl_mime_addpart(alt);
	curl_mime_data(part, body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, ics, CURL_ZERO_TERMINATED);
	char *cal_type = xasprintf("text/calendar; method=%s; charset=utf-8", method);
	curl_mime_type(part, cal_type);
	free(cal_type);
	curl_mime_encoder(part, "base64");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");
	part = curl_mime_addpart(mime);
	curl_mime_data(part, ics, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "application/ics");
	curl_mime_filename(part, filename);
	curl_mime_encoder(part, "base64");

	char *from_env = xasprintf("<%s>", smtp->from);
	char *rcpt_env = xasprintf("<%s>", it->to_email);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_env);
	char errbuf[CURL_ERROR_SIZE] = "";

	curl_easy_setopt(curl, CURLOPT_URL, smtp->url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_env);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, smtp->timeout_s > 0 ? smtp->timeout_s : 60L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
	                 smtp->tls == NOTIFY_TLS_REQUIRED ? (long)CURLUSESSL_ALL
	                 : smtp->tls == NOTIFY_TLS_OFF    ? (long)CURLUSESSL_NONE
	                                                  : (long)CURLUSESSL_TRY);
	if (smtp->user && *smtp->user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, smtp->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp->password ? smtp->password : "");
	}

	CURLcode rc = curl_easy_perform(curl);
	long response = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
	if (rc != CURLE_OK) {
		*server_down = curl_server_down(rc, response);
		size_t n = strlen(errbuf);
		while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == '\r'))
			errbuf[--n] = '\0';
		*error =
		    response > 0
		        ? xasprintf("SMTP : %s (%s ; réponse %ld)", curl_easy_strerror(rc),
		                    n ? errbuf : "-", response)
		        : xasprintf("SMTP : %s (%s)", curl_easy_strerror(rc), n ? errbuf : "-");
	}

	curl_easy_cleanup(curl);
	curl_mime_free(mime); /* frees alt too, owned by its part */
	curl_slist_free_all(headers);
	curl_slist_free_all(rcpt);
	free(from_env);
	free(rcpt_env);
	free(to);
	free(subject_h);
	free(from_h);
	free(subject);
	free(body);
	free(description);
	free(ics);
	free(filename);
	return rc == CURLE_OK;
}
