/* SPDX-License-Identifier: MIT */
/*
 * archive-lazy.h - libarchive, loaded on first use (archive-lazy.c and
 * lazy.h), private to libcrashtriage.  Include this
 * instead of <archive.h> and call ct_archive_load() before the first
 * archive_*() call: the calls then go through the loaded library.
 */
#ifndef CT_ARCHIVE_LAZY_H
#define CT_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

#include "analyzer/crashtriage.h"

/* The libarchive functions libcrashtriage calls. */
#define CT_ARCHIVE_FUNCTIONS(X)                                              \
	X(archive_read_new) X(archive_read_free)                             \
	X(archive_read_support_filter_all)                                   \
	X(archive_read_support_format_tar)                                   \
	X(archive_read_support_format_gnutar)                                \
	X(archive_read_support_format_zip)                                   \
	X(archive_read_support_format_7zip)                                  \
	X(archive_read_support_format_raw)                                   \
	X(archive_read_open_fd) X(archive_read_open_memory)                  \
	X(archive_read_open) X(archive_set_error)                            \
	X(archive_read_next_header) X(archive_read_data)                     \
	X(archive_read_data_skip) X(archive_error_string) X(archive_format)  \
	X(archive_filter_code) X(archive_filter_bytes)                       \
	X(archive_entry_pathname) X(archive_entry_filetype)                  \
	X(archive_entry_size) X(archive_entry_size_is_set)

struct ct_archive_api {
#define CT_ARCHIVE_POINTER(f) __typeof__(f) *f;
	CT_ARCHIVE_FUNCTIONS(CT_ARCHIVE_POINTER)
#undef CT_ARCHIVE_POINTER
};

/* Filled by ct_archive_load(); read-only afterwards. */
extern struct ct_archive_api ct_archive_api;

/*
 * ct_archive_load - load libarchive (its SONAME as configure found it)
 * and resolve every function above, once per process; thread-safe.
 * Return: NULL when archive_*() may be called; CT_ERROR_UNSUPPORTED
 * naming the library when it cannot be loaded (the same error every time).
 */
struct ct_error *ct_archive_load(void);

#ifndef CT_ARCHIVE_LAZY_IMPL
#define archive_read_new ct_archive_api.archive_read_new
#define archive_read_free ct_archive_api.archive_read_free
#define archive_read_support_filter_all \
	ct_archive_api.archive_read_support_filter_all
#define archive_read_support_format_tar \
	ct_archive_api.archive_read_support_format_tar
#define archive_read_support_format_gnutar \
	ct_archive_api.archive_read_support_format_gnutar
#define archive_read_support_format_zip \
	ct_archive_api.archive_read_support_format_zip
#define archive_read_support_format_7zip \
	ct_archive_api.archive_read_support_format_7zip
#define archive_read_support_format_raw \
	ct_archive_api.archive_read_support_format_raw
#define archive_read_open_fd ct_archive_api.archive_read_open_fd
#define archive_read_open_memory ct_archive_api.archive_read_open_memory
#define archive_read_open ct_archive_api.archive_read_open
#define archive_set_error ct_archive_api.archive_set_error
#define archive_read_next_header ct_archive_api.archive_read_next_header
#define archive_read_data ct_archive_api.archive_read_data
#define archive_read_data_skip ct_archive_api.archive_read_data_skip
#define archive_error_string ct_archive_api.archive_error_string
#define archive_format ct_archive_api.archive_format
#define archive_filter_code ct_archive_api.archive_filter_code
#define archive_filter_bytes ct_archive_api.archive_filter_bytes
#define archive_entry_pathname ct_archive_api.archive_entry_pathname
#define archive_entry_filetype ct_archive_api.archive_entry_filetype
#define archive_entry_size ct_archive_api.archive_entry_size
#define archive_entry_size_is_set ct_archive_api.archive_entry_size_is_set
#endif

#endif /* CT_ARCHIVE_LAZY_H */
