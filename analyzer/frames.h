/* SPDX-License-Identifier: MIT */
/*
 * frames.h - frame names (frames.c), private to libcrashtriage: the
 * family a backtrace belongs to, clone-suffix normalisation, the
 * generic-frame lists and glob matching of names.
 */
#ifndef CT_FRAMES_H
#define CT_FRAMES_H

#include <stdbool.h>

#include "analyzer/crashtriage.h"

/* Which family of frame names a backtrace belongs to: selects skip lists. */
enum ct_frame_family {
	CT_FAMILY_ANY = 0,
	CT_FAMILY_ESXI,
	CT_FAMILY_LINUX,
	CT_FAMILY_USER,
};

/* Copy name without compiler clone suffixes (".isra.0", ".cold", ...). */
char *ct_frame_normalize(const char *name);
/* Mark generic frames of bt (panic plumbing, abort and what is above it). */
void ct_backtrace_mark_generic(struct ct_backtrace *bt,
			       enum ct_frame_family family);

/* Does name match pattern, where each '*' stands for any run of bytes?
 * (Frame lists: "kasan_*", "*_is_static_object", "std::sys::*::abort") */
bool ct_name_matches(const char *pattern, const char *name);

/* The slot of name in an open-addressing table of slots slots (its hash
 * modulo slots), for the lists of names indexed by exact name. */
size_t ct_name_slot(const char *name, size_t slots);
/* Is name (normalised) on the generic-frame list of family? */
bool ct_frame_is_plumbing(const char *name, enum ct_frame_family family);

/* Release the strings of one frame (used on error paths). */
void ct_frame_deinit(struct ct_frame *f);

#endif /* CT_FRAMES_H */
