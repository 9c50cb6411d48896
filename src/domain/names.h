/*
 * names - the file names of the exchange (SPEC §2), matched strictly.
 *
 *   CB_<SENDER>_<YYYYMMDD>_<SEQ6>.xml|.zip     RSP_<PUJK>_<YYYYMMDD>_<SEQ6>.xml|.zip
 *   DSP_<PUJK>_<YYYYMMDD>_<SEQ6>.xml|.zip      ACK_<base name>[_<n>].xml (n >= 2)
 * each optionally followed by ".p7s".  Codes are [A-Z0-9]{3,12}; the date
 * must be a real calendar date.  Nothing else is an exchange name.
 */
#ifndef SLKTX_NAMES_H
#define SLKTX_NAMES_H

#include <stdint.h>

enum name_kind { NAME_NONE = 0, NAME_CB, NAME_RSP, NAME_DSP, NAME_ACK };

struct exchange_name {
	enum name_kind kind;
	enum name_kind acked;  /* for NAME_ACK: the kind acknowledged */
	char code[16];         /* sender or PUJK code */
	char base[64];         /* "CB_OJK_20261127_000001" (for ACK: "ACK_CB_..._2") */
	int answer;            /* for NAME_ACK: 1 for ACK_<base>, n for ACK_<base>_<n> */
	char ext[8];           /* "xml" or "zip" */
	int date;              /* YYYYMMDD */
	int seq;
	int signature;         /* the name ends in ".p7s" */
};

/* 0 and *out filled when name is an exchange name, -1 otherwise. */
int names_parse(const char *name, struct exchange_name *out);
/* "CB", "RSP", "DSP", "ACK" */
const char *names_kind_prefix(enum name_kind k);
/* Code pattern [A-Z0-9]{3,12}. */
int names_code_valid(const char *code);

#endif
