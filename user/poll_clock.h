/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The program on the napi_poll tracepoint that counts NAPI polls, so that
 * XDP reads the fine clock of RTP jitter once per poll instead of once per
 * packet (bpf/clock.h). One per pin directory, attached beside the XDP
 * links and pinned there as POLL_LINK_PIN; it goes with the last XDP link.
 * Without it XDP measures the same, at a fine clock read per RTP packet.
 */
#ifndef SIPHON_POLL_CLOCK_H
#define SIPHON_POLL_CLOCK_H

#define POLL_LINK_PIN "poll_link"
#define POLL_TRACEPOINT "napi_poll"

/*
 * Attach prog_fd (siphon_poll_end) to the tracepoint, in place of the one
 * an earlier attach left under pin_dir. -errno.
 */
int poll_clock_attach(const char *pin_dir, int prog_fd);

/*
 * Remove pin_dir's tracepoint link if no XDP link is pinned there any
 * more; 0 also when there was none. -errno.
 */
int poll_clock_release_unused(const char *pin_dir);

#endif /* SIPHON_POLL_CLOCK_H */
