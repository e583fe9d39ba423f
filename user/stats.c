// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats.h"

#define REASON_INFO(name, verdict, help) \
	[SIPHON_##name] = { #name, VERDICT_##verdict, help },
const struct reason_info siphon_reasons[SIPHON_REASON_MAX] = {
	SIPHON_XDP_REASONS(REASON_INFO)
};
#undef REASON_INFO

const char *const verdict_names[VERDICT_MAX] = {
	[VERDICT_PASS] = "pass",
	[VERDICT_DROP] = "drop",
	[VERDICT_TX] = "tx",
	[VERDICT_REDIRECT] = "redirect",
};

int stats_read(int stats_fd, __u64 counters[SIPHON_REASON_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *percpu;
	__u32 i;
	int cpu;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (i = 0; i < SIPHON_REASON_MAX; i++) {
		counters[i] = 0;
		if (bpf_map_lookup_elem(stats_fd, &i, percpu)) {
			free(percpu);
			return -errno;
		}
		for (cpu = 0; cpu < ncpus; cpu++)
			counters[i] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

const char *reason_name(unsigned int reason)
{
	static char names[SIPHON_REASON_MAX][32];
	char *name;
	size_t i;

	if (reason >= SIPHON_REASON_MAX)
		return "unknown";
	name = names[reason];
	/* the enum's spelling, lower-cased once: "PASS_NO_FLOW" -> "pass_no_flow" */
	if (!name[0]) {
		for (i = 0;
		     siphon_reasons[reason].name[i] && i < sizeof(names[0]) - 1;
		     i++)
			name[i] = tolower(
				(unsigned char)siphon_reasons[reason].name[i]);
	}
	return name;
}
