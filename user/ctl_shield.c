// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl shield: the SIP classifier's ports and rules, and the scanner
 * patterns, read and changed in the pinned maps. Changes apply to the next
 * packet; nothing is reloaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "shield.h"
#include "siphon/maps.h"

struct shield_maps {
	int shield_fd;
	int scanners_fd;
};

static int shield_open(struct ctl *ctl, struct shield_maps *m)
{
	m->shield_fd = siphon_map_open(ctl->pin_dir, SIPHON_MAP_SHIELD);
	m->scanners_fd = siphon_map_open(ctl->pin_dir, SIPHON_MAP_SCANNERS);
	if (m->shield_fd >= 0 && m->scanners_fd >= 0)
		return CTL_OK;
	if (m->shield_fd >= 0)
		close(m->shield_fd);
	if (m->scanners_fd >= 0)
		close(m->scanners_fd);
	return ctl_fail(CTL_FAILED,
			"no SIP shield in %s: run 'siphonctl attach IFACE' "
			"(with this siphonctl) first",
			ctl->pin_dir);
}

static void shield_close(struct shield_maps *m)
{
	close(m->shield_fd);
	close(m->scanners_fd);
}

static int show(struct ctl *ctl, struct shield_maps *m)
{
	char list[SIPHON_SCANNERS_MAX][SIPHON_SCANNER_LEN_MAX + 1];
	__u16 ports[SIPHON_SIP_PORTS_MAX];
	struct siphon_shield_cfg cfg;
	unsigned int i, np;
	json_t *jp, *jr, *js;
	int n, err;

	err = shield_cfg_read(m->shield_fd, &cfg);
	n = err ? err : shield_scanners_list(m->scanners_fd, list);
	if (n < 0)
		return ctl_fail(CTL_FAILED, "shield: %s", strerror(-n));
	np = shield_ports_effective(&cfg, ports);
	if (ctl->json) {
		jp = json_array();
		jr = json_object();
		js = json_array();
		for (i = 0; i < np; i++)
			json_array_append_new(jp, json_integer(ports[i]));
		for (i = 0; i < shield_rules_count; i++)
			json_object_set_new(
				jr, shield_rules[i].name,
				json_boolean(
					!(cfg.off & shield_rules[i].off_bit)));
		for (i = 0; i < (unsigned int)n; i++)
			json_array_append_new(js, json_string(list[i]));
		return ctl_print_json(json_pack("{s:o, s:o, s:o}", "sip_ports",
						jp, "rules", jr, "scanners",
						js));
	}
	printf("sip ports:");
	for (i = 0; i < np; i++)
		printf("%s%u", i ? "," : " ", ports[i]);
	printf("%s\n\n%-10s %-4s %s\n", cfg.sip_ports[0] ? "" : " (default)",
	       "RULE", "", "WHAT");
	for (i = 0; i < shield_rules_count; i++)
		printf("%-10s %-4s %s\n", shield_rules[i].name,
		       cfg.off & shield_rules[i].off_bit ? "off" : "on",
		       shield_rules[i].help);
	printf("\nscanner patterns (User-Agent, any case, %d of %d):\n", n,
	       SIPHON_SCANNERS_MAX);
	for (i = 0; i < (unsigned int)n; i++)
		printf("  %s\n", list[i]);
	return CTL_OK;
}

static int set_rule(struct shield_maps *m, const char *name, const char *on)
{
	struct siphon_shield_cfg cfg;
	unsigned int i;
	int err;

	for (i = 0; i < shield_rules_count; i++) {
		if (!strcmp(name, shield_rules[i].name))
			break;
	}
	if (i == shield_rules_count || (strcmp(on, "on") && strcmp(on, "off")))
		return ctl_fail(CTL_USAGE,
				"shield rule classify|not-sip|bad-start|"
				"scanner|block|rate|options on|off");
	err = shield_cfg_read(m->shield_fd, &cfg);
	if (!err) {
		if (!strcmp(on, "on"))
			cfg.off &= ~shield_rules[i].off_bit;
		else
			cfg.off |= shield_rules[i].off_bit;
		err = shield_cfg_write(m->shield_fd, &cfg);
	}
	if (err)
		return ctl_fail(CTL_FAILED, "shield rule: %s", strerror(-err));
	return CTL_OK;
}

static int set_ports(struct shield_maps *m, const char *text)
{
	struct siphon_shield_cfg cfg;
	__be16 ports[SIPHON_SIP_PORTS_MAX] = {};
	int err;

	if (strcmp(text, "default") && shield_ports_parse(text, ports))
		return ctl_fail(CTL_USAGE,
				"shield ports PORT[,PORT...] (up to %d, "
				"1..65535) or default",
				SIPHON_SIP_PORTS_MAX);
	err = shield_cfg_read(m->shield_fd, &cfg);
	if (!err) {
		memcpy(cfg.sip_ports, ports, sizeof(cfg.sip_ports));
		err = shield_cfg_write(m->shield_fd, &cfg);
	}
	if (err)
		return ctl_fail(CTL_FAILED, "shield ports: %s", strerror(-err));
	return CTL_OK;
}

static int scanners(struct ctl *ctl, struct shield_maps *m, int argc,
		    char **argv)
{
	char list[SIPHON_SCANNERS_MAX][SIPHON_SCANNER_LEN_MAX + 1];
	json_t *js;
	int n, i, err;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		n = shield_scanners_list(m->scanners_fd, list);
		if (n < 0)
			return ctl_fail(CTL_FAILED, "scanners: %s",
					strerror(-n));
		if (!ctl->json) {
			for (i = 0; i < n; i++)
				printf("%s\n", list[i]);
			return CTL_OK;
		}
		js = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(js, json_string(list[i]));
		return ctl_print_json(js);
	}
	if (argc == 2 && !strcmp(argv[1], "reset")) {
		err = shield_scanners_reset(m->scanners_fd);
		return err ? ctl_fail(CTL_FAILED, "scanners reset: %s",
				      strerror(-err)) :
			     CTL_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "add")) {
		err = shield_scanner_add(m->scanners_fd, argv[2]);
		if (err == -EINVAL)
			return ctl_fail(CTL_USAGE,
					"scanners add: 1 to %d printable "
					"ASCII characters",
					SIPHON_SCANNER_LEN_MAX);
		if (err == -EEXIST)
			return ctl_fail(CTL_FAILED,
					"scanners add: '%s' is there already",
					argv[2]);
		if (err == -ENOSPC)
			return ctl_fail(CTL_FAILED,
					"scanners add: all %d slots are used: "
					"del one first",
					SIPHON_SCANNERS_MAX);
		return err ? ctl_fail(CTL_FAILED, "scanners add: %s",
				      strerror(-err)) :
			     CTL_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "del")) {
		err = shield_scanner_del(m->scanners_fd, argv[2]);
		if (err == -ENOENT)
			return ctl_fail(CTL_FAILED,
					"scanners del: no pattern '%s'",
					argv[2]);
		return err ? ctl_fail(CTL_FAILED, "scanners del: %s",
				      strerror(-err)) :
			     CTL_OK;
	}
	return ctl_fail(CTL_USAGE,
			"shield scanners list|add TEXT|del TEXT|reset");
}

int ctl_shield(struct ctl *ctl, int argc, char **argv)
{
	struct shield_maps m;
	int rc;

	if (argc >= 2 && ctl_shield_src_command(argv[1]))
		return ctl_shield_src(ctl, argc, argv);
	rc = shield_open(ctl, &m);
	if (rc)
		return rc;
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "show")))
		rc = show(ctl, &m);
	else if (argc == 4 && !strcmp(argv[1], "rule"))
		rc = set_rule(&m, argv[2], argv[3]);
	else if (argc == 3 && !strcmp(argv[1], "ports"))
		rc = set_ports(&m, argv[2]);
	else if (!strcmp(argv[1], "scanners"))
		rc = scanners(ctl, &m, argc - 1, argv + 1);
	else
		rc = ctl_fail(CTL_USAGE,
			      "shield [show] | rule NAME on|off | ports LIST | "
			      "scanners ... | allow ... | block ... | ban ... | "
			      "unban PREFIX | list | stats");
	shield_close(&m);
	return rc;
}
