#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Writes the verdict corpus next to this file: every NAME.sip (CRLF line
# ends as real bytes) and VERDICTS. Run it after changing a message here;
# test_sip_corpus checks the verdicts. Every message is our own.
import os
OUT = os.path.dirname(os.path.abspath(__file__))
V = []

def crlf(s):
    return s.replace('\n', '\r\n').encode()

def put(name, verdict, data):
    if isinstance(data, str):
        data = crlf(data)
    open(os.path.join(OUT, name + '.sip'), 'wb').write(data)
    V.append((name + '.sip', verdict))

SDP = ('v=0\no=carol 3311 3311 IN IP4 192.0.2.44\ns=talk\n'
       'c=IN IP4 192.0.2.44\nt=0 0\nm=audio 40000 RTP/AVP 0 8\n'
       'a=rtpmap:0 PCMU/8000\n')

def req(method='INVITE', uri='sip:dave@biloxi.example.org', hdrs=None,
        body='', ctype='application/sdp', cseq=None, cl=True, start=None):
    h = hdrs if hdrs is not None else base_req(method, cseq)
    lines = [start or ('%s %s SIP/2.0' % (method, uri))] + h
    if body and ctype:
        lines.append('Content-Type: ' + ctype)
    b = crlf(body)
    if cl:
        lines.append('Content-Length: %d' % len(b))
    return crlf('\n'.join(lines) + '\n\n') + b

def base_req(method='INVITE', cseq=None):
    return ['Via: SIP/2.0/UDP pc7.atlanta.example.com:5060;branch=z9hG4bK74bf9',
            'Max-Forwards: 70',
            'To: Dave <sip:dave@biloxi.example.org>',
            'From: Carol <sip:carol@atlanta.example.com>;tag=9fxced76sl',
            'Call-ID: 3848276298220188511@atlanta.example.com',
            'CSeq: %s' % (cseq or ('31862 ' + method)),
            'Contact: <sip:carol@pc7.atlanta.example.com>']

def base_resp(code='200 OK', method='INVITE'):
    return ['Via: SIP/2.0/UDP pc7.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.44',
            'To: Dave <sip:dave@biloxi.example.org>;tag=8321234356',
            'From: Carol <sip:carol@atlanta.example.com>;tag=9fxced76sl',
            'Call-ID: 3848276298220188511@atlanta.example.com',
            'CSeq: 31862 ' + method,
            'Contact: <sip:dave@192.0.2.4>']

def resp(code='200 OK', hdrs=None, body='', method='INVITE', start=None):
    h = hdrs if hdrs is not None else base_resp(code, method)
    lines = [start or ('SIP/2.0 ' + code)] + h
    if body:
        lines.append('Content-Type: application/sdp')
    b = crlf(body)
    lines.append('Content-Length: %d' % len(b))
    return crlf('\n'.join(lines) + '\n\n') + b

def swap(h, old, new):
    return [new if x.startswith(old) else x for x in h]

def drop(h, old):
    return [x for x in h if not x.startswith(old)]

# ---- valid, some of them odd ----
put('invite_basic', 'ok', req(body=SDP))
put('response_200', 'ok', resp(body=SDP))
put('response_180_empty_reason', 'ok', resp(start='SIP/2.0 180 '))
put('response_no_reason_sp', 'ok', resp(start='SIP/2.0 183'))
put('response_utf8_reason', 'ok', resp(start='SIP/2.0 486 Occup\u00e9 \u2014 r\u00e9essayez'))
put('register_compact', 'ok', req('REGISTER', 'sip:biloxi.example.org', hdrs=[
    'v: SIP/2.0/TCP host9.example.net;branch=z9hG4bKnashd92',
    'Max-Forwards: 70', 't: <sip:erin@biloxi.example.org>',
    'f: <sip:erin@biloxi.example.org>;tag=ba21', 'i: reg-77120@host9',
    'CSeq: 2 REGISTER', 'm: <sip:erin@host9.example.net>;expires=3600;q=0.7',
    'k: path, gruu', 'o: reg']))
put('folded_headers', 'ok', req(hdrs=base_req()[:1] + [
    'Subject: a subject that',
    '   goes on for',
    '\tthree lines',
    'Via: SIP/2.0/UDP relay.example.com',
    ' ;branch=z9hG4bKrelay1,',
    '  SIP/2.0/UDP 192.0.2.9:5080',
    '\t;branch=z9hG4bK77aa'] + base_req()[1:], body=SDP))
put('tabs_and_spaces', 'ok', req(hdrs=[
    'Via\t:  SIP/2.0 / UDP   pc7.atlanta.example.com ; branch = z9hG4bKsp1',
    'Max-Forwards :\t70',
    'To:Dave<sip:dave@biloxi.example.org>',
    'From   :   "Carol"   <sip:carol@atlanta.example.com>  ;  tag = 93kd',
    'Call-ID:\t\tab88@pc7', 'CSeq  :  5   INVITE   ']))
put('escaped_display_name', 'ok', req(hdrs=swap(base_req(), 'From:',
    'From: "Bob \\"the\\" \\\\ builder" <sip:bob@atlanta.example.com>;tag=q1')))
put('ipv6_everywhere', 'ok', req('OPTIONS', 'sip:[2001:db8::20]:5060', hdrs=[
    'Via: SIP/2.0/UDP [2001:db8::10]:5070;branch=z9hG4bKv6;received=2001:db8::1;rport=5071',
    'Via: SIP/2.0/UDP [2001:db8::99];rport;branch=z9hG4bKv6b',
    'Max-Forwards: 70', 'To: <sip:[2001:db8::20]>', 'From: <sip:gw@[2001:db8::10]>;tag=6a',
    'Call-ID: v6call@[2001:db8::10]', 'CSeq: 9 OPTIONS']))
put('unknown_method', 'ok', req('FROBNICATE', 'sip:dave@biloxi.example.org'))
put('unknown_headers', 'ok', req(hdrs=base_req() + [
    'X-Trace-Route: one, two, "three, four"', "weird.Name!%*'~+`: yes",
    'P-Charging-Vector: icid-value=1234bc9876e']))
put('multipart_body', 'ok', req(body=('--boundary42\nContent-Type: application/sdp\n\n' + SDP +
    '--boundary42\nContent-Type: application/resource-lists+xml\n\n<list/>\n--boundary42--\n'),
    ctype='multipart/mixed;boundary=boundary42'))
put('long_value_8000', 'ok', req(hdrs=base_req() + ['X-Long: ' + 'k' * 8000]))
put('names_any_case', 'ok', req(hdrs=['vIA: SIP/2.0/UDP a.example.com;branch=z9hG4bKc1',
    'MAX-FORWARDS: 9', 'to: <sip:x@example.com>', 'FROM: <sip:y@example.com>;TAG=1',
    'call-id: c1', 'cseq: 1 INVITE', 'CONTENT-type: text/plain'], body='hi\n', ctype=None))
put('via_lists_across_lines', 'ok', resp(hdrs=[
    'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/TCP p2.example.com:5061;branch=z9hG4bK2',
    'Via: SIP/2.0/TLS p3.example.com;branch=z9hG4bK3;maddr=239.1.1.1;ttl=16'] + base_resp()[1:]))
put('extra_bytes_after_body', 'ok', req(body=SDP) + crlf('this trails the body\n'))
put('no_content_length_udp', 'ok', req(body=SDP, cl=False))
put('leading_crlf', 'ok', crlf('\n\n') + req())
put('contact_star', 'ok', req('REGISTER', 'sip:biloxi.example.org', hdrs=drop(base_req('REGISTER'),
    'Contact') + ['Contact: *', 'Expires: 0']))
put('auth_digest', 'ok', req('REGISTER', 'sip:biloxi.example.org', hdrs=base_req('REGISTER') + [
    'Authorization: Digest username="carol", realm="atlanta.example.com",',
    '  nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", uri="sip:biloxi.example.org",',
    '  response="dfe56131d1958046689d83306477ecc", algorithm=MD5, qop=auth, nc=00000001,',
    '  cnonce="0a4f113b"']))
put('cancel', 'ok', req('CANCEL'))
put('ack', 'ok', req('ACK'))
put('identical_duplicate', 'ok', req(hdrs=base_req() + ['Call-ID: 3848276298220188511@atlanta.example.com']))
put('max_forwards_255', 'ok', req(hdrs=swap(base_req(), 'Max-Forwards', 'Max-Forwards: 255')))
put('version_lowercase', 'ok', req(start='INVITE sip:dave@biloxi.example.org sip/2.0'))
put('bare_uri_params', 'ok', req(hdrs=swap(base_req(), 'From:', 'From: sip:carol@atlanta.example.com;tag=bare7')))
put('session_timer', 'ok', req('UPDATE', hdrs=base_req('UPDATE') + [
    'Session-Expires: 1800;refresher=uac', 'Min-SE: 90', 'Supported: timer, 100rel',
    'Require: timer', 'Allow: INVITE, ACK, BYE, CANCEL, UPDATE, X-NEW']))
put('record_route_list', 'ok', resp(hdrs=base_resp() + [
    'Record-Route: <sip:p1.example.com;lr>, "proxy two" <sip:p2.example.com;lr>',
    'Record-Route: <sip:[2001:db8::5];lr>']))
put('message_text', 'ok', req('MESSAGE', 'sip:dave@biloxi.example.org', hdrs=base_req('MESSAGE'),
    body='See you at 10, ok?\n', ctype='text/plain;charset=utf-8'))

# ---- invalid ----
put('start_line_one_word', 'SIP_ERR_BAD_START_LINE', req(start='INVITE'))
put('method_bad_char', 'SIP_ERR_BAD_METHOD', req(start='INV@ITE sip:dave@biloxi.example.org SIP/2.0'))
put('version_3', 'SIP_ERR_BAD_VERSION', req(start='INVITE sip:dave@biloxi.example.org SIP/3.0'))
put('version_missing', 'SIP_ERR_BAD_VERSION', req(start='INVITE sip:dave@biloxi.example.org'))
put('response_version_1', 'SIP_ERR_BAD_VERSION', resp(start='SIP/1.0 200 OK'))
put('status_99', 'SIP_ERR_BAD_STATUS', resp(start='SIP/2.0 099 Too Low'))
put('status_700', 'SIP_ERR_BAD_STATUS', resp(start='SIP/2.0 700 Too High'))
put('status_two_digits', 'SIP_ERR_BAD_STATUS', resp(start='SIP/2.0 20 OK'))
put('status_four_digits', 'SIP_ERR_BAD_STATUS', resp(start='SIP/2.0 2000 OK'))
put('request_uri_space', 'SIP_ERR_BAD_REQUEST_URI', req(start='INVITE sip:da ve@biloxi.example.org SIP/2.0'))
put('request_uri_brackets', 'SIP_ERR_BAD_REQUEST_URI', req(start='INVITE <sip:dave@biloxi.example.org> SIP/2.0'))
put('request_line_two_spaces', 'SIP_ERR_BAD_REQUEST_URI', req(start='INVITE  sip:dave@biloxi.example.org SIP/2.0'))
put('content_length_beyond_body', 'SIP_ERR_BODY_TRUNCATED',
    req(body=SDP, cl=False).replace(b'Content-Type', b'Content-Length: 900\r\nContent-Type'))
put('content_length_negative', 'SIP_ERR_BAD_CONTENT_LENGTH', req(hdrs=base_req() + ['Content-Length: -4'], cl=False))
put('content_length_huge', 'SIP_ERR_BAD_CONTENT_LENGTH', req(hdrs=base_req() + ['l: 99999999999999999999'], cl=False))
put('content_length_conflict', 'SIP_ERR_DUPLICATE_HEADER', req(hdrs=base_req() + ['Content-Length: 0', 'l: 5'], cl=False) + b'hello')
put('missing_call_id', 'SIP_ERR_MISSING_HEADER', req(hdrs=drop(base_req(), 'Call-ID')))
put('missing_max_forwards', 'ok', req(hdrs=drop(base_req(), 'Max-Forwards')))
put('missing_from', 'SIP_ERR_MISSING_HEADER', req('BYE', hdrs=drop(base_req('BYE'), 'From')))
put('response_missing_via', 'SIP_ERR_MISSING_HEADER', resp(hdrs=base_resp()[1:]))
put('body_without_content_type', 'SIP_ERR_MISSING_HEADER', req(body=SDP, ctype=None))
put('conflicting_call_id', 'SIP_ERR_DUPLICATE_HEADER', req(hdrs=base_req() + ['i: another-call@elsewhere']))
put('conflicting_to', 'SIP_ERR_DUPLICATE_HEADER', req(hdrs=base_req() + ['t: <sip:mallory@example.net>']))
put('cseq_not_number', 'SIP_ERR_BAD_CSEQ', req(cseq='abc INVITE'))
put('cseq_too_big', 'SIP_ERR_BAD_CSEQ', req(cseq='2147483648 INVITE'))
put('cseq_no_method', 'SIP_ERR_BAD_CSEQ', req(cseq='77'))
put('cseq_method_mismatch', 'SIP_ERR_CSEQ_METHOD_MISMATCH', req('BYE', cseq='4 INVITE'))
put('cseq_method_case', 'SIP_ERR_CSEQ_METHOD_MISMATCH', req(cseq='4 invite'))
put('max_forwards_256', 'SIP_ERR_BAD_MAX_FORWARDS', req(hdrs=swap(base_req(), 'Max-Forwards', 'Max-Forwards: 256')))
put('header_without_colon', 'SIP_ERR_BAD_HEADER_LINE', req(hdrs=base_req() + ['Subject just words']))
put('header_name_bad_char', 'SIP_ERR_BAD_HEADER_NAME', req(hdrs=base_req() + ['Sub[ject]: x']))
put('nul_in_header', 'SIP_ERR_BAD_HEADER_LINE', req(hdrs=base_req() + ['Subject: nul\0here']))
put('fold_before_any_header', 'SIP_ERR_BAD_HEADER_LINE', req(hdrs=[' folded'] + base_req()))
put('too_many_headers', 'SIP_ERR_TOO_MANY_HEADERS', req(hdrs=base_req() + ['X-N%d: %d' % (i, i) for i in range(125)]))
put('value_too_long', 'SIP_ERR_VALUE_TOO_LONG', req(hdrs=base_req() + ['X-Long: ' + 'k' * 8193]))
put('bare_lf', 'SIP_ERR_BAD_LINE_END', req().replace(b'\r\nMax-Forwards', b'\nMax-Forwards'))
put('no_empty_line', 'SIP_ERR_TRUNCATED', req()[:-2])
put('only_crlf', 'SIP_ERR_EMPTY', crlf('\n\n'))
put('message_too_long', 'SIP_ERR_TOO_LONG', req(body='x' * 65600, ctype='text/plain'))
put('via_no_transport', 'SIP_ERR_BAD_VIA', req(hdrs=swap(base_req(), 'Via', 'Via: SIP/2.0 pc7.atlanta.example.com;branch=z9hG4bK1')))
put('via_bad_port', 'SIP_ERR_BAD_VIA', req(hdrs=swap(base_req(), 'Via', 'Via: SIP/2.0/UDP pc7.atlanta.example.com:99999;branch=z9hG4bK1')))
put('from_unclosed_quote', 'SIP_ERR_BAD_QUOTED_STRING', req(hdrs=swap(base_req(), 'From', 'From: "Carol <sip:carol@atlanta.example.com>;tag=1')))
put('to_no_scheme', 'SIP_ERR_BAD_TO', req(hdrs=swap(base_req(), 'To:', 'To: <dave.biloxi.example.org>')))
put('content_type_no_subtype', 'SIP_ERR_BAD_CONTENT_TYPE', req(body=SDP, ctype='application'))
put('call_id_with_space', 'SIP_ERR_BAD_CALL_ID', req(hdrs=swap(base_req(), 'Call-ID', 'Call-ID: two words')))

put('exactly_128_headers', 'ok', req(hdrs=base_req() + ['X-N%d: %d' % (i, i) for i in range(120)]))
put('empty_header_value', 'ok', req(hdrs=base_req() + ['Subject:', 'Supported:  ']))
put('folded_value_on_next_line', 'ok', req(hdrs=base_req() + ['Subject:', '  all of it folded']))
put('tel_request_uri', 'ok', req(uri='tel:+1-201-555-0123'))
put('escaped_request_uri', 'ok', req(uri='sip:%61lice@atlanta.example.com;transport=udp'))
put('content_length_leading_zeros', 'ok', req(hdrs=base_req() + ['l : 0000'], cl=False))
put('reason_with_tabs', 'ok', resp(start='SIP/2.0 404 Not\tFound  here'))
put('contact_list_q', 'ok', resp(hdrs=base_resp('300 Multiple Choices') + [
    'Contact: <sip:d1@192.0.2.4>;q=0.9, "D two" <sip:d2@192.0.2.5>;q=0.1;expires=60,',
    '  sip:d3@192.0.2.6;q=0'], code='300 Multiple Choices'))
put('response_to_unknown_method', 'ok', resp(hdrs=base_resp(method='FROBNICATE')))
put('version_trailing_space', 'SIP_ERR_BAD_VERSION', req(start='INVITE sip:dave@biloxi.example.org SIP/2.0 '))
put('version_200', 'SIP_ERR_BAD_VERSION', req(start='INVITE sip:dave@biloxi.example.org SIP/2.00'))
put('via_ipv6_unclosed', 'SIP_ERR_BAD_VIA', req(hdrs=swap(base_req(), 'Via', 'Via: SIP/2.0/UDP [2001:db8::1;branch=z9hG4bKx')))
put('extension_cseq_mismatch', 'SIP_ERR_CSEQ_METHOD_MISMATCH', req('FROBNICATE', cseq='3 FROB'))
put('conflicting_max_forwards', 'SIP_ERR_DUPLICATE_HEADER', req(hdrs=base_req() + ['Max-Forwards: 10']))
put('max_forwards_negative', 'SIP_ERR_BAD_MAX_FORWARDS', req(hdrs=swap(base_req(), 'Max-Forwards', 'Max-Forwards: -1')))
put('status_line_tab', 'SIP_ERR_BAD_STATUS', resp(start='SIP/2.0 200\tOK'))

with open(os.path.join(OUT, 'VERDICTS'), 'w') as f:
    f.write('# SPDX-License-Identifier: GPL-2.0-only\n'
            '# NAME.sip, then "ok" (parses and validates) or the SIP_ERR_ code\n'
            '# sip_msg_parse() or sip_msg_validate() must give\n')
    for n, v in sorted(V):
        f.write('%s %s\n' % (n, v))
print(len(V))
