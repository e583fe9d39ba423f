/* SPDX-License-Identifier: GPL-2.0-only */
/* The interfaces for `siphonctl status` and /metrics (netlink_report.c). */
#ifndef SIPHOND_NETLINK_REPORT_H
#define SIPHOND_NETLINK_REPORT_H

#include <jansson.h>

struct netlink;
struct metrics_page;

/* [{name, link: up|down|gone, xdp, mode, wanted, reattached}], or NULL */
json_t *netlink_interfaces_json(struct netlink *nl);
/* siphon_interface_up, _xdp_attached, _reattached_total per interface */
void netlink_add_metrics(struct netlink *nl, struct metrics_page *p);

#endif /* SIPHOND_NETLINK_REPORT_H */
