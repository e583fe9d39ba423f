// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl calls show and calls hangup, for humans: siphond's answers
 * to "call-show" and "call-hangup" (ctl_daemon.c asks) as text.
 */
#include <stdio.h>

#include "ctl.h"

static const char *text(json_t *obj, const char *key, const char *none)
{
	const char *t = json_string_value(json_object_get(obj, key));

	return t && *t ? t : none;
}

static long long num(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

static void print_party(const char *who, json_t *p)
{
	printf("%-15s %s\n", who, text(p, "party", "-"));
	printf("  %-13s %s%s\n", "target", text(p, "target", "-"),
	       json_is_true(json_object_get(p, "via_source")) ?
		       " (unreachable: BYE goes to the source)" :
		       "");
	printf("  %-13s %s\n", "route", text(p, "route", "-"));
	printf("  %-13s %s %s\n", "source", text(p, "transport", "?"),
	       text(p, "source", "-"));
	printf("  %-13s %lld\n", "cseq", num(p, "cseq"));
}

static void print_rtp(const char *from, json_t *f)
{
	if (!json_is_object(f)) {
		printf(" %s: no flow", from);
		return;
	}
	printf(" %s: %lld packets, %lld bytes", from, num(f, "packets"),
	       num(f, "bytes"));
}

static void print_streams(json_t *streams)
{
	json_t *s;
	size_t i;

	json_array_foreach(streams, i, s)
	{
		printf("stream %-8zu caller %s -> %s, callee %s -> %s\n", i,
		       text(s, "caller", "-"), text(s, "caller_sends_to", "-"),
		       text(s, "callee", "-"), text(s, "callee_sends_to", "-"));
		printf("  %-13s", "RTP");
		print_rtp("from caller", json_object_get(s, "from_caller"));
		print_rtp(", from callee", json_object_get(s, "from_callee"));
		putchar('\n');
	}
}

void ctl_print_call(json_t *a)
{
	json_t *dg = json_object_get(a, "dialog");
	json_t *t = json_object_get(a, "timers");
	json_t *left = json_object_get(t, "session_expires_in_s");

	printf("%-15s %s\n", "call", text(a, "call_id", "?"));
	printf("%-15s %s", "state", text(a, "state", "?"));
	if (json_is_integer(json_object_get(a, "answered_s_ago")))
		printf(", answered %lld s ago", num(a, "answered_s_ago"));
	printf("\n%-15s %s\n", "dialog", text(dg, "state", "?"));
	printf("%-15s %s\n", "caller tag", text(a, "from_tag", "-"));
	printf("%-15s %s\n", "callee tag", text(dg, "callee_tag", "-"));
	if (json_is_object(json_object_get(dg, "caller"))) {
		print_party("caller", json_object_get(dg, "caller"));
		print_party("callee", json_object_get(dg, "callee"));
	}
	if (json_is_integer(left))
		printf("%-15s expires in %lld s\n", "session timer",
		       (long long)json_integer_value(left));
	else
		printf("%-15s none\n", "session timer");
	printf("%-15s %lld s of silence, then %s\n", "media timeout",
	       num(t, "media_timeout_s"),
	       json_is_true(json_object_get(t, "bye_on_expiry")) ?
		       "BYE to both phones" :
		       "its flows are removed");
	print_streams(json_object_get(a, "streams"));
}

void ctl_print_hangup(json_t *a)
{
	if (json_is_true(json_object_get(a, "dialog_known")))
		printf("call %s: BYE sent to %lld of 2 phones, its flows "
		       "removed\n",
		       text(a, "call_id", "?"), num(a, "byes_sent"));
	else
		printf("call %s: its flows removed; no BYE (siphond does not "
		       "know its dialog)\n",
		       text(a, "call_id", "?"));
}
