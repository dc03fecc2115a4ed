# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# encoding.mk - the IKEv2 message encoding layer of acikd, its cmocka unit
# tests and its libFuzzer target. Included by tools/acikd/Makefile, or run
# on its own from anywhere:
#
#   make -f encoding/encoding.mk                 build and run the tests
#   make -f encoding/encoding.mk check-encoding  the same
#   make -f encoding/encoding.mk fuzz            fuzz/fuzz_message (clang)
#   make -f encoding/encoding.mk fuzz-run        fuzz FUZZ_SECONDS (60) from
#                                                fuzz/corpus into fuzz/work
#   make -f encoding/encoding.mk fuzz-corpus     rewrite the seed corpus
#   make -f encoding/encoding.mk clean-encoding
#
# For an includer: ENCODING_SRCS / ENCODING_OBJS (paths relative to
# tools/acikd) go into the library; ENCODING_TESTS are the test binaries
# that check-encoding runs. Set ENC_SANITIZE=1 to build the tests with
# ASan and UBSan.

# Keep an includer's default goal: make picks the next target it defines.
ENC_SAVED_GOAL := $(.DEFAULT_GOAL)

ENC_DIR   := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
ENC_TOP   := $(patsubst %/,%,$(dir $(ENC_DIR)))

ENCODING_SRCS  := $(addprefix encoding/, parser.c generator.c payloads.c \
		    proposal.c ts.c message.c errors.c)
ENCODING_OBJS  := $(ENCODING_SRCS:.c=.o)
ENCODING_TESTS := $(addprefix tests/, test_parser test_generator \
		    test_message test_proposal)
ENCODING_TEST_UTIL := tests/enc_samples.c

# Relative paths when run from tools/acikd (so `make tests/test_parser`
# and an includer's lists name the same files), absolute otherwise.
ENC_PFX   := $(if $(filter $(CURDIR),$(ENC_TOP)),,$(ENC_TOP)/)
ENC_OBJS  := $(addprefix $(ENC_PFX), $(ENCODING_OBJS))
ENC_TESTS := $(addprefix $(ENC_PFX), $(ENCODING_TESTS))
ENC_UTIL  := $(ENC_PFX)$(ENCODING_TEST_UTIL:.c=.o)
ENC_FUZZ  := $(ENC_PFX)fuzz/fuzz_message
ENC_HDRS  := $(wildcard $(ENC_DIR)/*.h) $(ENC_TOP)/chunk.h \
	     $(ENC_TOP)/tests/enc_samples.h

ENC_SAN_yes := -fsanitize=address,undefined -fno-omit-frame-pointer
ENC_CC      ?= $(CC)
ENC_CFLAGS  := -std=gnu11 -Wall -Wextra -Werror -O2 -g -I$(ENC_TOP) \
	       $(if $(ENC_SANITIZE),$(ENC_SAN_yes))
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O1 -g -I$(ENC_TOP) \
	       -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60

.PHONY: check-encoding fuzz fuzz-run fuzz-corpus clean-encoding FORCE

check-encoding: $(ENC_TESTS)
	@set -e; for t in $(ENC_TESTS); do echo "  RUN  $$t"; $$t; done

# Objects are rebuilt when the flags change (e.g. ENC_SANITIZE=1 and back).
ENC_STAMP := $(ENC_PFX)encoding/.cflags
$(ENC_STAMP): FORCE
	@echo '$(ENC_CC) $(ENC_CFLAGS)' | cmp -s - $@ || \
		echo '$(ENC_CC) $(ENC_CFLAGS)' > $@
FORCE:

$(ENC_OBJS) $(ENC_UTIL): %.o: %.c $(ENC_HDRS) $(ENC_STAMP)
	$(ENC_CC) $(ENC_CFLAGS) -c -o $@ $<

$(ENC_TESTS): %: %.c $(ENC_OBJS) $(ENC_UTIL) $(ENC_HDRS)
	$(ENC_CC) $(ENC_CFLAGS) -o $@ $< $(ENC_UTIL) $(ENC_OBJS) -lcmocka

# The fuzzer compiles the sources itself: it needs its own instrumentation.
fuzz: $(ENC_FUZZ)

$(ENC_FUZZ): $(ENC_PFX)fuzz/fuzz_message.c \
	     $(addprefix $(ENC_PFX), $(ENCODING_SRCS)) $(ENC_HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(ENC_PFX)fuzz/fuzz_message.c \
		$(addprefix $(ENC_PFX), $(ENCODING_SRCS))

# New inputs go to a scratch directory: the committed corpus stays small.
fuzz-run: $(ENC_FUZZ)
	rm -rf $(ENC_TOP)/fuzz/work && mkdir -p $(ENC_TOP)/fuzz/work
	cd $(ENC_TOP)/fuzz && ./fuzz_message -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 work corpus

# Rewrite the committed seeds (a handful of messages, one per shape).
fuzz-corpus: $(ENC_PFX)fuzz/make_corpus.c $(ENC_OBJS) $(ENC_UTIL) $(ENC_HDRS)
	$(ENC_CC) $(ENC_CFLAGS) -I$(ENC_TOP)/tests -o $(ENC_PFX)fuzz/make_corpus \
		$< $(ENC_UTIL) $(ENC_OBJS) -lcmocka
	cd $(ENC_TOP) && mkdir -p fuzz/corpus && ./fuzz/make_corpus

clean-encoding:
	$(RM) $(ENC_OBJS) $(ENC_UTIL) $(ENC_TESTS) $(ENC_FUZZ) \
		$(ENC_PFX)fuzz/make_corpus $(ENC_STAMP)
	$(RM) -r $(ENC_TOP)/fuzz/work

.DEFAULT_GOAL := $(if $(ENC_SAVED_GOAL),$(ENC_SAVED_GOAL),\
	$(if $(filter 1,$(words $(MAKEFILE_LIST))),check-encoding))
