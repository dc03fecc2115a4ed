/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * payload.h - the numbers of the IKEv2 wire format: payload types,
 * exchange types, header flags, protocol IDs, transform types and
 * attributes, ID/TS/auth types and notify message types (RFC 7296
 * section 3, RFC 7383 fragmentation, RFC 7427 signatures, and the IANA
 * "IKEv2 Parameters" registries).
 *
 * Transform IDs (ENCR_*, PRF_*, AUTH_*) are not here: crypto/transform.h
 * is their one home. Key exchange group numbers are used as plain numbers
 * in the encoding layer (only to check KE lengths); crypto/dh.h names them.
 */
#ifndef ACIKD_ENCODING_PAYLOAD_H
#define ACIKD_ENCODING_PAYLOAD_H

/* Fixed sizes (RFC 7296 3.1, 3.2). */
#define IKE_HEADER_LEN		28
#define IKE_PAYLOAD_HEADER_LEN	4
#define IKE_VERSION_MAJOR	2
#define IKE_VERSION_MINOR	0

/* Payload types (RFC 7296 3.2 table, RFC 7383 2.5). */
enum ike_payload_type {
	IKE_PL_NONE = 0,	/* "No Next Payload" */
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,	/* Ni and Nr */
	IKE_PL_NOTIFY = 41,
	IKE_PL_DELETE = 42,
	IKE_PL_VENDOR = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,		/* Encrypted and Authenticated */
	IKE_PL_CP = 47,		/* Configuration */
	IKE_PL_EAP = 48,
	IKE_PL_SKF = 53,	/* Encrypted and Authenticated Fragment */
};

/* Generic payload header: the only bit of the flags octet (RFC 7296 3.2). */
#define IKE_PL_CRITICAL		0x80

/* Exchange types (RFC 7296 3.1). */
enum ike_exchange_type {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	CREATE_CHILD_SA = 36,
	INFORMATIONAL = 37,
};

/*
 * Header flags (RFC 7296 3.1). The other bits must be sent as zero and
 * ignored on receipt; so is V.
 */
#define IKE_FLAG_INITIATOR	0x08
#define IKE_FLAG_VERSION	0x10
#define IKE_FLAG_RESPONSE	0x20

/* Security protocol IDs (RFC 7296 3.3.1). */
enum ike_protocol_id {
	IKE_PROTO_NONE = 0,
	IKE_PROTO_IKE = 1,
	IKE_PROTO_AH = 2,
	IKE_PROTO_ESP = 3,
};

/* Transform types (RFC 7296 3.3.2). */
enum ike_transform_type {
	IKE_TRANSFORM_ENCR = 1,
	IKE_TRANSFORM_PRF = 2,
	IKE_TRANSFORM_INTEG = 3,
	IKE_TRANSFORM_DH = 4,	/* "Key Exchange Method" since RFC 9370 */
	IKE_TRANSFORM_ESN = 5,
};

/* ESN transform IDs (RFC 7296 3.3.2). */
enum ike_esn_id {
	IKE_ESN_NO = 0,
	IKE_ESN_YES = 1,
};

/*
 * Transform attributes (RFC 7296 3.3.5). The top bit of the type is the
 * Attribute Format: set means TV (a 2-byte value in place of the length).
 * Key Length is the only attribute IKEv2 defines, and it is always TV.
 */
#define IKE_ATTR_FORMAT_TV	0x8000
#define IKE_ATTR_KEY_LENGTH	14

/* Proposal and Transform substructure "Last Substruc" values (3.3.1). */
#define IKE_PROPOSAL_LAST	0
#define IKE_PROPOSAL_MORE	2
#define IKE_TRANSFORM_LAST	0
#define IKE_TRANSFORM_MORE	3

/* Identification types (RFC 7296 3.5). */
enum ike_id_wire_type {	/* config.h names the subset acikd accepts ike_id_type */
	ID_IPV4_ADDR = 1,
	ID_FQDN = 2,
	ID_RFC822_ADDR = 3,
	ID_IPV6_ADDR = 5,
	ID_DER_ASN1_DN = 9,
	ID_DER_ASN1_GN = 10,
	ID_KEY_ID = 11,
};

/* Authentication methods (RFC 7296 3.8, RFC 7427). */
enum ike_auth_method {
	AUTH_METHOD_RSA = 1,
	AUTH_METHOD_PSK = 2,
	AUTH_METHOD_DSS = 3,
	AUTH_METHOD_ECDSA_256 = 9,
	AUTH_METHOD_ECDSA_384 = 10,
	AUTH_METHOD_ECDSA_521 = 11,
	AUTH_METHOD_DIGITAL_SIGNATURE = 14,
};

/* Traffic selector types (RFC 7296 3.13.1). */
enum ike_ts_type {
	TS_IPV4_ADDR_RANGE = 7,
	TS_IPV6_ADDR_RANGE = 8,
};

/* Configuration payload types (RFC 7296 3.15). */
enum ike_cfg_type {
	CFG_REQUEST = 1,
	CFG_REPLY = 2,
	CFG_SET = 3,
	CFG_ACK = 4,
};

/*
 * Notify message types (RFC 7296 3.10.1 and the IANA registry). Below
 * 16384 they are errors; a response carrying one may omit the payloads
 * the exchange otherwise requires (message.c relies on this split).
 */
enum ike_notify_type {
	NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	NOTIFY_INVALID_IKE_SPI = 4,
	NOTIFY_INVALID_MAJOR_VERSION = 5,
	NOTIFY_INVALID_SYNTAX = 7,
	NOTIFY_INVALID_MESSAGE_ID = 9,
	NOTIFY_INVALID_SPI = 11,
	NOTIFY_NO_PROPOSAL_CHOSEN = 14,
	NOTIFY_INVALID_KE_PAYLOAD = 17,
	NOTIFY_AUTHENTICATION_FAILED = 24,
	NOTIFY_SINGLE_PAIR_REQUIRED = 34,
	NOTIFY_NO_ADDITIONAL_SAS = 35,
	NOTIFY_INTERNAL_ADDRESS_FAILURE = 36,
	NOTIFY_FAILED_CP_REQUIRED = 37,
	NOTIFY_TS_UNACCEPTABLE = 38,
	NOTIFY_INVALID_SELECTORS = 39,
	NOTIFY_TEMPORARY_FAILURE = 43,
	NOTIFY_CHILD_SA_NOT_FOUND = 44,

	NOTIFY_ERROR_MAX = 16383,	/* last error type */

	NOTIFY_INITIAL_CONTACT = 16384,
	NOTIFY_SET_WINDOW_SIZE = 16385,
	NOTIFY_ADDITIONAL_TS_POSSIBLE = 16386,
	NOTIFY_IPCOMP_SUPPORTED = 16387,
	NOTIFY_NAT_DETECTION_SOURCE_IP = 16388,
	NOTIFY_NAT_DETECTION_DESTINATION_IP = 16389,
	NOTIFY_COOKIE = 16390,
	NOTIFY_USE_TRANSPORT_MODE = 16391,
	NOTIFY_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	NOTIFY_REKEY_SA = 16393,
	NOTIFY_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	NOTIFY_NON_FIRST_FRAGMENTS_ALSO = 16395,
	NOTIFY_MOBIKE_SUPPORTED = 16396,
	NOTIFY_MULTIPLE_AUTH_SUPPORTED = 16404,
	NOTIFY_ANOTHER_AUTH_FOLLOWS = 16405,
	NOTIFY_REDIRECT_SUPPORTED = 16406,
	NOTIFY_EAP_ONLY_AUTHENTICATION = 16417,
	NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED = 16430,
	NOTIFY_SIGNATURE_HASH_ALGORITHMS = 16431,
};

/* Lengths of the notification data that RFCs fix. */
#define NOTIFY_NAT_DETECTION_LEN	20	/* SHA-1 (RFC 7296 2.23) */
#define NOTIFY_COOKIE_MAX_LEN		64	/* RFC 7296 2.6 */

#endif /* ACIKD_ENCODING_PAYLOAD_H */
