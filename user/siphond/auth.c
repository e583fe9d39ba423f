// SPDX-License-Identifier: GPL-2.0-only
/*
 * Digest authentication for siphond (RFC 3261 section 22, RFC 7616 and
 * RFC 8760).
 *
 * A nonce is 64 lowercase hex digits: the issue time in seconds (8 bytes,
 * big endian), 8 random bytes, and the first 16 bytes of
 * HMAC-SHA256(secret, time | random). The secret is drawn at start, so no
 * state is kept per challenge and nobody without it can mint a nonce or
 * move its time.
 *
 * State is kept only for nonces that have carried a correct response: a
 * ring of NONCE_SLOTS entries in first-use order (the oldest is the next
 * to be overwritten) with an open addressing index keyed by the nonce's
 * MAC. An entry holds the highest nonce-count seen and how many requests
 * the nonce has served. Entries whose nonce has expired anyway are
 * dropped first; a live one dropped for room is counted.
 *
 * Verdicts are checked in this order: malformed (AUTH_BAD), algorithm or
 * qop we did not offer and nonces we did not issue (AUTH_CHALLENGE),
 * unknown user or wrong response (AUTH_FORBIDDEN), then expiry, replay
 * and use count (AUTH_STALE), so only a client that knows the password
 * can touch the replay table or learn that a nonce is stale.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "auth.h"
#include "sip/sip_build.h"

#define AUTH_REALM_MAX 256
#define AUTH_SECRET_LEN 32
#define NONCE_TIME_LEN 8
#define NONCE_SALT_LEN 8
#define NONCE_MAC_LEN 16
#define NONCE_RAW_LEN (NONCE_TIME_LEN + NONCE_SALT_LEN + NONCE_MAC_LEN)
#define NONCE_HEX_LEN (2 * NONCE_RAW_LEN)
/* nonces remembered at once, and their index (kept at most half full) */
#define NONCE_SLOTS 4096
#define NONCE_INDEX_SLOTS (2 * NONCE_SLOTS)
#define NONCE_INDEX_EMPTY UINT16_MAX
/* the longest digest (SHA-256) */
#define DIGEST_MAX 32
/* unescaped copies of quoted values that held quoted-pairs */
#define AUTH_VALUE_MAX 512

_Static_assert(NONCE_SLOTS < NONCE_INDEX_EMPTY, "ring index fits in u16");
_Static_assert((NONCE_INDEX_SLOTS & (NONCE_INDEX_SLOTS - 1)) == 0,
	       "index size is a power of two");

struct nonce_use {
	uint8_t mac[NONCE_MAC_LEN];
	uint64_t issued_s;
	uint32_t nc; /* the highest nonce-count accepted, 0 without qop */
	uint32_t uses;
};

struct auth {
	char realm[AUTH_REALM_MAX];
	size_t realm_len;
	uint32_t nonce_lifetime_s;
	uint32_t nonce_max_uses;
	bool md5_first;
	uint8_t secret[AUTH_SECRET_LEN];
	struct credentials *creds;
	struct auth_stats stats;
	/* ring in first-use order: head is the oldest of count entries */
	struct nonce_use uses[NONCE_SLOTS];
	uint32_t head, count;
	uint16_t index[NONCE_INDEX_SLOTS]; /* positions in uses[] */
};

/* one Digest credential, its quoted values unescaped where needed */
struct digest_req {
	bool sha256;
	bool has_qop;
	const struct sip_auth *hdr;
	struct sip_str username, nonce, uri, cnonce, nc_str;
	uint32_t nc;
	char user_buf[CRED_USER_MAX];
	char nonce_buf[NONCE_HEX_LEN + 1];
	char uri_buf[AUTH_VALUE_MAX];
	char cnonce_buf[AUTH_VALUE_MAX];
};

/* a nonce taken apart; valid only if its MAC checked out */
struct nonce {
	uint64_t issued_s;
	uint8_t mac[NONCE_MAC_LEN];
};

static const char hexdigits[] = "0123456789abcdef";

static void hex_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 0xf];
	}
}

/* exactly 2 * len hex digits, either case, into len bytes */
static int hex_decode(struct sip_str hex, uint8_t *out, size_t len)
{
	size_t i;

	if (hex.len != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = sip_hex_value(hex.p[2 * i]);
		int lo = sip_hex_value(hex.p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/*
 * A quoted-string's content as the parser gives it, quoted-pairs still
 * in: resolved into buf only when there is one, so the common case
 * points into the request and copies nothing. -1 when it does not fit.
 */
static int unescape(struct sip_str in, char *buf, size_t cap,
		    struct sip_str *out)
{
	uint32_t i;
	size_t n = 0;

	if (!in.len || !memchr(in.p, '\\', in.len)) {
		*out = in;
		return 0;
	}
	for (i = 0; i < in.len; i++) {
		if (in.p[i] == '\\' && i + 1 < in.len)
			i++;
		if (n == cap)
			return -1;
		buf[n++] = in.p[i];
	}
	*out = sip_str_of(buf, n);
	return 0;
}

/* H(part0:part1:...) over spans, so no value length needs a bound */
static int digest_join(const EVP_MD *md, const struct sip_str *parts,
		       unsigned int n, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int i, outlen = 0;
	int ret = -1;

	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	for (i = 0; i < n; i++) {
		if (i && !EVP_DigestUpdate(ctx, ":", 1))
			goto out;
		if (parts[i].len &&
		    !EVP_DigestUpdate(ctx, parts[i].p, parts[i].len))
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, out, &outlen))
		ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/*
 * The request-digest of RFC 7616 section 3.4.1 for qop=auth, or of
 * RFC 2069 when qop is empty, as raw bytes into out (16 or 32 of them).
 * Not static: the unit test checks it against the RFC examples (its
 * prototype is proposed for auth.h).
 */
int auth_digest_response(bool sha256, const uint8_t *ha1, struct sip_str method,
			 struct sip_str uri, struct sip_str nonce,
			 struct sip_str nc, struct sip_str cnonce,
			 struct sip_str qop, uint8_t *out);
int auth_digest_response(bool sha256, const uint8_t *ha1, struct sip_str method,
			 struct sip_str uri, struct sip_str nonce,
			 struct sip_str nc, struct sip_str cnonce,
			 struct sip_str qop, uint8_t *out)
{
	const EVP_MD *md = sha256 ? EVP_sha256() : EVP_md5();
	size_t mdlen = sha256 ? 32 : 16;
	char ha1_hex[2 * DIGEST_MAX], ha2_hex[2 * DIGEST_MAX];
	struct sip_str a2[] = { method, uri };
	uint8_t ha2[DIGEST_MAX];
	struct sip_str ha1s = sip_str_of(ha1_hex, 2 * mdlen);
	struct sip_str ha2s = sip_str_of(ha2_hex, 2 * mdlen);
	struct sip_str with_qop[] = { ha1s, nonce, nc, cnonce, qop, ha2s };
	struct sip_str without_qop[] = { ha1s, nonce, ha2s };

	if (digest_join(md, a2, 2, ha2))
		return -1;
	hex_encode(ha1, mdlen, ha1_hex);
	hex_encode(ha2, mdlen, ha2_hex);
	if (qop.len)
		return digest_join(md, with_qop, 6, out);
	return digest_join(md, without_qop, 3, out);
}

static void nonce_mac(const struct auth *a, const uint8_t *time_salt,
		      uint8_t *mac)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!HMAC(EVP_sha256(), a->secret, sizeof(a->secret), time_salt,
		  NONCE_TIME_LEN + NONCE_SALT_LEN, full, &len))
		memset(full, 0, sizeof(full)); /* then nothing verifies */
	memcpy(mac, full, NONCE_MAC_LEN);
}

/* a fresh nonce, NONCE_HEX_LEN digits and a NUL, into out */
static int nonce_make(const struct auth *a, uint64_t now_s, char *out)
{
	uint8_t raw[NONCE_RAW_LEN];
	int i;

	for (i = 0; i < NONCE_TIME_LEN; i++)
		raw[i] = (uint8_t)(now_s >> (8 * (NONCE_TIME_LEN - 1 - i)));
	if (RAND_bytes(raw + NONCE_TIME_LEN, NONCE_SALT_LEN) != 1)
		return -1;
	nonce_mac(a, raw, raw + NONCE_TIME_LEN + NONCE_SALT_LEN);
	hex_encode(raw, sizeof(raw), out);
	out[NONCE_HEX_LEN] = '\0';
	return 0;
}

/* 0 for a nonce we issued; -1 for anything else */
static int nonce_open(const struct auth *a, struct sip_str hex, struct nonce *n)
{
	uint8_t raw[NONCE_RAW_LEN], mac[NONCE_MAC_LEN];
	int i;

	if (hex_decode(hex, raw, sizeof(raw)))
		return -1;
	nonce_mac(a, raw, mac);
	if (CRYPTO_memcmp(mac, raw + NONCE_TIME_LEN + NONCE_SALT_LEN,
			  NONCE_MAC_LEN))
		return -1;
	n->issued_s = 0;
	for (i = 0; i < NONCE_TIME_LEN; i++)
		n->issued_s = n->issued_s << 8 | raw[i];
	memcpy(n->mac, mac, sizeof(mac));
	return 0;
}

static bool nonce_expired(const struct auth *a, uint64_t issued_s,
			  uint64_t now_s)
{
	return now_s > issued_s && now_s - issued_s > a->nonce_lifetime_s;
}

static uint32_t index_home(const uint8_t *mac)
{
	uint32_t h;

	memcpy(&h, mac, sizeof(h)); /* MAC bytes are already uniform */
	return h & (NONCE_INDEX_SLOTS - 1);
}

/* the index slot holding mac, or the empty slot where it would go */
static uint32_t index_find(const struct auth *a, const uint8_t *mac)
{
	uint32_t i = index_home(mac);

	for (;; i = (i + 1) & (NONCE_INDEX_SLOTS - 1)) {
		uint16_t k = a->index[i];

		if (k == NONCE_INDEX_EMPTY ||
		    !memcmp(a->uses[k].mac, mac, NONCE_MAC_LEN))
			return i;
	}
}

/*
 * Linear probing deletion without tombstones: later entries of the same
 * probe run move back into the hole unless their home lies after it.
 */
static void index_remove(struct auth *a, uint32_t hole)
{
	const uint32_t mask = NONCE_INDEX_SLOTS - 1;
	uint32_t j = hole;

	for (;;) {
		uint32_t home;

		j = (j + 1) & mask;
		if (a->index[j] == NONCE_INDEX_EMPTY)
			break;
		home = index_home(a->uses[a->index[j]].mac);
		/* stays if home is cyclically within (hole, j] */
		if (((j - home) & mask) < ((j - hole) & mask))
			continue;
		a->index[hole] = a->index[j];
		hole = j;
	}
	a->index[hole] = NONCE_INDEX_EMPTY;
}

static void ring_drop_oldest(struct auth *a)
{
	struct nonce_use *u = &a->uses[a->head];

	index_remove(a, index_find(a, u->mac));
	a->head = (a->head + 1) % NONCE_SLOTS;
	a->count--;
}

/* make room for one entry: expired ones go freely, a live one is counted */
static void ring_make_room(struct auth *a, uint64_t now_s)
{
	while (a->count && nonce_expired(a, a->uses[a->head].issued_s, now_s))
		ring_drop_oldest(a);
	if (a->count == NONCE_SLOTS) {
		ring_drop_oldest(a);
		a->stats.nonce_table_full++;
	}
}

static struct nonce_use *nonce_use_add(struct auth *a, const struct nonce *n,
				       uint64_t now_s)
{
	struct nonce_use *u;
	uint32_t pos;

	ring_make_room(a, now_s);
	pos = (a->head + a->count) % NONCE_SLOTS;
	u = &a->uses[pos];
	*u = (struct nonce_use){ .issued_s = n->issued_s };
	memcpy(u->mac, n->mac, sizeof(u->mac));
	a->index[index_find(a, n->mac)] = (uint16_t)pos;
	a->count++;
	return u;
}

/* AUTH_OK and the use recorded, or AUTH_STALE for a replay or one too many */
static enum auth_verdict nonce_use_check(struct auth *a, const struct nonce *n,
					 const struct digest_req *d,
					 uint64_t now_s)
{
	uint16_t k = a->index[index_find(a, n->mac)];
	struct nonce_use *u;

	if (k == NONCE_INDEX_EMPTY) {
		u = nonce_use_add(a, n, now_s);
	} else {
		u = &a->uses[k];
		/* without qop there is no count to advance: one use only */
		if (!d->has_qop || d->nc <= u->nc) {
			a->stats.replayed++;
			return AUTH_STALE;
		}
		if (u->uses >= a->nonce_max_uses)
			return AUTH_STALE;
	}
	u->nc = d->has_qop ? d->nc : UINT32_MAX;
	u->uses++;
	return AUTH_OK;
}

/* nc is exactly 8 hex digits (RFC 7616 section 3.4), and never 0 */
static int parse_nc(struct sip_str s, uint32_t *nc)
{
	uint32_t v = 0, i;

	if (s.len != 8)
		return -1;
	for (i = 0; i < s.len; i++) {
		int h = sip_hex_value(s.p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | (uint32_t)h;
	}
	*nc = v;
	return v ? 0 : -1;
}

/* the fields every Digest answer needs, and cnonce and nc with qop */
static enum auth_verdict digest_fields(const struct sip_auth *h,
				       struct digest_req *d)
{
	if (!h->username.len || !h->nonce.len || !h->uri.len ||
	    !h->response.len)
		return AUTH_BAD;
	if (unescape(h->username, d->user_buf, sizeof(d->user_buf),
		     &d->username) ||
	    unescape(h->nonce, d->nonce_buf, sizeof(d->nonce_buf), &d->nonce) ||
	    unescape(h->uri, d->uri_buf, sizeof(d->uri_buf), &d->uri))
		return AUTH_BAD;
	d->has_qop = h->qop.len;
	if (!d->has_qop)
		return AUTH_OK;
	if (!h->cnonce.len || !h->nc.len || parse_nc(h->nc, &d->nc) ||
	    unescape(h->cnonce, d->cnonce_buf, sizeof(d->cnonce_buf),
		     &d->cnonce))
		return AUTH_BAD;
	d->nc_str = h->nc;
	return AUTH_OK;
}

/* only what auth_challenge offers: MD5 or SHA-256, qop auth or none */
static bool digest_offered(const struct sip_auth *h, struct digest_req *d)
{
	if (!h->algorithm.len || sip_str_ieq_cstr(h->algorithm, "MD5"))
		d->sha256 = false;
	else if (sip_str_ieq_cstr(h->algorithm, "SHA-256"))
		d->sha256 = true;
	else
		return false;
	return !h->qop.len || sip_str_ieq_cstr(h->qop, "auth");
}

static bool realm_is_ours(const struct auth *a, struct sip_str realm)
{
	char buf[AUTH_REALM_MAX];
	struct sip_str r;

	if (unescape(realm, buf, sizeof(buf), &r))
		return false;
	return sip_str_eq(r, sip_str_of(a->realm, a->realm_len));
}

/*
 * The first Digest credential for our realm into *out: AUTH_OK, or
 * AUTH_CHALLENGE when there is none, or AUTH_BAD when a header line does
 * not parse (its realm cannot be known, so it may be ours).
 */
static enum auth_verdict find_credential(const struct auth *a,
					 const struct sip_msg *req, bool proxy,
					 struct sip_auth *out)
{
	enum sip_hdr_id id = proxy ? SIP_HDR_PROXY_AUTHORIZATION :
				     SIP_HDR_AUTHORIZATION;
	const struct sip_hdr *h;
	struct sip_error err;

	for (h = sip_msg_first(req, id); h; h = sip_msg_next(req, h)) {
		if (sip_auth_parse(h->value, out, &err))
			return AUTH_BAD;
		if (sip_str_ieq_cstr(out->scheme, "Digest") &&
		    realm_is_ours(a, out->realm))
			return AUTH_OK;
	}
	return AUTH_CHALLENGE;
}

/* AUTH_OK when the response proves the password, else AUTH_FORBIDDEN */
static enum auth_verdict check_response(const struct sip_msg *req,
					const struct credential *cred,
					const struct digest_req *d)
{
	size_t mdlen = d->sha256 ? 32 : 16;
	uint8_t want[DIGEST_MAX], got[DIGEST_MAX];
	const uint8_t *ha1 = d->sha256 ? cred->ha1_sha256 : cred->ha1_md5;

	if (!(d->sha256 ? cred->has_sha256 : cred->has_md5))
		return AUTH_FORBIDDEN; /* no HA1 on file for this algorithm */
	if (hex_decode(d->hdr->response, got, mdlen))
		return AUTH_FORBIDDEN;
	if (auth_digest_response(d->sha256, ha1, req->method_str, d->uri,
				 d->nonce, d->nc_str, d->cnonce,
				 d->has_qop ? d->hdr->qop : SIP_STR_NULL, want))
		return AUTH_FORBIDDEN;
	return CRYPTO_memcmp(want, got, mdlen) ? AUTH_FORBIDDEN : AUTH_OK;
}

/*
 * The user as the request spelled it, or, when it came with quoted-pairs
 * (so the unescaped name exists only in a stack buffer), the name as the
 * credentials hold it: that lives until the next auth_set_credentials().
 */
static struct sip_str verified_user(const struct digest_req *d,
				    const struct credential *cred)
{
	if (d->username.p == d->hdr->username.p)
		return d->username;
	return sip_str_of(cred->user, strlen(cred->user));
}

static enum auth_verdict check(struct auth *a, struct sip_msg *req, bool proxy,
			       uint64_t now_ms, struct sip_str *user)
{
	const uint64_t now_s = now_ms / 1000;
	const struct credential *cred;
	struct digest_req d = { 0 };
	enum auth_verdict v;
	struct sip_auth h;
	struct nonce n;

	v = find_credential(a, req, proxy, &h);
	if (v != AUTH_OK)
		return v;
	d.hdr = &h;
	v = digest_fields(&h, &d);
	if (v != AUTH_OK)
		return v;
	if (!digest_offered(&h, &d) || nonce_open(a, d.nonce, &n))
		return AUTH_CHALLENGE;
	cred = credentials_find(a->creds, d.username.p, d.username.len);
	if (!cred)
		return AUTH_FORBIDDEN;
	v = check_response(req, cred, &d);
	if (v != AUTH_OK)
		return v;
	if (nonce_expired(a, n.issued_s, now_s))
		return AUTH_STALE;
	v = nonce_use_check(a, &n, &d, now_s);
	if (v == AUTH_OK && user)
		*user = verified_user(&d, cred);
	return v;
}

static void count_verdict(struct auth *a, enum auth_verdict v)
{
	switch (v) {
	case AUTH_OK:
		a->stats.ok++;
		break;
	case AUTH_CHALLENGE:
		a->stats.challenged++;
		break;
	case AUTH_STALE:
		a->stats.stale++;
		break;
	case AUTH_FORBIDDEN:
		a->stats.forbidden++;
		break;
	case AUTH_BAD:
		a->stats.bad++;
		break;
	}
}

enum auth_verdict auth_check(struct auth *a, struct sip_msg *req, bool proxy,
			     uint64_t now_ms, struct sip_str *user)
{
	enum auth_verdict v;

	if (user)
		*user = SIP_STR_NULL;
	v = check(a, req, proxy, now_ms, user);
	count_verdict(a, v);
	return v;
}

/* the realm as a quoted-string body: '"' and '\\' escaped */
static void write_quoted(struct sip_wr *w, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			sip_wr_mem(w, "\\", 1);
		sip_wr_mem(w, &s[i], 1);
	}
}

static void write_challenge_line(struct sip_wr *w, const struct auth *a,
				 bool proxy, bool stale, const char *nonce,
				 const char *algorithm)
{
	sip_wr_cstr(w, proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
	sip_wr_cstr(w, ": Digest realm=\"");
	write_quoted(w, a->realm, a->realm_len);
	sip_wr_cstr(w, "\", nonce=\"");
	sip_wr_cstr(w, nonce);
	sip_wr_cstr(w, "\", algorithm=");
	sip_wr_cstr(w, algorithm);
	sip_wr_cstr(w, ", qop=\"auth\"");
	if (stale)
		sip_wr_cstr(w, ", stale=true");
	sip_wr_mem(w, "\r\n", 2);
}

void auth_set_md5_first(struct auth *a, bool md5_first)
{
	a->md5_first = md5_first;
}

int auth_challenge(struct auth *a, bool proxy, bool stale, uint64_t now_ms,
		   char *buf, size_t cap)
{
	char nonce[NONCE_HEX_LEN + 1];
	struct sip_error err;
	struct sip_wr w;
	int len;

	if (nonce_make(a, now_ms / 1000, nonce))
		return -1;
	sip_wr_init(&w, buf, cap);
	/* the preferred algorithm first (RFC 8760 section 2.4) */
	write_challenge_line(&w, a, proxy, stale, nonce,
			     a->md5_first ? "MD5" : "SHA-256");
	write_challenge_line(&w, a, proxy, stale, nonce,
			     a->md5_first ? "SHA-256" : "MD5");
	/* a NUL too, not counted, so the lines can be logged as they are */
	sip_wr_mem(&w, "", 1);
	len = sip_wr_end(&w, &err);
	return len < 0 ? -1 : len - 1;
}

/* a realm goes out in a quoted-string: printable text only */
static bool realm_ok(const char *realm)
{
	size_t len = strlen(realm), i;

	if (!len || len >= AUTH_REALM_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)realm[i];

		if (c < ' ' || c == 0x7f)
			return false;
	}
	return true;
}

struct auth *auth_new(const char *realm, uint32_t nonce_lifetime_s,
		      uint32_t nonce_max_uses)
{
	struct auth *a;

	if (!realm || !realm_ok(realm))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	if (RAND_bytes(a->secret, sizeof(a->secret)) != 1) {
		free(a);
		return NULL;
	}
	a->realm_len = strlen(realm);
	memcpy(a->realm, realm, a->realm_len + 1);
	a->nonce_lifetime_s = nonce_lifetime_s;
	/* a nonce that serves no request would challenge forever */
	a->nonce_max_uses = nonce_max_uses ? nonce_max_uses : 1;
	memset(a->index, 0xff, sizeof(a->index));
	return a;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	credentials_free(a->creds);
	OPENSSL_cleanse(a->secret, sizeof(a->secret));
	free(a);
}

void auth_set_credentials(struct auth *a, struct credentials *c)
{
	credentials_free(a->creds);
	a->creds = c;
}

const struct auth_stats *auth_stats(const struct auth *a)
{
	return &a->stats;
}
