/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/status.h"

#include <string.h>

static const char *const names[RDV_STATUS_COUNT] = {"unknown", "seen", "excused", "revoked",
						    "noshow"};

int
rdv_status_parse(const char *s)
{
	for (int i = 0; s != NULL && i < RDV_STATUS_COUNT; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
rdv_status_name(enum rdv_status st)
{
	return (unsigned)st < RDV_STATUS_COUNT ? names[st] : "unknown";
}

bool
rdv_status_is_cancelled(enum rdv_status st)
{
	return st == RDV_EXCUSED || st == RDV_REVOKED;
}

const char *
rdv_status_label_fr(enum rdv_status st, rdv_date day, rdv_date today)
{
	switch (st) {
	case RDV_SEEN:
		return "Rendez-vous honoré";
	case RDV_EXCUSED:
		return "Annulé (excusé)";
	case RDV_REVOKED:
		return "Annulé (par le service)";
	case RDV_NOSHOW:
		return "Absence non excusée";
	default:
		if (day < today)
			return "À renseigner";
		if (day == today)
			return "Rendez-vous aujourd'hui";
		return "Rendez-vous à venir";
	}
}
