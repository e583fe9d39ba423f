/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the XDP SIP classifier and shield share with userspace: the method
 * list (the same one user/sip/ parses with), what the classifier learned
 * about the last packet, the per-interface counts, the shield's switches
 * and the scanner patterns.
 */
#ifndef SIPHON_SIP_H
#define SIPHON_SIP_H

#include <linux/types.h>

/*
 * X(ENUM_SUFFIX, "wire name"). Method names are case-sensitive (RFC 3261
 * section 7.1). user/sip/sip_method.h builds enum sip_method from this
 * list, so both sides number methods the same way.
 */
#define SIPHON_SIP_METHODS(X)     \
	X(INVITE, "INVITE")       \
	X(ACK, "ACK")             \
	X(BYE, "BYE")             \
	X(CANCEL, "CANCEL")       \
	X(REGISTER, "REGISTER")   \
	X(OPTIONS, "OPTIONS")     \
	X(PRACK, "PRACK")         \
	X(UPDATE, "UPDATE")       \
	X(INFO, "INFO")           \
	X(SUBSCRIBE, "SUBSCRIBE") \
	X(NOTIFY, "NOTIFY")       \
	X(REFER, "REFER")         \
	X(MESSAGE, "MESSAGE")     \
	X(PUBLISH, "PUBLISH")

#define SIPHON_SIP_METHOD_ENUM(name, str) SIPHON_SIP_METHOD_##name,
/* clang-format off */
enum siphon_sip_method {
	SIPHON_SIP_METHOD_NONE, /* a response, or no start line */
	SIPHON_SIP_METHODS(SIPHON_SIP_METHOD_ENUM)
	SIPHON_SIP_METHOD_OTHER, /* a valid token we do not know */
	SIPHON_SIP_METHOD_MAX
};
/* clang-format on */
#undef SIPHON_SIP_METHOD_ENUM

/* responses are counted by class: 1xx .. 6xx */
#define SIPHON_SIP_STATUS_CLASSES 6

/* the SIP ports the classifier looks at; all zero means 5060 alone */
#define SIPHON_SIP_PORTS_MAX 8
#define SIPHON_SIP_PORT_DEFAULT 5060

/*
 * The scan budget: the first SIPHON_SIP_SCAN_MAX bytes of a UDP payload are
 * copied and read; a message whose headers do not end within them is
 * passed as too long. A power of two (indexes are masked with it).
 */
#define SIPHON_SIP_SCAN_MAX 2048
/* bytes of a User-Agent value compared with the scanner patterns */
#define SIPHON_SIP_UA_SCAN_MAX 256

/* scanner patterns: lower case, matched anywhere in User-Agent */
#define SIPHON_SCANNERS_MAX 16
#define SIPHON_SCANNER_LEN_MAX 31

/* what a packet on a SIP port turned out to be */
enum siphon_sip_kind {
	SIPHON_SIP_KIND_NONE, /* not classified (not SIP, or not read) */
	SIPHON_SIP_KIND_REQUEST,
	SIPHON_SIP_KIND_RESPONSE,
	SIPHON_SIP_KIND_KEEPALIVE, /* CRLF or STUN */
};

/* siphon_sip_info.flags: what the header scan found */
enum {
	SIPHON_SIP_F_HDR_END = 1 << 0, /* the empty line ending the headers */
	SIPHON_SIP_F_HDR_BAD = 1
			       << 1, /* a header line the scan could not read */
	SIPHON_SIP_F_CALL_ID = 1 << 2,
	SIPHON_SIP_F_CSEQ = 1 << 3,
	SIPHON_SIP_F_BRANCH = 1 << 4, /* top Via has a branch */
	SIPHON_SIP_F_FROM_TAG = 1 << 5,
	SIPHON_SIP_F_TO_TAG = 1 << 6,
	SIPHON_SIP_F_CONTENT_LENGTH = 1 << 7,
	SIPHON_SIP_F_USER_AGENT = 1 << 8,
	SIPHON_SIP_F_SCANNER = 1 << 9, /* User-Agent matched a pattern */
	SIPHON_SIP_F_VIA = 1 << 10,
};

/*
 * What the classifier learned about the last packet it read on this CPU
 * (the head of the siphon_sip_scan scratch value). Hashes are FNV-1a over
 * the bytes of the value, white space left out; lengths count those bytes.
 */
struct siphon_sip_info {
	__u32 reason; /* enum siphon_reason the packet was counted under */
	__u8 kind; /* enum siphon_sip_kind */
	__u8 method; /* enum siphon_sip_method of a request */
	__u8 cseq_method; /* enum siphon_sip_method of the CSeq */
	__u8 pad;
	__u16 status; /* of a response */
	__u16 flags; /* SIPHON_SIP_F_* */
	__u32 payload_len; /* UDP payload bytes */
	__u32 hdr_len; /* start line to the empty line, with SIPHON_SIP_F_HDR_END */
	__u32 cseq;
	__u32 content_length;
	__u32 call_id_hash;
	__u32 call_id_len;
	__u32 branch_hash;
	__u32 branch_len;
	__u32 ua_off; /* User-Agent value, offsets into the payload */
	__u32 ua_len;
};

_Static_assert(sizeof(struct siphon_sip_info) == 52, "sip info layout");

/* the per-CPU scratch: the info, then the copied bytes */
struct siphon_sip_scan {
	struct siphon_sip_info info;
	__u8 buf[SIPHON_SIP_SCAN_MAX];
};

/* per interface (key: ifindex), per CPU: packets by method and class */
struct siphon_sip_counts {
	__u64 requests[SIPHON_SIP_METHOD_MAX]; /* [NONE] stays 0 */
	__u64 responses[SIPHON_SIP_STATUS_CLASSES]; /* [0] = 1xx */
};

/* siphon_shield_cfg.off: rules switched off (zero: everything on) */
enum {
	SIPHON_SHIELD_OFF_CLASSIFY = 1 << 0, /* no SIP classification at all */
	SIPHON_SHIELD_OFF_NOT_SIP = 1 << 1, /* pass what is not SIP */
	SIPHON_SHIELD_OFF_BAD_START = 1 << 2, /* pass bad start lines */
	SIPHON_SHIELD_OFF_SCANNER = 1 << 3, /* pass scanner User-Agents */
	SIPHON_SHIELD_OFF_BLOCK = 1 << 4, /* pass the block list's sources */
	SIPHON_SHIELD_OFF_RATE = 1 << 5, /* no budgets, no bans */
	SIPHON_SHIELD_OFF_OPTIONS = 1 << 6, /* never answer OPTIONS in XDP */
};

/* siphon_shield_cfg.state: bookkeeping of the one userspace writer */
enum {
	/* siphon_scanners was seeded once: attach leaves it alone */
	SIPHON_SHIELD_SCANNERS_SEEDED = 1 << 0,
};

/*
 * The single value of siphon_shield. All zero (a fresh map) is the
 * default: classify UDP to port 5060, every rule on.
 */
struct siphon_shield_cfg {
	__u32 off; /* SIPHON_SHIELD_OFF_* */
	__u32 state; /* SIPHON_SHIELD_SCANNERS_SEEDED */
	__be16 sip_ports[SIPHON_SIP_PORTS_MAX]; /* network order, 0 = unused */
};

_Static_assert(sizeof(struct siphon_shield_cfg) == 24, "shield cfg layout");

/* one scanner pattern: len lower-case bytes; len 0 is an empty slot */
struct siphon_scanner {
	__u8 len;
	__u8 text[SIPHON_SCANNER_LEN_MAX];
};

_Static_assert(sizeof(struct siphon_scanner) == 32, "scanner layout");

/*
 * OPTIONS to siphon itself, answered in XDP (bpf/sip_options.h). siphond
 * writes the single value of siphon_options: what "itself" means (its
 * UDP ports, the hosts it answers for, the user part it accepts) and a
 * heartbeat. XDP answers only while the heartbeat is fresh, so a
 * stopped siphond is never claimed alive by a keepalive's 200.
 */
#define SIPHON_MAP_OPTIONS "siphon_options"
#define SIPHON_OPTIONS_HOSTS_MAX 16
#define SIPHON_OPTIONS_PORTS_MAX 8
/* Via header lines the reply copies; more pass to siphond */
#define SIPHON_OPTIONS_VIAS_MAX 8
/* the reply's IP packet: no bigger than a 1500-byte MTU */
#define SIPHON_OPTIONS_IP_MAX 1500
/* the Request-URI and top Via value lengths read */
#define SIPHON_OPTIONS_URI_MAX 256
/* the heartbeat siphond refreshes each second stays good this long */
#define SIPHON_OPTIONS_ALIVE_NS (3ull * 1000000000ull)

/* the methods siphond handles, as its OPTIONS answers list them */
#define SIPHON_SIP_ALLOW                                               \
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, " \
	"PRACK, INFO, MESSAGE, SUBSCRIBE, NOTIFY, REFER\r\n"

/* siphon_options_cfg.flags */
enum {
	/* siphond listens on a wildcard address: an IPv4 Request-URI host
	 * equal to the packet's destination address is siphond's own */
	SIPHON_OPTIONS_DEST_ANY = 1 << 0,
};

/* a host siphond answers for: FNV-1a of its lower-case text, and length */
struct siphon_options_host {
	__u32 hash;
	__u32 len; /* 0: unused */
};

struct siphon_options_cfg {
	__u64 alive_until_ns; /* CLOCK_MONOTONIC; 0: siphond never armed it */
	__u32 tag_secret; /* mixed into the To tag */
	__u32 flags; /* SIPHON_OPTIONS_* */
	__u32 user_hash; /* the accepted user part, user_len 0: none */
	__u32 user_len;
	__be16 ports[SIPHON_OPTIONS_PORTS_MAX]; /* UDP ports siphond listens on */
	struct siphon_options_host hosts[SIPHON_OPTIONS_HOSTS_MAX];
};

_Static_assert(sizeof(struct siphon_options_cfg) == 168,
	       "options cfg layout");

/* FNV-1a, 32 bits: the Call-ID and branch hashes of siphon_sip_info */
#define SIPHON_FNV_BASIS 2166136261u
#define SIPHON_FNV_PRIME 16777619u

static inline __u32 siphon_fnv1a(__u32 h, __u8 c)
{
	return (h ^ c) * SIPHON_FNV_PRIME;
}

#endif /* SIPHON_SIP_H */
