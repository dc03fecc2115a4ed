#!/bin/bash
# acctl sa, fleet, socket and tunnel allow-null as a command line tool:
# help, usage errors in iproute2's words, keys never echoed, batch line
# numbers. Nothing here needs the kernel to implement SAs: every command
# fails in acctl's own parser before a request is sent.
source "$(dirname "$0")/lib/common.sh"

begin "acctl sa, fleet and socket command line"

SA="sa add tunnel t dir out spi 0x1001"

check "acctl --help lists sa, fleet and socket" \
	sh -c 'acctl --help | grep -q "^  sa " && acctl --help | grep -q "^  fleet " && acctl --help | grep -q "^  socket "'
check "acctl sa help shows the add grammar" \
	sh -c 'acctl sa help | grep -q "acctl sa add tunnel NAME dir { in | out } spi SPI enc ENC"'
check "acctl help sa is acctl sa help" \
	sh -c '[ "$(acctl help sa)" = "$(acctl sa help)" ]'
check "acctl fleet help" sh -c 'acctl fleet help | grep -q "acctl fleet set server-id ID"'
check "acctl fleet help has the claim grammar" \
	sh -c 'acctl fleet help | grep -qF "acctl fleet set server-id ID [ epoch EPOCH lease MS [ renew ] ]" &&
		acctl fleet help | grep -q "acctl fleet release"'
check "acctl sa help has fleet" sh -c 'acctl sa help | grep -qF "[ epoch N | fleet ]"'
check "acctl socket help" sh -c 'acctl socket help | grep -q "acctl socket attach dev DEV"'
check "acctl monitor help mentions sa expire" sh -c 'acctl monitor help | grep -q "sa expire soft"'
check "acctl tunnel help has allow-null" sh -c 'acctl tunnel help | grep -q "allow-null { on | off }"'
check_error 'Error: "sa help" takes no arguments.' acctl sa help x
check_error 'Command "bogus" is unknown, try "acctl sa help".' acctl sa bogus

check_error 'Error: argument "enc" is required.' acctl $SA
check_error 'Error: argument "spi" is required.' acctl sa add tunnel t dir out enc null
check_error 'Error: argument "dir" is required.' acctl sa del tunnel t spi 0x1001
check_error 'Error: argument "tunnel" is required.' acctl sa del dir in spi 0x1001
check_error 'Error: argument "up" is wrong: dir must be "in" or "out"' \
	acctl sa add tunnel t dir up spi 0x1001 enc null
check_error 'Error: argument "12x" is wrong: spi must be a number' \
	acctl sa add tunnel t dir out spi 12x enc null
check_error 'Error: argument "0x100000000" is wrong: spi must be a number' \
	acctl sa add tunnel t dir out spi 0x100000000 enc null
check_error 'Error: argument "aes" is wrong: enc must be gcm-aes-128, gcm-aes-256, cbc-aes-128, cbc-aes-256 or null' \
	acctl $SA enc aes
check_error 'Error: argument "md5" is wrong: auth must be hmac-sha256 or hmac-sha1' \
	acctl $SA enc cbc-aes-128 key 00112233 auth md5 key 00
check_error 'Error: argument "key" is wrong: a key must be an even number of hexadecimal digits' \
	acctl $SA enc gcm-aes-128 key 0x123
check_error 'Error: argument "key" is wrong: a key must be an even number of hexadecimal digits' \
	acctl $SA enc gcm-aes-128 key 0x
check_error 'Error: argument "key" is wrong: a key must be an even number of hexadecimal digits' \
	acctl $SA enc cbc-aes-128 key 0011 auth hmac-sha1 key 00gg
check_error 'Error: argument "key" is wrong: a key is at most 64 bytes.' \
	acctl $SA enc gcm-aes-256 key "$(printf '%0130d' 0)"
check_error 'Error: "key" must come right after "enc ENC" or "auth AUTH".' \
	acctl $SA key 00 enc gcm-aes-128
check_error 'Error: "key" must come right after "enc ENC" or "auth AUTH".' \
	acctl $SA enc gcm-aes-128 replay-window 0 key 00
out=$(acctl $SA enc gcm-aes-128 key 0xfeedfacecafe5 2>&1)
check_eq "a malformed key is not echoed" "" "$(grep -i feedface <<<"$out")"
check_error 'Error: argument "dport" is required.' \
	acctl $SA enc null encap udp sport 4500
check_error 'Error: "sport" needs "encap udp", try "acctl sa help".' \
	acctl $SA enc null sport 4500
check_error 'Error: argument "tcp" is wrong: encap must be "udp"' \
	acctl $SA enc null encap tcp sport 4500 dport 4500
check_error 'Error: argument "65536" is wrong: sport must be a port number' \
	acctl $SA enc null encap udp sport 65536 dport 4500
check_error 'Error: argument "-1" is wrong: lifetime-bytes must be a number' \
	acctl $SA enc null lifetime-bytes -1
check_error 'Error: argument "18446744073709551616" is wrong: soft-lifetime-bytes must be a number' \
	acctl $SA enc null soft-lifetime-bytes 18446744073709551616
check_error 'Error: duplicate "esn".' acctl $SA enc null esn esn
check_error 'Error: duplicate "dir": "in" is the second value.' acctl $SA enc null dir in
check_error 'Command line is not complete. Try "acctl sa help".' acctl $SA enc null replay-window
check_error 'Error: unknown argument "enc" for "sa del", try "acctl sa help".' \
	acctl sa del tunnel t dir out spi 1 enc null
check_error 'Error: unknown argument "bogus" for "sa show", try "acctl sa help".' \
	acctl sa show bogus
check_error 'Error: device "nope" does not exist.' acctl $SA enc null dev nope
check_error 'Error: argument "0123456789abcdef0123456789abcdef" is wrong: tunnel name is longer than 31 bytes' \
	acctl sa show tunnel 0123456789abcdef0123456789abcdef

check_error 'Error: argument "server-id" is required.' acctl fleet set
check_error 'Error: argument "65536" is wrong: server-id must be a number from 0 to 65535' \
	acctl fleet set server-id 65536
check_error 'Error: unknown argument "id" for "fleet set", try "acctl fleet help".' \
	acctl fleet set id 1
check_error 'Error: duplicate "server-id": "2" is the second value.' \
	acctl fleet set server-id 1 server-id 2
check_error 'Command "bogus" is unknown, try "acctl fleet help".' acctl fleet bogus
check_error 'Error: argument "lease" is required.' acctl fleet set server-id 1 epoch 2
check_error 'Error: argument "epoch" is required.' acctl fleet set server-id 1 lease 1000
check_error 'Error: argument "server-id" is required.' acctl fleet set epoch 2 lease 1000
check_error 'Error: "renew" needs "epoch" and "lease", try "acctl fleet help".' \
	acctl fleet set server-id 1 renew
check_error 'Error: duplicate "renew".' acctl fleet set server-id 1 epoch 2 lease 9 renew renew
check_error 'Error: duplicate "epoch": "3" is the second value.' \
	acctl fleet set server-id 1 epoch 2 epoch 3 lease 9
check_error 'Error: argument "65536" is wrong: epoch must be a number from 0 to 65535' \
	acctl fleet set server-id 1 epoch 65536 lease 1000
check_error 'Error: argument "1s" is wrong: lease must be a number of milliseconds' \
	acctl fleet set server-id 1 epoch 2 lease 1s
check_error 'Command line is not complete. Try "acctl fleet help".' \
	acctl fleet set server-id 1 epoch 2 lease
check_error 'Error: unknown argument "now" for "fleet release", try "acctl fleet help".' \
	acctl fleet release now
check_error 'Error: duplicate "fleet".' acctl $SA enc null fleet fleet

check_error 'Command line is not complete. Try "acctl socket help".' acctl socket
check_error 'Error: argument "dev" is required.' acctl socket attach
check_error 'Error: argument "dev" is required.' acctl socket detach
check_error 'Error: device "nope" does not exist.' acctl socket attach dev nope
check_error 'Error: argument "0" is wrong: port must be a number from 1 to 65535' \
	acctl socket attach port 0
check_error 'Error: argument "2001:db8::1" is wrong: address must be an IPv4 address' \
	acctl socket attach address 2001:db8::1
check_error 'Error: unknown argument "port" for "socket detach", try "acctl socket help".' \
	acctl socket detach port 4500

check_error 'Error: argument "yes" is wrong: allow-null must be "on" or "off"' \
	acctl tunnel add x dev lo mode ipsec local 192.0.2.1 remote 198.51.100.1 allow-null yes
check_error 'Command line is not complete. Try "acctl tunnel help".' \
	acctl tunnel set x allow-null

cat >/tmp/sa.batch <<'EOB'
# help is fine, then a bad key on line 4
sa help

sa add tunnel t dir in spi 0x1000 enc cbc-aes-128 key 00112233445566778899aabbccddeeff auth hmac-sha256 key 0x1
fleet set server-id 1
EOB
check_error "Command failed /tmp/sa.batch:4" acctl -b /tmp/sa.batch
printf 'fleet help\nsocket attach dev nope\n' >/tmp/sock.batch
check_error "Command failed -:2" sh -c 'acctl -b - </tmp/sock.batch'
finish
