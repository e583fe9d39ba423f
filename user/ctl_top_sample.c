// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl top, reading: the XDP counters and the attached interfaces
 * from the pinned maps and the kernel (rtnetlink, so --netns sees its own
 * interfaces: a setns() does not change what /sys shows), and siphond's
 * status and calls over its socket. Whatever is missing is noted in the
 * sample, never fatal: top shows what it has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "ctl_rate.h"
#include "ctl_top.h"
#include "flow_table.h"
#include "nl.h"
#include "shield.h"
#include "stats.h"
#include "xdp_attach.h"

/* ---- interfaces ------------------------------------------------------ */

static int link_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct top_iface *i = data;
	struct rtnl_link_stats64 st;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) != IFLA_STATS64 ||
		    mnl_attr_get_payload_len(a) < sizeof(st))
			continue;
		memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
		i->rx_packets = st.rx_packets;
		i->tx_packets = st.tx_packets;
		i->rx_bytes = st.rx_bytes;
		i->tx_bytes = st.tx_bytes;
		i->counted = true;
	}
	return MNL_CB_OK;
}

static void link_stats_read(struct nl_conn *nl, struct top_iface *i)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!nl->sock || !i->ifindex)
		return;
	nlh = nl_request(nl, RTM_GETLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = (int)i->ifindex;
	if (nl_talk(nl, nlh, link_stats_cb, i))
		i->counted = false;
}

static int note_attachment(const struct attachment *att, void *ctx)
{
	struct top_sample *s = ctx;
	struct top_iface *i;

	if (s->n_ifaces >= SIPHON_TX_PORTS_MAX)
		return 1; /* the tx port map holds no more: neither do we */
	i = &s->ifaces[s->n_ifaces++];
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", att->ifname);
	i->ifindex = att->ifindex;
	return 0;
}

/* the SIP messages XDP classified, per interface */
static void sip_counts_add(struct ctl *ctl, struct top_sample *s)
{
	static struct shield_if_counts ifs[SIPHON_TX_PORTS_MAX];
	int fd = siphon_map_open(ctl->pin_dir, SIPHON_MAP_SIP_STATS);
	unsigned int k, m;
	int n, j;

	if (fd < 0)
		return;
	n = shield_sip_counts_read(fd, ifs, SIPHON_TX_PORTS_MAX);
	close(fd);
	for (j = 0; j < n; j++)
		for (k = 0; k < s->n_ifaces; k++) {
			struct top_iface *i = &s->ifaces[k];

			if (i->ifindex != ifs[j].ifindex)
				continue;
			for (m = 0; m < SIPHON_SIP_METHOD_MAX; m++)
				i->sip += ifs[j].c.requests[m];
			for (m = 0; m < SIPHON_SIP_STATUS_CLASSES; m++)
				i->sip += ifs[j].c.responses[m];
		}
}

static void ifaces_read(struct ctl *ctl, struct top_sample *s)
{
	struct nl_conn *nl = calloc(1, sizeof(*nl));
	unsigned int k;

	xdp_attachments_walk(ctl->pin_dir, note_attachment, s);
	if (nl && nl_open(nl))
		nl->sock = NULL;
	for (k = 0; nl && k < s->n_ifaces; k++)
		link_stats_read(nl, &s->ifaces[k]);
	if (nl)
		nl_close(nl);
	free(nl);
	sip_counts_add(ctl, s);
}

/* ---- XDP ------------------------------------------------------------- */

static void xdp_read(struct ctl *ctl, struct top_sample *s)
{
	struct siphon_maps maps;

	if (siphon_maps_open(ctl->pin_dir, &maps))
		return;
	s->xdp = !stats_read(maps.stats_fd, s->reasons);
	s->flows = flow_table_count(&maps.flows);
	siphon_maps_close(&maps);
	if (s->xdp)
		ifaces_read(ctl, s);
}

/* ---- siphond --------------------------------------------------------- */

static long long num(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

/* one direction of one stream added to the call's total that way */
static void way_add(struct top_way *w, json_t *f)
{
	json_t *jit = json_object_get(f, "jitter_ms");

	if (!json_is_object(f))
		return;
	w->flow = true;
	w->packets += num(f, "packets");
	w->bytes += num(f, "bytes");
	w->lost += num(f, "lost");
	if (json_is_number(jit) && json_number_value(jit) > w->jitter_ms)
		w->jitter_ms = json_number_value(jit);
}

static int call_of(json_t *c, struct top_call *call)
{
	const char *id = json_string_value(json_object_get(c, "call_id"));
	const char *state = json_string_value(json_object_get(c, "state"));
	json_t *age = json_object_get(c, "answered_s_ago"), *st;
	size_t k;

	memset(call, 0, sizeof(*call));
	call->call_id = strdup(id ? id : "?");
	call->state = strdup(state ? state : "?");
	if (!call->call_id || !call->state) {
		free(call->call_id);
		free(call->state);
		return -ENOMEM;
	}
	call->age_s = json_is_integer(age) ? json_integer_value(age) : -1;
	call->way[0].jitter_ms = call->way[1].jitter_ms = -1;
	json_array_foreach(json_object_get(c, "streams"), k, st)
	{
		call->streams++;
		way_add(&call->way[0], json_object_get(st, "from_caller"));
		way_add(&call->way[1], json_object_get(st, "from_callee"));
	}
	return 0;
}

static int call_cmp(const void *a, const void *b)
{
	return strcmp(((const struct top_call *)a)->call_id,
		      ((const struct top_call *)b)->call_id);
}

static void calls_of(json_t *ans, struct top_sample *s)
{
	json_t *calls = json_object_get(ans, "calls"), *c;
	size_t k;

	s->calls = calloc(json_array_size(calls) + 1, sizeof(*s->calls));
	if (!s->calls) {
		snprintf(s->calls_error, sizeof(s->calls_error),
			 "out of memory");
		return;
	}
	json_array_foreach(calls, k, c)
	{
		if (!call_of(c, &s->calls[s->n_calls]))
			s->n_calls++;
	}
	qsort(s->calls, s->n_calls, sizeof(*s->calls), call_cmp);
}

static void daemon_read(struct ctl *ctl, struct top_sample *s)
{
	json_t *ans = NULL;
	const char *why;
	int rc;

	s->daemon_rc = ctl_daemon_call(ctl, json_pack("{s:s}", "cmd", "status"),
				       &s->status, true);
	if (s->daemon_rc) {
		json_decref(s->status);
		s->status = NULL;
		return;
	}
	rc = ctl_daemon_call(ctl, json_pack("{s:s}", "cmd", "calls"), &ans,
			     true);
	why = json_string_value(json_object_get(ans, "error"));
	if (rc)
		snprintf(s->calls_error, sizeof(s->calls_error), "%s",
			 why ? why : "siphond did not answer");
	else
		calls_of(ans, s);
	json_decref(ans);
}

void top_sample_take(struct ctl *ctl, struct top_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->taken_s = ctl_now_s();
	xdp_read(ctl, s);
	daemon_read(ctl, s);
}

void top_sample_free(struct top_sample *s)
{
	size_t k;

	for (k = 0; k < s->n_calls; k++) {
		free(s->calls[k].call_id);
		free(s->calls[k].state);
	}
	free(s->calls);
	json_decref(s->status);
	memset(s, 0, sizeof(*s));
}

const struct top_call *top_call_find(const struct top_sample *s,
				     const char *call_id)
{
	struct top_call key = { .call_id = (char *)call_id };

	if (!s->n_calls)
		return NULL;
	return bsearch(&key, s->calls, s->n_calls, sizeof(*s->calls), call_cmp);
}
