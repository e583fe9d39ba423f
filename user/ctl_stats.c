// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl stats: what the XDP program did, by verdict and by reason,
 * read from the pinned map (so it works with siphond down), and siphond's
 * own counter groups when siphond answers on its socket.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>

#include "ctl.h"
#include "flow_table.h"
#include "shield.h"
#include "siphon/maps.h"
#include "stats.h"
#include "xdp_attach.h"

struct flow_fill {
	__u32 count;
	__u32 max;
};

static int flows_fill(struct flow_table *ft, struct flow_fill *fill)
{
	int n = flow_table_count(ft);

	if (n < 0)
		return n;
	fill->max = ft->capacity;
	fill->count = n;
	return 0;
}

static int print_attachment(const struct attachment *att, void *ctx)
{
	(void)ctx;
	printf("  %-16s %s, program %u\n", att->ifname,
	       !att->ifindex ? "gone (interface deleted)" :
	       att->generic  ? "generic mode" :
			       "native mode",
	       att->prog_id);
	return 0;
}

static int add_attachment(const struct attachment *att, void *ctx)
{
	return json_array_append_new(
		ctx,
		json_pack("{s:s, s:s, s:i}", "interface", att->ifname, "mode",
			  !att->ifindex ? "gone" :
			  att->generic	? "generic" :
					  "native",
			  "program_id", (int)att->prog_id));
}

static void print_table(const __u64 *counters, const struct flow_fill *fill,
			const char *pin_dir)
{
	__u64 verdicts[VERDICT_MAX] = {};
	unsigned int i;

	for (i = 0; i < SIPHON_REASON_MAX; i++)
		verdicts[siphon_reasons[i].verdict] += counters[i];

	printf("interfaces:\n");
	xdp_attachments_walk(pin_dir, print_attachment, NULL);
	printf("flows: %u of %u\n\n", fill->count, fill->max);
	printf("%-10s %14s\n", "VERDICT", "PACKETS");
	for (i = 0; i < VERDICT_MAX; i++)
		printf("%-10s %14llu\n", verdict_names[i],
		       (unsigned long long)verdicts[i]);
	printf("\n%-22s %-8s %14s  %s\n", "REASON", "VERDICT", "PACKETS",
	       "MEANING");
	for (i = 0; i < SIPHON_REASON_MAX; i++)
		printf("%-22s %-8s %14llu  %s\n", reason_name(i),
		       verdict_names[siphon_reasons[i].verdict],
		       (unsigned long long)counters[i], siphon_reasons[i].help);
}

static json_t *stats_json(const __u64 *counters, const struct flow_fill *fill,
			  const char *pin_dir)
{
	json_t *verdicts = json_object(), *reasons = json_object();
	json_t *ifaces = json_array();
	__u64 totals[VERDICT_MAX] = {};
	unsigned int i;

	for (i = 0; i < SIPHON_REASON_MAX; i++) {
		totals[siphon_reasons[i].verdict] += counters[i];
		json_object_set_new(reasons, reason_name(i),
				    json_integer(counters[i]));
	}
	for (i = 0; i < VERDICT_MAX; i++)
		json_object_set_new(verdicts, verdict_names[i],
				    json_integer(totals[i]));
	xdp_attachments_walk(pin_dir, add_attachment, ifaces);
	return json_pack("{s:o, s:{s:i, s:i}, s:o, s:o}", "interfaces", ifaces,
			 "flows", "count", (int)fill->count, "max",
			 (int)fill->max, "verdicts", verdicts, "reasons",
			 reasons);
}

/* the SIP counts of every interface that saw SIP, if the map is there */
struct sip_table {
	struct shield_if_counts ifs[SIPHON_TX_PORTS_MAX];
	int n;
};

static void sip_read(const char *pin_dir, struct sip_table *t)
{
	int fd = siphon_map_open(pin_dir, SIPHON_MAP_SIP_STATS);

	t->n = 0;
	if (fd < 0)
		return;
	t->n = shield_sip_counts_read(fd, t->ifs, SIPHON_TX_PORTS_MAX);
	close(fd);
	if (t->n < 0)
		t->n = 0;
}

static const char *sip_ifname(__u32 ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

static const char *const class_names[SIPHON_SIP_STATUS_CLASSES] = {
	"1xx", "2xx", "3xx", "4xx", "5xx", "6xx",
};

/* one row per method and class, one column per interface */
static void print_sip(const struct sip_table *t)
{
	char name[IF_NAMESIZE];
	unsigned int m;
	int i;

	if (!t->n)
		return;
	printf("\n%-10s", "SIP");
	for (i = 0; i < t->n; i++)
		printf(" %12s", sip_ifname(t->ifs[i].ifindex, name));
	printf("\n");
	for (m = 1; m < SIPHON_SIP_METHOD_MAX; m++) {
		printf("%-10s", shield_method_name(m));
		for (i = 0; i < t->n; i++)
			printf(" %12llu",
			       (unsigned long long)t->ifs[i].c.requests[m]);
		printf("\n");
	}
	for (m = 0; m < SIPHON_SIP_STATUS_CLASSES; m++) {
		printf("%-10s", class_names[m]);
		for (i = 0; i < t->n; i++)
			printf(" %12llu",
			       (unsigned long long)t->ifs[i].c.responses[m]);
		printf("\n");
	}
}

static json_t *sip_json(const struct sip_table *t)
{
	json_t *all = json_object(), *req, *resp;
	char name[IF_NAMESIZE];
	unsigned int m;
	int i;

	for (i = 0; i < t->n; i++) {
		req = json_object();
		resp = json_object();
		for (m = 1; m < SIPHON_SIP_METHOD_MAX; m++)
			json_object_set_new(
				req, shield_method_name(m),
				json_integer(t->ifs[i].c.requests[m]));
		for (m = 0; m < SIPHON_SIP_STATUS_CLASSES; m++)
			json_object_set_new(
				resp, class_names[m],
				json_integer(t->ifs[i].c.responses[m]));
		json_object_set_new(all, sip_ifname(t->ifs[i].ifindex, name),
				    json_pack("{s:o, s:o}", "requests", req,
					      "responses", resp));
	}
	return all;
}

/* siphond's counters, or why there are none, after the XDP tables */
static void print_siphond(json_t *groups, int rc, const char *socket)
{
	const char *group, *name;
	json_t *g, *v;

	if (rc) {
		printf("\nsiphond: %s (%s)\n",
		       rc == CTL_NOT_RUNNING ? "not running" :
		       rc == CTL_DENIED	     ? "permission denied" :
					       "no answer",
		       socket);
		return;
	}
	printf("\n%-12s %-24s %14s\n", "SIPHOND", "COUNTER", "VALUE");
	json_object_foreach(groups, group, g) json_object_foreach(g, name, v)
		printf("%-12s %-24s %14lld\n", group, name,
		       json_integer_value(v));
}

int ctl_stats(struct ctl *ctl, int argc, char **argv)
{
	__u64 counters[SIPHON_REASON_MAX];
	static struct sip_table sip;
	struct flow_fill fill = {};
	struct siphon_maps maps;
	json_t *out, *ans = NULL, *groups = NULL;
	int rc, drc, err;

	(void)argv;
	if (argc != 1)
		return ctl_fail(CTL_USAGE, "stats takes no arguments");
	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	err = stats_read(maps.stats_fd, counters);
	if (!err)
		err = flows_fill(&maps.flows, &fill);
	siphon_maps_close(&maps);
	if (err)
		return ctl_fail(CTL_FAILED, "stats: %s", strerror(-err));
	sip_read(ctl->pin_dir, &sip);
	/* siphond down is no failure here: the XDP counters are the point */
	drc = ctl_daemon_call(ctl, json_pack("{s:s}", "cmd", "stats"), &ans,
			      true);
	if (!drc)
		groups = json_object_get(ans, "groups");
	if (ctl->json) {
		out = stats_json(counters, &fill, ctl->pin_dir);
		if (out && groups)
			json_object_set(out, "siphond", groups);
		if (out)
			json_object_set_new(out, "sip", sip_json(&sip));
		json_decref(ans);
		return ctl_print_json(out);
	}
	print_table(counters, &fill, ctl->pin_dir);
	print_sip(&sip);
	print_siphond(groups, drc, ctl->socket);
	json_decref(ans);
	return CTL_OK;
}
