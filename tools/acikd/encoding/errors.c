// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * errors.c - what each parse error means, and which notification a
 * responder sends for it (RFC 7296 2.21). Errors that mean "this is not
 * a message for us, or a forgery" are dropped without a reply: answering
 * them would make us a reflector.
 */
#include <string.h>

#include "encoding.h"

static const struct {
	uint16_t notify;
	const char *text;
} errors[ENC_E_MAX - ENC_E_TRUNCATED] = {
#define E(code, n, t) [code - ENC_E_TRUNCATED] = { n, t }
	E(ENC_E_TRUNCATED, NOTIFY_INVALID_SYNTAX, "truncated field"),
	E(ENC_E_LENGTH, NOTIFY_INVALID_SYNTAX, "bad length field"),
	E(ENC_E_MSG_LENGTH, 0, "header length is not the datagram length"),
	E(ENC_E_VERSION, NOTIFY_INVALID_MAJOR_VERSION,
	  "unsupported major version"),
	E(ENC_E_SPI, 0, "invalid IKE SPIs"),
	E(ENC_E_EXCHANGE, 0, "unknown exchange type"),
	E(ENC_E_CRITICAL, NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD,
	  "unsupported critical payload"),
	E(ENC_E_UNEXPECTED, NOTIFY_INVALID_SYNTAX,
	  "payload not allowed in this exchange"),
	E(ENC_E_NOT_ENCRYPTED, NOTIFY_INVALID_SYNTAX,
	  "payload must be encrypted"),
	E(ENC_E_DUPLICATE, NOTIFY_INVALID_SYNTAX, "duplicate payload"),
	E(ENC_E_TOO_MANY, NOTIFY_INVALID_SYNTAX, "too many payloads"),
	E(ENC_E_MISSING, NOTIFY_INVALID_SYNTAX, "mandatory payload missing"),
	E(ENC_E_ORDER, NOTIFY_INVALID_SYNTAX, "payload out of order"),
	E(ENC_E_VALUE, NOTIFY_INVALID_SYNTAX, "invalid field value"),
	E(ENC_E_PROPOSAL, NOTIFY_INVALID_SYNTAX, "malformed proposal"),
	E(ENC_E_FRAGMENT, 0, "invalid fragment number or total"),
	E(ENC_E_STATE, 0, "encrypted part parsed out of turn"),
#undef E
};

static bool is_enc_error(int err)
{
	return err <= -ENC_E_TRUNCATED && err > -ENC_E_MAX;
}

uint16_t enc_error_notify(int err)
{
	return is_enc_error(err) ? errors[-err - ENC_E_TRUNCATED].notify : 0;
}

const char *enc_strerror(int err)
{
	if (err >= 0)
		return "success";
	if (is_enc_error(err))
		return errors[-err - ENC_E_TRUNCATED].text;
	return strerror(-err);
}
