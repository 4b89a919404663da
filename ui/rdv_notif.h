/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_RDV_NOTIF_H
#define RDV_UI_RDV_NOTIF_H

#include "ui/screen.h"

/*
 * "Notifications aux usagers" of one rdv (arg: struct agenda_target *, its
 * item_id the rdv; the screen frees it): per participation the flags
 * "confirmations et changements" (send_lifecycle_notifications) and
 * "rappel 48 h avant" (send_reminder_notification), "envoyer un rappel
 * maintenant", and the receipts of the rdv.
 */
extern const struct screen_ops rdv_notif_screen;

#endif
