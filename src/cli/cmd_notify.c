/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/text.h"
#include "core/xmalloc.h"
#include "db/db.h"
#include "notify/notify.h"
#include "config/config_file.h"

static int
notify_usage(FILE *out)
{
	fprintf(out,
	        "usage : rdv notify [--once] [--db CONNINFO] [--backoff S] [--backoff-max S]\n"
	        "Réglages SMTP : RDV_SMTP_URL, RDV_SMTP_USER, RDV_SMTP_PASSWORD, RDV_SMTP_FROM,\n"
	        "RDV_SMTP_STARTTLS, RDV_SMTP_TIMEOUT, ou smtp.url, smtp.user, … dans le fichier\n"
	        "de configuration. SMS : RDV_SMS_PROVIDER (brevo), RDV_SMS_API_KEY,\n"
	        "RDV_SMS_SENDER, RDV_SMS_URL, RDV_SMS_TIMEOUT, ou sms.provider, … Voir rdv(1).\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* The environment variable when set, else the config file's key. Caller frees. */
static char *
setting(const char *env, const char *key)
{
	const char *v = getenv(env);
	if (v && *v)
		return xstrdup(v);
	return config_get(key);
}

/* A whole number of seconds in [lo, hi]; false otherwise. */
static bool
parse_seconds(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void
on_stop_signal(int sig)
{
	(void)sig;
	notify_stop();
}

/* The options: -1 when the worker should run, else the exit status (usage, help). */
static int
notify_args(int argc, char **argv, struct notify_options *opt, const char **conninfo_arg)
{
	static const struct option longopts[] = {
	    {"once", no_argument, NULL, 'o'},
	    {"db", required_argument, NULL, 'd'},
	    {"backoff", required_argument, NULL, 'b'},
	    {"backoff-max", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	long v;
	optind = 1;
	opterr = 0; /* our own one-line French messages */
	int c;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt->once = true;
			break;
		case 'd':
			*conninfo_arg = optarg;
			break;
		case 'b':
			if (!parse_seconds(optarg, 1, 86400, &v))
				return cli_usage_error(
				    "--backoff : nombre de secondes entre 1 et 86400 "
				    "attendu, pas « %s »",
				    optarg);
			opt->backoff_s = (int)v;
			break;
		case 'm':
			if (!parse_seconds(optarg, 1, 604800, &v))
				return cli_usage_error(
				    "--backoff-max : nombre de secondes entre 1 et "
				    "604800 attendu, pas « %s »",
				    optarg);
			opt->backoff_max_s = (int)v;
			break;
		case 'h':
			return notify_usage(stdout);
		case ':':
			return cli_usage_error("notify : l'option « %s » attend une valeur",
			                       argv[optind - 1]);
		default:
			return cli_usage_error("notify : option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("notify : argument inattendu « %s »", argv[optind]);
	return -1;
}

/* STARTTLS and the SMTP timeout; false after one line on stderr when wrong. */
static bool
smtp_settings(struct notify_options *opt, const char *starttls, const char *timeout)
{
	long v;
	if (starttls) {
		if (strcmp(starttls, "try") == 0)
			opt->smtp.tls = NOTIFY_TLS_TRY;
		else if (strcmp(starttls, "required") == 0 || strcmp(starttls, "yes") == 0)
			opt->smtp.tls = NOTIFY_TLS_REQUIRED;
		else if (strcmp(starttls, "no") == 0)
			opt->smtp.tls = NOTIFY_TLS_OFF;
		else {
			cli_usage_error("notify : STARTTLS « %s » : try, required ou no attendu",
			                starttls);
			return false;
		}
	}
	if (timeout) {
		if (!parse_seconds(timeout, 1, 3600, &v)) {
			cli_usage_error(
			    "notify : délai SMTP « %s » : secondes entre 1 et 3600 attendues",
			    timeout);
			return false;
		}
		opt->smtp.timeout_s = v;
	}
	return true;
}

/*
 * The SMS provider's settings (none when provider is NULL or "none"); false
 * after one line on stderr when one is wrong. *sender may be replaced by
 * the default. The strings stay the caller's.
 */
static bool
sms_settings(struct notify_options *opt, char *provider, char *url, char *key, char **sender,
             const char *timeout)
{
	long v;
	if (provider == NULL || strcmp(provider, "none") == 0)
		return true;
	if (!notify_sms_provider_known(provider)) {
		cli_usage_error("notify : fournisseur de SMS « %s » inconnu (brevo ou none "
		                "attendu)",
		                provider);
		return false;
	}
	if (key == NULL) {
		cli_usage_error("notify : clé d'API du fournisseur de SMS absente "
		                "(RDV_SMS_API_KEY ou sms.api_key)");
		return false;
	}
	if (*sender == NULL)
		*sender = xstrdup("RDV");
	if (!notify_sms_sender_ok(*sender)) {
		cli_usage_error("notify : expéditeur SMS « %s » invalide (11 lettres ou "
		                "chiffres, ou 15 chiffres au plus)",
		                *sender);
		return false;
	}
	if (url && strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) {
		cli_usage_error("notify : adresse du fournisseur de SMS « %s » : https://… "
		                "attendu",
		                url);
		return false;
	}
	opt->sms.timeout_s = 30;
	if (timeout) {
		if (!parse_seconds(timeout, 1, 3600, &v)) {
			cli_usage_error("notify : délai SMS « %s » : secondes entre 1 et "
			                "3600 attendues",
			                timeout);
			return false;
		}
		opt->sms.timeout_s = v;
	}
	opt->sms.provider = provider;
	opt->sms.url = url;
	opt->sms.api_key = key;
	opt->sms.sender = *sender;
	return true;
}

int
cmd_notify(int argc, char **argv)
{
	struct notify_options opt = {.backoff_s = 60, .backoff_max_s = 3600, .log = stdout};
	const char *conninfo_arg = NULL;
	int parsed = notify_args(argc, argv, &opt, &conninfo_arg);
	if (parsed >= 0)
		return parsed;
	if (opt.backoff_max_s < opt.backoff_s)
		opt.backoff_max_s = opt.backoff_s;

	char *url = setting("RDV_SMTP_URL", "smtp.url");
	char *user = setting("RDV_SMTP_USER", "smtp.user");
	char *password = setting("RDV_SMTP_PASSWORD", "smtp.password");
	char *from = setting("RDV_SMTP_FROM", "smtp.from");
	char *starttls = setting("RDV_SMTP_STARTTLS", "smtp.starttls");
	char *timeout = setting("RDV_SMTP_TIMEOUT", "smtp.timeout");
	char *uid_domain = setting("RDV_NOTIFY_UID_DOMAIN", "notify.uid_domain");
	char *sms_provider = setting("RDV_SMS_PROVIDER", "sms.provider");
	char *sms_url = setting("RDV_SMS_URL", "sms.url");
	char *sms_key = setting("RDV_SMS_API_KEY", "sms.api_key");
	char *sms_sender = setting("RDV_SMS_SENDER", "sms.sender");
	char *sms_timeout = setting("RDV_SMS_TIMEOUT", "sms.timeout");
	char *from_name = NULL, *from_address = NULL;
	char *conninfo = conninfo_arg ? xstrdup(conninfo_arg) : config_get("db");
	int status = EXIT_BAD_INPUT;
	opt.smtp.tls = NOTIFY_TLS_TRY;
	opt.smtp.timeout_s = 60;
	if (url == NULL) {
		cli_usage_error("notify : aucun serveur SMTP (RDV_SMTP_URL ou smtp.url, "
		                "ex. smtp://mail.example.fr:587)");
		goto out;
	}
	if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0) {
		cli_usage_error(
		    "notify : adresse SMTP « %s » : smtp://hôte:port ou smtps://hôte:port "
		    "attendu",
		    url);
		goto out;
	}
	bool from_configured = from != NULL;
	if (from == NULL)
		from = xstrdup("ne-pas-repondre@rdv-service-public.invalid");
	/* "adresse" or "Nom <adresse>": the envelope takes the address only. */
	if (!notify_parse_from(from, &from_name, &from_address)) {
		cli_usage_error("notify : adresse d'expédition « %s » invalide "
		                "(adresse ou « Nom <adresse> » attendu)",
		                from);
		goto out;
	}
	/*
	 * The deployment's domain for calendar UIDs: notify.uid_domain, else the
	 * configured sender's domain, else this host's name.
	 */
	if (uid_domain == NULL && from_configured)
		uid_domain = xstrdup(strchr(from_address, '@') + 1);
	if (uid_domain == NULL) {
		char host[256] = "";
		if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
			snprintf(host, sizeof host, "localhost");
		uid_domain = xstrdup(host);
	}
	if (!smtp_settings(&opt, starttls, timeout))
		goto out;
	if (!sms_settings(&opt, sms_provider, sms_url, sms_key, &sms_sender, sms_timeout))
		goto out;
	opt.smtp.url = url;
	opt.smtp.user = user;
	opt.smtp.password = password;
	opt.smtp.from = from_address;
	opt.smtp.from_name = from_name;
	opt.uid_domain = uid_domain;

	struct db_error *err = NULL;
	struct db *db = db_connect(conninfo, &err);
	if (db == NULL) {
		text_fprintf(stderr, "rdv: %s\n", err->message);
		db_error_free(err);
		status = 1;
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	status = notify_run(db, &opt);
	db_free(db);
out:
	free(url);
	free(user);
	free(password);
	free(from);
	free(from_name);
	free(from_address);
	free(uid_domain);
	free(sms_provider);
	free(sms_url);
	free(sms_key);
	free(sms_sender);
	free(sms_timeout);
	free(starttls);
	free(timeout);
	free(conninfo);
	return status;
}
