/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's commands for one call (control_cmds.c's table):
 *   {"cmd":"call-show","id":CALL-ID}    everything siphond knows of it
 *   {"cmd":"call-hangup","id":CALL-ID}  BYE to both phones, flows out
 * An unknown Call-ID fails with -ESRCH ("not_found").
 */
#ifndef SIPHOND_DIALOG_CONTROL_H
#define SIPHOND_DIALOG_CONTROL_H

#include <stddef.h>
#include <jansson.h>

struct siphond;

int dialog_cmd_show(struct siphond *d, json_t *req, json_t *ans, char *err,
		    size_t errlen);
int dialog_cmd_hangup(struct siphond *d, json_t *req, json_t *ans, char *err,
		      size_t errlen);

#endif /* SIPHOND_DIALOG_CONTROL_H */
