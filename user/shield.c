// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "shield.h"

/* SIPVicious (friendly-scanner, sipvicious), sipcli, VaxSIPUserAgent,
 * pplsip, sundayddr: the User-Agents of the common SIP scanners */
const char *const shield_default_scanners[] = {
	"friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent",
	"pplsip",	    "sundayddr",  NULL,
};

const struct shield_rule shield_rules[] = {
	{ "classify", SIPHON_SHIELD_OFF_CLASSIFY,
	  "read SIP on the SIP ports at all (off: pass as before)" },
	{ "not-sip", SIPHON_SHIELD_OFF_NOT_SIP,
	  "drop what is not SIP on a SIP port" },
	{ "bad-start", SIPHON_SHIELD_OFF_BAD_START,
	  "drop a start line siphond would refuse" },
	{ "scanner", SIPHON_SHIELD_OFF_SCANNER,
	  "drop requests whose User-Agent names a scanner" },
	{ "block", SIPHON_SHIELD_OFF_BLOCK,
	  "drop what comes from the block list's prefixes" },
	{ "rate", SIPHON_SHIELD_OFF_RATE,
	  "drop requests over their source's budget, and while banned" },
	{ "options", SIPHON_SHIELD_OFF_OPTIONS,
	  "answer OPTIONS to siphon in XDP while siphond runs" },
};
const unsigned int shield_rules_count =
	sizeof(shield_rules) / sizeof(shield_rules[0]);

#define METHOD_NAME(name, str) [SIPHON_SIP_METHOD_##name] = str,
static const char *const method_names[SIPHON_SIP_METHOD_MAX] = {
	[SIPHON_SIP_METHOD_NONE] = "NONE",
	SIPHON_SIP_METHODS(METHOD_NAME)[SIPHON_SIP_METHOD_OTHER] = "OTHER",
};
#undef METHOD_NAME

const char *shield_method_name(unsigned int method)
{
	return method < SIPHON_SIP_METHOD_MAX ? method_names[method] : "NONE";
}

int shield_cfg_read(int fd, struct siphon_shield_cfg *cfg)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(fd, &key, cfg) ? -errno : 0;
}

int shield_cfg_write(int fd, const struct siphon_shield_cfg *cfg)
{
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, cfg, BPF_ANY) ? -errno : 0;
}

int shield_ports_parse(const char *text, __be16 ports[SIPHON_SIP_PORTS_MAX])
{
	unsigned int n = 0, i;
	unsigned long v;
	const char *p = text;
	char *end;

	memset(ports, 0, sizeof(ports[0]) * SIPHON_SIP_PORTS_MAX);
	for (;;) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || v < 1 || v > 65535 || n == SIPHON_SIP_PORTS_MAX)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (ports[i] == htons(v))
				return -EINVAL;
		}
		ports[n++] = htons(v);
		if (!*end)
			return 0;
		if (*end != ',')
			return -EINVAL;
		p = end + 1;
	}
}

unsigned int shield_ports_effective(const struct siphon_shield_cfg *cfg,
				    __u16 ports[SIPHON_SIP_PORTS_MAX])
{
	unsigned int i, n = 0;

	for (i = 0; i < SIPHON_SIP_PORTS_MAX; i++) {
		if (cfg->sip_ports[i])
			ports[n++] = ntohs(cfg->sip_ports[i]);
	}
	if (!n)
		ports[n++] = SIPHON_SIP_PORT_DEFAULT;
	return n;
}

static int pattern_of(const char *text, struct siphon_scanner *pat)
{
	size_t len = strlen(text), i;

	memset(pat, 0, sizeof(*pat));
	if (!len || len > SIPHON_SCANNER_LEN_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c < 0x20 || c > 0x7e)
			return -EINVAL;
		pat->text[i] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	}
	pat->len = len;
	return 0;
}

/* the slot holding pat, or the first free one (-1: none) in *free_slot */
static int scanner_find(int fd, const struct siphon_scanner *pat,
			int *free_slot)
{
	struct siphon_scanner cur;
	__u32 key;

	*free_slot = -1;
	for (key = 0; key < SIPHON_SCANNERS_MAX; key++) {
		if (bpf_map_lookup_elem(fd, &key, &cur))
			return -errno;
		if (!cur.len && *free_slot < 0)
			*free_slot = key;
		if (cur.len && cur.len == pat->len &&
		    !memcmp(cur.text, pat->text, pat->len))
			return key;
	}
	return -ENOENT;
}

int shield_scanner_add(int fd, const char *text)
{
	struct siphon_scanner pat;
	int slot, free_slot;
	__u32 key;

	if (pattern_of(text, &pat))
		return -EINVAL;
	slot = scanner_find(fd, &pat, &free_slot);
	if (slot >= 0)
		return -EEXIST;
	if (slot != -ENOENT)
		return slot;
	if (free_slot < 0)
		return -ENOSPC;
	key = free_slot;
	return bpf_map_update_elem(fd, &key, &pat, BPF_ANY) ? -errno : 0;
}

int shield_scanner_del(int fd, const char *text)
{
	struct siphon_scanner pat, empty = {};
	int slot, free_slot;
	__u32 key;

	if (pattern_of(text, &pat))
		return -ENOENT;
	slot = scanner_find(fd, &pat, &free_slot);
	if (slot < 0)
		return slot;
	key = slot;
	return bpf_map_update_elem(fd, &key, &empty, BPF_ANY) ? -errno : 0;
}

int shield_scanners_list(
	int fd, char out[SIPHON_SCANNERS_MAX][SIPHON_SCANNER_LEN_MAX + 1])
{
	struct siphon_scanner cur;
	__u32 key;
	int n = 0;

	for (key = 0; key < SIPHON_SCANNERS_MAX; key++) {
		if (bpf_map_lookup_elem(fd, &key, &cur))
			return -errno;
		if (!cur.len || cur.len > SIPHON_SCANNER_LEN_MAX)
			continue;
		memcpy(out[n], cur.text, cur.len);
		out[n][cur.len] = 0;
		n++;
	}
	return n;
}

int shield_scanners_reset(int fd)
{
	struct siphon_scanner empty = {};
	__u32 key;
	int i, err;

	for (key = 0; key < SIPHON_SCANNERS_MAX; key++) {
		if (bpf_map_update_elem(fd, &key, &empty, BPF_ANY))
			return -errno;
	}
	for (i = 0; shield_default_scanners[i]; i++) {
		err = shield_scanner_add(fd, shield_default_scanners[i]);
		if (err)
			return err;
	}
	return 0;
}

int shield_scanners_seed(int shield_fd, int scanners_fd)
{
	struct siphon_shield_cfg cfg;
	int err;

	err = shield_cfg_read(shield_fd, &cfg);
	if (err || (cfg.state & SIPHON_SHIELD_SCANNERS_SEEDED))
		return err;
	err = shield_scanners_reset(scanners_fd);
	if (err)
		return err;
	cfg.state |= SIPHON_SHIELD_SCANNERS_SEEDED;
	return shield_cfg_write(shield_fd, &cfg);
}

int shield_sip_counts_read(int fd, struct shield_if_counts *out,
			   unsigned int max)
{
	int ncpus = libbpf_num_possible_cpus();
	struct siphon_sip_counts *percpu;
	__u32 key, next, *prev = NULL;
	unsigned int n = 0, i;
	int cpu, err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			if (errno == ENOENT)
				continue;
			err = -errno;
			break;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].ifindex = key;
		for (cpu = 0; cpu < ncpus; cpu++) {
			for (i = 0; i < SIPHON_SIP_METHOD_MAX; i++)
				out[n].c.requests[i] += percpu[cpu].requests[i];
			for (i = 0; i < SIPHON_SIP_STATUS_CLASSES; i++)
				out[n].c.responses[i] +=
					percpu[cpu].responses[i];
		}
		n++;
	}
	free(percpu);
	return err ? err : (int)n;
}
