// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interfaces siphon runs on, as `siphonctl status` (JSON, through
 * control_cmds.c) and /metrics (metrics_scrape.c) show them: each one
 * read when asked, from the pins and the kernel, so an attach or a detach
 * since shows at once.
 */
#include <stdio.h>
#include <jansson.h>

#include "metrics.h"
#include "netlink.h"
#include "netlink_report.h"

static const char *link_word(const struct nl_iface_view *v)
{
	if (!v->exists)
		return "gone";
	return v->up ? "up" : "down";
}

static const char *xdp_word(const struct nl_iface_view *v)
{
	if (v->attached)
		return v->generic ? "generic" : "native";
	return "none";
}

static int iface_json(void *arg, const struct nl_iface_view *v)
{
	json_t *arr = arg;

	return json_array_append_new(
		arr,
		json_pack("{s:s, s:s, s:b, s:s, s:b, s:I}", "name", v->name,
			  "link", link_word(v), "xdp", v->attached, "mode",
			  xdp_word(v), "wanted", v->wanted, "reattached",
			  (json_int_t)v->reattached));
}

json_t *netlink_interfaces_json(struct netlink *nl)
{
	json_t *arr = json_array();

	if (arr && netlink_iface_walk(nl, iface_json, arr)) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static int iface_metrics(void *arg, const struct nl_iface_view *v)
{
	struct metrics_page *p = arg;
	char labels[METRIC_LABELS_MAX];

	snprintf(labels, sizeof(labels), "interface=\"%s\"", v->name);
	metrics_add(p, METRIC_PREFIX "interface_up", METRIC_GAUGE,
		    "1 when an interface siphon is attached to (or should be) "
		    "is up and running; 0 down or deleted",
		    labels, v->exists && v->up);
	metrics_add(p, METRIC_PREFIX "interface_reattached_total",
		    METRIC_COUNTER,
		    "times siphond attached XDP again to an interface that "
		    "was deleted and came back",
		    labels, v->reattached);
	snprintf(labels, sizeof(labels), "interface=\"%s\",mode=\"%s\"",
		 v->name, v->generic ? "generic" : "native");
	metrics_add(p, METRIC_PREFIX "interface_xdp_attached", METRIC_GAUGE,
		    "1 while siphon's XDP program runs on the interface, in "
		    "the mode of the label; 0 when it does not (deleted, or "
		    "not attached again yet)",
		    labels, v->attached);
	return 0;
}

void netlink_add_metrics(struct netlink *nl, struct metrics_page *p)
{
	netlink_iface_walk(nl, iface_metrics, p);
}
